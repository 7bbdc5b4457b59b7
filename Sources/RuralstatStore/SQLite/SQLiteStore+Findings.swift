import Foundation
import GRDB
import RuralstatModel

/// Which stored findings to read; nil fields do not filter.
public struct FindingFilter: Sendable {
    public var rules: Set<String>?
    /// This severity and above.
    public var minimumSeverity: Severity?
    public var levels: Set<RegionLevel>?
    /// The subtree under this region.
    public var region: RegionCode?
    public var indicators: Set<String>?
    public var periods: Set<String>?

    public init(
        rules: Set<String>? = nil, minimumSeverity: Severity? = nil, levels: Set<RegionLevel>? = nil, region: RegionCode? = nil,
        indicators: Set<String>? = nil, periods: Set<String>? = nil
    ) {
        self.rules = rules
        self.minimumSeverity = minimumSeverity
        self.levels = levels
        self.region = region
        self.indicators = indicators
        self.periods = periods
    }
}

extension SQLiteStore {
    /// The columns a finding is written with, but for its first run (settled when the staged findings go in place).
    private static let findingColumns = """
        run_id, rule_id, method, severity, tier, level, region, indicator, period, observed, expected,
        lower_bound, upper_bound, statistic_name, statistic, parameters, parameter_values, peer_group, peer_size, explanation
        """

    /// The table findings are staged in: temporary, so each writer connection has its own, on disk.
    private static func createStagingTable(_ db: Database) throws {
        try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS staged_findings AS SELECT \(findingColumns) FROM main.findings WHERE 0")
    }

    /// Writes findings of run `runID` aside, in a table of the writer's connection (a temporary table,
    /// on disk), until ``replaceFindings(stagedBy:tallies:)`` puts them in place.
    public func stageFindings(_ findings: [Finding], runID: Int64, afresh: Bool) throws {
        try pool.write { db in
            try Self.createStagingTable(db)
            if afresh { try db.execute(sql: "DELETE FROM temp.staged_findings") }
            let insert = try db.makeStatement(
                sql: "INSERT INTO temp.staged_findings (\(Self.findingColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            func finite(_ value: Double?) -> Double? { value.flatMap { $0.isFinite ? $0 : nil } }
            let encoder = JSONEncoder.findingParameters
            for finding in findings {
                try insert.execute(arguments: [
                    runID, finding.ruleID, finding.method, finding.severity.rawValue, finding.tier?.rawValue, finding.level.description,
                    finding.region.rawValue, finding.indicator, finding.period?.description, finite(finding.observed), finite(finding.expected),
                    finite(finding.lowerBound), finite(finding.upperBound), finding.statisticName, finite(finding.statistic), finding.parameters.description,
                    String(decoding: try encoder.encode(finding.parameters), as: UTF8.self),
                    finding.peerGroup?.description, finding.peerSize, finding.explanation,
                ])
            }
        }
    }

    /// Replaces every stored finding and tally, in one transaction, with the findings run `runID`
    /// staged (in the order staged) and `tallies`. A finding found again keeps the run that first found it.
    public func replaceFindings(stagedBy runID: Int64, tallies: [RuleTally]) throws {
        try pool.write { db in
            try Self.createStagingTable(db)
            // The first run of every finding stored now, by its key (NULL indicator and period as '').
            try db.execute(
                sql: """
                    DROP TABLE IF EXISTS temp.first_runs;
                    CREATE TEMP TABLE first_runs AS
                        SELECT rule_id, severity, level, region, coalesce(indicator, '') AS indicator, coalesce(period, '') AS period,
                            min(first_run_id) AS first_run_id
                        FROM main.findings WHERE first_run_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6;
                    CREATE INDEX temp.first_runs_by_key ON first_runs (rule_id, severity, level, region, indicator, period);
                    DELETE FROM main.findings;
                    DELETE FROM main.finding_tallies;
                    """)
            try db.execute(
                sql: """
                    INSERT INTO main.findings (first_run_id, \(Self.findingColumns))
                    SELECT coalesce(f.first_run_id, s.run_id), s.*
                    FROM temp.staged_findings s LEFT JOIN temp.first_runs f
                        ON f.rule_id = s.rule_id AND f.severity = s.severity AND f.level = s.level AND f.region = s.region
                        AND f.indicator = coalesce(s.indicator, '') AND f.period = coalesce(s.period, '')
                    WHERE s.run_id = ? ORDER BY s.rowid
                    """, arguments: [runID])
            try db.execute(sql: "DELETE FROM temp.staged_findings; DROP TABLE temp.first_runs")
            let tally = try db.makeStatement(
                sql: """
                    INSERT INTO finding_tallies (run_id, rule_id, level, province, passed, failed, not_applicable) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
            for row in tallies {
                try tally.execute(arguments: [
                    runID, row.ruleID, row.level.description, row.province.rawValue, row.passed, row.failed,
                    row.notApplicable,
                ])
            }
        }
    }

    /// The stored findings that pass the filter, most severe first, then by rule, indicator, period and region.
    public func findings(_ filter: FindingFilter) throws -> [Finding] {
        var conditions = ["1"]
        var arguments: [any DatabaseValueConvertible] = []
        func within(_ column: String, _ values: [String]) {
            conditions.append("\(column) IN (\(values.map { _ in "?" }.joined(separator: ",")))")
            arguments += values
        }
        if let rules = filter.rules { within("rule_id", rules.sorted()) }
        if let minimum = filter.minimumSeverity { within("severity", Severity.allCases.filter { $0 >= minimum }.map(\.rawValue)) }
        if let levels = filter.levels { within("level", levels.map(\.description).sorted()) }
        if let indicators = filter.indicators { within("indicator", indicators.sorted()) }
        if let periods = filter.periods { within("period", periods.sorted()) }
        if let region = filter.region, region != .national {
            // A subtree is a range of codes: the region's digits followed by anything.
            let divisor = region.subtreeSpan
            conditions.append("region >= ? AND region < ?")
            arguments += [region.rawValue, region.rawValue + divisor]
        }
        return try pool.read { db in
            // A row at a time: GRDB's copied rows of 90,000 findings took 130 MB beside the findings.
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT * FROM findings WHERE \(conditions.joined(separator: " AND "))
                    ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, rule_id, indicator, period, region, id
                    """, arguments: StatementArguments(arguments))
            var findings: [Finding] = []
            while let row = try rows.next() { findings.append(try finding(row)) }
            return findings
        }
    }

    private func finding(_ stored: Row) throws -> Finding {
        let row = checked(stored, "findings")
        return Finding(
            ruleID: try row("rule_id"), method: try row("method"), severity: try row.choice("severity", Severity.init(rawValue:)),
            tier: try (row.optional("tier") as String?).flatMap(OutlierTier.init(rawValue:)), level: try row.level("level"),
            region: RegionCode(uncheckedRawValue: try row("region")), indicator: try row.optional("indicator"),
            period: try row.optionalPeriod("period"), observed: try row.optional("observed"), expected: try row.optional("expected"),
            lowerBound: try row.optional("lower_bound"), upperBound: try row.optional("upper_bound"),
            statisticName: try row.optional("statistic_name"), statistic: try row.optional("statistic"),
            parameters: try parameters(row), peerGroup: (try row.optional("peer_group") as String?).flatMap { try? RegionCode($0) },
            peerSize: try row.optional("peer_size"), explanation: try row("explanation"))
    }

    /// The typed parameters; a finding stored before they were typed (schema v4) has its text only,
    /// shown as one unnamed parameter until the next quality run replaces it.
    private func parameters(_ row: StoredRow) throws -> FindingParameters {
        guard let json: String = try row.optional("parameter_values") else {
            return FindingParameters([.init(name: "", value: .text(try row.optional("parameters") ?? ""))])
        }
        do { return try JSONDecoder.findingParameters.decode(FindingParameters.self, from: Data(json.utf8)) } catch {
            throw row.problem("parameter_values", "is not a list of typed parameters (\(error))")
        }
    }

    /// How many stored findings there are of each severity.
    public func findingCounts() throws -> [Severity: Int] {
        try pool.read { db in
            var counts: [Severity: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT severity, count(*) AS n FROM findings GROUP BY severity") {
                if let severity = Severity(rawValue: row["severity"]) { counts[severity] = row["n"] }
            }
            return counts
        }
    }

    public func findingCountsByRule(newIn runID: Int64) throws -> [String: (findings: Int, new: Int)] {
        try pool.read { db in
            var counts: [String: (findings: Int, new: Int)] = [:]
            let rows = try Row.fetchAll(
                db, sql: "SELECT rule_id, count(*) AS n, sum(first_run_id = ?) AS fresh FROM findings GROUP BY rule_id", arguments: [runID])
            for row in rows { counts[row["rule_id"]] = (row["n"], row["fresh"] ?? 0) }
            return counts
        }
    }

    /// Error-level findings that these runs found first (not standing from before them).
    public func newErrorFindings(runs: [Int64]) throws -> Int {
        guard !runs.isEmpty else { return 0 }
        return try pool.read { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM findings WHERE severity = 'error' AND first_run_id IN (\(runs.map { _ in "?" }.joined(separator: ",")))",
                arguments: StatementArguments(runs)) ?? 0
        }
    }

    /// Every rule the stored checks looked at (with or without findings).
    public func ruleIDs() throws -> Set<String> {
        try pool.read { db in
            Set(try String.fetchAll(db, sql: "SELECT DISTINCT rule_id FROM finding_tallies UNION SELECT DISTINCT rule_id FROM findings"))
        }
    }

    /// The indicator codes of the store's catalog.
    public func indicatorCodes() throws -> Set<String> {
        try pool.read { db in Set(try String.fetchAll(db, sql: "SELECT DISTINCT code FROM indicators")) }
    }

    /// The stored tallies, in (rule, level, province) order.
    public func findingTallies() throws -> [RuleTally] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM finding_tallies ORDER BY rule_id, level, province").map { stored in
                let row = checked(stored, "finding_tallies")
                return RuleTally(
                    ruleID: try row("rule_id"), level: try row.level("level"), province: RegionCode(uncheckedRawValue: try row("province")),
                    passed: try row("passed"), failed: try row("failed"), notApplicable: try row("not_applicable"))
            }
        }
    }

    /// When each sender's submissions were prepared, per period they carried (files without a header
    /// prepared time, plain CSV, say nothing about lateness and are left out).
    public func submissionArrivals() throws -> [SubmissionArrival] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT s.sender, p.period, s.prepared_at AS arrived, s.file_name
                    FROM submissions s JOIN submission_partitions t ON t.submission_id = s.id JOIN period_keys p ON p.id = t.period_id
                    WHERE s.status = 'applied' AND s.sender IS NOT NULL AND s.prepared_at IS NOT NULL ORDER BY s.sender, p.period, arrived
                    """
            ).compactMap { stored in
                let row = checked(stored, "submissions")
                guard let arrived = MessageHeader.timestamp(try row("arrived")) else { return nil }
                return SubmissionArrival(sender: try row("sender"), period: try row.period("period"), arrived: arrived, file: try row("file_name"))
            }
        }
    }
}
