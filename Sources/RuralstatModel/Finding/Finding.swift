/// One finding of a quality check: which figure is doubtful, why, and by how much — one row each,
/// with the numbers that explain it (never a bare flag).
public struct Finding: Sendable, Hashable {
    /// The rule, e.g. `peer_outlier` or an edit rule's id.
    public var ruleID: String
    /// The method, e.g. `robust_z`, `hidiroglou_berthelot`, `edit_rule`.
    public var method: String
    public var severity: Severity
    /// Banff's tier for outliers: to impute (FTI) or to exclude (FTE).
    public var tier: OutlierTier?
    public var level: RegionLevel
    public var region: RegionCode
    public var indicator: String?
    public var period: Period?
    public var observed: Double?
    /// The value the check expected (a peer median, a parent total …).
    public var expected: Double?
    /// The interval the statistic had to stay in (open ends are nil).
    public var lowerBound: Double?
    public var upperBound: Double?
    public var statisticName: String?
    public var statistic: Double?
    /// The parameters the check used, typed (``FindingParameters/description`` gives the
    /// `name=value` text).
    public var parameters: FindingParameters
    /// The region whose units were the peers, and how many there were.
    public var peerGroup: RegionCode?
    public var peerSize: Int?
    /// One line a person can read.
    public var explanation: String

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
