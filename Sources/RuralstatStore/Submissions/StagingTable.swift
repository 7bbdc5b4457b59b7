import GRDB
import RuralstatModel

/// The set-based steps that move a staged submission into the observations.
enum StagingTable {
    static func reset(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TEMP TABLE IF NOT EXISTS staging (
                seq INTEGER PRIMARY KEY, region INTEGER NOT NULL, indicator TEXT, period TEXT,
                value REAL, status TEXT, action INTEGER NOT NULL, line INTEGER);
            CREATE INDEX IF NOT EXISTS temp.staging_by_key ON staging (indicator, period, region);
            DELETE FROM staging;
            """)
    }

    /// Identical repeats of a key are merged into the first (a warning); contradictory ones are all
    /// rejected. Deletes take no part (deleting twice is harmless).
    static func settleDuplicates(_ db: Database, sink: StagingSink, outcome: inout ApplyOutcome) throws {
        let groups = try Row.fetchAll(db, sql: """
            SELECT region, indicator, period, count(*) AS n,
                   count(DISTINCT ifnull(quote(value), 'NULL') || '|' || ifnull(status, '')) AS variants, min(seq) AS first
            FROM staging WHERE action != ? GROUP BY indicator, period, region HAVING n > 1
            """, arguments: [Action.delete.rawValue])
        for group in groups {
            let region: Int64 = group["region"], indicator: String = group["indicator"], period: String = group["period"]
            let key = "\(RegionCode(uncheckedRawValue: region))|\(indicator)|\(period)"
            let identical = (group["variants"] as Int) == 1
            let first: Int64 = group["first"]
            let rows = try Row.fetchAll(db, sql: """
                SELECT seq, value, line FROM staging WHERE region = ? AND indicator = ? AND period = ? AND action != ? ORDER BY seq
                """, arguments: [region, indicator, period, Action.delete.rawValue])
            let firstLine: Int? = rows.first?["line"]
            for row in rows where !(identical && (row["seq"] as Int64) == first) {
                let value: Double? = row["value"]
                let line: Int? = row["line"]
                let message = identical
                    ? "repeats line \(firstLine ?? 0) with the same value; merged"
                    : "the message gives \(rows.count) different values for this key; all are rejected"
                let problem = ValidationProblem(location: SourceLocation(file: sink.file, line: line), key: key,
                                                rule: identical ? .duplicateIdentical : .duplicateContradictory,
                                                value: value.map { String($0) } ?? "", message: message)
                try sink.reject(problem)
                outcome.problems.append(problem)
                if identical { outcome.duplicatesMerged += 1 } else { outcome.rowsRejected += 1 }
            }
            try db.execute(sql: """
                DELETE FROM staging WHERE region = ? AND indicator = ? AND period = ? AND action != ? AND (? = 0 OR seq != ?)
                """, arguments: [region, indicator, period, Action.delete.rawValue, identical ? 1 : 0, first])
        }
    }

    /// Applies the staged rows in document order: runs of deletes, then runs of upserts, and so on.
    static func merge(_ db: Database, submissionID: Int64, outcome: inout ApplyOutcome) throws {
        var runs: [(isDelete: Bool, lower: Int64, upper: Int64)] = []
        let cursor = try Row.fetchCursor(db, sql: "SELECT seq, action FROM staging ORDER BY seq")
        while let row = try cursor.next() {
            let seq: Int64 = row["seq"]
            let isDelete = (row["action"] as Int) == Int(Action.delete.rawValue)
            if let last = runs.last, last.isDelete == isDelete {
                runs[runs.count - 1].upper = seq
            } else {
                runs.append((isDelete, seq, seq))
            }
        }
        for run in runs {
            if run.isDelete {
                try delete(db, submissionID: submissionID, run.lower, run.upper, outcome: &outcome)
            } else {
                try upsert(db, submissionID: submissionID, run.lower, run.upper, outcome: &outcome)
            }
        }
    }

    /// Soft-deletes the current versions that each delete row matches (empty dimensions match all).
    private static func delete(_ db: Database, submissionID: Int64, _ lower: Int64, _ upper: Int64, outcome: inout ApplyOutcome) throws {
        let rows = try Row.fetchAll(db, sql: "SELECT region, indicator, period FROM staging WHERE seq BETWEEN ? AND ? ORDER BY seq",
                                    arguments: [lower, upper])
        for row in rows {
            let region: Int64 = row["region"]
            try db.execute(sql: """
                UPDATE observations SET superseded_by = ?
                WHERE superseded_by IS NULL AND (? = -1 OR region = ?) AND (? IS NULL OR indicator = ?) AND (? IS NULL OR period = ?)
                """, arguments: [submissionID, region, region, row["indicator"], row["indicator"], row["period"], row["period"]])
            outcome.rowsDeleted += db.changesCount
        }
    }

    /// New keys are inserted; a changed value or status supersedes the current version and adds a
    /// new one; an identical one changes nothing. A Merge without a status keeps the earlier status,
    /// a Replace replaces it (with none).
    private static func upsert(_ db: Database, submissionID: Int64, _ lower: Int64, _ upper: Int64, outcome: inout ApplyOutcome) throws {
        let merge = Int(Action.merge.rawValue)
        let staged = try Int.fetchOne(db, sql: "SELECT count(*) FROM staging WHERE seq BETWEEN ? AND ?", arguments: [lower, upper]) ?? 0
        try db.execute(sql: """
            UPDATE observations SET superseded_by = ?1
            WHERE superseded_by IS NULL AND EXISTS (
                SELECT 1 FROM staging s
                WHERE s.seq BETWEEN ?2 AND ?3 AND s.indicator = observations.indicator AND s.period = observations.period
                  AND s.region = observations.region
                  AND NOT (s.value IS observations.value AND (s.status IS observations.status OR (s.action = ?4 AND s.status IS NULL))))
            """, arguments: [submissionID, lower, upper, merge])
        let revised = db.changesCount
        try db.execute(sql: """
            INSERT INTO observations (region, indicator, period, value, status, submission_id, source_line)
            SELECT s.region, s.indicator, s.period, s.value,
                   CASE WHEN s.action = ?4 AND s.status IS NULL THEN
                       (SELECT p.status FROM observations p WHERE p.superseded_by = ?1 AND p.indicator = s.indicator
                          AND p.period = s.period AND p.region = s.region ORDER BY p.id DESC LIMIT 1)
                   ELSE s.status END,
                   ?1, s.line
            FROM staging s
            WHERE s.seq BETWEEN ?2 AND ?3 AND NOT EXISTS (
                SELECT 1 FROM observations o WHERE o.superseded_by IS NULL AND o.indicator = s.indicator
                  AND o.period = s.period AND o.region = s.region)
            """, arguments: [submissionID, lower, upper, merge])
        let inserted = db.changesCount
        outcome.rowsRevised += revised
        outcome.rowsNew += inserted - revised
        outcome.rowsUnchanged += staged - inserted
    }
}
