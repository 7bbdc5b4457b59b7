import Foundation
import PostgresNIO
import RuralstatModel
import RuralstatStore

@available(macOS 15, *)
extension ServerStore {
    /// Copies findings into the connection's staging table (emptied first when `afresh`).
    public func stageFindings(_ findings: [Finding], runID: Int64, afresh: Bool) throws {
        var rows = CopyRows()
        let encoder = JSONEncoder.findingParameters
        for finding in findings {
            rows.integer(runID)
            rows.text(finding.ruleID)
            rows.text(finding.method)
            rows.text(finding.severity.rawValue)
            rows.text(finding.tier?.rawValue)
            rows.text(finding.level.description)
            rows.integer(finding.region.rawValue)
            rows.text(finding.indicator)
            rows.text(finding.period?.description)
            rows.number(finding.observed)
            rows.number(finding.expected)
            rows.number(finding.lowerBound)
            rows.number(finding.upperBound)
            rows.text(finding.statisticName)
            rows.number(finding.statistic)
            rows.text(finding.parameters.description)
            rows.text(String(decoding: try encoder.encode(finding.parameters), as: UTF8.self))
            rows.text(finding.peerGroup?.description)
            rows.integer(finding.peerSize)
            rows.text(finding.explanation)
            rows.endRow()
        }
        let data = rows.buffer
        try prepareStaging()
        try run { connection in
            if afresh { try await connection.execute("TRUNCATE \(unescaped: ServerStaging.findings)") }
            try await connection.copy(into: ServerStaging.findings, columns: ServerStaging.findingColumns, data)
        }
    }

    /// Replaces the stored findings and tallies by those a run staged, in one transaction; a finding
    /// found before keeps the run that first found it.
    public func replaceFindings(stagedBy runID: Int64, tallies: [RuleTally]) throws {
        let columns = ServerStaging.findingColumns.joined(separator: ", ")
        let rules = tallies.map(\.ruleID), levels = tallies.map(\.level.description), provinces = tallies.map(\.province.rawValue)
        let passed = tallies.map(\.passed), failed = tallies.map(\.failed), notApplicable = tallies.map(\.notApplicable)
        try prepareStaging()
        try run { connection in
            try await connection.transaction { connection throws(ServerStoreError) in
                try await connection.execute(
                    """
                    CREATE TEMP TABLE first_runs ON COMMIT DROP AS
                        SELECT rule_id, severity, level, region, coalesce(indicator, '') AS indicator, coalesce(period, '') AS period,
                            min(first_run_id) AS first_run_id
                        FROM ruralstat.findings WHERE first_run_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6
                    """)
                try await connection.execute("DELETE FROM ruralstat.findings")
                try await connection.execute("DELETE FROM ruralstat.finding_tallies")
                try await connection.execute(
                    """
                    INSERT INTO ruralstat.findings (first_run_id, \(unescaped: columns))
                    SELECT coalesce(f.first_run_id, s.run_id), \(unescaped: ServerStaging.findingColumns.map { "s.\($0)" }.joined(separator: ", "))
                    FROM \(unescaped: ServerStaging.findings) s LEFT JOIN pg_temp.first_runs f
                        ON f.rule_id = s.rule_id AND f.severity = s.severity AND f.level = s.level AND f.region = s.region
                        AND f.indicator = coalesce(s.indicator, '') AND f.period = coalesce(s.period, '')
                    WHERE s.run_id = \(runID) ORDER BY s.seq
                    """)
                try await connection.execute("TRUNCATE \(unescaped: ServerStaging.findings)")
                try await connection.execute(
                    """
                    INSERT INTO ruralstat.finding_tallies (run_id, rule_id, level, region, passed, failed, not_applicable)
                    SELECT \(runID), * FROM unnest(\(rules)::text[], \(levels)::text[], \(provinces)::bigint[], \(passed)::integer[],
                        \(failed)::integer[], \(notApplicable)::integer[])
                    """)
            }
        }
    }

    public func findings(_ filter: FindingFilter) throws -> [Finding] {
        let rules = filter.rules.map { $0.sorted() }
        let severities = filter.minimumSeverity.map { minimum in Severity.allCases.filter { $0 >= minimum }.map(\.rawValue) }
        let levels = filter.levels.map { $0.map(\.description).sorted() }
        let indicators = filter.indicators.map { $0.sorted() }, periods = filter.periods.map { $0.sorted() }
        let root = filter.region.flatMap { $0 == .national ? nil : $0 }
        let (low, high) = (root?.rawValue, root.map { $0.rawValue + $0.subtreeSpan })
        let rows = try run { connection in
            try await connection.rows(
                """
                SELECT rule_id, method, severity, tier, level, region, indicator, period, observed, expected, lower_bound, upper_bound,
                    statistic_name, statistic, parameters, parameter_values::text, peer_group, peer_size, explanation
                FROM ruralstat.findings
                WHERE (\(rules)::text[] IS NULL OR rule_id = ANY(\(rules))) AND (\(severities)::text[] IS NULL OR severity = ANY(\(severities)))
                  AND (\(levels)::text[] IS NULL OR level = ANY(\(levels))) AND (\(indicators)::text[] IS NULL OR indicator = ANY(\(indicators)))
                  AND (\(periods)::text[] IS NULL OR period = ANY(\(periods)))
                  AND (\(low)::bigint IS NULL OR (region >= \(low) AND region < \(high)))
                ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, rule_id, indicator NULLS FIRST, period NULLS FIRST,
                    region, id
                """
            ) {
                try $0.decode(
                    (
                        String, String, String, String?, String, Int64, String?, String?, Double?, Double?, Double?, Double?, String?, Double?,
                        String?, String?, String?, Int?, String
                    ).self)
            }
        }
        let decoder = JSONDecoder.findingParameters
        return try rows.map { row in
            guard let severity = Severity(rawValue: row.2) else {
                throw problem("findings", "severity", "holds '\(EchoText.quote(row.2))', which is not one of its values")
            }
            guard let level = RegionLevel(name: row.4) else { throw problem("findings", "level", "holds '\(EchoText.quote(row.4))', which is not a level") }
            var period: Period?
            if let text = row.7 {
                guard let parsed = try? Period(text) else { throw problem("findings", "period", "holds '\(EchoText.quote(text))', which is not a period") }
                period = parsed
            }
            let parameters: FindingParameters
            if let json = row.15 {
                do { parameters = try decoder.decode(FindingParameters.self, from: Data(json.utf8)) } catch {
                    throw problem("findings", "parameter_values", "is not a list of typed parameters (\(error))")
                }
            } else {
                parameters = FindingParameters([.init(name: "", value: .text(row.14 ?? ""))])
            }
            return Finding(
                ruleID: row.0, method: row.1, severity: severity, tier: row.3.flatMap(OutlierTier.init(rawValue:)), level: level,
                region: RegionCode(uncheckedRawValue: row.5), indicator: row.6, period: period, observed: row.8, expected: row.9,
                lowerBound: row.10, upperBound: row.11, statisticName: row.12, statistic: row.13, parameters: parameters,
                peerGroup: row.16.flatMap { try? RegionCode($0) }, peerSize: row.17, explanation: row.18)
        }
    }

    public func findingCounts() throws -> [Severity: Int] {
        var counts: [Severity: Int] = [:]
        for (severity, count) in try run({ connection in
            try await connection.rows("SELECT severity, count(*) FROM ruralstat.findings GROUP BY severity") { try $0.decode((String, Int).self) }
        }) {
            if let severity = Severity(rawValue: severity) { counts[severity] = count }
        }
        return counts
    }

    public func findingCountsByRule(newIn runID: Int64) throws -> [String: (findings: Int, new: Int)] {
        var counts: [String: (findings: Int, new: Int)] = [:]
        for (rule, count, new) in try run({ connection in
            try await connection.rows(
                "SELECT rule_id, count(*), count(*) FILTER (WHERE first_run_id = \(runID)) FROM ruralstat.findings GROUP BY rule_id"
            ) { try $0.decode((String, Int, Int).self) }
        }) {
            counts[rule] = (count, new)
        }
        return counts
    }

    public func newErrorFindings(runs: [Int64]) throws -> Int {
        try run { connection in
            try await connection.rows("SELECT count(*) FROM ruralstat.findings WHERE severity = 'error' AND first_run_id = ANY(\(runs))") {
                try $0.decode(Int.self)
            }[0]
        }
    }

    public func ruleIDs() throws -> Set<String> {
        Set(
            try run { connection in
                try await connection.rows("SELECT rule_id FROM ruralstat.finding_tallies UNION SELECT rule_id FROM ruralstat.findings") {
                    try $0.decode(String.self)
                }
            })
    }

    public func indicatorCodes() throws -> Set<String> {
        Set(try run { connection in try await connection.rows("SELECT DISTINCT code FROM ruralstat.indicators") { try $0.decode(String.self) } })
    }

    public func findingTallies() throws -> [RuleTally] {
        let rows = try run { connection in
            try await connection.rows(
                "SELECT rule_id, level, region, passed, failed, not_applicable FROM ruralstat.finding_tallies ORDER BY rule_id, level, region"
            ) { try $0.decode((String, String, Int64, Int, Int, Int).self) }
        }
        return try rows.map { rule, levelText, province, passed, failed, notApplicable in
            guard let level = RegionLevel(name: levelText) else {
                throw problem("finding_tallies", "level", "holds '\(EchoText.quote(levelText))', which is not a level")
            }
            return RuleTally(
                ruleID: rule, level: level, province: RegionCode(uncheckedRawValue: province), passed: passed, failed: failed,
                notApplicable: notApplicable)
        }
    }

    // MARK: Assessment

    public func replaceAssessment(_ rows: [AssessmentRow], settings: [AssessmentSettings], runID: Int64) throws {
        let encoder = JSONEncoder.findingParameters
        let scores = try rows.map { String(decoding: try encoder.encode($0.dimensionScores), as: UTF8.self) }
        struct Scope: Hashable, Sendable {
            var framework: String
            var level: String
            var year: Int
        }
        let scopes = Set(rows.map { Scope(framework: $0.framework, level: $0.level.description, year: $0.year) })
            .union(settings.map { Scope(framework: $0.framework, level: $0.level.description, year: $0.year) })
        @Sendable func finite(_ value: Double?) -> Double? { value.flatMap { $0.isFinite ? $0 : nil } }
        try run { connection in
            try await connection.transaction { connection throws(ServerStoreError) in
                for scope in scopes {
                    try await connection.execute(
                        "DELETE FROM ruralstat.assessments WHERE framework = \(scope.framework) AND level = \(scope.level) AND year = \(scope.year)")
                    try await connection.execute(
                        """
                        DELETE FROM ruralstat.assessment_settings WHERE framework = \(scope.framework) AND level = \(scope.level) AND year = \(scope.year)
                        """)
                }
                for (row, scores) in zip(rows, scores) {
                    let progress = row.progress
                    try await connection.execute(
                        """
                        INSERT INTO ruralstat.assessments (framework, level, year, region, run_id, name, class, dimension_scores, index_score, rank,
                            regions, class_rank, class_size, rank_low, rank_median, rank_high, previous_year, score_change, rank_change, baseline_year,
                            score_change_since_baseline, rank_change_since_baseline, marked, sentence)
                        VALUES (\(row.framework), \(row.level.description), \(row.year), \(row.region.rawValue), \(runID), \(row.name),
                            \(row.regionClass), \(scores), \(finite(row.index)), \(row.rank), \(row.regions), \(row.classRank), \(row.classSize),
                            \(row.rankLow), \(row.rankMedian), \(row.rankHigh), \(progress.previousYear), \(finite(progress.scoreChange)),
                            \(progress.rankChange), \(progress.baselineYear), \(finite(progress.scoreChangeSinceBaseline)),
                            \(progress.rankChangeSinceBaseline), \(row.marked), \(row.sentence))
                        """)
                }
                for setting in settings {
                    try await connection.execute(
                        """
                        INSERT INTO ruralstat.assessment_settings (framework, level, year, run_id, spec_sha256, settings)
                        VALUES (\(setting.framework), \(setting.level.description), \(setting.year), \(runID), \(setting.specSHA256), \(setting.json)::json)
                        """)
                }
            }
        }
    }

    public func storedAssessment(level: RegionLevel?, year: Int?) throws -> [AssessmentRow] {
        let levelName = level?.description
        let rows = try run { connection in
            try await connection.rows(
                """
                SELECT framework, level, year, region, name, class, dimension_scores, index_score, rank, regions, class_rank, class_size,
                    rank_low, rank_median, rank_high, previous_year, score_change, rank_change, baseline_year, score_change_since_baseline,
                    rank_change_since_baseline, marked, sentence
                FROM ruralstat.assessments WHERE (\(levelName)::text IS NULL OR level = \(levelName)) AND (\(year)::integer IS NULL OR year = \(year))
                ORDER BY framework, level, year, rank, region
                """
            ) {
                try $0.decode(
                    (
                        String, String, Int, Int64, String, String?, String, Double?, Int, Int, Int, Int, Int?, Int?, Int?, Int?, Double?, Int?, Int?,
                        Double?, Int?, Int, String
                    ).self)
            }
        }
        let decoder = JSONDecoder.findingParameters
        return try rows.map { row in
            guard let level = RegionLevel(name: row.1) else { throw problem("assessments", "level", "holds '\(EchoText.quote(row.1))', which is not a level") }
            let scores: [AssessmentRow.DimensionScore]
            do { scores = try decoder.decode([AssessmentRow.DimensionScore].self, from: Data(row.6.utf8)) } catch {
                throw problem("assessments", "dimension_scores", "is not a list of dimension scores (\(error))")
            }
            var progress = AssessmentProgress(previousYear: row.15, baselineYear: row.18)
            progress.scoreChange = row.16
            progress.rankChange = row.17
            progress.scoreChangeSinceBaseline = row.19
            progress.rankChangeSinceBaseline = row.20
            return AssessmentRow(
                framework: row.0, level: level, year: row.2, region: RegionCode(uncheckedRawValue: row.3), name: row.4, regionClass: row.5,
                dimensionScores: scores, index: row.7 ?? .nan, rank: row.8, regions: row.9, classRank: row.10, classSize: row.11, rankLow: row.12,
                rankMedian: row.13, rankHigh: row.14, progress: progress, marked: row.21, sentence: row.22)
        }
    }

    public func storedAssessmentSettings() throws -> [AssessmentSettings] {
        let rows = try run { connection in
            try await connection.rows(
                "SELECT framework, level, year, spec_sha256, settings::text FROM ruralstat.assessment_settings ORDER BY framework, level, year"
            ) { try $0.decode((String, String, Int, String, String).self) }
        }
        return try rows.map { framework, levelText, year, sha, json in
            guard let level = RegionLevel(name: levelText) else {
                throw problem("assessment_settings", "level", "holds '\(EchoText.quote(levelText))', which is not a level")
            }
            return AssessmentSettings(framework: framework, level: level, year: year, specSHA256: sha, json: json)
        }
    }

    // MARK: Tables for analysts

    public func observationTable(_ query: RollupQuery) throws -> [ObservationTableRow] {
        let levels = query.shownLevels
        let indicators = query.indicators.sorted(), (from, to) = (query.from, query.to)
        let root = query.region.flatMap { $0 == .national ? nil : $0 }
        let (low, high) = (root?.rawValue, root.map { $0.rawValue + $0.subtreeSpan })
        let rows = try run { connection in
            try await connection.rows(
                """
                SELECT o.region, g.name, o.indicator, i.name_zh, o.period, o.value, i.unit, i.unit_mult, o.status, coalesce(s.sender, ''),
                    coalesce(s.file_name, ''),
                    (SELECT count(*) FROM ruralstat.findings f WHERE f.indicator = o.indicator AND f.period = o.period AND f.region = o.region)
                FROM ruralstat.observations o
                LEFT JOIN ruralstat.submissions s ON s.id = o.submission_id
                LEFT JOIN ruralstat.regions g ON g.code = o.region AND g.edition = (SELECT max(edition) FROM ruralstat.regions)
                LEFT JOIN ruralstat.indicators i ON i.code = o.indicator
                    AND substr(o.period, 1, 4)::integer BETWEEN i.valid_from AND coalesce(i.valid_to, 9999)
                WHERE o.indicator = ANY(\(indicators)) AND (\(from)::text IS NULL OR o.period >= \(from))
                  AND (\(to)::text IS NULL OR o.period <= \(to)) AND (\(low)::bigint IS NULL OR (o.region >= \(low) AND o.region < \(high)))
                ORDER BY o.indicator, o.period, o.region
                """
            ) { try $0.decode((Int64, String?, String, String?, String, Double?, String?, Int?, String?, String, String, Int).self) }
        }
        return rows.compactMap { row in
            let region = RegionCode(uncheckedRawValue: row.0)
            guard levels.contains(region.level) else { return nil }
            return ObservationTableRow(
                level: region.level.description, region: region.description, regionName: row.1, indicator: row.2, nameZh: row.3, period: row.4,
                value: row.5 ?? .nan, unit: row.6, unitMultiplier: row.7, status: row.8, sender: row.9, file: row.10, findings: row.11)
        }
    }

    /// The rollups a query selects from the `rollup_table` view (12-digit region codes as text, which
    /// order as the numbers do), in (indicator, period, level, region) order.
    public func rollupTable(_ query: RollupQuery) throws -> [RollupTableRow] {
        let levels = query.shownLevels.sorted { $0.rawValue < $1.rawValue }.map(\.description)
        let indicators = query.indicators.sorted(), (from, to) = (query.from, query.to)
        let root = query.region.flatMap { $0 == .national ? nil : $0 }
        let text = { (code: Int64) in String(format: "%012lld", code) }
        let (low, high) = (root.map { text($0.rawValue) }, root.map { text($0.rawValue + $0.subtreeSpan) })
        let rows = try run { connection in
            try await connection.rows(
                """
                SELECT level, region, region_name, indicator, name_zh, name_en, definition_version, period, value, unit, unit_mult, numerator,
                    denominator, contributing, expected, coverage, publication, findings
                FROM ruralstat.rollup_table r
                WHERE r.indicator = ANY(\(indicators)) AND (\(from)::text IS NULL OR r.period >= \(from))
                  AND (\(to)::text IS NULL OR r.period <= \(to)) AND (\(low)::text IS NULL OR (r.region >= \(low) AND r.region < \(high)))
                  AND r.level = ANY(\(levels))
                ORDER BY r.indicator, r.period,
                    CASE r.level WHEN 'national' THEN 0 WHEN 'province' THEN 1 WHEN 'prefecture' THEN 2 WHEN 'county' THEN 3
                        WHEN 'township' THEN 4 ELSE 5 END, r.region COLLATE "C"
                """
            ) {
                try $0.decode(
                    (
                        String, String, String?, String, String?, String?, String?, String, Double?, String?, Int?, Double, Double, Int, Int, Double?,
                        String, Int
                    ).self)
            }
        }
        return rows.map { row in
            RollupTableRow(
                level: row.0, region: row.1, regionName: row.2, indicator: row.3, nameZh: row.4, nameEn: row.5, definitionVersion: row.6,
                period: row.7, value: row.8, unit: row.9, unitMultiplier: row.10, numerator: row.11, denominator: row.12, contributing: row.13,
                expected: row.14, coverage: row.15, publication: row.16, findings: row.17)
        }
    }
}
