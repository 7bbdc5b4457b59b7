import Foundation
import RuralstatServerStore
import RuralstatStore

/// Opens the store a command names: a SQLite file by its path (the default), or a PostgreSQL
/// database by a `postgresql://` URL (``RuralstatServerStore/ServerStore``). Both sit behind
/// ``RuralstatStore/IndicatorStore``; nothing after the opening knows which it has.
public enum StoreOpening {
    /// Whether `location` names a server store.
    public static func isServer(_ location: String) -> Bool { ServerLocation.isServerURL(location) }

    /// An existing store, for reading; a missing one is an error, never an empty new one.
    public static func open(_ location: String) throws -> any IndicatorStore {
        if isServer(location) { return try ServerStore(try ServerLocation(url: location), creating: false) }
        return try SQLiteStore(path: location)
    }

    /// A store for a command that writes, with the store's writer lock held until `lock` is released:
    /// a lock file beside a SQLite store, an advisory lock of the connection for a server store.
    ///
    /// - Parameter creating: whether a missing store is made (`init`, the nightly run).
    public static func openForWriting(_ location: String, command: String, wait: Double, creating: Bool = false) throws -> (
        store: any IndicatorStore, lock: AnyObject
    ) {
        if isServer(location) {
            let store = try ServerStore(try ServerLocation(url: location), creating: creating)
            try store.holdWriterLock(command: command, wait: wait)
            return (store, store)
        }
        if creating {
            let folder = (location as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: folder.isEmpty ? "." : folder, withIntermediateDirectories: true)
        } else if !FileManager.default.fileExists(atPath: location) {
            // Said as such, before a lock file is made beside it.
            throw StoreError.missing(location)
        }
        let lock = try StoreLock(store: location, command: command, wait: wait)
        return (try SQLiteStore(creatingAt: location), lock)
    }
}
