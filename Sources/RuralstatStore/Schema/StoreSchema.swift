import GRDB

/// The store's schema, as a sequence of versioned migrations.
///
/// A migration, once released, is never edited: a change to the schema is a new migration appended
/// here, so that every existing store can be brought forward. The README documents the tables.
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-foundation") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2-quality-summary") { db in
            try db.execute(sql: v2)
        }
        migrator.registerMigration("v3-rollup-changes") { db in
            try db.execute(sql: v3)
        }
        migrator.registerMigration("v4-submission-decisions") { db in
            try db.execute(sql: v4)
        }
        migrator.registerMigration("v5-typed-finding-parameters") { db in
            try db.execute(sql: v5)
        }
        migrator.registerMigration("v6-assessment") { db in
            try db.execute(sql: v6)
        }
        migrator.registerMigration("v7-analyst-views") { db in
            try db.execute(sql: v7)
        }
        migrator.registerMigration("v8-compact-values") { db in
            try db.execute(sql: v8)
        }
        return migrator
    }

    /// The identifier of the newest migration, reported as the schema version.
    static var currentVersion: String { migrator.migrations.last! }

    static let v1 = """
        CREATE TABLE meta (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );

        -- The division registry, one row per unit and edition. Codes are 12-digit integers;
        -- code_text is the zero-padded form for people and joins with text files.
        CREATE TABLE regions (
            edition           INTEGER NOT NULL,
            code              INTEGER NOT NULL,
            code_text         TEXT    NOT NULL,
            name              TEXT    NOT NULL,
            level             TEXT    NOT NULL,
            lowest_level      TEXT    NOT NULL,
            parent_code       INTEGER NOT NULL,
            kind              TEXT    NOT NULL,
            urban_rural_class TEXT,
            PRIMARY KEY (edition, code)
        ) WITHOUT ROWID;
        CREATE INDEX regions_by_parent ON regions (edition, parent_code);

        -- The indicator catalog: one row per definition version.
        CREATE TABLE indicators (
            code               TEXT    NOT NULL,
            definition_version TEXT    NOT NULL,
            valid_from         INTEGER NOT NULL,
            valid_to           INTEGER,
            name_zh            TEXT    NOT NULL,
            name_en            TEXT    NOT NULL,
            dimension          TEXT,
            unit               TEXT    NOT NULL,
            unit_mult          INTEGER NOT NULL,
            kind               TEXT    NOT NULL,
            range_min          REAL,
            range_max          REAL,
            frequency          TEXT    NOT NULL,
            reported_levels    TEXT    NOT NULL,
            aggregation        TEXT    NOT NULL,
            direction          TEXT,
            nature             TEXT,
            baseline_year      INTEGER,
            baseline           TEXT,
            PRIMARY KEY (code, definition_version)
        );
        CREATE TABLE indicator_targets (
            code               TEXT    NOT NULL,
            definition_version TEXT    NOT NULL,
            year               INTEGER NOT NULL,
            target             TEXT    NOT NULL,
            comparator         TEXT    NOT NULL,
            value              REAL    NOT NULL,
            PRIMARY KEY (code, definition_version, year),
            FOREIGN KEY (code, definition_version) REFERENCES indicators (code, definition_version) ON DELETE CASCADE
        );

        -- Every invocation that changes the store.
        CREATE TABLE runs (
            id               INTEGER PRIMARY KEY,
            started_at       TEXT    NOT NULL,
            finished_at      TEXT,
            command          TEXT    NOT NULL,
            status           TEXT    NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
            exit_code        INTEGER,
            software_version TEXT    NOT NULL,
            parameters       TEXT    NOT NULL DEFAULT '{}'
        );

        -- The submissions ledger: every file offered, applied or not, with what it did.
        CREATE TABLE submissions (
            id             INTEGER PRIMARY KEY,
            sender         TEXT,
            message_id     TEXT,
            file_name      TEXT    NOT NULL,
            content_hash   TEXT    NOT NULL UNIQUE,
            format         TEXT,
            received_at    TEXT    NOT NULL,
            prepared_at    TEXT,
            run_id         INTEGER REFERENCES runs (id),
            status         TEXT    NOT NULL CHECK (status IN ('applied', 'rejected', 'test')),
            reason         TEXT,
            rows_read      INTEGER NOT NULL DEFAULT 0,
            rows_new       INTEGER NOT NULL DEFAULT 0,
            rows_revised   INTEGER NOT NULL DEFAULT 0,
            rows_unchanged INTEGER NOT NULL DEFAULT 0,
            rows_deleted   INTEGER NOT NULL DEFAULT 0,
            rows_rejected  INTEGER NOT NULL DEFAULT 0,
            warnings       INTEGER NOT NULL DEFAULT 0,
            UNIQUE (sender, message_id)
        );

        -- Observations with their revision history: a revision never overwrites a value in place; the
        -- earlier version stays, with superseded_by naming the submission that replaced or deleted it.
        -- Values are in the catalog's unit and scale; NULL is a missing value (its status says why).
        CREATE TABLE observations (
            id            INTEGER PRIMARY KEY,
            region        INTEGER NOT NULL,
            indicator     TEXT    NOT NULL,
            period        TEXT    NOT NULL,
            value         REAL,
            status        TEXT,
            submission_id INTEGER NOT NULL REFERENCES submissions (id),
            source_line   INTEGER,
            superseded_by INTEGER REFERENCES submissions (id)
        );
        CREATE UNIQUE INDEX observations_current ON observations (indicator, period, region) WHERE superseded_by IS NULL;
        CREATE INDEX observations_by_submission ON observations (submission_id);
        CREATE INDEX observations_by_superseder ON observations (superseded_by) WHERE superseded_by IS NOT NULL;

        -- Rows that were not applied, with the reason: nothing disappears silently.
        CREATE TABLE rejects (
            id            INTEGER PRIMARY KEY,
            run_id        INTEGER REFERENCES runs (id),
            submission_id INTEGER REFERENCES submissions (id),
            file          TEXT    NOT NULL,
            line          INTEGER,
            element       TEXT,
            column_name   TEXT,
            key           TEXT,
            rule          TEXT    NOT NULL,
            severity      TEXT    NOT NULL CHECK (severity IN ('error', 'warning', 'info')),
            value         TEXT,
            message       TEXT    NOT NULL
        );

        -- Regional rollups, one row per level, region, indicator and period, with their coverage and the
        -- summed parts they are made of (numerator, denominator: see the aggregation rules).
        CREATE TABLE rollups (
            run_id             INTEGER NOT NULL REFERENCES runs (id),
            level              TEXT    NOT NULL,
            region             INTEGER NOT NULL,
            indicator          TEXT    NOT NULL,
            period             TEXT    NOT NULL,
            value              REAL,
            contributing       INTEGER NOT NULL,
            expected           INTEGER NOT NULL,
            coverage           REAL,
            publication        TEXT    NOT NULL CHECK (publication IN ('published', 'partial', 'withheld')),
            reported_value     REAL,
            imbalance          REAL,
            relative_imbalance REAL,
            numerator          REAL    NOT NULL,
            denominator        REAL    NOT NULL,
            PRIMARY KEY (indicator, period, level, region)
        );

        -- Quality findings: one row per finding, with the numbers that explain it.
        CREATE TABLE findings (
            id             INTEGER PRIMARY KEY,
            run_id         INTEGER NOT NULL REFERENCES runs (id),
            rule_id        TEXT    NOT NULL,
            method         TEXT    NOT NULL,
            severity       TEXT    NOT NULL CHECK (severity IN ('error', 'warning', 'info')),
            tier           TEXT,
            level          TEXT    NOT NULL,
            region         INTEGER NOT NULL,
            indicator      TEXT,
            period         TEXT,
            observed       REAL,
            expected       REAL,
            lower_bound    REAL,
            upper_bound    REAL,
            statistic_name TEXT,
            statistic      REAL,
            parameters     TEXT,
            peer_group     TEXT,
            peer_size      INTEGER,
            explanation    TEXT    NOT NULL
        );
        CREATE INDEX findings_by_key ON findings (indicator, period, region);

        -- Views for analysts: codes as 12-digit text, names joined in.
        CREATE VIEW current_observations AS
            SELECT printf('%012d', o.region) AS region, o.indicator, o.period, o.value, o.status,
                   o.submission_id, s.sender, s.file_name
            FROM observations o JOIN submissions s ON s.id = o.submission_id
            WHERE o.superseded_by IS NULL;
        CREATE VIEW rollup_table AS
            SELECT r.level, printf('%012d', r.region) AS region, g.name AS region_name, r.indicator, r.period,
                   r.value, r.contributing, r.expected, r.coverage, r.publication
            FROM rollups r
            LEFT JOIN regions g ON g.code = r.region AND g.edition = (SELECT max(edition) FROM regions);
        """

    /// The tallies behind the findings, and a view of the findings for analysts.
    static let v2 = """
        -- How the items each rule looked at came out, per level and province (R validate's summary()).
        CREATE TABLE finding_tallies (
            run_id         INTEGER NOT NULL REFERENCES runs (id),
            rule_id        TEXT    NOT NULL,
            level          TEXT    NOT NULL,
            province       INTEGER NOT NULL,
            passed         INTEGER NOT NULL,
            failed         INTEGER NOT NULL,
            not_applicable INTEGER NOT NULL,
            PRIMARY KEY (rule_id, level, province)
        );
        CREATE INDEX findings_by_rule ON findings (rule_id, severity);
        CREATE VIEW finding_table AS
            SELECT f.rule_id, f.method, f.severity, f.tier, f.level, printf('%012d', f.region) AS region, g.name AS region_name,
                   f.indicator, f.period, f.observed, f.expected, f.lower_bound, f.upper_bound, f.statistic_name, f.statistic,
                   f.peer_group, f.peer_size, f.explanation
            FROM findings f
            LEFT JOIN regions g ON g.code = f.region AND g.edition = (SELECT max(edition) FROM regions);
        """

    /// What each run changed in the rollups, so that a level can send the level above only the changes.
    static let v3 = """
        -- One row per rollup a run added, changed (value or publication) or removed.
        CREATE TABLE rollup_changes (
            run_id    INTEGER NOT NULL REFERENCES runs (id),
            level     TEXT    NOT NULL,
            region    INTEGER NOT NULL,
            indicator TEXT    NOT NULL,
            period    TEXT    NOT NULL,
            change    TEXT    NOT NULL CHECK (change IN ('upsert', 'delete'))
        );
        CREATE INDEX rollup_changes_by_run ON rollup_changes (run_id);
        """

    /// A content hash blocks a file only once it was applied (or was a test message, or was retired):
    /// a file rejected for a reason outside its content can be offered again. The ledger loses its
    /// unique hash and its unique (sender, message ID), which now hold among applied files only, and
    /// gains the `retired` status, the conditions a file was read under, and a record of every
    /// decision an operator takes on a submission. Findings remember the run that first found them.
    static let v4 = """
        DROP VIEW current_observations;
        CREATE TABLE submissions_v4 (
            id             INTEGER PRIMARY KEY,
            sender         TEXT,
            message_id     TEXT,
            file_name      TEXT    NOT NULL,
            content_hash   TEXT    NOT NULL,
            format         TEXT,
            received_at    TEXT    NOT NULL,
            prepared_at    TEXT,
            run_id         INTEGER REFERENCES runs (id),
            status         TEXT    NOT NULL CHECK (status IN ('applied', 'rejected', 'test', 'retired')),
            reason         TEXT,
            rows_read      INTEGER NOT NULL DEFAULT 0,
            rows_new       INTEGER NOT NULL DEFAULT 0,
            rows_revised   INTEGER NOT NULL DEFAULT 0,
            rows_unchanged INTEGER NOT NULL DEFAULT 0,
            rows_deleted   INTEGER NOT NULL DEFAULT 0,
            rows_rejected  INTEGER NOT NULL DEFAULT 0,
            warnings       INTEGER NOT NULL DEFAULT 0,
            -- The fingerprint of the registry, catalog and reading options a file was read under: a file
            -- rejected under the same conditions is not tried again by itself (a retry, or a change, does).
            conditions     TEXT
        );
        INSERT INTO submissions_v4 (id, sender, message_id, file_name, content_hash, format, received_at, prepared_at, run_id, status, reason,
            rows_read, rows_new, rows_revised, rows_unchanged, rows_deleted, rows_rejected, warnings) SELECT id, sender, message_id, file_name, content_hash, format, received_at, prepared_at, run_id,
            status, reason, rows_read, rows_new, rows_revised, rows_unchanged, rows_deleted, rows_rejected, warnings FROM submissions;
        DROP TABLE submissions;
        ALTER TABLE submissions_v4 RENAME TO submissions;
        CREATE INDEX submissions_by_hash ON submissions (content_hash);
        -- The entries that block the same content from being applied again: at most one per hash.
        CREATE UNIQUE INDEX submissions_blocking_hash ON submissions (content_hash) WHERE status IN ('applied', 'test', 'retired');
        -- A sender's message ID names one applied message.
        CREATE UNIQUE INDEX submissions_applied_message ON submissions (sender, message_id) WHERE status = 'applied';
        CREATE VIEW current_observations AS
            SELECT printf('%012d', o.region) AS region, o.indicator, o.period, o.value, o.status,
                   o.submission_id, s.sender, s.file_name
            FROM observations o JOIN submissions s ON s.id = o.submission_id
            WHERE o.superseded_by IS NULL;

        -- What operators decided about a submission: offered again (retry) or never to apply (retire).
        CREATE TABLE submission_decisions (
            id                   INTEGER PRIMARY KEY,
            submission_id        INTEGER NOT NULL REFERENCES submissions (id),
            decision             TEXT    NOT NULL CHECK (decision IN ('retry', 'retire')),
            decided_at           TEXT    NOT NULL,
            decided_by           TEXT    NOT NULL,
            reason               TEXT,
            -- For a retry: the submission the new attempt became.
            result_submission_id INTEGER REFERENCES submissions (id),
            run_id               INTEGER REFERENCES runs (id)
        );
        CREATE INDEX submission_decisions_by_submission ON submission_decisions (submission_id);

        -- The run that first found each finding (findings are replaced whole by every quality check; a
        -- finding found again keeps its first run), so that a run can tell new findings from standing ones.
        ALTER TABLE findings ADD COLUMN first_run_id INTEGER REFERENCES runs (id);
        UPDATE findings SET first_run_id = run_id;
        """

    /// A finding's parameters as typed JSON (`[{"name": "threshold", "number": 3.5}, …]`) beside the
    /// `name=value` text, so that reports read numbers, never text. Findings stored before have none:
    /// the quality watermark goes back so that the next run recomputes them (each finding keeps the
    /// run that first found it).
    static let v5 = """
        ALTER TABLE findings ADD COLUMN parameter_values TEXT;
        UPDATE meta SET value = '0' WHERE key = 'quality_watermark';
        """

    /// The yearly assessment: one row per region, level and year (dimension scores as JSON, the rest
    /// as columns analysts can query), and the settings of each level and year.
    static let v6 = """
        CREATE TABLE assessments (
            framework                   TEXT    NOT NULL,
            level                       TEXT    NOT NULL,
            year                        INTEGER NOT NULL,
            region                      INTEGER NOT NULL,
            run_id                      INTEGER NOT NULL REFERENCES runs(id),
            name                        TEXT    NOT NULL,
            class                       TEXT,
            dimension_scores            TEXT    NOT NULL,
            index_score                 REAL,
            rank                        INTEGER NOT NULL,
            regions                     INTEGER NOT NULL,
            class_rank                  INTEGER NOT NULL,
            class_size                  INTEGER NOT NULL,
            rank_low                    INTEGER,
            rank_median                 INTEGER,
            rank_high                   INTEGER,
            previous_year               INTEGER,
            score_change                REAL,
            rank_change                 INTEGER,
            baseline_year               INTEGER,
            score_change_since_baseline REAL,
            rank_change_since_baseline  INTEGER,
            marked                      INTEGER NOT NULL,
            sentence                    TEXT    NOT NULL,
            PRIMARY KEY (framework, level, year, region)
        );
        CREATE TABLE assessment_settings (
            framework   TEXT    NOT NULL,
            level       TEXT    NOT NULL,
            year        INTEGER NOT NULL,
            run_id      INTEGER NOT NULL REFERENCES runs(id),
            spec_sha256 TEXT    NOT NULL,
            settings    TEXT    NOT NULL,
            PRIMARY KEY (framework, level, year)
        );
        """

    /// Views that join the catalog without doubling rows: an indicator with two definition versions
    /// has two rows in `indicators`, and a naive join to it repeats every rollup. `indicator_in_year`
    /// picks the definition valid in a year; `current_indicators` the newest of each code;
    /// `rollup_table` carries the name, unit, parts and finding count of the definition its period
    /// falls under (the year is a period's first four characters in every frequency).
    static let v7 = """
        CREATE VIEW current_indicators AS
            SELECT i.* FROM indicators i
            WHERE i.valid_from = (SELECT max(j.valid_from) FROM indicators j WHERE j.code = i.code);
        DROP VIEW rollup_table;
        CREATE VIEW rollup_table AS
            SELECT r.level, printf('%012d', r.region) AS region, g.name AS region_name, r.indicator, r.period,
                   r.value, r.contributing, r.expected, r.coverage, r.publication,
                   i.name_zh, i.name_en, i.unit, i.unit_mult, i.definition_version, r.numerator, r.denominator,
                   (SELECT count(*) FROM findings f WHERE f.indicator = r.indicator AND f.period = r.period AND f.region = r.region) AS findings
            FROM rollups r
            LEFT JOIN regions g ON g.code = r.region AND g.edition = (SELECT max(edition) FROM regions)
            LEFT JOIN indicators i ON i.code = r.indicator
                AND CAST(substr(r.period, 1, 4) AS INTEGER) BETWEEN i.valid_from AND coalesce(i.valid_to, 9999);
        """

    /// Observations in a compact, clustered layout. The current version of each key lives in
    /// `current_values`, clustered on its key (period, region, indicator) with integer codes for the
    /// indicator and the period, so that applying a submission is one ordered B-tree pass and a
    /// partition (period × province) is one range; superseded versions move to `superseded_values`
    /// (a trigger moves the old version there whenever a current value is updated, by ruralstat or by
    /// hand). `submission_partitions` records the partitions each submission changed, for incremental
    /// rollups. The `observations` view keeps the earlier shape (every version, codes as text) for
    /// analysts and their SQL. No foreign keys on the values: the ledger is written in the same
    /// transaction, and a lookup per row would cost a quarter of the apply. The rollups are clustered
    /// on their key too (WITHOUT ROWID), which they were already looked up by.
    static let v8 = """
        DROP VIEW rollup_table;
        CREATE TABLE rollups_v8 (
            run_id             INTEGER NOT NULL REFERENCES runs (id),
            level              TEXT    NOT NULL,
            region             INTEGER NOT NULL,
            indicator          TEXT    NOT NULL,
            period             TEXT    NOT NULL,
            value              REAL,
            contributing       INTEGER NOT NULL,
            expected           INTEGER NOT NULL,
            coverage           REAL,
            publication        TEXT    NOT NULL CHECK (publication IN ('published', 'partial', 'withheld')),
            reported_value     REAL,
            imbalance          REAL,
            relative_imbalance REAL,
            numerator          REAL    NOT NULL,
            denominator        REAL    NOT NULL,
            PRIMARY KEY (indicator, period, level, region)
        ) WITHOUT ROWID;
        INSERT INTO rollups_v8 SELECT run_id, level, region, indicator, period, value, contributing, expected, coverage, publication,
            reported_value, imbalance, relative_imbalance, numerator, denominator FROM rollups;
        DROP TABLE rollups;
        ALTER TABLE rollups_v8 RENAME TO rollups;
        CREATE VIEW rollup_table AS
            SELECT r.level, printf('%012d', r.region) AS region, g.name AS region_name, r.indicator, r.period,
                   r.value, r.contributing, r.expected, r.coverage, r.publication,
                   i.name_zh, i.name_en, i.unit, i.unit_mult, i.definition_version, r.numerator, r.denominator,
                   (SELECT count(*) FROM findings f WHERE f.indicator = r.indicator AND f.period = r.period AND f.region = r.region) AS findings
            FROM rollups r
            LEFT JOIN regions g ON g.code = r.region AND g.edition = (SELECT max(edition) FROM regions)
            LEFT JOIN indicators i ON i.code = r.indicator
                AND CAST(substr(r.period, 1, 4) AS INTEGER) BETWEEN i.valid_from AND coalesce(i.valid_to, 9999);

        CREATE TABLE indicator_keys (
            id   INTEGER PRIMARY KEY,
            code TEXT    NOT NULL UNIQUE
        );
        CREATE TABLE period_keys (
            id     INTEGER PRIMARY KEY,
            period TEXT    NOT NULL UNIQUE
        );
        INSERT INTO indicator_keys (code) SELECT DISTINCT indicator FROM observations ORDER BY indicator;
        INSERT INTO period_keys (period) SELECT DISTINCT period FROM observations ORDER BY period;

        CREATE TABLE current_values (
            period_id     INTEGER NOT NULL,
            region        INTEGER NOT NULL,
            indicator_id  INTEGER NOT NULL,
            value         REAL,
            status        TEXT,
            submission_id INTEGER NOT NULL,
            source_line   INTEGER,
            PRIMARY KEY (period_id, region, indicator_id)
        ) WITHOUT ROWID;
        INSERT INTO current_values
            SELECT p.id, o.region, i.id, o.value, o.status, o.submission_id, o.source_line
            FROM observations o JOIN indicator_keys i ON i.code = o.indicator JOIN period_keys p ON p.period = o.period
            WHERE o.superseded_by IS NULL ORDER BY 1, 2, 3;

        CREATE TABLE superseded_values (
            period_id     INTEGER NOT NULL,
            region        INTEGER NOT NULL,
            indicator_id  INTEGER NOT NULL,
            value         REAL,
            status        TEXT,
            submission_id INTEGER NOT NULL,
            source_line   INTEGER,
            superseded_by INTEGER NOT NULL
        );
        INSERT INTO superseded_values
            SELECT p.id, o.region, i.id, o.value, o.status, o.submission_id, o.source_line, o.superseded_by
            FROM observations o JOIN indicator_keys i ON i.code = o.indicator JOIN period_keys p ON p.period = o.period
            WHERE o.superseded_by IS NOT NULL ORDER BY o.id;
        CREATE INDEX superseded_values_by_key ON superseded_values (period_id, region, indicator_id);
        CREATE INDEX superseded_values_by_superseder ON superseded_values (superseded_by);

        CREATE TABLE submission_partitions (
            submission_id INTEGER NOT NULL,
            period_id     INTEGER NOT NULL,
            indicator_id  INTEGER NOT NULL,
            province      INTEGER NOT NULL,
            PRIMARY KEY (submission_id, period_id, indicator_id, province)
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO submission_partitions
            SELECT submission_id, period_id, indicator_id, region / 10000000000 FROM current_values
            UNION SELECT submission_id, period_id, indicator_id, region / 10000000000 FROM superseded_values
            UNION SELECT superseded_by, period_id, indicator_id, region / 10000000000 FROM superseded_values;

        DROP VIEW current_observations;
        DROP TABLE observations;

        CREATE TRIGGER current_values_keep_history BEFORE UPDATE ON current_values
        BEGIN
            INSERT INTO superseded_values VALUES (OLD.period_id, OLD.region, OLD.indicator_id, OLD.value, OLD.status,
                OLD.submission_id, OLD.source_line, NEW.submission_id);
        END;

        CREATE VIEW observations AS
            SELECT c.region, i.code AS indicator, p.period, c.value, c.status, c.submission_id, c.source_line, NULL AS superseded_by
            FROM current_values c JOIN indicator_keys i ON i.id = c.indicator_id JOIN period_keys p ON p.id = c.period_id
            UNION ALL
            SELECT s.region, i.code, p.period, s.value, s.status, s.submission_id, s.source_line, s.superseded_by
            FROM superseded_values s JOIN indicator_keys i ON i.id = s.indicator_id JOIN period_keys p ON p.id = s.period_id;
        CREATE VIEW current_observations AS
            SELECT printf('%012d', c.region) AS region, i.code AS indicator, p.period, c.value, c.status,
                   c.submission_id, s.sender, s.file_name
            FROM current_values c JOIN indicator_keys i ON i.id = c.indicator_id JOIN period_keys p ON p.id = c.period_id
            JOIN submissions s ON s.id = c.submission_id;
        """
}
