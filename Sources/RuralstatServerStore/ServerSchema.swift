import PostgresNIO

/// The server store's schema, in the PostgreSQL schema `ruralstat`, and its versioned migrations.
///
/// The tables hold the same concepts as the SQLite store's (``RuralstatStore/StoreSchema``): the
/// registry and catalog, runs, the submission ledger with its rejects, current and superseded
/// observations, rollups and their changes, findings and their tallies, assessments. Region codes
/// are 12-digit `bigint`s, so that row-level security can key on their digits (``ServerAccess``).
///
/// `migrate` applies the versions a database lacks, in order, each in one transaction, under an
/// advisory lock (two migrators wait for each other), and records each in `schema_migrations`.
public enum ServerSchema {
    /// One version of the schema.
    struct Migration {
        var version: Int
        var description: String
        /// Statements run in order (one per query: the extended protocol takes one at a time).
        var statements: [String]
    }

    /// The tables that hold a region's figures and judgements; each has a `region` column, and row-level
    /// security shows a role the rows of its subtree only.
    static let jurisdictionTables = [
        "submissions", "rejects", "observations", "superseded_observations", "rollups", "rollup_changes", "findings", "finding_tallies",
        "assessments",
    ]
    /// The tables an evaluator may read (besides the reference tables): findings and assessments.
    static let evaluatorTables = ["findings", "finding_tallies", "assessments", "assessment_settings"]
    /// The reference tables every role may read whole: they hold no region's figures.
    static let referenceTables = ["schema_migrations", "meta", "regions", "indicators", "indicator_targets", "runs"]

    static let migrations: [Migration] = [
        Migration(
            version: 1, description: "tables, group roles and row-level security by jurisdiction",
            statements: [
                """
                CREATE TABLE ruralstat.meta (
                    key   text PRIMARY KEY,
                    value text NOT NULL
                )
                """,
                """
                CREATE TABLE ruralstat.regions (
                    edition           integer NOT NULL,
                    code              bigint  NOT NULL,
                    name              text    NOT NULL,
                    level             text    NOT NULL,
                    lowest_level      text    NOT NULL,
                    parent_code       bigint  NOT NULL,
                    kind              text    NOT NULL,
                    urban_rural_class text,
                    PRIMARY KEY (edition, code)
                )
                """,
                """
                CREATE TABLE ruralstat.indicators (
                    code               text             NOT NULL,
                    definition_version text             NOT NULL,
                    valid_from         integer          NOT NULL,
                    valid_to           integer,
                    name_zh            text             NOT NULL,
                    name_en            text             NOT NULL,
                    dimension          text,
                    unit               text             NOT NULL,
                    unit_mult          integer          NOT NULL,
                    kind               text             NOT NULL,
                    range_min          double precision,
                    range_max          double precision,
                    frequency          text             NOT NULL,
                    reported_levels    text             NOT NULL,
                    aggregation        text             NOT NULL,
                    direction          text,
                    nature             text,
                    baseline_year      integer,
                    baseline           text,
                    PRIMARY KEY (code, definition_version)
                )
                """,
                """
                CREATE TABLE ruralstat.indicator_targets (
                    code               text             NOT NULL,
                    definition_version text             NOT NULL,
                    year               integer          NOT NULL,
                    target             text             NOT NULL,
                    comparator         text             NOT NULL,
                    value              double precision NOT NULL,
                    PRIMARY KEY (code, definition_version, year),
                    FOREIGN KEY (code, definition_version) REFERENCES ruralstat.indicators (code, definition_version) ON DELETE CASCADE
                )
                """,
                """
                CREATE TABLE ruralstat.runs (
                    id               bigserial   PRIMARY KEY,
                    started_at       timestamptz NOT NULL,
                    finished_at      timestamptz,
                    command          text        NOT NULL,
                    status           text        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
                    exit_code        integer,
                    software_version text        NOT NULL,
                    parameters       jsonb       NOT NULL DEFAULT '{}'
                )
                """,
                // `region`: the root of the sender's jurisdiction, which its rows must lie under.
                """
                CREATE TABLE ruralstat.submissions (
                    id             bigserial   PRIMARY KEY,
                    region         bigint      NOT NULL,
                    sender         text,
                    message_id     text,
                    file_name      text        NOT NULL,
                    content_hash   text        NOT NULL,
                    format         text,
                    received_at    timestamptz NOT NULL,
                    prepared_at    timestamptz,
                    run_id         bigint      REFERENCES ruralstat.runs (id),
                    status         text        NOT NULL CHECK (status IN ('applied', 'rejected', 'test', 'retired')),
                    reason         text,
                    rows_read      integer     NOT NULL DEFAULT 0,
                    rows_new       integer     NOT NULL DEFAULT 0,
                    rows_revised   integer     NOT NULL DEFAULT 0,
                    rows_unchanged integer     NOT NULL DEFAULT 0,
                    rows_deleted   integer     NOT NULL DEFAULT 0,
                    rows_rejected  integer     NOT NULL DEFAULT 0,
                    warnings       integer     NOT NULL DEFAULT 0,
                    conditions     text
                )
                """,
                "CREATE INDEX submissions_by_hash ON ruralstat.submissions (content_hash)",
                """
                CREATE UNIQUE INDEX submissions_blocking_hash ON ruralstat.submissions (content_hash)
                    WHERE status IN ('applied', 'test', 'retired')
                """,
                "CREATE UNIQUE INDEX submissions_applied_message ON ruralstat.submissions (sender, message_id) WHERE status = 'applied'",
                """
                CREATE TABLE ruralstat.submission_decisions (
                    id                   bigserial   PRIMARY KEY,
                    submission_id        bigint      NOT NULL REFERENCES ruralstat.submissions (id),
                    decision             text        NOT NULL CHECK (decision IN ('retry', 'retire')),
                    decided_at           timestamptz NOT NULL,
                    decided_by           text        NOT NULL,
                    reason               text,
                    result_submission_id bigint      REFERENCES ruralstat.submissions (id),
                    run_id               bigint      REFERENCES ruralstat.runs (id)
                )
                """,
                """
                CREATE TABLE ruralstat.rejects (
                    id            bigserial PRIMARY KEY,
                    region        bigint    NOT NULL,
                    run_id        bigint    REFERENCES ruralstat.runs (id),
                    submission_id bigint    REFERENCES ruralstat.submissions (id),
                    file          text      NOT NULL,
                    line          integer,
                    element       text,
                    column_name   text,
                    key           text,
                    rule          text      NOT NULL,
                    severity      text      NOT NULL CHECK (severity IN ('error', 'warning', 'info')),
                    value         text,
                    message       text      NOT NULL
                )
                """,
                """
                CREATE TABLE ruralstat.observations (
                    indicator     text             NOT NULL,
                    period        text             NOT NULL,
                    region        bigint           NOT NULL,
                    value         double precision,
                    status        text,
                    submission_id bigint           NOT NULL REFERENCES ruralstat.submissions (id),
                    source_line   integer,
                    PRIMARY KEY (indicator, period, region)
                )
                """,
                "CREATE INDEX observations_by_region ON ruralstat.observations (region)",
                // Earlier versions: the current table's columns (not its key: a key has many), and what superseded them.
                """
                CREATE TABLE ruralstat.superseded_observations (
                    LIKE ruralstat.observations,
                    superseded_by bigint NOT NULL REFERENCES ruralstat.submissions (id),
                    FOREIGN KEY (submission_id) REFERENCES ruralstat.submissions (id)
                )
                """,
                "CREATE INDEX superseded_observations_by_key ON ruralstat.superseded_observations (indicator, period, region)",
                """
                CREATE TABLE ruralstat.rollups (
                    run_id             bigint           NOT NULL REFERENCES ruralstat.runs (id),
                    level              text             NOT NULL,
                    region             bigint           NOT NULL,
                    indicator          text             NOT NULL,
                    period             text             NOT NULL,
                    value              double precision,
                    contributing       integer          NOT NULL,
                    expected           integer          NOT NULL,
                    coverage           double precision,
                    publication        text             NOT NULL CHECK (publication IN ('published', 'partial', 'withheld')),
                    reported_value     double precision,
                    imbalance          double precision,
                    relative_imbalance double precision,
                    numerator          double precision NOT NULL,
                    denominator        double precision NOT NULL,
                    PRIMARY KEY (indicator, period, level, region)
                )
                """,
                "CREATE INDEX rollups_by_region ON ruralstat.rollups (region)",
                """
                CREATE TABLE ruralstat.rollup_changes (
                    run_id    bigint NOT NULL REFERENCES ruralstat.runs (id),
                    level     text   NOT NULL,
                    region    bigint NOT NULL,
                    indicator text   NOT NULL,
                    period    text   NOT NULL,
                    change    text   NOT NULL CHECK (change IN ('upsert', 'delete'))
                )
                """,
                "CREATE INDEX rollup_changes_by_run ON ruralstat.rollup_changes (run_id)",
                """
                CREATE TABLE ruralstat.findings (
                    id               bigserial        PRIMARY KEY,
                    run_id           bigint           NOT NULL REFERENCES ruralstat.runs (id),
                    first_run_id     bigint           REFERENCES ruralstat.runs (id),
                    rule_id          text             NOT NULL,
                    method           text             NOT NULL,
                    severity         text             NOT NULL CHECK (severity IN ('error', 'warning', 'info')),
                    tier             text,
                    level            text             NOT NULL,
                    region           bigint           NOT NULL,
                    indicator        text,
                    period           text,
                    observed         double precision,
                    expected         double precision,
                    lower_bound      double precision,
                    upper_bound      double precision,
                    statistic_name   text,
                    statistic        double precision,
                    parameters       text,
                    parameter_values jsonb,
                    peer_group       text,
                    peer_size        integer,
                    explanation      text             NOT NULL
                )
                """,
                "CREATE INDEX findings_by_key ON ruralstat.findings (indicator, period, region)",
                "CREATE INDEX findings_by_rule ON ruralstat.findings (rule_id, severity)",
                // A tally's region is its province (the unit of a run's partitions).
                """
                CREATE TABLE ruralstat.finding_tallies (
                    run_id         bigint  NOT NULL REFERENCES ruralstat.runs (id),
                    rule_id        text    NOT NULL,
                    level          text    NOT NULL,
                    region         bigint  NOT NULL,
                    passed         integer NOT NULL,
                    failed         integer NOT NULL,
                    not_applicable integer NOT NULL,
                    PRIMARY KEY (rule_id, level, region)
                )
                """,
                """
                CREATE TABLE ruralstat.assessments (
                    framework                   text             NOT NULL,
                    level                       text             NOT NULL,
                    year                        integer          NOT NULL,
                    region                      bigint           NOT NULL,
                    run_id                      bigint           NOT NULL REFERENCES ruralstat.runs (id),
                    name                        text             NOT NULL,
                    class                       text,
                    dimension_scores            text             NOT NULL,
                    index_score                 double precision,
                    rank                        integer          NOT NULL,
                    regions                     integer          NOT NULL,
                    class_rank                  integer          NOT NULL,
                    class_size                  integer          NOT NULL,
                    rank_low                    integer,
                    rank_median                 integer,
                    rank_high                   integer,
                    previous_year               integer,
                    score_change                double precision,
                    rank_change                 integer,
                    baseline_year               integer,
                    score_change_since_baseline double precision,
                    rank_change_since_baseline  integer,
                    marked                      boolean          NOT NULL,
                    sentence                    text             NOT NULL,
                    PRIMARY KEY (framework, level, year, region)
                )
                """,
                """
                CREATE TABLE ruralstat.assessment_settings (
                    framework   text    NOT NULL,
                    level       text    NOT NULL,
                    year        integer NOT NULL,
                    run_id      bigint  NOT NULL REFERENCES ruralstat.runs (id),
                    spec_sha256 text    NOT NULL,
                    settings    jsonb   NOT NULL,
                    PRIMARY KEY (framework, level, year)
                )
                """,
            ] + ServerAccess.statements),
        Migration(
            version: 2, description: "what the store interface needs: codes in byte order, times as given, changed partitions, staging",
            statements: [
                // Times the files give are kept as given (they are untrusted text); the store's own stay timestamps.
                "ALTER TABLE ruralstat.submissions ALTER COLUMN received_at TYPE text, ALTER COLUMN prepared_at TYPE text",
                // Kept as written, as the SQLite store keeps them.
                "ALTER TABLE ruralstat.runs ALTER COLUMN parameters DROP DEFAULT",
                "ALTER TABLE ruralstat.runs ALTER COLUMN parameters TYPE json",
                "ALTER TABLE ruralstat.runs ALTER COLUMN parameters SET DEFAULT '{}'",
                "ALTER TABLE ruralstat.assessment_settings ALTER COLUMN settings TYPE json",
                // How many of its figures an assessment row marks, not whether.
                "ALTER TABLE ruralstat.assessments ALTER COLUMN marked TYPE integer USING marked::integer",
                // Codes compare byte by byte, as SQLite compares them, whatever the database's locale.
                #"ALTER TABLE ruralstat.indicators ALTER COLUMN code TYPE text COLLATE "C""#,
                #"ALTER TABLE ruralstat.observations ALTER COLUMN indicator TYPE text COLLATE "C", ALTER COLUMN period TYPE text COLLATE "C""#,
                #"ALTER TABLE ruralstat.superseded_observations ALTER COLUMN indicator TYPE text COLLATE "C", ALTER COLUMN period TYPE text COLLATE "C""#,
                #"""
                ALTER TABLE ruralstat.rollups ALTER COLUMN indicator TYPE text COLLATE "C", ALTER COLUMN period TYPE text COLLATE "C",
                    ALTER COLUMN level TYPE text COLLATE "C"
                """#,
                #"""
                ALTER TABLE ruralstat.rollup_changes ALTER COLUMN indicator TYPE text COLLATE "C", ALTER COLUMN period TYPE text COLLATE "C",
                    ALTER COLUMN level TYPE text COLLATE "C"
                """#,
                #"""
                ALTER TABLE ruralstat.findings ALTER COLUMN rule_id TYPE text COLLATE "C", ALTER COLUMN indicator TYPE text COLLATE "C",
                    ALTER COLUMN period TYPE text COLLATE "C", ALTER COLUMN level TYPE text COLLATE "C"
                """#,
                #"ALTER TABLE ruralstat.finding_tallies ALTER COLUMN rule_id TYPE text COLLATE "C", ALTER COLUMN level TYPE text COLLATE "C""#,
                #"""
                ALTER TABLE ruralstat.assessments ALTER COLUMN framework TYPE text COLLATE "C", ALTER COLUMN level TYPE text COLLATE "C"
                """#,
                // No foreign keys on the bulk tables, as in the SQLite store: their rows are written in the
                // transaction that writes what they refer to, and a key check per row (a query and a row lock
                // each) made a fresh million-row apply take twice as long.
                """
                ALTER TABLE ruralstat.observations DROP CONSTRAINT observations_submission_id_fkey
                """,
                """
                ALTER TABLE ruralstat.superseded_observations DROP CONSTRAINT superseded_observations_submission_id_fkey,
                    DROP CONSTRAINT superseded_observations_superseded_by_fkey
                """,
                "ALTER TABLE ruralstat.rejects DROP CONSTRAINT rejects_run_id_fkey, DROP CONSTRAINT rejects_submission_id_fkey",
                "ALTER TABLE ruralstat.rollups DROP CONSTRAINT rollups_run_id_fkey",
                "ALTER TABLE ruralstat.rollup_changes DROP CONSTRAINT rollup_changes_run_id_fkey",
                "ALTER TABLE ruralstat.findings DROP CONSTRAINT findings_run_id_fkey, DROP CONSTRAINT findings_first_run_id_fkey",
                "ALTER TABLE ruralstat.finding_tallies DROP CONSTRAINT finding_tallies_run_id_fkey",
                // The partitions (indicator × period × province) each submission changed, for incremental rollups.
                #"""
                CREATE TABLE ruralstat.submission_partitions (
                    submission_id bigint  NOT NULL,
                    indicator     text    COLLATE "C" NOT NULL,
                    period        text    COLLATE "C" NOT NULL,
                    province      integer NOT NULL,
                    PRIMARY KEY (submission_id, indicator, period, province)
                )
                """#,
                // The order changes were made in, which decides a key's last change.
                "ALTER TABLE ruralstat.rollup_changes ADD COLUMN id bigserial",
                "CREATE INDEX superseded_observations_by_superseder ON ruralstat.superseded_observations (superseded_by)",
                "CREATE INDEX submission_decisions_by_submission ON ruralstat.submission_decisions (submission_id)",
                "CREATE INDEX rejects_by_submission ON ruralstat.rejects (submission_id)",
                // Which provinces changed is the bureau's to know; its figures are in the tables analysts read.
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ruralstat.submission_partitions TO ruralstat_bureau",
                "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ruralstat TO ruralstat_bureau",
                // The analysts' views, as the SQLite store has them. Invoker's rights: a view shows what the
                // querying login's row-level security lets it see, never its owner's.
                """
                CREATE VIEW ruralstat.current_indicators WITH (security_invoker = true) AS
                    SELECT i.* FROM ruralstat.indicators i
                    WHERE i.valid_from = (SELECT max(j.valid_from) FROM ruralstat.indicators j WHERE j.code = i.code)
                """,
                """
                CREATE VIEW ruralstat.current_observations WITH (security_invoker = true) AS
                    SELECT lpad(o.region::text, 12, '0') AS region, o.indicator, o.period, o.value, o.status, o.submission_id, s.sender,
                           s.file_name
                    FROM ruralstat.observations o LEFT JOIN ruralstat.submissions s ON s.id = o.submission_id
                """,
                """
                CREATE VIEW ruralstat.rollup_table WITH (security_invoker = true) AS
                    SELECT r.level, lpad(r.region::text, 12, '0') AS region, g.name AS region_name, r.indicator, r.period,
                           r.value, r.contributing, r.expected, r.coverage, r.publication,
                           i.name_zh, i.name_en, i.unit, i.unit_mult, i.definition_version, r.numerator, r.denominator,
                           (SELECT count(*) FROM ruralstat.findings f
                            WHERE f.indicator = r.indicator AND f.period = r.period AND f.region = r.region) AS findings
                    FROM ruralstat.rollups r
                    LEFT JOIN ruralstat.regions g ON g.code = r.region AND g.edition = (SELECT max(edition) FROM ruralstat.regions)
                    LEFT JOIN ruralstat.indicators i ON i.code = r.indicator
                        AND substr(r.period, 1, 4)::integer BETWEEN i.valid_from AND coalesce(i.valid_to, 9999)
                """,
                """
                CREATE VIEW ruralstat.finding_table WITH (security_invoker = true) AS
                    SELECT f.rule_id, f.method, f.severity, f.tier, f.level, lpad(f.region::text, 12, '0') AS region, g.name AS region_name,
                           f.indicator, f.period, f.observed, f.expected, f.lower_bound, f.upper_bound, f.statistic_name, f.statistic,
                           f.peer_group, f.peer_size, f.explanation
                    FROM ruralstat.findings f
                    LEFT JOIN ruralstat.regions g ON g.code = f.region AND g.edition = (SELECT max(edition) FROM ruralstat.regions)
                """,
                "GRANT SELECT ON ruralstat.current_indicators, ruralstat.finding_table TO ruralstat_bureau, ruralstat_analyst, ruralstat_evaluator",
                "GRANT SELECT ON ruralstat.current_observations, ruralstat.rollup_table TO ruralstat_bureau, ruralstat_analyst",
                // The bureau stages submissions, rollups and findings in temporary tables (COPY cannot fill a table with row-level security).
                """
                DO $$
                BEGIN
                    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO ruralstat_bureau', current_database());
                END
                $$
                """,
            ]),
    ]

    /// The latest version.
    public static var version: Int { migrations.last!.version }

    /// Brings the database to the latest version; returns the versions applied (empty when it was
    /// up to date). The connecting role needs to create schemas and roles (the database's owner with
    /// CREATEROLE, or a superuser); it is given the bureau's scope.
    @discardableResult
    public static func migrate(_ connection: ServerConnection) async throws(ServerStoreError) -> [Int] {
        try await connection.transaction { connection throws(ServerStoreError) in
            // One migrator at a time (a constant key: "ruralstat" in ASCII).
            try await connection.execute("SELECT pg_advisory_xact_lock(\(Int64(0x7275_7261_6c73_7461)))")
            try await connection.execute("CREATE SCHEMA IF NOT EXISTS ruralstat")
            try await connection.execute(
                """
                CREATE TABLE IF NOT EXISTS ruralstat.schema_migrations (
                    version     integer     PRIMARY KEY,
                    description text        NOT NULL,
                    applied_at  timestamptz NOT NULL DEFAULT now()
                )
                """)
            let applied = Set(try await connection.rows("SELECT version FROM ruralstat.schema_migrations") { try $0.decode(Int.self) })
            var done: [Int] = []
            for migration in migrations where !applied.contains(migration.version) {
                for statement in migration.statements { try await connection.execute(PostgresQuery(unsafeSQL: statement)) }
                try await connection.execute(
                    "INSERT INTO ruralstat.schema_migrations (version, description) VALUES (\(migration.version), \(migration.description))")
                done.append(migration.version)
            }
            try await ServerAccess.checkSecured(connection)
            if !done.isEmpty {
                // The migrating role writes everything, as the bureau does.
                try await connection.execute(
                    """
                    INSERT INTO ruralstat.access_scopes (login, role, region, divisor) VALUES (current_user, 'bureau', 0, 1000000000000)
                    ON CONFLICT (login) DO UPDATE SET role = 'bureau', region = 0, divisor = 1000000000000
                    """)
            }
            return done
        }
    }

    /// The versions a database has, lowest first (empty when ruralstat has never migrated it).
    public static func appliedVersions(_ connection: ServerConnection) async throws(ServerStoreError) -> [Int] {
        let exists = try await connection.rows("SELECT to_regclass('ruralstat.schema_migrations') IS NOT NULL") { try $0.decode(Bool.self) }
        guard exists.first == true else { return [] }
        return try await connection.rows("SELECT version FROM ruralstat.schema_migrations ORDER BY version") { try $0.decode(Int.self) }
    }
}
