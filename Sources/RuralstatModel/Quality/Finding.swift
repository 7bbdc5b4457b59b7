/// One finding of a quality check: which figure is doubtful, why, and by how much — one row each,
/// with the numbers that explain it (never a bare flag).
public struct Finding: Sendable, Hashable {
    /// The rule, e.g. `peer_outlier`.
    public var ruleID: String
    /// The method, e.g. `robust_z` or `robust_z_mean_ad`.
    public var method: String
    public var severity: Severity
    public var level: RegionLevel
    public var region: RegionCode
    public var indicator: String?
    public var period: Period?
    public var observed: Double?
    /// The value the check expected (a peer median, a parent total …).
    public var expected: Double?
    public var statisticName: String?
    public var statistic: Double?
    /// The parameters used, as `name=value` pairs.
    public var parameters: String
    /// The region whose units were the peers, and how many there were.
    public var peerGroup: RegionCode?
    public var peerSize: Int?
    /// One line a person can read.
    public var explanation: String

    public init(ruleID: String, method: String, severity: Severity, level: RegionLevel, region: RegionCode, indicator: String?,
                period: Period?, observed: Double?, expected: Double?, statisticName: String?, statistic: Double?, parameters: String,
                peerGroup: RegionCode?, peerSize: Int?, explanation: String) {
        self.ruleID = ruleID
        self.method = method
        self.severity = severity
        self.level = level
        self.region = region
        self.indicator = indicator
        self.period = period
        self.observed = observed
        self.expected = expected
        self.statisticName = statisticName
        self.statistic = statistic
        self.parameters = parameters
        self.peerGroup = peerGroup
        self.peerSize = peerSize
        self.explanation = explanation
    }
}
