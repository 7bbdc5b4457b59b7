import PostgresNIO
import RuralstatModel

/// Who may read and write what in a server store: three group roles, and row-level security that
/// keys on a region code's digits, so that a province's analysts cannot see another province's
/// observations, rollups or findings — not through ruralstat, and not with hand-written SQL.
///
/// - `ruralstat_bureau` writes everything (the nightly run's login), the whole country.
/// - `ruralstat_analyst` reads the figures and judgements of one subtree: submissions and their
///   rejects, current and superseded observations, rollups, findings, assessments.
/// - `ruralstat_evaluator` reads findings and assessments of one subtree, and no figures.
///
/// Every role reads the reference tables whole (registry, catalog, runs). A login is a member of one
/// group role and has one scope, a row of `ruralstat.access_scopes` that ``grant(_:login:region:password:on:)``
/// writes: its subtree's root and 10^(12 − the root's digits), by which two codes divided alike lie in
/// the same subtree. A login without a scope sees no rows.
///
/// ```
/// try await ServerAccess.grant(.analyst, login: ServerIdentifier("hebei_analyst"), region: try RegionCode("13"), password: nil, on: connection)
/// ```
public enum ServerAccess {
    /// The part a login plays.
    public enum Role: String, Sendable, CaseIterable {
        case bureau, analyst, evaluator

        /// The group role whose privileges the login inherits.
        public var groupRole: String { "ruralstat_\(rawValue)" }

        /// The levels a scope of this part may be rooted at.
        public var levels: Set<RegionLevel> {
            switch self {
            case .bureau: [.national]
            case .analyst: [.province, .prefecture, .county]
            case .evaluator: [.national, .province, .prefecture, .county]
            }
        }
    }

    /// The group roles, the scope table, the scope test, the privileges and the policies (part of
    /// migration 1).
    static var statements: [String] {
        let groups = Role.allCases.map(\.groupRole)
        var statements = [
            """
            DO $$
            BEGIN
                \(groups.map { "IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\($0)') THEN CREATE ROLE \($0) NOLOGIN; END IF;" }.joined(separator: "\n    "))
            END
            $$
            """,
            """
            CREATE TABLE ruralstat.access_scopes (
                login      name        PRIMARY KEY,
                role       text        NOT NULL CHECK (role IN ('bureau', 'analyst', 'evaluator')),
                region     bigint      NOT NULL,
                divisor    bigint      NOT NULL CHECK (divisor IN (1, 1000, 1000000, 100000000, 10000000000, 1000000000000)),
                granted_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            // Each login reads its own scope only; the owner (who grants) is not bound by this.
            "ALTER TABLE ruralstat.access_scopes ENABLE ROW LEVEL SECURITY",
            "CREATE POLICY own_scope ON ruralstat.access_scopes FOR SELECT USING (login = current_user)",
            // A plain SQL function that the planner inlines into every policy; it runs as the
            // querying role (current_user), who reads only its own scope. Its body is parsed when it
            // runs, under the caller's search_path, so every name and operator in it is qualified:
            // a role that could create an `=` of its own earlier in its path must not redefine it.
            """
            CREATE FUNCTION ruralstat.in_scope(code bigint) RETURNS boolean
                LANGUAGE sql STABLE PARALLEL SAFE
                AS $$ SELECT EXISTS (SELECT 1 FROM ruralstat.access_scopes s
                                     WHERE (s.login OPERATOR(pg_catalog.=) current_user)
                                       AND ((code OPERATOR(pg_catalog./) s.divisor) OPERATOR(pg_catalog.=) (s.region OPERATOR(pg_catalog./) s.divisor))) $$
            """,
            "REVOKE ALL ON SCHEMA ruralstat FROM PUBLIC",
            "GRANT USAGE ON SCHEMA ruralstat TO \(groups.joined(separator: ", "))",
            "GRANT SELECT ON ruralstat.access_scopes TO \(groups.joined(separator: ", "))",
            "GRANT SELECT ON \(ServerSchema.referenceTables.map { "ruralstat.\($0)" }.joined(separator: ", ")) TO \(groups.joined(separator: ", "))",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ruralstat TO ruralstat_bureau",
            "REVOKE INSERT, UPDATE, DELETE ON ruralstat.access_scopes, ruralstat.schema_migrations FROM ruralstat_bureau",
            "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ruralstat TO ruralstat_bureau",
            "GRANT SELECT ON \(ServerSchema.jurisdictionTables.map { "ruralstat.\($0)" }.joined(separator: ", ")), ruralstat.assessment_settings TO ruralstat_analyst",
            "GRANT SELECT ON \(ServerSchema.evaluatorTables.map { "ruralstat.\($0)" }.joined(separator: ", ")) TO ruralstat_evaluator",
        ]
        // Forced, so that the tables' owner is bound too (a superuser never is).
        for table in ServerSchema.jurisdictionTables {
            statements += [
                "ALTER TABLE ruralstat.\(table) ENABLE ROW LEVEL SECURITY",
                "ALTER TABLE ruralstat.\(table) FORCE ROW LEVEL SECURITY",
                "CREATE POLICY by_jurisdiction ON ruralstat.\(table) USING (ruralstat.in_scope(region)) WITH CHECK (ruralstat.in_scope(region))",
            ]
        }
        return statements
    }

    /// Makes `login` a login role of `role` scoped to the subtree of `region`: creates it (or
    /// changes its password, when one is given), makes it a member of that group role only, and
    /// writes its scope. Running it again with other arguments moves the login.
    ///
    /// - Throws: ``ServerStoreError`` when `region` is not of a level the role may be rooted at,
    ///   when the connecting role may not create roles, or when the store has not been migrated.
    public static func grant(
        _ role: Role, login: ServerIdentifier, region: RegionCode, password: String?, on connection: ServerConnection
    ) async throws(ServerStoreError) {
        guard role.levels.contains(region.level) else {
            let levels = role.levels.sorted().map(\.description).joined(separator: ", ")
            throw ServerStoreError(
                "\(role == .bureau ? "a" : "an") \(role.rawValue) login is scoped to: \(levels); not to \(region.level) \(region)", isInvalidInput: true)
        }
        guard !Role.allCases.map(\.groupRole).contains(login.name) else {
            throw ServerStoreError("\(login) is one of ruralstat's group roles; give a login of its own", isInvalidInput: true)
        }
        let divisor = Int64(pow10(12 - region.level.significantDigits))
        try await connection.transaction { connection throws(ServerStoreError) in
            let exists = try await connection.rows("SELECT count(*) FROM pg_roles WHERE rolname = \(login.name)") { try $0.decode(Int.self) }
            // Role statements take no parameters: the server quotes the name and password (format's %I and %L).
            let verb = exists.first == 0 ? "CREATE" : "ALTER"
            let statement = try await connection.rows(
                "SELECT format('\(unescaped: verb) ROLE %I WITH LOGIN' || CASE WHEN \(password)::text IS NULL THEN '' ELSE ' PASSWORD %L' END, \(login.name)::text, \(password)::text)"
            ) { try $0.decode(String.self) }
            try await connection.execute(PostgresQuery(unsafeSQL: statement[0]))
            for other in Role.allCases where other != role {
                try await connection.execute(PostgresQuery(unsafeSQL: "REVOKE \(other.groupRole) FROM \(login.quoted)"))
            }
            try await connection.execute(PostgresQuery(unsafeSQL: "GRANT \(role.groupRole) TO \(login.quoted)"))
            try await connection.execute(
                """
                INSERT INTO ruralstat.access_scopes (login, role, region, divisor) VALUES (\(login.name), \(role.rawValue), \(region.rawValue), \(divisor))
                ON CONFLICT (login) DO UPDATE SET role = excluded.role, region = excluded.region, divisor = excluded.divisor, granted_at = now()
                """)
        }
    }

    /// Every login's scope, by login.
    public static func scopes(on connection: ServerConnection) async throws(ServerStoreError) -> [(login: String, role: String, region: RegionCode)] {
        try await connection.rows("SELECT login::text, role, region FROM ruralstat.access_scopes ORDER BY login") { row in
            let (login, role, region) = try row.decode((String, String, Int64).self)
            return (login, role, RegionCode(uncheckedRawValue: region))
        }
    }

    private static func pow10(_ exponent: Int) -> Int64 { (0..<exponent).reduce(1) { value, _ in value * 10 } }
}
