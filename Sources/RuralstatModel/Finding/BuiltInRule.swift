/// The rule ids of the built-in checks, as findings and tallies carry them (an edit rule's id is
/// its own, from the rule set; its findings carry the method ``editRuleMethod``).
public enum BuiltInRule {
    public static let peerOutlier = "peer_outlier"
    public static let periodOverPeriod = "period_over_period"
    public static let hierarchyBalance = "hierarchy_balance"
    public static let coverage = "coverage"
    /// Missing and late submissions (methods `missing_submission`, `late_submission`).
    public static let submissionTimeliness = "submission_timeliness"
    public static let aggregateHistory = "aggregate_history"
    public static let benfordFirstDigit = "benford_first_digit"
    public static let digitHeaping = "digit_heaping"
    public static let repeatedValues = "repeated_values"
    public static let constantSeries = "constant_series"
    /// The method of every edit rule's findings, and the edit-rule check's own id.
    public static let editRuleMethod = "edit_rule"
}
