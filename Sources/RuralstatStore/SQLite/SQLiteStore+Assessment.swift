import Foundation
import GRDB
import RuralstatModel

extension SQLiteStore {
    public func replaceAssessment(_ rows: [AssessmentRow], settings: [AssessmentSettings], runID: Int64) throws {
        let encoder = JSONEncoder.findingParameters
        try pool.write { db in
            struct Scope: Hashable {
                var framework: String
                var level: String
                var year: Int
            }
            let scopes = Set(rows.map { Scope(framework: $0.framework, level: $0.level.description, year: $0.year) })
                .union(settings.map { Scope(framework: $0.framework, level: $0.level.description, year: $0.year) })
            for scope in scopes {
                let arguments: StatementArguments = [scope.framework, scope.level, scope.year]
                try db.execute(sql: "DELETE FROM assessments WHERE framework = ? AND level = ? AND year = ?", arguments: arguments)
                try db.execute(sql: "DELETE FROM assessment_settings WHERE framework = ? AND level = ? AND year = ?", arguments: arguments)
            }
            let insert = try db.makeStatement(
                sql: """
                    INSERT INTO assessments (framework, level, year, region, run_id, name, class, dimension_scores, index_score, rank, regions, class_rank,
                        class_size, rank_low, rank_median, rank_high, previous_year, score_change, rank_change, baseline_year,
                        score_change_since_baseline, rank_change_since_baseline, marked, sentence)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            func finite(_ value: Double?) -> Double? { value.flatMap { $0.isFinite ? $0 : nil } }
            for row in rows {
                try insert.execute(arguments: [
                    row.framework, row.level.description, row.year, row.region.rawValue, runID, row.name, row.regionClass,
                    String(decoding: try encoder.encode(row.dimensionScores), as: UTF8.self), finite(row.index), row.rank, row.regions,
                    row.classRank, row.classSize, row.rankLow, row.rankMedian, row.rankHigh, row.progress.previousYear, finite(row.progress.scoreChange),
                    row.progress.rankChange, row.progress.baselineYear, finite(row.progress.scoreChangeSinceBaseline),
                    row.progress.rankChangeSinceBaseline, row.marked, row.sentence,
                ])
            }
            for setting in settings {
                try db.execute(
                    sql: "INSERT INTO assessment_settings (framework, level, year, run_id, spec_sha256, settings) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [setting.framework, setting.level.description, setting.year, runID, setting.specSHA256, setting.json])
            }
        }
    }

    public func storedAssessment(level: RegionLevel?, year: Int?) throws -> [AssessmentRow] {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let level {
            conditions.append("level = ?")
            arguments.append(level.description)
        }
        if let year {
            conditions.append("year = ?")
            arguments.append(year)
        }
        let decoder = JSONDecoder.findingParameters
        return try pool.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT * FROM assessments \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")) ORDER BY framework, level, year, rank, region",
                arguments: StatementArguments(arguments)
            ).map { stored in
                let row = checked(stored, "assessments")
                let scoresText: String = try row("dimension_scores")
                let scores: [AssessmentRow.DimensionScore]
                do { scores = try decoder.decode([AssessmentRow.DimensionScore].self, from: Data(scoresText.utf8)) } catch {
                    throw row.problem("dimension_scores", "is not a list of dimension scores (\(error))")
                }
                return AssessmentRow(
                    framework: try row("framework"), level: try row.level("level"), year: try row("year"),
                    region: RegionCode(uncheckedRawValue: try row("region")), name: try row("name"),
                    regionClass: try row.optional("class"), dimensionScores: scores, index: try row.optional("index_score") ?? .nan,
                    rank: try row("rank"), regions: try row("regions"), classRank: try row("class_rank"), classSize: try row("class_size"),
                    rankLow: try row.optional("rank_low"), rankMedian: try row.optional("rank_median"), rankHigh: try row.optional("rank_high"),
                    progress: try progress(row), marked: try row("marked"), sentence: try row("sentence"))
            }
        }
    }

    private func progress(_ row: StoredRow) throws -> AssessmentProgress {
        var progress = AssessmentProgress(previousYear: try row.optional("previous_year"), baselineYear: try row.optional("baseline_year"))
        progress.scoreChange = try row.optional("score_change")
        progress.rankChange = try row.optional("rank_change")
        progress.scoreChangeSinceBaseline = try row.optional("score_change_since_baseline")
        progress.rankChangeSinceBaseline = try row.optional("rank_change_since_baseline")
        return progress
    }

    public func storedAssessmentSettings() throws -> [AssessmentSettings] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM assessment_settings ORDER BY framework, level, year").map { stored in
                let row = checked(stored, "assessment_settings")
                return AssessmentSettings(
                    framework: try row("framework"), level: try row.level("level"), year: try row("year"), specSHA256: try row("spec_sha256"),
                    json: try row("settings"))
            }
        }
    }
}
