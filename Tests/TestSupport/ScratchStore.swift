import Foundation
import GRDB
import PostgresNIO
import RuralstatModel
import RuralstatServerStore
import RuralstatStore

/// The store backends the store's tests run against: SQLite always, PostgreSQL when
/// `RURALSTAT_TEST_POSTGRESQL_URL` names a server (a superuser's URL, as `.ci/run` sets from the
/// throwaway cluster of `Tests/PostgreSQL/cluster.sh`).
public enum StoreBackend: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite, postgresql

    /// The superuser URL of the test server, if any.
    public static let serverURL = ProcessInfo.processInfo.environment["RURALSTAT_TEST_POSTGRESQL_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// The backends this run can test: PostgreSQL only with a server.
    public static let available: [StoreBackend] = serverURL == nil ? [.sqlite] : [.sqlite, .postgresql]

    /// Why the PostgreSQL cases are missing, for the suites that say so.
    public static let serverMissing =
        "RURALSTAT_TEST_POSTGRESQL_URL is not set: the store tests ran on SQLite only (Tests/PostgreSQL/cluster.sh start prints a server's URL)"

    public var description: String { rawValue }
}

/// A new, empty store of one backend for one test: a SQLite file in a scratch folder, or a database
/// of its own on the test server. Both go when the value does.
public final class ScratchStore: @unchecked Sendable {
    public let backend: StoreBackend
    /// The store, as every command sees it.
    public private(set) var store: any IndicatorStore
    /// Where it is: a path, or a `postgresql://` URL.
    public let location: String
    /// A scratch folder beside it, for the test's files.
    public let folder: TemporaryFolder
    private let database: String?
    private let inspector: ServerConnection?

    public init(_ backend: StoreBackend) throws {
        self.backend = backend
        folder = try TemporaryFolder()
        switch backend {
        case .sqlite:
            location = folder.path("store.sqlite")
            store = try SQLiteStore(creatingAt: location)
            (database, inspector) = (nil, nil)
        case .postgresql:
            let server = try ServerLocation(url: StoreBackend.serverURL!)
            let name = "t\(UInt32.random(in: 0...UInt32.max))_store"
            try ServerThread.shared.wait {
                let maintenance = try await ServerConnection.open(server)
                do { try await maintenance.execute(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)")) } catch {
                    await maintenance.close()
                    throw error
                }
                await maintenance.close()
            }
            var here = server
            here.database = name
            location = here.description
            database = name
            store = try ServerStore(here, creating: true)
            let inspected = here
            inspector = try ServerThread.shared.wait { try await ServerConnection.open(inspected) }
        }
    }

    deinit {
        guard let database, let server = try? ServerLocation(url: StoreBackend.serverURL!) else { return }
        let inspector = inspector
        try? ServerThread.shared.wait {
            await inspector?.close()
            let maintenance = try await ServerConnection.open(server)
            try? await maintenance.execute(PostgresQuery(unsafeSQL: "DROP DATABASE \(database) WITH (FORCE)"))
            await maintenance.close()
        }
    }

    /// The first column of a query's rows as text, in the backend's own SQL (`sqlite` or `postgresql`,
    /// whose tables are in the schema `ruralstat`): for what the store interface does not show, such as history.
    public func texts(sqlite: String, postgresql: String) throws -> [String] {
        switch backend {
        case .sqlite:
            // Statements in order; the rows are the last one's.
            return try DatabaseQueue(path: location).write { db in
                var rows: [String] = []
                let statements = try db.allStatements(sql: sqlite)
                while let statement = try statements.next() {
                    rows = try Row.fetchAll(statement).map { row in (row[0] as DatabaseValue).storage.text }
                }
                return rows
            }
        case .postgresql:
            let inspector = inspector!
            return try ServerThread.shared.wait {
                try await inspector.rows(PostgresQuery(unsafeSQL: postgresql)) { try $0.decode(String?.self) ?? "NULL" }
            }
        }
    }

    /// The current values as `region indicator period value status` lines, in that order.
    public func current() throws -> [String] {
        var lines: [String] = []
        try store.currentObservations(ObservationFilter()) { batch in
            for index in 0..<batch.count {
                let value = batch.values[index], status = batch.statuses[index]
                lines.append(
                    "\(RegionCode(uncheckedRawValue: batch.regions[index])) \(batch.indicatorCodes[Int(batch.indicators[index])]) "
                        + "\(batch.periodTable[Int(batch.periods[index])]) \(value.isNaN ? "NULL" : String(value)) "
                        + "\(status == 0 ? "-" : String(UnicodeScalar(status)))")
            }
        }
        return lines.sorted()
    }
}

extension DatabaseValue.Storage {
    fileprivate var text: String {
        switch self {
        case .null: "NULL"
        case .int64(let number): String(number)
        case .double(let number): String(number)
        case .string(let text): text
        case .blob(let data): "blob(\(data.count))"
        }
    }
}
