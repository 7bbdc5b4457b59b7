import GRDB
import RuralstatModel

/// The set-based steps that move a staged submission into the observations.
enum StagingTable {
    static func reset(_ db: Database) throws {
        // `kind` is 1 for a delete, 0 for an upsert. Every delete is staged and applies where it stands
        // in the document; a key given twice as an upsert is a duplicate, which the unique index turns
        // away into staging_repeats for settling (the first of agreeing upserts stands where it is).
        try db.execute(
            sql: """
                CREATE TEMP TABLE IF NOT EXISTS staging (
                    seq INTEGER PRIMARY KEY, region INTEGER NOT NULL, indicator TEXT, period TEXT,
                    value REAL, status TEXT, action INTEGER NOT NULL, kind INTEGER NOT NULL, line INTEGER);
                CREATE UNIQUE INDEX IF NOT EXISTS temp.staging_upsert_key ON staging (indicator, period, region) WHERE kind = 0;
                CREATE TEMP TABLE IF NOT EXISTS staging_repeats (
                    seq INTEGER PRIMARY KEY, region INTEGER NOT NULL, indicator TEXT, period TEXT,
                    value REAL, status TEXT, action INTEGER NOT NULL, kind INTEGER NOT NULL, line INTEGER);
                DELETE FROM staging;
                DELETE FROM staging_repeats;
                """)
    }

    /// Identical repeats of a key are merged into the first (a warning); contradictory ones are all
    /// rejected, the first too. Only the repeats the unique index turned away are looked at.
    static func settleDuplicates(_ db: Database, sink: StagingSink, outcome: inout ApplyOutcome) throws {
        let keys = try Row.fetchAll(db, sql: "SELECT DISTINCT region, indicator, period FROM staging_repeats WHERE kind = 0")
        for key in keys {
            let region: Int64 = key["region"], indicator: String = key["indicator"], period: String = key["period"]
            let text = "\(RegionCode(uncheckedRawValue: region))|\(indicator)|\(period)"
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, value, status, line FROM staging WHERE region = ?1 AND indicator = ?2 AND period = ?3 AND kind = 0
                    UNION ALL
                    SELECT seq, value, status, line FROM staging_repeats WHERE region = ?1 AND indicator = ?2 AND period = ?3 AND kind = 0
                    ORDER BY seq
                    """, arguments: [region, indicator, period])
            let variants = Set(rows.map { "\(($0["value"] as Double?).map { String($0) } ?? "NULL")|\(($0["status"] as String?) ?? "")" })
            let identical = variants.count == 1
            let firstLine: Int? = rows.first?["line"]
            for (position, row) in rows.enumerated() where !(identical && position == 0) {
                let value: Double? = row["value"]
                let message =
                    identical
                    ? "repeats line \(firstLine ?? 0) with the same value; merged"
                    : "the message gives \(variants.count) different values for this key; all are rejected"
                let problem = ValidationProblem(
                    location: SourceLocation(file: sink.file, line: row["line"]), key: text,
                    rule: identical ? .duplicateIdentical : .duplicateContradictory,
                    value: value.map { String($0) } ?? "", message: message)
                try sink.reject(problem)
                outcome.problems.append(problem)
                if identical { outcome.duplicatesMerged += 1 } else { outcome.rowsRejected += 1 }
            }
            if !identical {
                try db.execute(
                    sql: "DELETE FROM staging WHERE region = ? AND indicator = ? AND period = ? AND kind = 0",
                    arguments: [region, indicator, period])
            }
        }
    }

    /// Applies the staged rows in document order: runs of deletes, then runs of upserts, and so on.
    static func merge(_ db: Database, submissionID: Int64, runs: [StagingSink.Run], outcome: inout ApplyOutcome) throws {
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
        let rows = try Row.fetchAll(
            db, sql: "SELECT region, indicator, period FROM staging WHERE seq BETWEEN ? AND ? ORDER BY seq",
            arguments: [lower, upper])
        for row in rows {
            let region: Int64 = row["region"]
            try db.execute(
                sql: """
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
        // Driven from the staged rows (probing the current-version index), not from all observations.
        try db.execute(
            sql: """
                UPDATE observations SET superseded_by = ?1
                WHERE id IN (
                    SELECT o.id FROM staging s
                    JOIN observations o ON o.indicator = s.indicator AND o.period = s.period AND o.region = s.region
                        AND o.superseded_by IS NULL
                    WHERE s.seq BETWEEN ?2 AND ?3
                      AND NOT (s.value IS o.value AND (s.status IS o.status OR (s.action = ?4 AND s.status IS NULL))))
                """, arguments: [submissionID, lower, upper, merge])
        let revised = db.changesCount
        try db.execute(
            sql: """
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
