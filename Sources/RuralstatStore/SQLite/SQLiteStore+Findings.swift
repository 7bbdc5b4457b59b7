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
    /// Replaces every stored finding and tally with `results`, made by run `runID`. Quality checks
    /// look at the whole store, so their results replace the previous ones as a whole: a rerun on
    /// unchanged data writes the same rows.
    public func replaceFindings(_ results: QualityResults, runID: Int64) throws {
        try pool.write { db in
            // A finding found again keeps the run that first found it.
            var firstRuns: [String: Int64] = [:]
            let earlier = try Row.fetchCursor(db, sql: "SELECT rule_id, severity, level, region, indicator, period, first_run_id FROM findings")
            while let stored = try earlier.next() {
                let row = checked(stored, "findings")
                let key = Self.findingKey(
                    try row("rule_id"), try row("severity"), try row("level"), try row("region"), try row.optional("indicator"),
                    try row.optional("period"))
                if let first: Int64 = try row.optional("first_run_id") { firstRuns[key] = min(first, firstRuns[key] ?? first) }
            }
            try db.execute(sql: "DELETE FROM findings")
            try db.execute(sql: "DELETE FROM finding_tallies")
            let insert = try db.makeStatement(
                sql: """
                    INSERT INTO findings (run_id, first_run_id, rule_id, method, severity, tier, level, region, indicator, period, observed, expected,
                        lower_bound, upper_bound, statistic_name, statistic, parameters, parameter_values, peer_group, peer_size, explanation)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            func finite(_ value: Double?) -> Double? { value.flatMap { $0.isFinite ? $0 : nil } }
            let encoder = JSONEncoder.findingParameters
            for finding in results.findings {
                let key = Self.findingKey(
                    finding.ruleID, finding.severity.rawValue, finding.level.description, finding.region.rawValue,
                    finding.indicator, finding.period?.description)
                try insert.execute(arguments: [
                    runID, firstRuns[key] ?? runID, finding.ruleID, finding.method, finding.severity.rawValue, finding.tier?.rawValue,
                    finding.level.description,
                    finding.region.rawValue, finding.indicator, finding.period?.description, finite(finding.observed), finite(finding.expected),
                    finite(finding.lowerBound), finite(finding.upperBound), finding.statisticName, finite(finding.statistic), finding.parameters.description,
                    String(decoding: try encoder.encode(finding.parameters), as: UTF8.self),
                    finding.peerGroup?.description, finding.peerSize, finding.explanation,
                ])
            }
            let tally = try db.makeStatement(
                sql: """
                    INSERT INTO finding_tallies (run_id, rule_id, level, province, passed, failed, not_applicable) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
            for row in results.mergedTallies {
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
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM findings WHERE \(conditions.joined(separator: " AND "))
                    ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, rule_id, indicator, period, region, id
                    """, arguments: StatementArguments(arguments)
            ).map(finding)
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

    private static func findingKey(_ rule: String, _ severity: String, _ level: String, _ region: Int64, _ indicator: String?, _ period: String?) -> String {
        "\(rule)|\(severity)|\(level)|\(region)|\(indicator ?? "")|\(period ?? "")"
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
