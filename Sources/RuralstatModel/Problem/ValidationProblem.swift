/// One problem with one row (or with the whole submission): where, which key, which rule, which
/// value, and a message a clerk can act on.
public struct ValidationProblem: Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    /// The row's key as far as it was readable: `region|indicator|period`.
    public var key: String
    public var rule: ValidationRule
    public var severity: Severity
    /// The offending value as written.
    public var value: String
    public var message: String

    public init(location: SourceLocation, key: String, rule: ValidationRule, severity: Severity? = nil, value: String,
                message: String) {
        self.location = location
        self.key = key
        self.rule = rule
        self.severity = severity ?? rule.severity
        self.value = value
        self.message = message
    }

    public var description: String {
        "\(location): \(severity.rawValue) \(rule.rawValue): \(message)" + (key.isEmpty ? "" : " (key \(key))")
    }
}
