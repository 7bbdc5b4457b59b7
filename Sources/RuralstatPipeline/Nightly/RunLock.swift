import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One run per store at a time: an exclusive `flock` on `<store>.lock`, which the kernel releases
/// when the process ends however it ends (a killed run leaves no stale lock behind). The file holds
/// the holder's pid and start time, for the message the next run prints.
public final class RunLock {
    private let descriptor: Int32
    public let path: String

    /// Another run holds the store.
    public struct Busy: Error, CustomStringConvertible, Sendable {
        public let path: String
        public let holder: String
        public var description: String {
            "another ruralstat run holds the store (\(holder.isEmpty ? "lock \(path)" : holder)); wait for it to finish, or pass --wait SECONDS"
        }
    }

    /// Takes the lock, waiting up to `wait` seconds for another run to finish.
    public init(store: String, wait: Double = 0) throws {
        path = store + ".lock"
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
        let deadline = Date().addingTimeInterval(wait)
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard Date() < deadline else {
                let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                close(descriptor)
                throw Busy(path: path, holder: holder)
            }
            usleep(200_000)
        }
        let note = "pid \(getpid()), started \(ISO8601DateFormatter().string(from: Date()))\n"
        _ = ftruncate(descriptor, 0)
        _ = note.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    deinit {
        _ = ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
