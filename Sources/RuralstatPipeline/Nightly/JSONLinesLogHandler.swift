import Foundation
import Logging

/// swift-log messages as JSON lines, one object per line (`ts`, `level`, `label`, `message` and the
/// metadata), for the bureau's log collection. Appends to a file, or writes to standard error.
public struct JSONLinesLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String
    private let sink: Sink

    /// Where the lines go; shared by every logger of a process.
    public final class Sink: @unchecked Sendable {
        private let handle: FileHandle
        private let lock = NSLock()

        public init(handle: FileHandle) { self.handle = handle }

        /// Appends to `path`, creating it (and its folder).
        public convenience init(appendingTo path: String) throws {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            // A file that cannot be created is reported by the open below.
            if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
            guard let handle = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
            handle.seekToEndOfFile()
            self.init(handle: handle)
        }

        /// A log line that cannot be written (a full disk) is dropped rather than stopping the run; the
        /// run's own outcome is still in the store and its exit status.
        func write(_ line: Data) { lock.withLock { _ = try? handle.write(contentsOf: line) } }
    }

    public init(label: String, sink: Sink) {
        self.label = label
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var object: [String: Any] = [
            "ts": ISO8601DateFormatter().string(from: Date()), "level": event.level.rawValue, "label": label,
            "message": event.message.description,
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { object[key] = Self.json(value) }
        if let error = event.error { object["error"] = "\(error)" }
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        data.append(0x0A)
        sink.write(data)
    }

    private static func json(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case .string(let text): Int(text) ?? Double(text).map { $0 as Any } ?? text
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): values.map(json)
        case .dictionary(let values): values.mapValues(json)
        }
    }
}
