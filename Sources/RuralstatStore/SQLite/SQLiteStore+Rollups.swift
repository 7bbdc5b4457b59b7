import Foundation
import GRDB
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

        /// Whether a rollup of `region` lies in the scope.
        public func contains(_ region: RegionCode) -> Bool {
            switch self {
            case .all: true
            case .provinces(let provinces): region == .national || provinces.contains(region.digits(at: .province))
            case .subtree(let root): region.isWithin(root) || root.isWithin(region)
            }
        }

        /// The same test in SQL on an integer `region` column.
        var condition: String {
            switch self {
            case .all:
                return "1"
            case .provinces(let provinces):
                return "(region = 0 OR (region / 10000000000) IN (\(provinces.sorted().map(String.init).joined(separator: ","))))"
            case .subtree(let root):
                let ancestors = [RegionCode.national] + RegionLevel.allCases.dropFirst().filter { $0 < root.level }.map { root.ancestor(at: $0) }
                return
                    "((region >= \(root.rawValue) AND region < \(root.rawValue + root.subtreeSpan)) OR region IN (\(ancestors.map { String($0.rawValue) }.joined(separator: ","))))"
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
    /// Streams the current observations in batches, ordered by indicator, period and region.
    public func currentObservations(
        _ filter: ObservationFilter, batchSize: Int,
        _ body: (ObservationBatch) throws -> Void
    ) throws {
        var conditions = ["superseded_by IS NULL"]
        var arguments: [any DatabaseValueConvertible] = []
        if let indicators = filter.indicators {
            conditions.append("indicator IN (\(indicators.map { _ in "?" }.joined(separator: ",")))")
            arguments.append(contentsOf: indicators.sorted() as [any DatabaseValueConvertible])
        }
        if let periods = filter.periods {
            conditions.append("period IN (\(periods.map { _ in "?" }.joined(separator: ",")))")
            arguments.append(contentsOf: periods.sorted() as [any DatabaseValueConvertible])
        }
        if let provinces = filter.provinces {
            conditions.append("(region / 10000000000) IN (\(provinces.map { _ in "?" }.joined(separator: ",")))")
            arguments.append(contentsOf: provinces.sorted() as [any DatabaseValueConvertible])
        }
        try pool.read { db in
            let cursor = try Row.fetchCursor(
                db,
                sql: """
                    SELECT region, indicator, period, value, status FROM observations
                    WHERE \(conditions.joined(separator: " AND ")) ORDER BY indicator, period, region
                    """, arguments: StatementArguments(arguments))
            var batch = ObservationBatch()
            var indicatorIndex: [String: UInt16] = [:], periodIndex: [String: UInt16] = [:]
            while let stored = try cursor.next() {
                let row = checked(stored, "observations")
                let indicator: String = try row(1), periodText: String = try row(2)
                let i =
                    indicatorIndex[indicator]
                    ?? {
                        batch.indicatorCodes.append(indicator)
                        indicatorIndex[indicator] = UInt16(batch.indicatorCodes.count - 1)
                        return UInt16(batch.indicatorCodes.count - 1)
                    }()
                let p =
                    try periodIndex[periodText]
                    ?? {
                        batch.periodTable.append(try row.period("period"))
                        periodIndex[periodText] = UInt16(batch.periodTable.count - 1)
                        return UInt16(batch.periodTable.count - 1)
                    }()
                let status: String? = try row.optional(4)
                batch.append(
                    region: try row(0), indicator: i, period: p, value: try row.optional(3) ?? .nan,
                    status: status?.utf8.first ?? 0, action: .merge, line: 0)
                if batch.count >= batchSize {
                    try body(batch)
                    batch = ObservationBatch(indicatorCodes: batch.indicatorCodes, periodTable: batch.periodTable)
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
            let rows = try Row.fetchCursor(
                db, sql: "SELECT level, region, indicator, period, value, publication FROM rollups WHERE \(condition)",
                arguments: StatementArguments(arguments))
            while let stored = try rows.next() {
                let row = checked(stored, "rollups")
                before[RollupKey(level: try row("level"), region: try row("region"), indicator: try row("indicator"), period: try row("period"))] = (
                    try row.optional("value"), try row("publication")
                )
            }
            try db.execute(sql: "DELETE FROM rollups WHERE \(condition)", arguments: StatementArguments(arguments))
            let insert = try db.makeStatement(
                sql: """
                    INSERT OR REPLACE INTO rollups (run_id, level, region, indicator, period, value, contributing, expected, coverage,
                        publication, reported_value, imbalance, relative_imbalance, numerator, denominator)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            let change = try db.makeStatement(sql: "INSERT INTO rollup_changes (run_id, level, region, indicator, period, change) VALUES (?, ?, ?, ?, ?, ?)")
            var periods: [Period: String] = [:]
            for rollup in rollups {
                if periods[rollup.period] == nil { periods[rollup.period] = rollup.period.description }
                let period = periods[rollup.period]!
                guard scope.regions.contains(rollup.region), scope.indicators?.contains(rollup.indicator) ?? true,
                    scope.periods?.contains(period) ?? true
                else { continue }
                let value: Double? = rollup.value.isNaN ? nil : rollup.value
                try insert.execute(arguments: [
                    runID, rollup.level.description, rollup.region.rawValue, rollup.indicator, period,
                    value, rollup.contributing, rollup.expected, rollup.coverage,
                    rollup.publication.rawValue, rollup.reported, rollup.imbalance, rollup.relativeImbalance,
                    rollup.numerator, rollup.denominator,
                ])
                let key = RollupKey(level: rollup.level.description, region: rollup.region.rawValue, indicator: rollup.indicator, period: period)
                let old = before.removeValue(forKey: key)
                if old == nil || old!.value != value || old!.publication != rollup.publication.rawValue {
                    try change.execute(arguments: [runID, key.level, key.region, key.indicator, key.period, "upsert"])
                }
            }
            for key in before.keys.sorted(by: { ($0.indicator, $0.period, $0.level, $0.region) < ($1.indicator, $1.period, $1.level, $1.region) }) {
                try change.execute(arguments: [runID, key.level, key.region, key.indicator, key.period, "delete"])
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
                        SELECT DISTINCT period FROM observations \(condition.isEmpty ? "WHERE" : condition + " AND") superseded_by IS NULL
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
        let removed = last.filter { $0.value == "delete" }.map(\.key)
        let changed = Set(last.filter { $0.value == "upsert" }.map(\.key))
        let current = try storedRollups().filter {
            changed.contains(RollupKey(level: $0.level.description, region: $0.region.rawValue, indicator: $0.indicator, period: $0.period.description))
        }
        return (current, removed.sorted { ($0.region, $0.indicator, $0.period, $0.level) < ($1.region, $1.indicator, $1.period, $1.level) })
    }

    /// The stored rollups, in (indicator, period, level, region) order, for reports and tests.
    public func storedRollups() throws -> [Rollup] { try storedRollups(where: "1", arguments: []) }

    private func storedRollups(where condition: String, arguments: [any DatabaseValueConvertible]) throws -> [Rollup] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT level, region, indicator, period, value, contributing, expected, publication, reported_value, numerator, denominator
                    FROM rollups WHERE \(condition) ORDER BY indicator, period, level, region
                    """, arguments: StatementArguments(arguments)
            ).map { stored in
                let row = checked(stored, "rollups")
                return Rollup(
                    level: try row.level("level"), region: RegionCode(uncheckedRawValue: try row("region")),
                    indicator: try row("indicator"), period: try row.period("period"), value: try row.optional("value") ?? .nan,
                    numerator: try row("numerator"), denominator: try row("denominator"), contributing: try row("contributing"),
                    expected: try row.optional("expected"), publication: try row.choice("publication", Publication.init(rawValue:)),
                    reported: try row.optional("reported_value"))
            }
        }
    }
}

/// A partition that changed: an indicator in a period in a province.
public struct TouchedPartition: Sendable, Hashable {
    public var indicator: String
    public var period: String
    public var province: Int
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
                    SELECT DISTINCT indicator, period, region / 10000000000 AS province FROM observations
                    WHERE submission_id > ?1 OR superseded_by > ?1
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
