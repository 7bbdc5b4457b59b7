import Foundation
import PostgresNIO
import RuralstatModel
import RuralstatStore
@testable import RuralstatServerStore
import Testing

/// The server store's row-level security, against a real PostgreSQL server: each role connects as
/// itself and runs hand-written SQL, and sees its subtree's rows only, or is refused.
///
/// Needs `RURALSTAT_TEST_POSTGRESQL_URL` (a superuser's URL, such as `.ci/run` sets from the
/// throwaway cluster of `Tests/PostgreSQL/cluster.sh`); without it these tests are skipped, and say so.
@Suite(
    "Server store: row-level security by jurisdiction",
    .enabled(
        if: ServerTestDatabase.adminURL != nil,
        "RURALSTAT_TEST_POSTGRESQL_URL is not set: no PostgreSQL server to test against (Tests/PostgreSQL/cluster.sh start prints one)"),
    .serialized)
struct RowSecurityTests {
    // Hebei (13): a village of Shijiazhuang (1301) and one of Tangshan (1302); Shanxi (14): one village.
    static let shijiazhuangVillage: Int64 = 130_121_101_201
    static let tangshanVillage: Int64 = 130_223_100_201
    static let shanxiVillage: Int64 = 140_105_001_001

    @Test func eachRoleSeesItsSubtreeOnly() async throws {
        try await ServerTestDatabase.with { database in
            try await database.fill()
            let hebei = try await database.login(.analyst, "hebei", region: "13")
            let shijiazhuang = try await database.login(.analyst, "sjz", region: "1301")
            let shanxi = try await database.login(.analyst, "shanxi", region: "14")
            let nightly = try await database.login(.bureau, "nightly", region: "national")

            for table in ["observations", "rollups", "findings", "submissions", "rejects", "assessments", "superseded_observations"] {
                #expect(try await hebei.regions(table).allSatisfy { $0 / 10_000_000_000 == 13 }, "\(table)")
                #expect(try await shanxi.regions(table).allSatisfy { $0 / 10_000_000_000 == 14 }, "\(table)")
                #expect(try await shijiazhuang.regions(table).allSatisfy { $0 / 100_000_000 == 1301 }, "\(table)")
            }
            #expect(try await hebei.regions("observations").sorted() == [Self.shijiazhuangVillage, Self.tangshanVillage])
            #expect(try await shijiazhuang.regions("observations") == [Self.shijiazhuangVillage])
            #expect(try await shanxi.regions("observations") == [Self.shanxiVillage])
            // A prefecture's analysts see its own rows, and not the province's (an ancestor is outside the subtree).
            #expect(try await shijiazhuang.regions("rollups") == [130_100_000_000])
            #expect(try await shijiazhuang.regions("findings") == [Self.shijiazhuangVillage])
            #expect(try await shijiazhuang.regions("assessments").isEmpty)
            #expect(try await hebei.regions("assessments") == [130_000_000_000])
            #expect(try await nightly.regions("observations").count == 3)
            // Asking for another province's rows by hand finds none.
            #expect(try await hebei.count("SELECT count(*) FROM ruralstat.observations WHERE region = \(Self.shanxiVillage)") == 0)
            #expect(try await hebei.count("SELECT count(*) FROM ruralstat.rollups WHERE region / 10000000000 = 14") == 0)
            // The analysts' views show the querying login's rows, not their owner's.
            #expect(try await hebei.count("SELECT count(*) FROM ruralstat.current_observations") == 2)
            #expect(try await shijiazhuang.count("SELECT count(*) FROM ruralstat.rollup_table") == 1)
            #expect(try await shanxi.count("SELECT count(*) FROM ruralstat.finding_table WHERE region NOT LIKE '14%'") == 0)
            #expect(try await nightly.count("SELECT count(*) FROM ruralstat.current_observations") == 3)
            // The tallies are per province: each sees its own.
            #expect(try await hebei.regions("finding_tallies") == [130_000_000_000])
            // Reference tables are whole for everyone.
            #expect(try await shanxi.count("SELECT count(*) FROM ruralstat.runs") == 1)
            // Each login reads its own scope only.
            #expect(try await hebei.count("SELECT count(*) FROM ruralstat.access_scopes") == 1)
        }
    }

    @Test func analystsAndEvaluatorsAreRefusedWhatTheirRoleDoesNotHold() async throws {
        try await ServerTestDatabase.with { database in
            try await database.fill()
            let hebei = try await database.login(.analyst, "hebei", region: "13")
            let evaluator = try await database.login(.evaluator, "eval_hebei", region: "13")
            let nationalEvaluator = try await database.login(.evaluator, "eval_all", region: "national")
            let nightly = try await database.login(.bureau, "nightly", region: "national")

            // Analysts read; they do not write, nor widen their own scope.
            let insert =
                "INSERT INTO ruralstat.observations (indicator, period, region, value, submission_id) VALUES ('X', '2024', \(Self.shijiazhuangVillage), 1, 1)"
            try await expectRefused(hebei, insert)
            try await expectRefused(hebei, "UPDATE ruralstat.access_scopes SET divisor = 1000000000000")
            try await expectRefused(hebei, "SET ROLE ruralstat_bureau")
            // Evaluators read findings and assessments of their subtree, and no figures.
            try await expectRefused(evaluator, "SELECT count(*) FROM ruralstat.observations")
            try await expectRefused(evaluator, "SELECT count(*) FROM ruralstat.rollups")
            try await expectRefused(evaluator, "SELECT count(*) FROM ruralstat.submissions")
            #expect(try await evaluator.regions("findings").allSatisfy { $0 / 10_000_000_000 == 13 })
            #expect(try await evaluator.regions("findings").count == 2)
            #expect(try await evaluator.regions("assessments") == [130_000_000_000])
            #expect(try await nationalEvaluator.regions("findings").count == 3)
            // The bureau writes.
            try await nightly.connection.execute(
                "INSERT INTO ruralstat.runs (started_at, command, status, software_version) VALUES (now(), 'test', 'running', 't')")
            #expect(try await nightly.count("SELECT count(*) FROM ruralstat.runs") == 2)
        }
    }

    /// ruralstat's own commands, opened as an analyst, read through the same policies: the store's
    /// interface shows the subtree only, and refuses to write.
    @Test func theStoreInterfaceAsAnAnalystShowsItsSubtreeOnly() async throws {
        try await ServerTestDatabase.with { database in
            try await database.fill()
            let hebei = try await database.login(.analyst, "hebei", region: "13")
            let store = try ServerStore(database.location.connecting(as: hebei.name), creating: false)
            var regions: [Int64] = []
            try store.currentObservations(ObservationFilter()) { regions += $0.regions }
            #expect(regions.sorted() == [Self.shijiazhuangVillage, Self.tangshanVillage])
            #expect(try store.storedRollups().allSatisfy { $0.region.rawValue / 10_000_000_000 == 13 })
            #expect(try store.findings().map(\.region.rawValue).allSatisfy { $0 / 10_000_000_000 == 13 })
            #expect(try store.ledger().count == 1)
            #expect { _ = try store.beginRun(command: "t", parameters: [:]) } throws: { "\($0)".contains("permission denied") }
        }
    }

    /// The scope test is parsed under the caller's search_path: an analyst who may create objects
    /// somewhere cannot put an `=` of its own before PostgreSQL's and so widen its scope.
    @Test func anAnalystsOwnOperatorsDoNotWidenItsScope() async throws {
        try await ServerTestDatabase.with { database in
            try await database.fill()
            let hebei = try await database.login(.analyst, "hebei", region: "13")
            try await database.admin.execute(.init(unsafeSQL: "CREATE SCHEMA \(database.prefix)own AUTHORIZATION \(hebei.name)"))
            for statement in [
                "CREATE FUNCTION \(database.prefix)own.yes(bigint, bigint) RETURNS boolean LANGUAGE sql AS 'SELECT true'",
                "CREATE OPERATOR \(database.prefix)own.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = \(database.prefix)own.yes)",
                "CREATE FUNCTION \(database.prefix)own.yes(name, name) RETURNS boolean LANGUAGE sql AS 'SELECT true'",
                "CREATE OPERATOR \(database.prefix)own.= (LEFTARG = name, RIGHTARG = name, FUNCTION = \(database.prefix)own.yes)",
                "SET search_path = \(database.prefix)own, pg_catalog, ruralstat",
            ] {
                try await hebei.connection.execute(.init(unsafeSQL: statement))
            }
            #expect(try await hebei.count("SELECT count(*) FROM observations WHERE 140105001001::bigint = 1::bigint") == 2)  // their operator is in force…
            #expect(try await hebei.regions("observations").sorted() == [Self.shijiazhuangVillage, Self.tangshanVillage])  // …but not in the policy
        }
    }

    @Test func aLoginWithoutAScopeSeesNothing() async throws {
        try await ServerTestDatabase.with { database in
            try await database.fill()
            let name = database.prefix + "noscope"
            try await database.admin.execute(.init(unsafeSQL: "CREATE ROLE \(name) LOGIN IN ROLE ruralstat_analyst"))
            try await database.admin.execute(.init(unsafeSQL: "GRANT CONNECT ON DATABASE \(database.location.database) TO \(name)"))
            let connection = try await database.connect(as: name)
            #expect(try await connection.rows("SELECT count(*) FROM ruralstat.observations") { try $0.decode(Int.self) } == [0])
        }
    }

    @Test func grantsCheckTheirScopeAndNames() async throws {
        try await ServerTestDatabase.with { database in
            for (role, region) in [(ServerAccess.Role.analyst, "national"), (.bureau, "13"), (.analyst, "130121101201")] {
                await #expect(throws: ServerStoreError.self) {
                    try await database.login(role, "bad", region: region)
                }
            }
            #expect(throws: ServerStoreError.self) { try ServerIdentifier("Robert'); DROP TABLE x;--") }
            #expect(throws: ServerStoreError.self) { try ServerIdentifier("ruralstat_analyst_" + String(repeating: "x", count: 60)) }
            await #expect(throws: ServerStoreError.self) {
                try await ServerAccess.grant(
                    .analyst, login: ServerIdentifier("ruralstat_bureau"), region: try RegionCode("13"), password: nil, on: database.admin)
            }
            // Granting again moves a login: from Hebei's analysts to Shanxi's evaluators.
            try await database.fill()
            _ = try await database.login(.analyst, "mover", region: "13")
            let moved = try await database.login(.evaluator, "mover", region: "14")
            try await expectRefused(moved, "SELECT count(*) FROM ruralstat.observations")
            #expect(try await moved.regions("findings") == [Self.shanxiVillage])
        }
    }

    /// A login keeps the privileges of every role it belongs to, and some role attributes pass over
    /// row-level security altogether: grant refuses such a login rather than scope it.
    @Test func grantRefusesLoginsThatWouldKeepOtherRights() async throws {
        try await ServerTestDatabase.with { database in
            let team = database.prefix + "team", member = database.prefix + "member", bypass = database.prefix + "bypass"
            for statement in ["CREATE ROLE \(team)", "CREATE ROLE \(member) LOGIN IN ROLE \(team)", "CREATE ROLE \(bypass) LOGIN BYPASSRLS"] {
                try await database.admin.execute(.init(unsafeSQL: statement))
            }
            for (login, words) in [(member, "member of \(team)"), (bypass, "bypass row-level security"), ("ruralstat_admin", "the role granting")] {
                let error = await #expect(throws: ServerStoreError.self) {
                    try await ServerAccess.grant(.analyst, login: ServerIdentifier(login), region: try RegionCode("13"), password: nil, on: database.admin)
                }
                #expect(error?.description.contains(words) == true, "\(error.map(String.init(describing:)) ?? "")")
            }
            await #expect(throws: ServerStoreError.self) {
                try await ServerAccess.grant(.analyst, login: ServerIdentifier("pg_monitor_x"), region: try RegionCode("13"), password: nil, on: database.admin)
            }
        }
    }

    /// Group roles serve every database of a server; a login connects only to the databases it was granted in.
    @Test func aLoginOfAnotherStoreCannotConnect() async throws {
        try await ServerTestDatabase.with { database in
            try await ServerTestDatabase.with { other in
                let nightly = try await other.login(.bureau, "nightly", region: "national")
                await #expect(throws: ServerStoreError.self) { try await database.connect(as: nightly.name) }
            }
        }
    }

    /// A password reaches the server as a SCRAM-SHA-256 verifier made of the password and the salt stored.
    @Test func passwordsAreStoredAsScramVerifiers() async throws {
        try await ServerTestDatabase.with { database in
            let login = try ServerIdentifier(database.prefix + "withpassword")
            try await ServerAccess.grant(.analyst, login: login, region: try RegionCode("13"), password: "correct horse", on: database.admin)
            let stored = try await database.admin.rows("SELECT rolpassword FROM pg_authid WHERE rolname = \(login.name)") { try $0.decode(String.self) }
            let parts = try #require(stored.first).split(whereSeparator: { "$:".contains($0) }).map(String.init)
            #expect(parts.count == 5 && parts[0] == "SCRAM-SHA-256" && parts[1] == "4096")
            let keys = ScramVerifier.keys(password: "correct horse", salt: Array(try #require(Data(base64Encoded: parts[2]))), iterations: 4096)
            #expect(parts[3] == keys.stored.base64EncodedString() && parts[4] == keys.server.base64EncodedString())
        }
    }

    /// A table with a `region` that a later version of the schema left without forced row-level security stops migrate and grant.
    @Test func anUnsecuredTableIsRefused() async throws {
        try await ServerTestDatabase.with { database in
            try await database.admin.execute("CREATE TABLE ruralstat.later (region bigint)")
            await #expect(throws: ServerStoreError.self) { try await ServerSchema.migrate(database.admin) }
            await #expect(throws: ServerStoreError.self) {
                try await ServerAccess.grant(
                    .analyst, login: ServerIdentifier(database.prefix + "x"), region: try RegionCode("13"), password: nil, on: database.admin)
            }
        }
    }

    @Test func migratingAgainChangesNothing() async throws {
        try await ServerTestDatabase.with { database in
            let applied = try await ServerSchema.migrate(database.admin)
            let versions = try await ServerSchema.appliedVersions(database.admin)
            #expect(applied == [])
            #expect(versions == Array(1...ServerSchema.version))
        }
    }

    private func expectRefused(_ login: ServerTestDatabase.Login, _ sql: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        do {
            try await login.connection.execute(.init(unsafeSQL: sql))
            Issue.record("\(login.name) was allowed: \(sql)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.isPermissionDenied, "\(login.name): \(sql): \(error)", sourceLocation: sourceLocation)
        }
    }
}

/// A database of its own for one test, on the server `RURALSTAT_TEST_POSTGRESQL_URL` names, migrated;
/// dropped afterwards with the logins the test made (roles belong to the whole server, so their
/// names carry the database's prefix).
final class ServerTestDatabase {
    static let adminURL = ProcessInfo.processInfo.environment["RURALSTAT_TEST_POSTGRESQL_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// A login connected as itself.
    struct Login {
        var name: String
        var connection: ServerConnection

        /// The `region` of every row of a table this login may read.
        func regions(_ table: String) async throws -> [Int64] {
            try await connection.rows(.init(unsafeSQL: "SELECT region FROM ruralstat.\(table)")) { try $0.decode(Int64.self) }
        }

        func count(_ sql: String) async throws -> Int {
            try await connection.rows(.init(unsafeSQL: sql)) { try $0.decode(Int.self) }[0]
        }
    }

    let location: ServerLocation
    let admin: ServerConnection
    let prefix: String
    /// Every connection a test opened, closed when it ends (postgres-nio insists: an unclosed one traps).
    private var opened: [ServerConnection] = []

    init(location: ServerLocation, admin: ServerConnection, prefix: String) {
        self.location = location
        self.admin = admin
        self.prefix = prefix
    }

    /// Connects as `login`; closed when the test ends.
    func connect(as login: String) async throws -> ServerConnection {
        let connection = try await ServerConnection.open(location.connecting(as: login))
        opened.append(connection)
        return connection
    }

    static func with(_ body: (ServerTestDatabase) async throws -> Void) async throws {
        let server = try ServerLocation(url: adminURL!)
        let prefix = "t\(UInt32.random(in: 0...UInt32.max))_"
        let name = prefix + "ruralstat"
        let maintenance = try await ServerConnection.open(server)
        try await maintenance.execute(.init(unsafeSQL: "CREATE DATABASE \(name)"))
        var location = server
        location.database = name
        let admin = try await ServerConnection.open(location)
        var failure: (any Error)?
        let database = ServerTestDatabase(location: location, admin: admin, prefix: prefix)
        do {
            try await ServerSchema.migrate(admin)
            try await body(database)
        } catch {
            failure = error
        }
        for connection in database.opened { await connection.close() }
        await admin.close()
        try await maintenance.execute(.init(unsafeSQL: "DROP DATABASE \(name) WITH (FORCE)"))
        let roles = try await maintenance.rows("SELECT rolname::text FROM pg_roles WHERE starts_with(rolname, \(prefix))") { try $0.decode(String.self) }
        for role in roles { try await maintenance.execute(.init(unsafeSQL: "DROP ROLE \(role)")) }
        await maintenance.close()
        if let failure { throw failure }
    }

    /// Grants `name` (with the prefix) the role for `region`, and connects as it.
    @discardableResult
    func login(_ role: ServerAccess.Role, _ name: String, region: String) async throws -> Login {
        let login = try ServerIdentifier(prefix + name)
        let code = region == "national" ? RegionCode.national : try RegionCode(region)
        try await ServerAccess.grant(role, login: login, region: code, password: nil, on: admin)
        return Login(name: login.name, connection: try await connect(as: login.name))
    }

    /// A run; Hebei's and Shanxi's submissions with a reject each; current and superseded
    /// observations of three villages; rollups of each province and prefecture; a finding per
    /// village; tallies and an assessment per province.
    func fill() async throws {
        let villages = [RowSecurityTests.shijiazhuangVillage, RowSecurityTests.tangshanVillage, RowSecurityTests.shanxiVillage]
        // Serial keys from 1: the run is 1, the submissions 1 and 2.
        try await admin.execute("INSERT INTO ruralstat.runs (started_at, command, status, software_version) VALUES (now(), 'run', 'succeeded', 't')")
        for (id, province) in [(1, Int64(130_000_000_000)), (2, 140_000_000_000)] {
            try await admin.execute(
                """
                INSERT INTO ruralstat.submissions (region, sender, file_name, content_hash, received_at, run_id, status)
                VALUES (\(province), \("CN_\(province / 10_000_000_000)"), \("f\(id).csv"), \("h\(id)"), now(), 1, 'applied')
                """)
            try await admin.execute(
                """
                INSERT INTO ruralstat.rejects (region, run_id, submission_id, file, line, rule, severity, message)
                VALUES (\(province), 1, \(id), \("f\(id).csv"), 3, 'range', 'error', 'value out of range')
                """)
            try await admin.execute(
                """
                INSERT INTO ruralstat.finding_tallies (run_id, rule_id, level, region, passed, failed, not_applicable)
                VALUES (1, 'peer_outlier', 'village', \(province), 10, 1, 0)
                """)
            try await admin.execute(
                """
                INSERT INTO ruralstat.assessments (framework, level, year, region, run_id, name, dimension_scores, rank, regions, class_rank, class_size, marked, sentence)
                VALUES ('rr', 'province', 2024, \(province), 1, 'p', '{}', 1, 2, 1, 2, 0, 's')
                """)
        }
        for village in villages {
            let submission = village / 10_000_000_000 == 13 ? 1 : 2
            try await admin.execute(
                "INSERT INTO ruralstat.observations (indicator, period, region, value, submission_id) VALUES ('GRAIN_OUTPUT', '2024', \(village), 100, \(submission))"
            )
            try await admin.execute(
                """
                INSERT INTO ruralstat.superseded_observations (indicator, period, region, value, submission_id, superseded_by)
                VALUES ('GRAIN_OUTPUT', '2024', \(village), 90, \(submission), \(submission))
                """)
            try await admin.execute(
                """
                INSERT INTO ruralstat.findings (run_id, rule_id, method, severity, level, region, explanation)
                VALUES (1, 'peer_outlier', 'robust_z', 'warning', 'village', \(village), 'far from its peers')
                """)
            for (level, divisor) in [("province", Int64(10_000_000_000)), ("prefecture", 100_000_000)] {
                try await admin.execute(
                    """
                    INSERT INTO ruralstat.rollups (run_id, level, region, indicator, period, value, contributing, expected, publication, numerator, denominator)
                    VALUES (1, \(level), \(village / divisor * divisor), 'GRAIN_OUTPUT', '2024', 100, 1, 1, 'published', 100, 1)
                    ON CONFLICT DO NOTHING
                    """)
            }
        }
    }
}
