/// The rules every observation is checked against, with their codes as they appear in reports,
/// the rejects table and `check --format json`.
public enum ValidationRule: String, Sendable, Hashable, Codable, CaseIterable {
    /// A CSV record whose number of fields differs from the header's.
    case fieldCount = "field_count"
    /// A row other than a Delete whose region, indicator or period is empty.
    case missingDimension = "missing_dimension"
    /// A region that is not a statistical division code.
    case malformedRegion = "malformed_region"
    /// A region code that the registry edition in force does not hold.
    case unknownRegion = "unknown_region"
    /// A region outside the part of the tree the sender may report for.
    case outsideJurisdiction = "outside_jurisdiction"
    /// A period for whose year no loaded registry edition is in force.
    case noRegistryEdition = "no_registry_edition"
    /// An indicator code that the catalog does not hold.
    case unknownIndicator = "unknown_indicator"
    /// An indicator with no definition valid in the period's year.
    case indicatorNotValid = "indicator_not_valid_in_period"
    /// A region at a level that does not report the indicator.
    case levelNotReported = "level_not_reported"
    /// A period that is not an SDMX reporting period.
    case malformedPeriod = "malformed_period"
    /// A period outside the catalog's window (not yet begun, or a slip such as 2204).
    case periodOutsideWindow = "period_outside_window"
    /// A FREQ that does not match the period, or a period of another frequency than the indicator's.
    case frequencyMismatch = "frequency_mismatch"
    /// A value that is not a number.
    case valueNotNumeric = "value_not_numeric"
    /// A value outside the indicator's valid range.
    case valueOutOfRange = "value_out_of_range"
    /// A missing value without an OBS_STATUS (M, L, O, Q or H) that says why.
    case missingValueWithoutStatus = "missing_value_without_status"
    /// An OBS_STATUS that is not a CL_OBS_STATUS code.
    case unknownStatus = "unknown_status"
    /// A value given under an OBS_STATUS that says it is missing.
    case statusInconsistent = "status_inconsistent"
    /// A unit that is not the indicator's, or a UNIT_MULT that is no power of ten.
    case unitMismatch = "unit_mismatch"
    /// A row that repeats an earlier one's key, value and status; merged, with a warning.
    case duplicateIdentical = "duplicate_identical"
    /// Rows that give one key different values; all of them are rejected.
    case duplicateContradictory = "duplicate_contradictory"
    /// A row other than a Delete that leaves a dimension open as a wildcard.
    case wildcardOutsideDelete = "wildcard_outside_delete"
    /// An ACTION that is not an SDMX action.
    case unknownAction = "unknown_action"
    /// Something against the standard that ruralstat accepts anyway; a warning.
    case leniency = "leniency"
    /// A message marked Test: checked, never applied.
    case testMessage = "test_message"
    /// The whole submission is refused (too many rows rejected, say).
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
