import Dispatch
import Foundation
import RuralstatModel

/// Scatters validated observation batches into partitions as they arrive (from a reader or from the
/// store), and sorts and checks each column once at the end.
///
/// Missing values (NaN, with their status) take no part in rollups; they are counted. Deletes are
/// not applied here (a store applies them). A key given twice with different values is dropped,
/// one given twice identically is kept once.
public final class ObservationTableBuilder {
    private var indicatorIDs: [String: Int] = [:]
    private var indicators: [String] = []
    private var periodIDs: [Period: Int] = [:]
    private var periods: [Period] = []
    private var partitions: [Int: PartitionStorage] = [:]  // key: period << 8 | province
    private var lastKey = -1
    private var lastPartition: PartitionStorage?
    public private(set) var missingValues: [ObservationKey] = []
    public private(set) var ignoredDeletes = 0
    public private(set) var rows = 0

    private final class PartitionStorage: @unchecked Sendable {  // each is built by one thread
        /// One growing column per indicator; a class each, so an append touches one array only.
        var columns: [ColumnStorage] = []
        func ensure(_ indicator: Int) {
            while columns.count <= indicator { columns.append(ColumnStorage()) }
        }
    }

    private final class ColumnStorage {
        var regions: [Int64] = []
        var values: [Double] = []
    }

    public init() {}

    /// Adds a batch; its indicator and period tables are mapped onto the table's.
    public func add(_ batch: ObservationBatch) {
        let indicatorMap = batch.indicatorCodes.map { code -> Int in
            if let id = indicatorIDs[code] { return id }
            indicators.append(code)
            indicatorIDs[code] = indicators.count - 1
            return indicators.count - 1
        }
        let periodMap = batch.periodTable.map { period -> Int in
            if let id = periodIDs[period] { return id }
            periods.append(period)
            periodIDs[period] = periods.count - 1
            return periods.count - 1
        }
        for index in 0..<batch.count {
            if batch.actions[index] == Action.delete.rawValue {
                ignoredDeletes += 1
                continue
            }
            let region = batch.regions[index]
            let indicator = indicatorMap[Int(batch.indicators[index])]
            let period = periodMap[Int(batch.periods[index])]
            let value = batch.values[index]
            if value.isNaN {
                missingValues.append(ObservationKey(region: region, indicator: indicators[indicator], period: periods[period]))
                continue
            }
            rows += 1
            let key = period << 8 | Int(region / 10_000_000_000)
            let storage: PartitionStorage
            if key == lastKey, let last = lastPartition {
                storage = last
            } else if let existing = partitions[key] {
                storage = existing
            } else {
                storage = PartitionStorage()
                partitions[key] = storage
            }
            lastKey = key
            lastPartition = storage
            if indicator >= storage.columns.count { storage.ensure(indicator) }
            let column = storage.columns[indicator]
            column.regions.append(region)
            column.values.append(value)
        }
    }

    /// Sorts every column by region, settles repeated keys, and returns the table.
    public func build(workers: Int = ProcessInfo.activeProcessors) -> ObservationTable {
        struct Built { var partition: RegionPartition; var repeats: Int; var contradicted: [(indicator: Int, region: Int64)] }
        let entries = partitions.sorted { $0.key < $1.key }.map { (key: $0.key, storage: $0.value) }
        let indicatorCount = indicators.count
        for entry in entries { entry.storage.ensure(indicatorCount - 1) }
        let work = entries  // each entry is built by one thread
        // Partitions are sorted and settled on all cores.
        let built = concurrentMap(entries.count, workers: workers, cost: { index in work[index].storage.columns.reduce(0) { $0 + $1.regions.count } }) { index -> Built in
            let (key, storage) = work[index]
            var columns: [IndicatorColumn] = []
            var repeats = 0
            var contradicted: [(Int, Int64)] = []
            for indicator in 0..<indicatorCount {
                // Copied to exact size: the growing arrays may hold up to twice what they need.
                let growing = storage.columns[indicator]
                var column = IndicatorColumn(regions: growing.regions.withUnsafeBufferPointer { Array($0) },
                                             values: growing.values.withUnsafeBufferPointer { Array($0) })
                growing.regions = []
                growing.values = []
                if !Self.isSorted(column.regions) { column = Self.sorted(column) }
                let settled = Self.settle(column)
                repeats += settled.repeats
                contradicted.append(contentsOf: settled.contradicted.map { (indicator, $0) })
                columns.append(settled.column)
            }
            return Built(partition: RegionPartition(period: key >> 8, province: key & 0xFF, columns: columns),
                         repeats: repeats, contradicted: contradicted)
        }
        let contradictions = built.flatMap { result in
            result.contradicted.map { ObservationKey(region: $0.region, indicator: indicators[$0.indicator], period: periods[result.partition.period]) }
        }
        return ObservationTable(indicators: indicators, periods: periods, partitions: built.map(\.partition),
                                contradictions: contradictions.sorted { ($0.indicator, $0.region) < ($1.indicator, $1.region) },
                                repeats: built.reduce(0) { $0 + $1.repeats })
    }

    private static func isSorted(_ regions: [Int64]) -> Bool {
        var previous = Int64.min
        for region in regions {
            if region < previous { return false }
            previous = region
        }
        return true
    }

    private static func sorted(_ column: IndicatorColumn) -> IndicatorColumn {
        // A stable sort keeps the first of repeated keys first.
        let order = column.regions.indices.sorted { (column.regions[$0], $0) < (column.regions[$1], $1) }
        return IndicatorColumn(regions: order.map { column.regions[$0] }, values: order.map { column.values[$0] })
    }

    /// Keeps one of identical repeats; drops every row of a key with different values.
    private static func settle(_ column: IndicatorColumn) -> (column: IndicatorColumn, repeats: Int, contradicted: [Int64]) {
        var hasRepeat = false
        for index in column.regions.indices.dropFirst() where column.regions[index] == column.regions[index - 1] {
            hasRepeat = true
            break
        }
        guard hasRepeat else { return (column, 0, []) }
        var result = IndicatorColumn()
        var repeats = 0
        var contradicted: [Int64] = []
        var start = 0
        while start < column.count {
            var end = start + 1
            while end < column.count, column.regions[end] == column.regions[start] { end += 1 }
            let values = column.values[start..<end]
            if values.allSatisfy({ $0 == values.first! }) {
                result.regions.append(column.regions[start])
                result.values.append(values.first!)
                repeats += end - start - 1
            } else {
                contradicted.append(column.regions[start])
            }
            start = end
        }
        return (result, repeats, contradicted)
    }
}
