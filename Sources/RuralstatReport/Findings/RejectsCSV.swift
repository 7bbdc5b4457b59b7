import Foundation
import RuralstatModel

/// The rejects log beside a run's outputs: one CSV row per problem, UTF-8 with a BOM so that Excel
/// in a Chinese office opens it right.
///
/// Rows are formatted and written on a queue of the log's own, in the order they were handed over,
/// so that a file of a million bad rows does not make the thread that applies it to the store wait
/// for the log; ``close()`` waits for the last row and reports any write error.
public final class RejectsCSV: @unchecked Sendable {
    private static let header = ["file", "line", "element", "column", "key", "rule", "severity", "value", "message"]
    private let queue = DispatchQueue(label: "ruralstat.rejects-csv")
    private var writer: CSVWriter?
    private var opening: (any Error)?
    private var written = 0
    public let path: String
    /// The problems written so far (waits for those handed over).
    public var count: Int { queue.sync { written } }

    /// - Parameter lazily: create the file only when there is a first row to write (a command's own
    ///   log, which should not leave empty files about); otherwise at once, with its header.
    public init(path: String, lazily: Bool = false) throws {
        self.path = path
        if !lazily { writer = try Self.open(path) }
    }

    private static func open(_ path: String) throws -> CSVWriter {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        return try CSVWriter(path: path, header: header, byteOrderMark: true)
    }

    public func write(_ problem: ValidationProblem) throws { try write([problem]) }

    /// Hands problems over to be written, in order; a write error surfaces at ``close()``.
    public func write(_ problems: [ValidationProblem]) throws {
        guard !problems.isEmpty else { return }
        queue.async { [self] in
            if writer == nil, opening == nil {
                do { writer = try Self.open(path) } catch { opening = error }
            }
            guard let writer else { return }
            for problem in problems { row(problem, writer) }
            written += problems.count
        }
    }

    private func row(_ problem: ValidationProblem, _ writer: CSVWriter) {
        let location = problem.location
        writer.field(location.file)
        if let line = location.line { writer.field(line) } else { writer.field("") }
        writer.field(location.element ?? "")
        writer.field(location.column ?? "")
        writer.field(problem.key)
        writer.field(problem.rule.rawValue)
        writer.field(problem.severity.rawValue)
        writer.field(problem.value)
        writer.field(problem.message)
        writer.endRow()
    }

    /// Waits for every row, writes what is buffered and closes the file.
    public func close() throws {
        try queue.sync {
            if let opening { throw opening }
            try writer?.close()
        }
    }
}
