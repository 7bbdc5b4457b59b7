import PostgresNIO

/// The temporary tables of a connection, where rows arrive by `COPY` before they are merged into
/// the store's tables (which have row-level security, and PostgreSQL refuses `COPY` into those).
/// They belong to the connection's session and vanish with it; each use empties them first.
enum ServerStaging {
    /// A registry edition.
    static let regions = "pg_temp.staged_regions"
    static let regionColumns = ["edition", "code", "name", "level", "lowest_level", "parent_code", "kind", "urban_rural_class"]
    /// A submission's rows in document order: `seq` is the row's place, `action` 'm' (merge),
    /// 'r' (replace) or 'd' (delete, whose NULL dimensions match every value).
    static let values = "pg_temp.staged_values"
    static let valueColumns = ["seq", "action", "indicator", "period", "region", "value", "status", "line"]
    /// A submission's rejects, in order.
    static let rejects = "pg_temp.staged_rejects"
    static let rejectColumns = ["region", "file", "line", "element", "column_name", "key", "rule", "severity", "value", "message"]
    /// Rollups about to replace a scope's.
    static let rollups = "pg_temp.staged_rollups"
    static let rollupColumns = [
        "level", "region", "indicator", "period", "value", "contributing", "expected", "coverage", "publication", "reported_value", "imbalance",
        "relative_imbalance", "numerator", "denominator",
    ]
    /// Findings of a run, staged in parts until they replace the stored ones.
    static let findings = "pg_temp.staged_findings"
    static let findingColumns = [
        "run_id", "rule_id", "method", "severity", "tier", "level", "region", "indicator", "period", "observed", "expected", "lower_bound",
        "upper_bound", "statistic_name", "statistic", "parameters", "parameter_values", "peer_group", "peer_size", "explanation",
    ]

    static func create(_ connection: ServerConnection) async throws(ServerStoreError) {
        try await connection.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS staged_regions (
                edition integer NOT NULL, code bigint NOT NULL, name text NOT NULL, level text NOT NULL, lowest_level text NOT NULL,
                parent_code bigint NOT NULL, kind text NOT NULL, urban_rural_class text)
            """)
        try await connection.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS staged_values (
                seq bigint NOT NULL, action "char" NOT NULL, indicator text COLLATE "C", period text COLLATE "C", region bigint,
                value double precision, status text, line integer)
            """)
        try await connection.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS staged_rejects (
                seq bigint GENERATED ALWAYS AS IDENTITY, region bigint, file text NOT NULL, line integer, element text, column_name text,
                key text, rule text NOT NULL, severity text NOT NULL, value text, message text NOT NULL)
            """)
        try await connection.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS staged_rollups (
                level text COLLATE "C" NOT NULL, region bigint NOT NULL, indicator text COLLATE "C" NOT NULL, period text COLLATE "C" NOT NULL,
                value double precision, contributing integer NOT NULL, expected integer NOT NULL, coverage double precision,
                publication text NOT NULL, reported_value double precision, imbalance double precision, relative_imbalance double precision,
                numerator double precision NOT NULL, denominator double precision NOT NULL)
            """)
        try await connection.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS staged_findings (
                seq bigint GENERATED ALWAYS AS IDENTITY, run_id bigint NOT NULL, rule_id text COLLATE "C" NOT NULL, method text NOT NULL,
                severity text NOT NULL, tier text, level text COLLATE "C" NOT NULL, region bigint NOT NULL, indicator text COLLATE "C",
                period text COLLATE "C", observed double precision, expected double precision, lower_bound double precision,
                upper_bound double precision, statistic_name text, statistic double precision, parameters text, parameter_values jsonb,
                peer_group text, peer_size integer, explanation text NOT NULL)
            """)
    }
}
