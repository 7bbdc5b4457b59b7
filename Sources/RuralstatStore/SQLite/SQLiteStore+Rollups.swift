import Foundation
import GRDB
import GRDBSQLite
import RuralstatModel

/// Which current observations to load.
public struct ObservationFilter: Sendable {
    /// Indicator codes (nil: all).
    public var indicators: Set<String>?
    /// Periods as canonical text (nil: all).
    public var periods: Set<String>?
    /// Province digits (nil: all).
    public var provinces: Set<Int>?

    public init(indicators: Set<String>? = nil, periods: Set<String>? = nil, provinces: Set<Int>? = nil) {
        self.indicators = indicators
        self.periods = periods
        self.provinces = provinces
    }
}

/// The rollups a recompute replaces: indicators × periods × regions. Rows outside it are never touched.
public struct RollupScope: Sendable {
    /// The regions of the scope.
    public enum Regions: Sendable, Hashable {
        /// Every region and the nation.
        case all
        /// The regions of these provinces (by their two digits), and the nation.
        case provinces(Set<Int>)
        /// The subtree of a region and its ancestors up to the nation (a recompute of a subtree
        /// recomputes what is made from it, and nothing beside it).
        case subtree(RegionCode)
        /// The regions of these provinces, without the nation (a pass over one province at a time).
        case within(Set<Int>)
        /// The subtree of a region and its ancestors below the nation: a subtree's part of its province.
        case branch(RegionCode)
        /// The nation alone.
        case nation

        /// The part of these regions that lies in one province, without the nation (a recompute that
        /// writes province by province writes each province's part, then the nation's).
        public func within(province: Int) -> Regions {
            switch self {
            case .all, .provinces, .within, .nation: .within([province])
            case .subtree(let root), .branch(let root): root == .national ? .within([province]) : .branch(root)
            }
        }

        /// Whether a rollup of `region` lies in the scope.
        public func contains(_ region: RegionCode) -> Bool {
            switch self {
            case .all: true
            case .provinces(let provinces): region == .national || provinces.contains(region.digits(at: .province))
            case .subtree(let root): region.isWithin(root) || root.isWithin(region)
            case .within(let provinces): region != .national && provinces.contains(region.digits(at: .province))
            case .branch(let root): region != .national && (region.isWithin(root) || root.isWithin(region))
            case .nation: region == .national
            }
        }

        /// The same test in SQL on an integer `region` column.
        package var condition: String {
            switch self {
            case .all:
                return "TRUE"
            case .provinces(let provinces):
                return "(region = 0 OR (region / 10000000000) IN (\(provinces.sorted().map(String.init).joined(separator: ","))))"
            case .within(let provinces):
                return "(region <> 0 AND (region / 10000000000) IN (\(provinces.sorted().map(String.init).joined(separator: ","))))"
            case .nation:
                return "region = 0"
            case .subtree(let root), .branch(let root):
                let below = RegionLevel.allCases.dropFirst().filter { $0 < root.level }.map { root.ancestor(at: $0) }
                let ancestors = (self == .subtree(root) ? [RegionCode.national] : []) + below
                let range = "(region >= \(root.rawValue) AND region < \(root.rawValue + root.subtreeSpan))"
                // A province's branch has no ancestor below the nation, and an empty IN list is no SQL everywhere.
                guard !ancestors.isEmpty else { return range }
                return "(\(range) OR region IN (\(ancestors.map { String($0.rawValue) }.joined(separator: ","))))"
            }
        }
    }

    /// Indicator codes (nil: all).
    public var indicators: Set<String>?
    /// Periods as canonical text (nil: all).
    public var periods: Set<String>?
    public var regions: Regions

    public init(indicators: Set<String>?, periods: Set<String>?, regions: Regions) {
        self.indicators = indicators
        self.periods = periods
        self.regions = regions
    }

    /// Everything: a full recompute.
    public static let everything = RollupScope(indicators: nil, periods: nil, regions: .all)
}

extension SQLiteStore {
    /// Streams the current observations in batches, in the store's order (period, region, indicator),
    /// so that a province of a period is one range of the clustered key.
    ///
    /// Read with the SQLite C API (GRDB's rows box every value, which costs more than the read at ten
    /// million rows); each value's type is still checked, so a value changed by hand is an error, not a crash.
    public func currentObservations(
        _ filter: ObservationFilter, batchSize: Int,
        _ body: (ObservationBatch) throws -> Void
    ) throws {
        try pool.read { db in
            let codes = try StoreKeys.codes(db, store: path)
            let indicatorIDs = codes.indicators.keys.sorted(), periodIDs = codes.periods.keys.sorted()
            // Table positions by key number, in arrays: the numbers are small and dense.
            func positions(_ ids: [Int64]) -> [UInt16] {
                var table = [UInt16](repeating: .max, count: Int(ids.last ?? 0) + 1)
                for (position, id) in ids.enumerated() where id >= 0 { table[Int(id)] = UInt16(position) }
                return table
            }
            let indicatorIndex = positions(indicatorIDs), periodIndex = positions(periodIDs)
            var conditions: [String] = []
            if let indicators = filter.indicators {
                let ids = indicatorIDs.filter { indicators.contains(codes.indicators[$0]!) }
                conditions.append("indicator_id IN (\(ids.map(String.init).joined(separator: ",")))")
            }
            // The key starts with the period: naming every period lets a province's regions be read
            // as one range a period, not found by scanning the whole table.
            if filter.periods != nil || filter.provinces != nil {
                let ids = periodIDs.filter { id in filter.periods.map { $0.contains(codes.periods[id]!.description) } ?? true }
                conditions.append("period_id IN (\(ids.map(String.init).joined(separator: ",")))")
            }
            if let provinces = filter.provinces {
                let ranges = provinces.sorted().map { "region BETWEEN \(Int64($0) * 10_000_000_000) AND \(Int64($0 + 1) * 10_000_000_000 - 1)" }
                conditions.append("(\(ranges.isEmpty ? "0" : ranges.joined(separator: " OR ")))")
            }
            let statement = try db.makeStatement(
                sql: """
                    SELECT period_id, region, indicator_id, value, status FROM current_values
                    WHERE \(conditions.isEmpty ? "1" : conditions.joined(separator: " AND ")) ORDER BY period_id, region, indicator_id
                    """)
            let handle = statement.sqliteStatement
            let indicatorTable = indicatorIDs.map { codes.indicators[$0]! }, periodTable = periodIDs.map { codes.periods[$0]! }
            var batch = ObservationBatch(indicatorCodes: indicatorTable, periodTable: periodTable, capacity: batchSize)
            /// Throws unless the column's type is one of `types` (a mask of 1 << SQLite's type codes).
            func column(_ index: Int32, _ name: String, allowing types: Int32) throws {
                let type = sqlite3_column_type(handle, index)
                guard types & (1 << type) == 0 else { return }
                throw StoredRow(row: Row(), table: "current_values", store: path)
                    .problem(
                        name,
                        "holds \(ColumnReading.shown(handle, index)), not a \(name == "status" ? "status letter" : name == "value" ? "Double" : "key number")")
            }
            let integer: Int32 = 1 << SQLITE_INTEGER, number: Int32 = 1 << SQLITE_INTEGER | 1 << SQLITE_FLOAT | 1 << SQLITE_NULL
            let letter: Int32 = 1 << SQLITE_TEXT | 1 << SQLITE_NULL
            while true {
                let code = sqlite3_step(handle)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else {
                    throw StoreError(path: path, message: "reading the current values failed: \(String(cString: sqlite3_errstr(code)))")
                }
                try column(0, "period_id", allowing: integer)
                try column(1, "region", allowing: integer)
                try column(2, "indicator_id", allowing: integer)
                try column(3, "value", allowing: number)
                try column(4, "status", allowing: letter)
                let periodID = Int(sqlite3_column_int64(handle, 0)), indicatorID = Int(sqlite3_column_int64(handle, 2))
                let period = periodIndex.indices.contains(periodID) ? periodIndex[periodID] : .max
                let indicator = indicatorIndex.indices.contains(indicatorID) ? indicatorIndex[indicatorID] : .max
                guard period != .max, indicator != .max else {
                    throw StoredRow(row: Row(), table: "current_values", store: path)
                        .problem("period_id or indicator_id", "holds a number no key table knows")
                }
                let value = sqlite3_column_type(handle, 3) == SQLITE_NULL ? Double.nan : sqlite3_column_double(handle, 3)
                let status = sqlite3_column_type(handle, 4) == SQLITE_NULL ? 0 : sqlite3_column_text(handle, 4)[0]
                batch.append(
                    region: sqlite3_column_int64(handle, 1), indicator: indicator, period: period, value: value, status: status,
                    action: .merge, line: 0)
                if batch.count >= batchSize {
                    try body(batch)
                    batch = ObservationBatch(indicatorCodes: indicatorTable, periodTable: periodTable, capacity: batchSize)
                }
            }
            if !batch.isEmpty { try body(batch) }
        }
    }

    /// Replaces the stored rollups of the scope with `rollups` (those of them that lie in the scope),
    /// recording the run that made them and, in `rollup_changes`, which rollups it added, changed or
    /// removed. Nothing outside the scope is touched.
    public func replaceRollups(_ rollups: [Rollup], scope: RollupScope, runID: Int64) throws {
        try pool.write { db in
            var conditions = [scope.regions.condition]
            var arguments: [any DatabaseValueConvertible] = []
            if let indicators = scope.indicators {
                conditions.append("indicator IN (\(indicators.map { _ in "?" }.joined(separator: ",")))")
                arguments += indicators.sorted() as [any DatabaseValueConvertible]
            }
            if let periods = scope.periods {
                conditions.append("period IN (\(periods.map { _ in "?" }.joined(separator: ",")))")
                arguments += periods.sorted() as [any DatabaseValueConvertible]
            }
            let condition = conditions.joined(separator: " AND ")
            // What the scope held before, to tell what changed.
            var before: [RollupKey: (value: Double?, publication: String)] = [:]
            let read = try db.makeStatement(sql: "SELECT level, region, indicator, period, value, publication FROM rollups WHERE \(condition)")
            try read.setArguments(StatementArguments(arguments))
            let reading = read.sqliteStatement
            func text(_ column: Int32) -> String { ColumnReading.text(reading, column) }
            while sqlite3_step(reading) == SQLITE_ROW {
                let value: Double? = sqlite3_column_type(reading, 4) == SQLITE_NULL ? nil : sqlite3_column_double(reading, 4)
                before[RollupKey(level: text(0), region: sqlite3_column_int64(reading, 1), indicator: text(2), period: text(3))] = (value, text(5))
            }
            try db.execute(sql: "DELETE FROM rollups WHERE \(condition)", arguments: StatementArguments(arguments))
            // In key order, many rows to a statement, bound with the C API: a statement per row cost
            // 3 µs a rollup (GRDB's boxed arguments 10 µs); within one statement SQLite keeps its place in the B-tree.
            var periods: [Period: String] = [:]
            for rollup in rollups where periods[rollup.period] == nil { periods[rollup.period] = rollup.period.description }
            var written: [Int] = [], changes: [(key: RollupKey, kind: String)] = []
            for index in Self.keyOrder(rollups, periods: periods) {
                let rollup = rollups[index], periodText = periods[rollup.period]!
                guard scope.regions.contains(rollup.region), scope.indicators?.contains(rollup.indicator) ?? true,
                    scope.periods?.contains(periodText) ?? true
                else { continue }
                written.append(index)
                let key = RollupKey(level: rollup.level.description, region: rollup.region.rawValue, indicator: rollup.indicator, period: periodText)
                let old = before.removeValue(forKey: key)
                let value: Double? = rollup.value.isNaN ? nil : rollup.value
                if old == nil || old!.value != value || old!.publication != rollup.publication.rawValue { changes.append((key, "upsert")) }
            }
            for key in before.keys.sorted(by: { ($0.indicator, $0.period, $0.level, $0.region) < ($1.indicator, $1.period, $1.level, $1.region) }) {
                changes.append((key, "delete"))
            }
            let rollupColumns = """
                run_id, level, region, indicator, period, value, contributing, expected, coverage, publication, reported_value, imbalance,
                relative_imbalance, numerator, denominator
                """
            try MultiRowInsert(db: db, store: path, head: "INSERT OR REPLACE INTO rollups (\(rollupColumns))", columns: 15).insert(written.count) {
                statement, base, row in
                let rollup = rollups[written[row]]
                func number(_ offset: Int32, _ value: Double?) {
                    if let value, !value.isNaN { sqlite3_bind_double(statement, base + offset, value) } else { sqlite3_bind_null(statement, base + offset) }
                }
                sqlite3_bind_int64(statement, base, runID)
                MultiRowInsert.bind(statement, base + 1, rollup.level.description)
                sqlite3_bind_int64(statement, base + 2, rollup.region.rawValue)
                MultiRowInsert.bind(statement, base + 3, rollup.indicator)
                MultiRowInsert.bind(statement, base + 4, periods[rollup.period]!)
                number(5, rollup.value)
                sqlite3_bind_int64(statement, base + 6, Int64(rollup.contributing))
                if let expected = rollup.expected { sqlite3_bind_int64(statement, base + 7, Int64(expected)) } else { sqlite3_bind_null(statement, base + 7) }
                number(8, rollup.coverage)
                MultiRowInsert.bind(statement, base + 9, rollup.publication.rawValue)
                number(10, rollup.reported)
                number(11, rollup.imbalance)
                number(12, rollup.relativeImbalance)
                sqlite3_bind_double(statement, base + 13, rollup.numerator)
                sqlite3_bind_double(statement, base + 14, rollup.denominator)
            }
            try MultiRowInsert(db: db, store: path, head: "INSERT INTO rollup_changes (run_id, level, region, indicator, period, change)", columns: 6)
                .insert(changes.count) { statement, base, row in
                    let (key, kind) = changes[row]
                    sqlite3_bind_int64(statement, base, runID)
                    MultiRowInsert.bind(statement, base + 1, key.level)
                    sqlite3_bind_int64(statement, base + 2, key.region)
                    MultiRowInsert.bind(statement, base + 3, key.indicator)
                    MultiRowInsert.bind(statement, base + 4, key.period)
                    MultiRowInsert.bind(statement, base + 5, kind)
                }
        }
    }

    /// The periods the store holds observations or rollups for, of these indicators (nil: all).
    public func periods(of indicators: Set<String>?) throws -> Set<String> {
        let list = indicators.map { $0.sorted() }
        let condition = list.map { "WHERE indicator IN (\($0.map { _ in "?" }.joined(separator: ",")))" } ?? ""
        let arguments = StatementArguments((list ?? []) + (list ?? []))
        return try pool.read { db in
            Set(
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT p.period FROM period_keys p WHERE EXISTS (
                            SELECT 1 FROM current_values c JOIN indicator_keys i ON i.id = c.indicator_id
                            WHERE c.period_id = p.id \(condition.isEmpty ? "" : "AND i.code IN (\(list!.map { _ in "?" }.joined(separator: ",")))"))
                        UNION SELECT DISTINCT period FROM rollups \(condition)
                        """, arguments: arguments))
        }
    }

    /// What changed in the rollups after run `run`: the rollups added or changed since (as they are
    /// now), and the keys removed since and not added back.
    public func rollupChanges(since run: Int64) throws -> (changed: [Rollup], removed: [RollupKey]) {
        // The last change of each key after the run decides (changes are appended in order).
        var last: [RollupKey: String] = [:]
        try pool.read { db in
            let rows = try Row.fetchCursor(
                db, sql: "SELECT level, region, indicator, period, change FROM rollup_changes WHERE run_id > ? ORDER BY rowid",
                arguments: [run])
            while let stored = try rows.next() {
                let row = checked(stored, "rollup_changes")
                last[RollupKey(level: try row("level"), region: try row("region"), indicator: try row("indicator"), period: try row("period"))] = try row(
                    "change")
            }
        }
        return try settledChanges(last)
    }

    static func keyOrder(_ rollups: [Rollup], periods: [Period: String]) -> [Int] {
        func ranks(_ texts: Set<String>) -> [String: UInt64] {
            Dictionary(
                uniqueKeysWithValues: texts.sorted { Array($0.utf8).lexicographicallyPrecedes($1.utf8) }.enumerated().map { ($0.element, UInt64($0.offset)) })
        }
        let indicators = ranks(Set(rollups.map(\.indicator))), periodRanks = ranks(Set(periods.values))
        let levels = ranks(Set(RegionLevel.allCases.map(\.description)))
        let keys = rollups.map { rollup in
            (
                major: indicators[rollup.indicator]! << 40 | periodRanks[periods[rollup.period]!]! << 8 | levels[rollup.level.description]!,
                region: rollup.region.rawValue
            )
        }
        return keys.indices.sorted { keys[$0] < keys[$1] }
    }

    /// The stored rollups, in (indicator, period, level, region) order, for reports and tests.
    public func storedRollups() throws -> [Rollup] { try storedRollups(where: "1", arguments: []) }

    public func storedRollups(regions: RollupScope.Regions, levels: Set<RegionLevel>?) throws -> [Rollup] {
        let levelCondition = levels.map { "level IN (\($0.map { _ in "?" }.joined(separator: ",")))" } ?? "1"
        return try storedRollups(
            where: "\(regions.condition) AND \(levelCondition)", arguments: (levels ?? []).map(\.description).sorted() as [any DatabaseValueConvertible])
    }

    public func rollupIndicators() throws -> Set<String> {
        try pool.read { db in Set(try String.fetchAll(db, sql: "SELECT DISTINCT indicator FROM rollups")) }
    }

    /// Read with the SQLite C API, every value's type checked (a row changed by hand is an error that
    /// names the column, never a crash): GRDB's rows took two seconds of the nightly reports at 720k rollups.
    private func storedRollups(where condition: String, arguments: [any DatabaseValueConvertible]) throws -> [Rollup] {
        try pool.read { db in
            let statement = try db.makeStatement(
                sql: """
                    SELECT level, region, indicator, period, value, contributing, expected, publication, reported_value, numerator, denominator
                    FROM rollups WHERE \(condition) ORDER BY indicator, period, level, region
                    """)
            try statement.setArguments(StatementArguments(arguments))
            let handle = statement.sqliteStatement
            let columns = [
                "level", "region", "indicator", "period", "value", "contributing", "expected", "publication", "reported_value", "numerator", "denominator",
            ]
            func problem(_ column: Int32, _ what: String) -> StoreError {
                StoredRow(row: Row(), table: "rollups", store: path).problem(columns[Int(column)], what)
            }
            func text(_ column: Int32) throws -> String {
                guard sqlite3_column_type(handle, column) == SQLITE_TEXT else { throw problem(column, "holds \(shown(column)), not a String") }
                return ColumnReading.text(handle, column)
            }
            func shown(_ column: Int32) -> String { ColumnReading.shown(handle, column) }
            func integer(_ column: Int32) throws -> Int64? {
                switch sqlite3_column_type(handle, column) {
                case SQLITE_NULL: return nil
                case SQLITE_INTEGER: return sqlite3_column_int64(handle, column)
                default: throw problem(column, "holds \(shown(column)), not an Int")
                }
            }
            func number(_ column: Int32) throws -> Double? {
                switch sqlite3_column_type(handle, column) {
                case SQLITE_NULL: return nil
                case SQLITE_INTEGER, SQLITE_FLOAT: return sqlite3_column_double(handle, column)
                default: throw problem(column, "holds \(shown(column)), not a Double")
                }
            }
            func required<T>(_ value: T?, _ column: Int32) throws -> T {
                guard let value else { throw problem(column, "is empty (NULL)") }
                return value
            }
            // Texts repeat row after row: parse each once.
            var levels: [String: RegionLevel] = [:], periods: [String: Period] = [:], publications: [String: Publication] = [:]
            var indicators: [String: String] = [:]
            var rollups: [Rollup] = []
            while true {
                let code = sqlite3_step(handle)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else {
                    throw StoreError(path: path, message: "reading the rollups failed: \(String(cString: sqlite3_errstr(code)))")
                }
                let levelText = try text(0), periodText = try text(3), publicationText = try text(7), indicatorText = try text(2)
                guard let level = levels[levelText] ?? RegionLevel(name: levelText) else {
                    throw problem(0, "holds '\(EchoText.quote(levelText))', which is not a level")
                }
                levels[levelText] = level
                let period: Period
                if let known = periods[periodText] {
                    period = known
                } else {
                    do { period = try Period(periodText) } catch { throw problem(3, "holds '\(EchoText.quote(periodText))', which is not a period") }
                    periods[periodText] = period
                }
                guard let publication = publications[publicationText] ?? Publication(rawValue: publicationText) else {
                    throw problem(7, "holds '\(EchoText.quote(publicationText))', which is not one of its values")
                }
                publications[publicationText] = publication
                let indicator = indicators[indicatorText] ?? indicatorText
                indicators[indicatorText] = indicator
                rollups.append(
                    Rollup(
                        level: level, region: RegionCode(uncheckedRawValue: try required(integer(1), 1)), indicator: indicator, period: period,
                        value: try number(4) ?? .nan, numerator: try required(number(9), 9), denominator: try required(number(10), 10),
                        contributing: Int(try required(integer(5), 5)), expected: try integer(6).map(Int.init), publication: publication,
                        reported: try number(8)))
            }
            return rollups
        }
    }
}

/// A partition that changed: an indicator in a period in a province.
public struct TouchedPartition: Sendable, Hashable {
    public var indicator: String
    public var period: String
    public var province: Int

    package init(
        indicator: String, period: String, province: Int
    ) {
        self.indicator = indicator
        self.period = period
        self.province = province
    }
}

extension SQLiteStore {
    /// The newest submission the stored rollups include (0 before any rollup).
    public func rollupWatermark() throws -> Int64 {
        try pool.read { try Int64.fetchOne($0, sql: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'rollup_watermark'") ?? 0 }
    }

    public func setRollupWatermark(_ submission: Int64) throws {
        try pool.write { try $0.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('rollup_watermark', ?)", arguments: [String(submission)]) }
    }

    /// The newest submission in the ledger.
    public func latestSubmission() throws -> Int64 {
        try pool.read { try Int64.fetchOne($0, sql: "SELECT max(id) FROM submissions") ?? 0 }
    }

    /// The partitions whose observations submissions after `watermark` added, revised or deleted.
    public func partitionsTouched(since watermark: Int64) throws -> Set<TouchedPartition> {
        try pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT i.code AS indicator, p.period, t.province FROM submission_partitions t
                    JOIN indicator_keys i ON i.id = t.indicator_id JOIN period_keys p ON p.id = t.period_id
                    WHERE t.submission_id > ?1
                    """, arguments: [watermark])
            return Set(rows.map { TouchedPartition(indicator: $0["indicator"], period: $0["period"], province: $0["province"]) })
        }
    }

    /// The stored province rollups of some indicators in a period, in province order.
    public func storedProvinceRollups(indicators: Set<String>, period: String) throws -> [Rollup] {
        let codes = indicators.sorted()
        return try storedRollups(
            where: "level = 'province' AND period = ? AND indicator IN (\(codes.map { _ in "?" }.joined(separator: ",")))",
            arguments: [period] + codes)
    }
}
