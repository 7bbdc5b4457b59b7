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
    public let column: Int
    public let message: String

    public init(column: Int, message: String) {
        self.column = column
        self.message = message
    }

    public var description: String { "column \(column): \(message)" }
}
