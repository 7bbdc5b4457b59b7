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
    /// A period outside the catalog's window (not yet begun, or a slip such as 2204).
    case periodOutsideWindow = "period_outside_window"
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
    /// A file that holds no observation at all (a header and no rows, an empty DataSet).
    case emptySubmission = "empty_submission"
    /// A message ID that the same sender already used for other content.
    case messageIDReused = "message_id_reused"
    /// The file could not be read at all (bad gzip, broken XML, unknown layout, unknown sender).
    case unreadableFile = "unreadable_file"

    /// How serious a problem under this rule is.
    public var severity: Severity {
        switch self {
        case .duplicateIdentical, .leniency, .testMessage: .warning
        default: .error
        }
    }
}
