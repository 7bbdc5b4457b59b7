import Foundation
import RuralstatReport
import RuralstatModel

/// The rejects log beside a run's outputs: one CSV row per problem, UTF-8 with a BOM so that Excel
/// in a Chinese office opens it right.
public final class RejectsCSV {
    private let writer: CSVWriter
    public var path: String { writer.path }
    public private(set) var count = 0

    public init(path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        writer = try CSVWriter(path: path, header: ["file", "line", "element", "column", "key", "rule", "severity", "value", "message"],
                               byteOrderMark: true)
    }

    public func write(_ problem: ValidationProblem) throws {
        let location = problem.location
        let line: String = location.line.map { String($0) } ?? ""
        let cells: [String] = [location.file, line, location.element ?? "", location.column ?? "", problem.key,
                               problem.rule.rawValue, problem.severity.rawValue, problem.value, problem.message]
        for cell in cells { writer.field(cell) }
        writer.endRow()
        count += 1
    }

    public func close() throws { try writer.close() }
}
