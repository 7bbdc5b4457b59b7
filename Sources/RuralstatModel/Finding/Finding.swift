/// One finding of a quality check: which figure is doubtful, why, and by how much — one row each,
/// with the numbers that explain it (never a bare flag).
public struct Finding: Sendable, Hashable {
    /// The rule, e.g. `peer_outlier` or an edit rule's id.
    public var ruleID: String
    /// The method, e.g. `robust_z`, `hidiroglou_berthelot`, `edit_rule`.
    public var method: String
    /// How serious the finding is (an edit rule's is set in the rule set).
    public var severity: Severity
    /// Banff's tier for outliers: to impute (FTI) or to exclude (FTE).
    public var tier: OutlierTier?
    /// The level the finding is about: the unit's, the aggregate's or the reporter's.
    public var level: RegionLevel
    /// The unit, aggregate region or reporter the finding is about.
    public var region: RegionCode
    /// The indicator, or `nil` when the finding spans indicators (digit screens, submission timeliness).
    public var indicator: String?
    /// The period, or `nil` when the finding spans periods (Benford's law, digit heaping).
    public var period: Period?
    /// The value judged (a figure, or a screen's statistic such as Benford's MAD); `nil` when there is none (a missing submission).
    public var observed: Double?
    /// The value the check expected (a peer median, a parent total …).
    public var expected: Double?
    /// The interval the check held the figure or its statistic to (open ends are nil): the bounds
    /// of the statistic for coverage, HB and history, the accepted range of the observed value for
    /// balance (expected ± tolerance).
    public var lowerBound: Double?
    /// The upper end of that interval (`nil` when open).
    public var upperBound: Double?
    /// The name of the statistic the check judged: `robust_z`, `hb_effect`, `imbalance`, `mad` …
    public var statisticName: String?
    /// That statistic's value for this finding.
    public var statistic: Double?
    /// The parameters the check used, typed (``FindingParameters/description`` gives the
    /// `name=value` text).
    public var parameters: FindingParameters
    /// The region whose units were the peers, and how many there were.
    public var peerGroup: RegionCode?
    /// How many peers the statistic rests on (children for a balance check, figures for a digit screen).
    public var peerSize: Int?
    /// One line a person can read.
    public var explanation: String

    /// Creates a finding; see the properties for each field.
    public init(
        ruleID: String, method: String, severity: Severity, tier: OutlierTier? = nil, level: RegionLevel, region: RegionCode,
        indicator: String?, period: Period?, observed: Double?, expected: Double? = nil, lowerBound: Double? = nil,
        upperBound: Double? = nil, statisticName: String? = nil, statistic: Double? = nil, parameters: FindingParameters,
        peerGroup: RegionCode? = nil, peerSize: Int? = nil, explanation: String
    ) {
        self.ruleID = ruleID
        self.method = method
        self.severity = severity
        self.tier = tier
        self.level = level
        self.region = region
        self.indicator = indicator
        self.period = period
        self.observed = observed
        self.expected = expected
        self.lowerBound = lowerBound
        self.upperBound = upperBound
        self.statisticName = statisticName
        self.statistic = statistic
        self.parameters = parameters
        self.peerGroup = peerGroup
        self.peerSize = peerSize
        self.explanation = explanation
    }
}
