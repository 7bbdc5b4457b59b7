import Dispatch
import Foundation
import RuralstatModel

/// Scatters validated observation batches into partitions as they arrive (from a reader or from the
/// store), and sorts and settles each column once at the end.
///
/// Rows come message by message (a message is one submission file), in document order. Each key is
/// settled exactly as the store applies submissions (`StagedSubmission`), so that rolling up files without
/// a store gives the store's rollups:
/// - within one message, the upserts of a key that agree (value and status) count once; upserts that
///   disagree are all rejected, and the key keeps what earlier messages gave it;
/// - deletes apply where they stand in the document (an empty dimension of a delete matches all);
/// - a later message revises an earlier one;
/// - a key whose final value is missing (NaN, with its status) takes no part in rollups: it is listed.
/// Columns with none of this (one message, no repeats, no deletes, no missing values) pass untouched.
public final class ObservationTableBuilder {
    private var indicatorIDs: [String: Int] = [:]
    private var indicators: [String] = []
    private var periodIDs: [Period: Int] = [:]
    private var periods: [Period] = []
    private var partitions: [Int: PartitionStorage] = [:]  // key: period << 8 | province
    private var lastKey = -1
    private var lastPartition: PartitionStorage?
    private var wildcardDeletes: [WildcardDelete] = []
    /// The keys whose final value is missing (set by ``build(workers:)``).
    public private(set) var missingValues: [ObservationKey] = []
    /// Keys that one message gave several times: agreeing repeats merged, disagreeing ones rejected (set by ``build(workers:)``).
    public private(set) var repeatedKeys: [RepeatedKey] = []
    /// Rows scattered so far, upserts and keyed deletes alike (wildcard deletes are not counted).
    public private(set) var rows = 0

    /// A key one message gave more than once.
    public struct RepeatedKey: Sendable, Hashable {
        /// The repeated (region, indicator, period).
        public var key: ObservationKey
        /// The message (0, 1, … in the order they were added).
        public var message: Int
        /// The values given, in document order (NaN for missing).
        public var values: [Double]
        /// True when they disagree (all rejected); false when they agree (counted once).
        public var contradictory: Bool
    }

    private final class PartitionStorage: @unchecked Sendable {  // each is built by one thread
        /// One growing column per indicator. Values, not objects: an append is one access to this
        /// array, which keeps run-time exclusivity checks to one a row.
        var columns: [ColumnStorage] = []
        func ensure(_ indicator: Int) {
            while columns.count <= indicator { columns.append(ColumnStorage()) }
        }
    }

    private struct ColumnStorage {
        var regions: [Int64] = []
        var values: [Double] = []
        /// OBS_STATUS: the one most rows share (the first row's), and the rows whose status differs —
        /// statuses only tell repeats apart, so they cost almost nothing where all rows agree.
        var commonStatus: UInt8?
        var otherStatuses: [Int: UInt8] = [:]
        /// Where each message's rows begin.
        var segments: [(start: Int, message: Int)] = []
        /// A keyed delete was appended, or a wildcard delete reaches the column: its keys need replaying.
        var hasDeletes = false
        /// A missing value was appended: it must leave the column.
        var hasMissing = false

        @inline(__always)
        mutating func append(_ region: Int64, _ value: Double, _ status: UInt8, message: Int) {
            if segments.last?.message != message { segments.append((regions.count, message)) }
            if status != commonStatus {
                if commonStatus == nil { commonStatus = status } else { otherStatuses[regions.count] = status }
            }
            if value.isNaN {
                if value.bitPattern == ObservationTableBuilder.deleteMarker.bitPattern { hasDeletes = true } else { hasMissing = true }
            }
            regions.append(region)
            values.append(value)
        }

        func status(ofRow row: Int) -> UInt8 { otherStatuses[row] ?? commonStatus ?? 0 }

        func message(ofRow row: Int) -> Int {
            var low = 0, high = segments.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if segments[middle].start <= row { low = middle } else { high = middle - 1 }
            }
            return segments[low].message
        }
    }

    /// A column of the builder: its partition's key and its indicator.
    private struct ColumnID: Hashable {
        var partition: Int
        var indicator: Int
    }

    /// A delete that leaves a dimension empty: it removes what the matching columns held when it came.
    private struct WildcardDelete {
        var message: Int
        var region: Int64?
        /// Per column it matches, how many rows the column had then.
        var rowsBefore: [ColumnID: Int]
    }

    /// The value a keyed delete stands as in a column (a NaN no reader produces).
    fileprivate static let deleteMarker = Double(bitPattern: 0x7FF8_0000_0000_DE1E)

    /// Creates an empty builder.
    public init() {}

    /// Adds a batch of message `message` (messages are added in order; a store's current
    /// observations are all one message). Its indicator and period tables are mapped onto the table's.
    public func add(_ batch: ObservationBatch, message: Int = 0) {
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
        // The builder's own state is read into locals for the loop and written back after it: each
        // access to a class's property costs a run-time exclusivity check.
        var (rows, lastKey, lastPartition) = (self.rows, self.lastKey, self.lastPartition)
        defer { (self.rows, self.lastKey, self.lastPartition) = (rows, lastKey, lastPartition) }
        let count = batch.count
        var index = 0
        while index < count {
            // A run of rows of one partition (rows come sorted or grouped: a file, a province of the
            // store) is appended to the partition's columns taken out into a local, so that a row
            // costs no reference count and no exclusivity check.
            let region = batch.regions[index]
            if batch.actions[index] == Action.delete.rawValue,
                region == ObservationBatch.wildcard || batch.indicators[index] == ObservationBatch.wildcardIndex
                    || batch.periods[index] == ObservationBatch.wildcardIndex
            {
                addWildcardDelete(batch, index, indicatorMap, periodMap, message: message)
                index += 1
                continue
            }
            let period = periodMap[Int(batch.periods[index])]
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
            var columns = storage.columns
            storage.columns = []
            var row = index
            while row < count {
                let region = batch.regions[row]
                var value = batch.values[row]
                if batch.actions[row] == Action.delete.rawValue {
                    if region == ObservationBatch.wildcard || batch.indicators[row] == ObservationBatch.wildcardIndex
                        || batch.periods[row] == ObservationBatch.wildcardIndex
                    {
                        break
                    }
                    value = Self.deleteMarker
                }
                let period = periodMap[Int(batch.periods[row])]
                guard period << 8 | Int(region / 10_000_000_000) == key else { break }
                let indicator = indicatorMap[Int(batch.indicators[row])]
                while indicator >= columns.count { columns.append(ColumnStorage()) }
                columns[indicator].append(region, value, batch.statuses[row], message: message)
                row += 1
            }
            storage.columns = columns
            rows += row - index
            index = row
        }
    }

    private func addWildcardDelete(_ batch: ObservationBatch, _ index: Int, _ indicatorMap: [Int], _ periodMap: [Int], message: Int) {
        let region = batch.regions[index] == ObservationBatch.wildcard ? nil : batch.regions[index]
        let indicator = batch.indicators[index] == ObservationBatch.wildcardIndex ? nil : indicatorMap[Int(batch.indicators[index])]
        let period = batch.periods[index] == ObservationBatch.wildcardIndex ? nil : periodMap[Int(batch.periods[index])]
        var delete = WildcardDelete(message: message, region: region, rowsBefore: [:])
        for (key, storage) in partitions {
            if let period, key >> 8 != period { continue }
            if let region, key & 0xFF != Int(region / 10_000_000_000) { continue }
            for position in storage.columns.indices where indicator == nil || indicator == position {
                storage.columns[position].hasDeletes = true
                delete.rowsBefore[ColumnID(partition: key, indicator: position)] = storage.columns[position].regions.count
            }
        }
        if !delete.rowsBefore.isEmpty { wildcardDeletes.append(delete) }
    }

    /// Sorts every column by region, settles repeated keys, and returns the table.
    public func build(workers: Int = ProcessInfo.activeProcessors) -> ObservationTable {
        struct Built { var partition: RegionPartition; var settled: Settled }
        let entries = partitions.sorted { $0.key < $1.key }.map { (key: $0.key, storage: $0.value) }
        let indicatorCount = indicators.count
        for entry in entries { entry.storage.ensure(indicatorCount - 1) }
        let work = entries  // each entry is built by one thread
        let deletes = wildcardDeletes
        // Partitions are sorted and settled on all cores.
        let built = concurrentMap(entries.count, workers: workers, cost: { index in work[index].storage.columns.reduce(0) { $0 + $1.regions.count } }) {
            index -> Built in
            let (key, storage) = work[index]
            var columns: [IndicatorColumn] = []
            var settled = Settled()
            for indicator in 0..<indicatorCount {
                // Taken out of the storage, so that settling can free the growing arrays as it goes.
                var growing = storage.columns[indicator]
                storage.columns[indicator] = ColumnStorage()
                let identity = ColumnID(partition: key, indicator: indicator)
                let applying = deletes.compactMap { delete in delete.rowsBefore[identity].map { (delete.message, delete.region, $0) } }
                columns.append(Self.settle(&growing, wildcards: applying, indicator: indicator, into: &settled))
            }
            return Built(partition: RegionPartition(period: key >> 8, province: key & 0xFF, columns: columns), settled: settled)
        }
        let key = { (indicator: Int, period: Int, region: Int64) in
            ObservationKey(region: region, indicator: self.indicators[indicator], period: self.periods[period])
        }
        missingValues = built.flatMap { result in result.settled.missing.map { key($0.indicator, result.partition.period, $0.region) } }
        repeatedKeys = built.flatMap { result in
            result.settled.repeats.map {
                RepeatedKey(
                    key: key($0.indicator, result.partition.period, $0.region), message: $0.message,
                    values: $0.values, contradictory: $0.contradictory)
            }
        }
        let contradictions = repeatedKeys.filter(\.contradictory).map(\.key)
        return ObservationTable(
            indicators: indicators, periods: periods, partitions: built.map(\.partition),
            contradictions: contradictions.sorted { ($0.indicator, $0.region) < ($1.indicator, $1.region) },
            repeats: repeatedKeys.filter { !$0.contradictory }.reduce(0) { $0 + $1.values.count - 1 })
    }

    /// What settling a partition found besides the values it keeps.
    private struct Settled {
        var missing: [(indicator: Int, region: Int64)] = []
        var repeats: [(indicator: Int, region: Int64, message: Int, values: [Double], contradictory: Bool)] = []
    }

    /// One column settled: sorted by region, one value per key, missing values and deletes taken out.
    private static func settle(
        _ growing: inout ColumnStorage, wildcards: [(message: Int, region: Int64?, rowsBefore: Int)], indicator: Int,
        into settled: inout Settled
    ) -> IndicatorColumn {
        // Copied to exact size: the growing arrays may hold up to twice what they need.
        let regions = growing.regions.withUnsafeBufferPointer { Array($0) }
        let values = growing.values.withUnsafeBufferPointer { Array($0) }
        growing.regions = []
        growing.values = []
        let sorted = isSorted(regions)
        if sorted, !growing.hasDeletes, !hasRepeat(regions) {
            guard growing.hasMissing else { return IndicatorColumn(regions: regions, values: values) }
            // One value a key and nothing deleted: the missing values only leave the column.
            var result = IndicatorColumn()
            result.regions.reserveCapacity(regions.count)
            result.values.reserveCapacity(regions.count)
            for (region, value) in zip(regions, values) {
                if value.isNaN {
                    settled.missing.append((indicator, region))
                } else {
                    result.regions.append(region)
                    result.values.append(value)
                }
            }
            return result
        }
        // A stable order keeps every key's rows in document (and message) order.
        let order = sorted ? Array(regions.indices) : regions.indices.sorted { (regions[$0], $0) < (regions[$1], $1) }
        var result = IndicatorColumn()
        result.regions.reserveCapacity(regions.count)
        result.values.reserveCapacity(regions.count)
        var start = 0
        while start < order.count {
            var end = start + 1
            let region = regions[order[start]]
            while end < order.count, regions[order[end]] == region { end += 1 }
            let deletes = wildcards.filter { $0.region == nil || $0.region == region }
            if end - start == 1, deletes.isEmpty, !values[order[start]].isNaN {
                result.regions.append(region)
                result.values.append(values[order[start]])
            } else {
                let rows = Array(order[start..<end])
                switch resolve(rows, values: values, deletes: deletes, column: growing, indicator: indicator, region: region, into: &settled) {
                case .value(let value):
                    result.regions.append(region)
                    result.values.append(value)
                case .missing:
                    settled.missing.append((indicator, region))
                case .absent:
                    break
                }
            }
            start = end
        }
        return result
    }

    private enum KeyState { case absent, missing, value(Double) }

    /// One key's rows (original positions, ascending) and the wildcard deletes that reach it, replayed
    /// message by message as the store applies them.
    private static func resolve(
        _ rows: [Int], values: [Double], deletes: [(message: Int, region: Int64?, rowsBefore: Int)],
        column: ColumnStorage, indicator: Int, region: Int64, into settled: inout Settled
    ) -> KeyState {
        // Events in document order: a wildcard delete stands before the rows the column gained after it.
        enum Event { case row(Int), delete }
        var events: [(position: Int, order: Int, message: Int, event: Event)] = rows.map { ($0, 1, column.message(ofRow: $0), .row($0)) }
        events += deletes.map { ($0.rowsBefore, 0, $0.message, .delete) }
        events.sort { ($0.position, $0.order) < ($1.position, $1.order) }
        var state = KeyState.absent
        var index = 0
        while index < events.count {
            let message = events[index].message
            var end = index
            while end < events.count, events[end].message == message { end += 1 }
            let group = events[index..<end]
            // The message's upserts of the key: agreeing ones count once (the first stands), disagreeing ones not at all.
            let upserts = group.compactMap { event -> Int? in
                if case .row(let row) = event.event, values[row].bitPattern != deleteMarker.bitPattern { return row }
                return nil
            }
            var kept = Set(upserts.prefix(1))
            if upserts.count > 1 {
                let first = upserts[0]
                let agree = upserts.allSatisfy { row in
                    (values[row] == values[first] || (values[row].isNaN && values[first].isNaN)) && column.status(ofRow: row) == column.status(ofRow: first)
                }
                if !agree { kept = [] }
                settled.repeats.append((indicator, region, message, upserts.map { values[$0] }, !agree))
            }
            for event in group {
                switch event.event {
                case .delete:
                    state = .absent
                case .row(let row) where values[row].bitPattern == deleteMarker.bitPattern:
                    state = .absent
                case .row(let row) where kept.contains(row):
                    state = values[row].isNaN ? .missing : .value(values[row])
                case .row:
                    break
                }
            }
            index = end
        }
        return state
    }

    private static func isSorted(_ regions: [Int64]) -> Bool {
        var previous = Int64.min
        for region in regions {
            if region < previous { return false }
            previous = region
        }
        return true
    }

    private static func hasRepeat(_ regions: [Int64]) -> Bool {
        for index in regions.indices.dropFirst() where regions[index] == regions[index - 1] { return true }
        return false
    }
}
