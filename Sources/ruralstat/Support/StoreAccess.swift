import ArgumentParser
import Foundation
import RuralstatPipeline
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
    static func open(_ location: String) throws -> any IndicatorStore { try StoreOpening.open(location) }

    /// An existing store, locked for `command` until the lock is released.
    static func openForWriting(_ location: String, command: String, wait: Double) throws -> (store: any IndicatorStore, lock: AnyObject) {
        try StoreOpening.openForWriting(location, command: command, wait: wait)
    }
}
