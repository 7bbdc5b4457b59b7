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
/// writes: its subtree's root R and D = 10^(12 − the root's digits), so that the subtree is the codes
/// in [R, R + D). Each table's policy keeps a row whose `region` lies in the scope of the querying
/// login (`current_user`), and only when the scope's part may read that table: a login that gained
/// another group's privileges some other way still sees nothing of it. The bounds are two scalar
/// subqueries, planned once per query, so that a region index serves them, and a policy is parsed
/// when it is made, so no search_path of the caller's can change what it means. A login without a
/// scope sees no rows, and only logins granted here may connect to the database.
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

    /// The parts that may read each jurisdiction table: figures to the bureau and analysts, judgements to evaluators too.
    static func readers(of table: String) -> [Role] {
        ServerSchema.evaluatorTables.contains(table) ? [.bureau, .analyst, .evaluator] : [.bureau, .analyst]
    }

    /// The group roles, the scope table, the privileges and the policies (part of migration 1).
    static var statements: [String] {
        let groups = Role.allCases.map(\.groupRole)
        var statements = [
            """
            DO $$
            BEGIN
                -- The group roles belong to the whole server: two stores migrated at once may both find one
                -- missing, and the second CREATE ROLE then fails on the catalog's unique index.
                \(groups.map { "IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\($0)') THEN BEGIN CREATE ROLE \($0) NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END; END IF;" }.joined(separator: "\n    "))
                -- Only logins granted here connect (the group roles belong to the whole server).
                EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
            END
            $$
            """,
            """
            CREATE TABLE ruralstat.access_scopes (
                login      name        PRIMARY KEY,
                role       text        NOT NULL CHECK (role IN ('bureau', 'analyst', 'evaluator')),
                region     bigint      NOT NULL CHECK (region BETWEEN 0 AND 999999999999),
                divisor    bigint      NOT NULL CHECK (divisor IN (1, 1000, 1000000, 100000000, 10000000000, 1000000000000)),
                granted_at timestamptz NOT NULL DEFAULT now(),
                CHECK (region % divisor = 0)
            )
            """,
            // Each login reads its own scope only; the owner (who grants) is not bound by this.
            "ALTER TABLE ruralstat.access_scopes ENABLE ROW LEVEL SECURITY",
            "CREATE POLICY own_scope ON ruralstat.access_scopes FOR SELECT USING (login = current_user)",
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
            let scope =
                "FROM ruralstat.access_scopes s WHERE s.login = current_user AND s.role IN (\(readers(of: table).map { "'\($0.rawValue)'" }.joined(separator: ", ")))"
            let within = "region >= (SELECT s.region \(scope)) AND region < (SELECT s.region + s.divisor \(scope))"
            statements += [
                "ALTER TABLE ruralstat.\(table) ADD CHECK (region BETWEEN 0 AND 999999999999)",
                "ALTER TABLE ruralstat.\(table) ENABLE ROW LEVEL SECURITY",
                "ALTER TABLE ruralstat.\(table) FORCE ROW LEVEL SECURITY",
                "CREATE POLICY by_jurisdiction ON ruralstat.\(table) USING (\(within)) WITH CHECK (\(within))",
            ]
        }
        return statements
    }

    /// What must hold after every migration, or the store is refused: every table with a `region`
    /// (but the scopes themselves, which the owner keeps) has forced row-level security and a policy (a table a later version adds cannot be left
    /// open), and the group roles have no attribute or membership that would widen them.
    static func checkSecured(_ connection: ServerConnection) async throws(ServerStoreError) {
        let open = try await connection.rows(
            """
            SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'ruralstat' AND c.relkind IN ('r', 'p') AND c.relname <> 'access_scopes'
              AND EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'region' AND NOT a.attisdropped)
              AND NOT (c.relrowsecurity AND c.relforcerowsecurity AND EXISTS (SELECT FROM pg_policy p WHERE p.polrelid = c.oid))
            ORDER BY 1
            """
        ) { try $0.decode(String.self) }
        guard open.isEmpty else {
            throw ServerStoreError("tables of ruralstat with a region but no forced row-level security: \(open.joined(separator: ", "))")
        }
        let groups = Role.allCases.map(\.groupRole)
        let widened = try await connection.rows(
            """
            SELECT r.rolname::text FROM pg_roles r
            WHERE r.rolname = ANY(\(groups))
              AND (r.rolcanlogin OR r.rolsuper OR r.rolbypassrls OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication
                   OR EXISTS (SELECT FROM pg_auth_members m WHERE m.member = r.oid))
            """
        ) { try $0.decode(String.self) }
        guard widened.isEmpty else {
            throw ServerStoreError(
                "the group roles \(widened.joined(separator: ", ")) may log in, bypass row-level security or belong to other roles: "
                    + "make them NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB NOREPLICATION members of no role")
        }
    }

    /// Makes `login` a login role of `role` scoped to the subtree of `region`: creates it (or
    /// changes its password, when one is given), makes it a member of that group role only, lets
    /// it connect to this database, and writes its scope. Running it again with other arguments
    /// moves the login. The password travels as a SCRAM-SHA-256 verifier, never as text.
    ///
    /// - Throws: ``ServerStoreError`` when `region` is not of a level the role may be rooted at; when
    ///   the login is the granting role itself, a reserved or group role name, a role with special
    ///   attributes (superuser, BYPASSRLS, CREATEROLE, CREATEDB, REPLICATION), or a member of other
    ///   roles (whose privileges it would keep); when the connecting role may not create roles; or
    ///   when the store has not been migrated.
    public static func grant(
        _ role: Role, login: ServerIdentifier, region: RegionCode, password: String?, on connection: ServerConnection
    ) async throws(ServerStoreError) {
        guard role.levels.contains(region.level) else {
            let levels = role.levels.sorted().map(\.description).joined(separator: ", ")
            throw ServerStoreError(
                "\(role == .bureau ? "a" : "an") \(role.rawValue) login is scoped to: \(levels); not to \(region.level) \(region)", isInvalidInput: true)
        }
        let groups = Role.allCases.map(\.groupRole)
        guard !groups.contains(login.name), !login.name.hasPrefix("pg_") else {
            throw ServerStoreError("\(login) is a group role of ruralstat's or a name PostgreSQL reserves; give a login of its own", isInvalidInput: true)
        }
        let verifier = try password.map { password throws(ServerStoreError) in try ScramVerifier.make(password: password) }
        let divisor = Int64(pow10(12 - region.level.significantDigits))
        try await connection.transaction { connection throws(ServerStoreError) in
            try await checkSecured(connection)
            let me = try await connection.rows("SELECT current_user::text") { try $0.decode(String.self) }
            guard me.first != login.name else {
                throw ServerStoreError("\(login) is the role granting; give another login", isInvalidInput: true)
            }
            let found = try await connection.rows(
                """
                SELECT r.rolsuper OR r.rolbypassrls OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication,
                       ARRAY(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid)
                FROM pg_roles r WHERE r.rolname = \(login.name)
                """
            ) { try $0.decode((Bool, [String]).self) }
            if let (special, memberships) = found.first {
                guard !special else {
                    throw ServerStoreError(
                        "\(login) is a superuser or may bypass row-level security, create roles, databases or replicate: give a plain login",
                        isInvalidInput: true)
                }
                let others = memberships.filter { !groups.contains($0) }
                guard others.isEmpty else {
                    throw ServerStoreError(
                        "\(login) is a member of \(others.joined(separator: ", ")), whose privileges it would keep: give a login that belongs to no role",
                        isInvalidInput: true)
                }
            }
            // Role statements take no parameters: the server quotes the name and the verifier (format's %I and %L).
            let statements = try await connection.rows(
                """
                SELECT format(\(found.isEmpty ? "CREATE" : "ALTER") || ' ROLE %I WITH LOGIN' || CASE WHEN \(verifier)::text IS NULL THEN '' ELSE ' PASSWORD %L' END,
                              \(login.name)::text, \(verifier)::text),
                       format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), \(login.name)::text)
                """
            ) { try $0.decode((String, String).self) }
            try await connection.execute(PostgresQuery(unsafeSQL: statements[0].0))
            for other in Role.allCases where other != role {
                try await connection.execute(PostgresQuery(unsafeSQL: "REVOKE \(other.groupRole) FROM \(login.quoted)"))
            }
            try await connection.execute(PostgresQuery(unsafeSQL: "GRANT \(role.groupRole) TO \(login.quoted)"))
            try await connection.execute(PostgresQuery(unsafeSQL: statements[0].1))
            // A membership another role granted is not undone by REVOKE: check rather than trust it.
            let kept = try await connection.rows(
                "SELECT g::text FROM unnest(\(groups)::text[]) g WHERE g <> \(role.groupRole) AND pg_has_role(\(login.name)::name, g, 'MEMBER')"
            ) { try $0.decode(String.self) }
            guard kept.isEmpty else {
                throw ServerStoreError("\(login) still belongs to \(kept.joined(separator: ", ")) (granted by another role): revoke that first")
            }
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
