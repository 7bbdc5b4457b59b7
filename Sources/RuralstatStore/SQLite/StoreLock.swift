import Foundation
import RuralstatSystem

/// One writer per store at a time: every command that writes a store (the nightly run, `ingest`,
/// `rollup`, `report`, `init`, `regions load`, `submissions retry|retire`) holds an exclusive `flock`
/// on `<store>.lock` while it works, which the kernel releases when the process ends however it ends
/// (a killed run leaves no stale lock behind). The file names the holder (pid, command, start time)
/// for the message the next writer prints. Readers need no lock: SQLite's WAL lets them read.
public final class StoreLock {
    private let descriptor: Int32
    public let path: String

    /// Another command holds the store.
    public struct Busy: Error, CustomStringConvertible, Sendable {
        public let path: String
        public let holder: String
        package init(path: String, holder: String) {
            self.path = path
            self.holder = holder
        }

        public var description: String {
            "another ruralstat command holds the store (\(holder.isEmpty ? "lock \(path)" : holder)); wait for it to finish, or pass --wait SECONDS"
        }
    }

    /// Takes the lock for `command`, waiting up to `wait` seconds for another writer to finish.
    public init(store: String, command: String = "run", wait: Double = 0) throws {
        path = store + ".lock"
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw StoreError(path: store, message: "cannot create the lock file \(path): \(String(cString: strerror(errno)))")
        }
        let deadline = Date().addingTimeInterval(wait)
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard Date() < deadline else {
                let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                close(descriptor)
                throw Busy(path: path, holder: holder)
            }
            usleep(200_000)
        }
        let note = "pid \(getpid()), ruralstat \(command), started \(ISO8601DateFormatter().string(from: Date()))\n"
        _ = ftruncate(descriptor, 0)
        _ = note.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    deinit {
        _ = ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
