/// One problem with one row (or with the whole submission): where, which key, which rule, which
/// value, and a message a clerk can act on.
public struct ValidationProblem: Sendable, Hashable, CustomStringConvertible {
    /// Where the row (or the submission's problem) is in the file.
    public var location: SourceLocation
    /// The row's key as far as it was readable: `region|indicator|period`.
    public var key: String
    /// The rule that was broken, by its report code.
    public var rule: ValidationRule
    /// How serious it is: the rule's own severity unless the reader said otherwise.
    public var severity: Severity
    /// The offending value as written (quoted safely, at most ``EchoText/limit`` characters).
    public var value: String
    /// What is wrong and what to do; any text it quotes from the file is capped (``EchoText``).
    public var message: String

    /// Creates a problem; `severity` defaults to the rule's, and key, value and message are made safe to quote (``EchoText``).
    public init(
        location: SourceLocation, key: String, rule: ValidationRule, severity: Severity? = nil, value: String,
        message: String
    ) {
        self.location = location
        self.key = EchoText.isSafe(key, limit: 3 * EchoText.quotedLimit) ? key : EchoText.quote(key, limit: 3 * EchoText.limit)
        self.rule = rule
        self.severity = severity ?? rule.severity
        // Texts the readers quoted already are kept as they are (a capped text carries its length).
        self.value = EchoText.isSafe(value, limit: EchoText.quotedLimit) ? value : EchoText.quote(value)
        self.message = EchoText.isSafe(message, limit: EchoText.messageLimit) ? message : EchoText.quote(message, limit: EchoText.messageLimit)
    }

    /// `file:line: error rule: message (key …)`, one line for the console.
    public var description: String {
        "\(location): \(severity.rawValue) \(rule.rawValue): \(message)" + (key.isEmpty ? "" : " (key \(key))")
    }
}
