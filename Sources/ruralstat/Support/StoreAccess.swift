import ArgumentParser
import Foundation
import RuralstatStore

/// How long a command that writes the store waits for another writer.
struct LockOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Seconds to wait for another command that writes the store (default: none; it exits saying who holds it).",
            valueName: "seconds"))
    var wait = 0.0
}

/// Opening stores from the command line: an existing store only (only `init` and `run` create one),
/// and for a command that writes, under the store's lock.
enum StoreAccess {
    /// An existing store, for reading.
    static func open(_ path: String) throws -> any IndicatorStore { try SQLiteStore(path: path) }

    /// An existing store, locked for `command` until the lock is released.
    static func openForWriting(_ path: String, command: String, wait: Double) throws -> (store: any IndicatorStore, lock: StoreLock) {
        // A missing store is said as such, before a lock file is made beside it.
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.missing(path) }
        let lock = try StoreLock(store: path, command: command, wait: wait)
        return (try SQLiteStore(path: path), lock)
    }
}
