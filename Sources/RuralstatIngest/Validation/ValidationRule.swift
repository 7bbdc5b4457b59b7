import RuralstatModel

/// The rules every observation is checked against, with their codes as they appear in reports,
/// the rejects table and `check --format json`.
public enum ValidationRule: String, Sendable, Hashable, Codable, CaseIterable {
    case fieldCount = "field_count"
    case missingDimension = "missing_dimension"
    case malformedRegion = "malformed_region"
    case unknownRegion = "unknown_region"
    case outsideJurisdiction = "outside_jurisdiction"
    case noRegistryEdition = "no_registry_edition"
    case unknownIndicator = "unknown_indicator"
    case indicatorNotValid = "indicator_not_valid_in_period"
    case levelNotReported = "level_not_reported"
    case malformedPeriod = "malformed_period"
    case frequencyMismatch = "frequency_mismatch"
    case valueNotNumeric = "value_not_numeric"
    case valueOutOfRange = "value_out_of_range"
    case missingValueWithoutStatus = "missing_value_without_status"
    case unknownStatus = "unknown_status"
    case statusInconsistent = "status_inconsistent"
    case unitMismatch = "unit_mismatch"
    case duplicateIdentical = "duplicate_identical"
    case duplicateContradictory = "duplicate_contradictory"
    case wildcardOutsideDelete = "wildcard_outside_delete"
    case unknownAction = "unknown_action"
    case leniency = "leniency"
    case testMessage = "test_message"
    case submissionRejected = "submission_rejected"

    /// How serious a problem under this rule is.
    public var severity: Severity {
        switch self {
        case .duplicateIdentical, .leniency, .testMessage: .warning
        default: .error
        }
    }
}

/// The severity of a problem or finding.
public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case info, warning, error

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

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
