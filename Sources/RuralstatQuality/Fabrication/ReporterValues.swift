import RuralstatAggregate
import RuralstatModel

/// The values each reporter stands behind: every unit under one region at `level` (the county that
/// compiles and sends its villages' figures), over the indicators and periods of the table that
/// `include` admits. Fabrication screens look at a reporter's figures together, not a unit's.
struct ReporterValues {
    /// The reporter's region, and its values in region, indicator, period order.
    var reporters: [(region: Int64, values: [Double])]

    init(_ table: ObservationTable, level: RegionLevel, catalog: IndicatorCatalog, include: (Indicator) -> Bool) {
        var byReporter: [Int64: [Double]] = [:]
        for partition in table.partitions {
            let period = table.periods[partition.period]
            for (index, column) in partition.columns.enumerated() where !column.isEmpty {
                guard let definition = catalog.definition(table.indicators[index], year: period.year), include(definition) else { continue }
                for row in 0..<column.count where RegionCode(uncheckedRawValue: column.regions[row]).level > level {
                    byReporter[Hierarchy.ancestorCode(column.regions[row], level), default: []].append(column.values[row])
                }
            }
        }
        reporters = byReporter.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
