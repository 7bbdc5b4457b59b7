import Foundation

/// A spec (the nightly run's, the assessment's) that cannot be used: every problem, with line and
/// key path, at once.
public struct SpecError: Error, Sendable, CustomStringConvertible {
    /// The spec file.
    public let file: String
    /// What the spec is, as messages name it: "pipeline spec", "assessment spec".
    public let document: String
    /// Every problem found.
    public let problems: [YAMLProblem]

    /// The problems of a spec.
    public init(file: String, document: String, problems: [YAMLProblem]) {
        self.file = file
        self.document = document
        self.problems = problems
    }

    /// All problems, one a line.
    public var description: String {
        "\(file): the \(document) has \(problems.count) problem\(problems.count == 1 ? "" : "s"):\n"
            + problems.map { "  \($0)" }.joined(separator: "\n")
    }

    /// The text of the spec at `path`; a file that cannot be read is the spec's one problem.
    public static func text(ofSpecAt path: String, document: String) throws(SpecError) -> String {
        do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw SpecError(
                file: path, document: document, problems: [YAMLProblem(line: nil, path: "(file)", message: "cannot be read: \(error.localizedDescription)")])
        }
    }
}
