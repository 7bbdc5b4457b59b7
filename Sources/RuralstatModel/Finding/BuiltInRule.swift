/// The rule ids of the built-in checks, as findings and tallies carry them (an edit rule's id is
/// its own, from the rule set; its findings carry the method ``editRuleMethod``).
public enum BuiltInRule {
    /// Units far from their peers: a robust z among the units with the same parent.
    public static let peerOutlier = "peer_outlier"
    /// Units whose change since the previous period stands out among their peers' (Hidiroglou-Berthelot or sigma gap).
    public static let periodOverPeriod = "period_over_period"
    /// Reported totals that do not match the sum of the figures below them.
    public static let hierarchyBalance = "hierarchy_balance"
    /// Rollups that rest on too few of their expected units.
    public static let coverage = "coverage"
    /// Missing and late submissions (methods `missing_submission`, `late_submission`).
    public static let submissionTimeliness = "submission_timeliness"
    /// Rollups that changed by more than the allowed rate since the previous period.
    public static let aggregateHistory = "aggregate_history"
    /// A reporter's amounts whose first digits depart from Benford's law.
    public static let benfordFirstDigit = "benford_first_digit"
    /// A reporter's whole-number figures that end in 0 or 5 too often.
    public static let digitHeaping = "digit_heaping"
    /// The same figure reported by many units of one reporter: copied rather than measured.
    public static let repeatedValues = "repeated_values"
    /// A unit's figure unchanged for more consecutive periods than chance explains.
    public static let constantSeries = "constant_series"
    /// One unit's figures for a period identical to another unit's (copied records).
    public static let duplicateRecords = "duplicate_records"
    /// The method of every edit rule's findings, and the edit-rule check's own id.
    public static let editRuleMethod = "edit_rule"
}
