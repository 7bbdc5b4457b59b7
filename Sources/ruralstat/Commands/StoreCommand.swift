import ArgumentParser
import Dispatch
import Foundation
import RuralstatIngest
import RuralstatModel
import RuralstatServerStore

/// `ruralstat store`: set up a server store (PostgreSQL) and say who may see what in it.
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Set up a PostgreSQL server store and grant its logins their jurisdictions.",
        discussion: """
            A server store is named by a URL: postgresql://ROLE@HOST[:PORT]/DATABASE, or postgresql://ROLE@/DATABASE?host=/socket/folder.
            The password comes from the URL or PGPASSWORD. See the README's "Server store" section.
            """,
        subcommands: [Migrate.self, Grant.self, Scopes.self]
    )

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or upgrade the store's schema, group roles and row-level security.",
            discussion: "Connect as the database's owner with CREATEROLE (or a superuser). Running it again changes nothing."
        )
        @Option(help: ArgumentHelp("The server store's URL.", valueName: "postgresql://…"))
        var store: String

        func run() throws {
            let location = try ServerLocation(url: store)
            let applied = try waitFor {
                try await ServerConnection.using(location) { connection throws(ServerStoreError) in try await ServerSchema.migrate(connection) }
            }
            print(
                applied.isEmpty
                    ? "\(location): schema version \(ServerSchema.version), up to date"
                    : "\(location): applied \(applied.map { "version \($0)" }.joined(separator: ", "))")
        }
    }

    struct Grant: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a login a bureau writer, or an analyst or evaluator of one subtree.",
            discussion: """
                bureau: writes everything (the nightly run's login). analyst: reads the figures and findings of a province, prefecture or
                county. evaluator: reads the findings and assessments of the nation or of a province, prefecture or county.
                Example: ruralstat store grant --store postgresql://admin@db/ruralstat --role analyst --region 河北省 --login hebei_analyst \
                --password-env HEBEI_PASSWORD --registry regions_2023.csv
                """
        )
        @Option(help: ArgumentHelp("The server store's URL.", valueName: "postgresql://…"))
        var store: String

        @Option(help: "bureau, analyst or evaluator.")
        var role: String

        @Option(help: "The root of the login's subtree: a code or a unit's name (national for the whole country).")
        var region: String

        @Option(help: "The login role's name (lower-case letters, digits and _).")
        var login: String

        @Option(
            help: ArgumentHelp("An environment variable holding the login's password (none: keep it, or log in by the server's own rules).", valueName: "name"))
        var passwordEnv: String?

        @Option(
            name: .customLong("registry"), parsing: .upToNextOption,
            help: ArgumentHelp("Division lists, where the region must be found.", valueName: "file"))
        var registryFiles: [String] = []

        func run() throws {
            guard let role = ServerAccess.Role(rawValue: role) else {
                throw ValidationError("--role is bureau, analyst or evaluator, not \(role.prefix(40))")
            }
            guard !registryFiles.isEmpty else { throw ValidationError("give the division lists with --registry FILE..., where --region is looked up") }
            let code = try ReferenceFiles.loadRegistry(paths: registryFiles).resolve(region)
            let location = try ServerLocation(url: store)
            let identifier = try ServerIdentifier(login)
            var password: String?
            if let passwordEnv {
                guard let value = ProcessInfo.processInfo.environment[passwordEnv], !value.isEmpty else {
                    throw ValidationError("the environment variable \(passwordEnv) given by --password-env is not set")
                }
                password = value
            }
            try waitFor { [password] in
                try await ServerConnection.using(location) { connection throws(ServerStoreError) in
                    try await ServerAccess.grant(role, login: identifier, region: code, password: password, on: connection)
                }
            }
            print("\(identifier): \(role.rawValue) of \(code == .national ? "the nation" : "\(code.level) \(code)") in \(location)")
        }
    }

    struct Scopes: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the logins and their jurisdictions.")
        @Option(help: ArgumentHelp("The server store's URL.", valueName: "postgresql://…"))
        var store: String

        func run() throws {
            let location = try ServerLocation(url: store)
            let scopes = try waitFor {
                try await ServerConnection.using(location) { connection throws(ServerStoreError) in try await ServerAccess.scopes(on: connection) }
            }
            for scope in scopes { print("\(scope.login)\t\(scope.role)\t\(scope.region == .national ? "national" : scope.region.description)") }
        }
    }
}

/// Runs async work from a synchronous command and waits for it (the main thread blocks; the work
/// runs on the concurrency pool and the server store's event loop).
private func waitFor<Value: Sendable>(_ work: @escaping @Sendable () async throws -> Value) throws -> Value {
    let outcome = WaitedOutcome<Value>()
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        do { outcome.result = .success(try await work()) } catch { outcome.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try outcome.result!.get()
}

/// What ``waitFor(_:)``'s task produced: written by the task before it signals, read after the
/// wait, so the semaphore orders the two.
private final class WaitedOutcome<Value>: @unchecked Sendable {
    var result: Result<Value, any Error>?
}
