import RuralstatModel

/// Why a rule's text is not a rule: the 1-based column (in characters of the rule text) and a message
/// that says what was expected and what was found.
///
/// ```
/// column 17: expected an expression after '<=', found end of rule
/// ```
///
/// The parser stops at the first error, so a rule has at most one; a rule file reports one per rule.
public struct RuleSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The 1-based column, in characters of the rule text, where the error was found.
    public let column: Int
    /// What was expected and what was found.
    public let message: String

    /// Creates an error; see the properties for each field.
    public init(column: Int, message: String) {
        self.column = column
        self.message = message
    }

    /// `column 17: message`, as rule-file problems quote it.
    public var description: String { "column \(column): \(message)" }
}
