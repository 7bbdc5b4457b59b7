import RuralstatModel

/// The kinds of doubtful data the generator plants, each meant to be caught by certain checks.
public enum AnomalyKind: String, Sendable, Hashable, CaseIterable {
    /// A village's figures break an edit rule (more tap-water households than households).
    case editViolation = "edit_violation"
    /// A village's figure is far from its township's (×25 or ÷25).
    case peerOutlier = "peer_outlier"
    /// A village's figure jumps against its previous year (×4 or ÷4) while its peers move a little.
    case periodJump = "period_jump"
    /// A county reports a total that its units do not add up to.
    case balance
    /// Most villages of a township leave an indicator out.
    case coverage
    /// A county's submission arrives after the deadline.
    case lateSubmission = "late_submission"
    /// A county's amounts are made up: uniform numbers, whose first digits do not follow Benford.
    case benford
    /// A county's whole numbers are rounded to tens: last digits heap on 0.
    case heaping
    /// Many villages of a county report one figure, copied.
    case repeats
    /// A village's figure is copied forward, unchanged year after year.
    case constantSeries = "constant_series"
    /// All villages of a county shift together, so only the county's total jumps.
    case aggregateJump = "aggregate_jump"

    /// The rule ids (or, for edit rules, the method) of the findings meant to catch this kind.
    public var catchingRules: Set<String> {
        switch self {
        case .editViolation: [BuiltInRule.editRuleMethod]
        case .peerOutlier: [BuiltInRule.peerOutlier]
        case .periodJump: [BuiltInRule.periodOverPeriod]
        case .balance: [BuiltInRule.hierarchyBalance]
        case .coverage: [BuiltInRule.coverage]
        case .lateSubmission: [BuiltInRule.submissionTimeliness]
        case .benford: [BuiltInRule.benfordFirstDigit]
        case .heaping: [BuiltInRule.digitHeaping]
        case .repeats: [BuiltInRule.repeatedValues]
        case .constantSeries: [BuiltInRule.constantSeries]
        case .aggregateJump: [BuiltInRule.aggregateHistory]
        }
    }
}

/// One planted anomaly: what, where, which indicator and period (nil when it spans them).
public struct PlantedAnomaly: Sendable, Hashable {
    public var kind: AnomalyKind
    public var region: RegionCode
    public var indicator: String?
    public var period: Period?
    public var detail: String

    public init(kind: AnomalyKind, region: RegionCode, indicator: String?, period: Period?, detail: String) {
        self.kind = kind
        self.region = region
        self.indicator = indicator
        self.period = period
        self.detail = detail
    }
}
