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

extension RollupQuery {
    /// The levels a query admits: those asked for, at or below its region, within its depth.
    package var shownLevels: Set<RegionLevel> {
        var shown = levels ?? Set(RegionLevel.allCases)
        if let region {
            shown = shown.filter { level in level >= region.level && (depth.map { level.rawValue <= region.level.rawValue + $0 } ?? true) }
        }
        return shown
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

    package init(
        level: String, region: String, regionName: String?, indicator: String, nameZh: String?, nameEn: String?, definitionVersion: String?, period: String,
        value: Double?, unit: String?, unitMultiplier: Int?, numerator: Double, denominator: Double, contributing: Int, expected: Int, coverage: Double?,
        publication: String, findings: Int
    ) {
        self.level = level
        self.region = region
        self.regionName = regionName
        self.indicator = indicator
        self.nameZh = nameZh
        self.nameEn = nameEn
        self.definitionVersion = definitionVersion
        self.period = period
        self.value = value
        self.unit = unit
        self.unitMultiplier = unitMultiplier
        self.numerator = numerator
        self.denominator = denominator
        self.contributing = contributing
        self.expected = expected
        self.coverage = coverage
        self.publication = publication
        self.findings = findings
    }
}

/// One current observation as analysts read it: the figure a unit reported, with the names and unit
/// of the indicator's definition valid in its period, who sent it in which file, and its findings.
public struct ObservationTableRow: Sendable, Hashable, Codable {
    public var level: String
    public var region: String
    public var regionName: String?
    public var indicator: String
    public var nameZh: String?
    public var period: String
    public var value: Double
    public var unit: String?
    public var unitMultiplier: Int?
    /// SDMX OBS_STATUS as reported.
    public var status: String?
    public var sender: String
    public var file: String
    public var findings: Int

    package init(
        level: String, region: String, regionName: String?, indicator: String, nameZh: String?, period: String, value: Double, unit: String?,
        unitMultiplier: Int?, status: String?, sender: String, file: String, findings: Int
    ) {
        self.level = level
        self.region = region
        self.regionName = regionName
        self.indicator = indicator
        self.nameZh = nameZh
        self.period = period
        self.value = value
        self.unit = unit
        self.unitMultiplier = unitMultiplier
        self.status = status
        self.sender = sender
        self.file = file
        self.findings = findings
    }
}

extension SQLiteStore {
    /// The current observations a query selects (the reported figures, not the rollups), in
    /// (indicator, period, region) order.
    public func observationTable(_ query: RollupQuery) throws -> [ObservationTableRow] {
        let (conditions, arguments) = Self.conditions(query, table: "o") { $0 }
        let levels = query.shownLevels
        return try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT o.region, g.name AS region_name, o.indicator, i.name_zh, o.period, o.value, i.unit, i.unit_mult, o.status,
                           s.sender, s.file_name,
                           (SELECT count(*) FROM findings f WHERE f.indicator = o.indicator AND f.period = o.period AND f.region = o.region) AS findings
                    FROM (SELECT c.region, k.code AS indicator, p.period, c.value, c.status, c.submission_id
                          FROM current_values c JOIN indicator_keys k ON k.id = c.indicator_id JOIN period_keys p ON p.id = c.period_id) o
                    JOIN submissions s ON s.id = o.submission_id
                    LEFT JOIN regions g ON g.code = o.region AND g.edition = (SELECT max(edition) FROM regions)
                    LEFT JOIN indicators i ON i.code = o.indicator
                        AND CAST(substr(o.period, 1, 4) AS INTEGER) BETWEEN i.valid_from AND coalesce(i.valid_to, 9999)
                    WHERE \(conditions.joined(separator: " AND "))
                    ORDER BY o.indicator, o.period, o.region
                    """, arguments: StatementArguments(arguments)
            ).compactMap { stored in
                let row = checked(stored, "observations")
                let region = RegionCode(uncheckedRawValue: try row("region"))
                guard levels.contains(region.level) else { return nil }
                return ObservationTableRow(
                    level: region.level.description, region: region.description, regionName: try row.optional("region_name"),
                    indicator: try row("indicator"), nameZh: try row.optional("name_zh"), period: try row("period"), value: try row("value"),
                    unit: try row.optional("unit"), unitMultiplier: try row.optional("unit_mult"), status: try row.optional("status"),
                    sender: try row("sender"), file: try row("file_name"), findings: try row("findings"))
            }
        }
    }

    /// A query's conditions on the indicator, the period range and the region's subtree (a range of
    /// codes: the region's significant digits, then anything), on `table`'s columns; `code` gives a
    /// code as the table holds it.
    static func conditions(
        _ query: RollupQuery, table: String, code: (Int64) -> any DatabaseValueConvertible
    ) -> (conditions: [String], arguments: [any DatabaseValueConvertible]) {
        var conditions = ["\(table).indicator IN (\(query.indicators.map { _ in "?" }.joined(separator: ", ")))"]
        var arguments: [any DatabaseValueConvertible] = query.indicators.sorted()
        if let from = query.from {
            conditions.append("\(table).period >= ?")
            arguments.append(from)
        }
        if let to = query.to {
            conditions.append("\(table).period <= ?")
            arguments.append(to)
        }
        if let region = query.region, region != .national {
            let span = Int64(pow(10, Double(12 - region.level.significantDigits)))
            conditions.append("\(table).region >= ? AND \(table).region < ?")
            arguments += [code(region.rawValue), code(region.rawValue + span)]
        }
        return (conditions, arguments)
    }

    /// The rollups a query selects from the `rollup_table` view, in (indicator, period, level, region) order.
    public func rollupTable(_ query: RollupQuery) throws -> [RollupTableRow] {
        // The view holds codes as 12-digit text, which orders as the numbers do.
        var (conditions, arguments) = Self.conditions(query, table: "r") { String(format: "%012lld", $0) }
        let levels = query.shownLevels
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
