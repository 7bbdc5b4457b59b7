import Foundation
import RuralstatModel

/// The rejects log beside a run's outputs: one CSV row per problem, UTF-8 with a BOM so that Excel
/// in a Chinese office opens it right.
public final class RejectsCSV {
    private let handle: FileHandle
    public let path: String
    public private(set) var count = 0
    private var pending = ""

    public init(path: String) throws {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        FileManager.default.createFile(atPath: path, contents: Data([0xEF, 0xBB, 0xBF] + Array("file,line,element,column,key,rule,severity,value,message\n".utf8)))
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        self.handle = handle
        handle.seekToEndOfFile()
    }

    deinit { try? close() }

    public func write(_ problem: ValidationProblem) throws {
        let fields = [problem.location.file, problem.location.line.map(String.init) ?? "", problem.location.element ?? "",
                      problem.location.column ?? "", problem.key, problem.rule.rawValue, problem.severity.rawValue,
                      problem.value, problem.message]
        pending += fields.map(CSVText.field).joined(separator: ",") + "\n"
        count += 1
        if pending.utf8.count > 1 << 16 { try flush() }
    }

    public func flush() throws {
        guard !pending.isEmpty else { return }
        try handle.write(contentsOf: Data(pending.utf8))
        pending = ""
    }

    public func close() throws {
        try flush()
        try handle.close()
    }
}

/// Quoting of CSV output (RFC 4180), with cells that a spreadsheet would run as a formula made safe.
public enum CSVText {
    public static func field(_ text: String) -> String {
        var value = text
        // A cell starting with = + - @ is a formula in Excel; a leading apostrophe keeps it text.
        if let first = value.first, "=+-@".contains(first), Double(value) == nil { value = "'" + value }
        if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }
}
