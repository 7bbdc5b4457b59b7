import Foundation
import GRDB
import RuralstatModel

/// What `ruralstat query` asks of the rollups: some indicators, a period range, levels, and a region
/// with the levels below it down to a depth.
public struct RollupQuery: Sendable {
    /// Indicator codes (at least one).
    public var indicators: Set<String>
    /// The first and last period as canonical text (nil: open).
    public var from: String?, to: String?
    /// Only these levels (nil: all).
    public var levels: Set<RegionLevel>?
    /// Only this region's subtree (nil: every region).
    public var region: RegionCode?
    /// With `region`: how many levels below it (0: the region alone; nil: the whole subtree).
    public var depth: Int?

    /// Creates the query; see the properties for each field.
    public init(
        indicators: Set<String>, from: String? = nil, to: String? = nil, levels: Set<RegionLevel>? = nil, region: RegionCode? = nil, depth: Int? = nil
    ) {
        self.indicators = indicators
        self.from = from
        self.to = to
        self.levels = levels
        self.region = region
        self.depth = depth
    }
}

/// One rollup as analysts read it (the `rollup_table` view): with the names and unit of the
/// indicator's definition valid in its period, its parts, coverage, publication mark and findings.
public struct RollupTableRow: Sendable, Hashable, Codable {
    public var level: String
    public var region: String
    public var regionName: String?
    public var indicator: String
    public var nameZh: String?
    public var nameEn: String?
    public var definitionVersion: String?
    public var period: String
    public var value: Double?
    public var unit: String?
    public var unitMultiplier: Int?
    public var numerator: Double
    public var denominator: Double
    public var contributing: Int
    public var expected: Int
    public var coverage: Double?
    public var publication: String
    public var findings: Int
}

extension SQLiteStore {
    /// The rollups a query selects from the `rollup_table` view, in (indicator, period, level, region) order.
    public func rollupTable(_ query: RollupQuery) throws -> [RollupTableRow] {
        var conditions = ["r.indicator IN (\(query.indicators.map { _ in "?" }.joined(separator: ", ")))"]
        var arguments: [any DatabaseValueConvertible] = query.indicators.sorted()
        if let from = query.from {
            conditions.append("r.period >= ?")
            arguments.append(from)
        }
        if let to = query.to {
            conditions.append("r.period <= ?")
            arguments.append(to)
        }
        var levels = query.levels ?? Set(RegionLevel.allCases)
        if let region = query.region, region != .national {
            // The subtree is a range of codes: the region's significant digits, then anything (the
            // view holds codes as 12-digit text, which orders as the numbers do).
            let span = Int64(pow(10, Double(12 - region.level.significantDigits)))
            conditions.append("r.region >= ? AND r.region < ?")
            arguments += [String(format: "%012lld", region.rawValue), String(format: "%012lld", region.rawValue + span)]
        }
        if let region = query.region, let depth = query.depth {
            levels = levels.filter { $0 >= region.level && $0.rawValue <= region.level.rawValue + depth }
        } else if let region = query.region {
            levels = levels.filter { $0 >= region.level }
        }
        conditions.append("r.level IN (\(levels.map { _ in "?" }.joined(separator: ", ")))")
        arguments += levels.sorted { $0.rawValue < $1.rawValue }.map(\.description)
        return try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT r.* FROM rollup_table r WHERE \(conditions.joined(separator: " AND "))
                    ORDER BY r.indicator, r.period,
                        CASE r.level WHEN 'national' THEN 0 WHEN 'province' THEN 1 WHEN 'prefecture' THEN 2 WHEN 'county' THEN 3
                            WHEN 'township' THEN 4 ELSE 5 END, r.region
                    """, arguments: StatementArguments(arguments)
            ).map { stored in
                let row = checked(stored, "rollup_table")
                return RollupTableRow(
                    level: try row("level"), region: try row("region"), regionName: try row.optional("region_name"), indicator: try row("indicator"),
                    nameZh: try row.optional("name_zh"), nameEn: try row.optional("name_en"), definitionVersion: try row.optional("definition_version"),
                    period: try row("period"), value: try row.optional("value"), unit: try row.optional("unit"),
                    unitMultiplier: try row.optional("unit_mult"), numerator: try row("numerator"), denominator: try row("denominator"),
                    contributing: try row("contributing"), expected: try row("expected"), coverage: try row.optional("coverage"),
                    publication: try row("publication"), findings: try row("findings"))
            }
        }
    }

    /// Every indicator code of the store's catalog with its names (each definition version's).
    public func indicatorNames() throws -> [(code: String, nameZh: String, nameEn: String)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT DISTINCT code, name_zh, name_en FROM indicators ORDER BY code").map { row in
                (row["code"], row["name_zh"], row["name_en"])
            }
        }
    }
}
