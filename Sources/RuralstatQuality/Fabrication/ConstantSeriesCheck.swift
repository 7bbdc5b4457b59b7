import Foundation
import RuralstatModel

/// A unit whose figure has not moved in `minimumPeriods` or more consecutive periods: real
/// amounts (grain output, income) change from year to year; a copied-forward figure does not.
/// Zeros are left out (a village with no farmland reports 0 every year).
public struct ConstantSeriesCheck: QualityCheck {
    public var minimumPeriods: Int

    public var ruleID: String { "constant_series" }

    public init(minimumPeriods: Int = 3) { self.minimumPeriods = minimumPeriods }

    public func run(_ input: QualityInput) -> QualityResults {
        let table = input.table
        var tally = TallyCounter(ruleID)
        var found: [Finding] = []
        // Partitions of one province, in period order.
        let provinces = Dictionary(grouping: table.partitions.indices) { table.partitions[$0].province }
        for province in provinces.keys.sorted() {
            let partitions = provinces[province]!.sorted { table.partitions[$0].period < table.partitions[$1].period }
            guard partitions.count >= minimumPeriods else { continue }
            for (index, code) in table.indicators.enumerated() {
                let periods = partitions.map { table.periods[table.partitions[$0].period] }
                guard let definition = input.catalog.definition(code, year: periods.last!.year), definition.kind.isAdditive else { continue }
                // Each unit's values over the periods (NaN where it did not report).
                var series: [Int64: [Double]] = [:]
                for (position, partition) in partitions.enumerated() {
                    let column = table.partitions[partition].columns[index]
                    for row in 0..<column.count {
                        series[column.regions[row], default: [Double](repeating: .nan, count: partitions.count)][position] = column.values[row]
                    }
                }
                for (region, values) in series.sorted(by: { $0.key < $1.key }) {
                    let run = Self.longestConstantRun(values)
                    guard run.length >= minimumPeriods else {
                        if values.filter({ !$0.isNaN }).count >= minimumPeriods { tally.pass(region) } else { tally.notApplicable(region) }
                        continue
                    }
                    tally.fail(region)
                    let code = RegionCode(uncheckedRawValue: region)
                    let explanation = "\(FindingText.unit(code, registry: input.registry)): \(FindingText.indicator(table.indicators[index], definition)) "
                        + "was \(FindingText.amount(run.value, definition)) in each of \(run.length) periods, \(periods[run.start]) to \(periods[run.start + run.length - 1])"
                    found.append(Finding(ruleID: ruleID, method: "unchanged_value", severity: .info, level: code.level, region: code,
                                         indicator: table.indicators[index], period: periods[run.start + run.length - 1], observed: run.value,
                                         statisticName: "periods", statistic: Double(run.length), parameters: "minimum_periods=\(minimumPeriods)",
                                         explanation: FindingText.tidy(explanation)))
                }
            }
        }
        return QualityResults(findings: found, tallies: tally.rows)
    }

    /// The longest run of equal, present, non-zero values in consecutive periods.
    static func longestConstantRun(_ values: [Double]) -> (start: Int, length: Int, value: Double) {
        var best = (start: 0, length: 0, value: Double.nan)
        var start = 0
        while start < values.count {
            var end = start + 1
            if !values[start].isNaN && values[start] != 0 {
                while end < values.count, values[end] == values[start] { end += 1 }
                if end - start > best.length { best = (start, end - start, values[start]) }
            }
            start = end
        }
        return best
    }
}
