import Foundation

/// What a person at a terminal sees while a run works: one line per stage and per file, with rows
/// per second. Quiet when standard error is not a terminal (the nightly job's log has the JSON lines).
public struct RunProgress: Sendable {
    public let enabled: Bool

    public init(enabled: Bool = isatty(STDERR_FILENO) != 0) { self.enabled = enabled }

    public func stage(_ name: String, _ detail: String = "") {
        write("▸ \(name)\(detail.isEmpty ? "" : ": \(detail)")")
    }

    public func file(_ index: Int, of total: Int, _ path: String, rows: Int, seconds: Double, outcome: String) {
        let rate = seconds > 0 ? String(format: "%.0f rows/s", Double(rows) / seconds) : ""
        write(String(format: "  [%d/%d] %@ — %@, %d rows %@", index, total, (path as NSString).lastPathComponent, outcome, rows, rate))
    }

    public func done(_ name: String, seconds: Double, _ detail: String) {
        write(String(format: "  %@ done in %.2f s: %@", name, seconds, detail))
    }

    private func write(_ line: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
