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
    /// (Realistic profile.) A village's figure ×1.5–2 or ×0.5–0.7 in one year: an error of realistic size.
    case scaledValue = "scaled_value"
    /// (Realistic profile.) A township's or county's reported total shaded by about 3 %.
    case shadedTotal = "shaded_total"
    /// (Realistic profile.) One indicator made up across a county: its first digits even over 1–9.
    case fabricatedIndicator = "fabricated_indicator"
    /// (Realistic profile.) A village's figures for a year copied from the village before it.
    case copiedNeighbour = "copied_neighbour"
    /// (Realistic profile.) A village's figures of three digits or more for a year rounded to hundreds.
    case roundedHundreds = "rounded_hundreds"

    /// The rule ids (or, for edit rules, the method) of the findings meant to catch this kind.
    public var catchingRules: Set<String> {
        switch self {
        case .editViolation: [BuiltInRule.editRuleMethod]
        // A slip of units (kilograms for tonnes) is what rules such as a yield's ceiling are for, too,
        // and it makes the totals above it jump.
        case .peerOutlier: [BuiltInRule.peerOutlier, BuiltInRule.editRuleMethod, BuiltInRule.aggregateHistory]
        case .periodJump: [BuiltInRule.periodOverPeriod]
        case .balance: [BuiltInRule.hierarchyBalance]
        // A township whose villages leave a figure out reports a total they no longer add up to.
        case .coverage: [BuiltInRule.coverage, BuiltInRule.hierarchyBalance]
        case .lateSubmission: [BuiltInRule.submissionTimeliness]
        case .benford: [BuiltInRule.benfordFirstDigit]
        case .heaping: [BuiltInRule.digitHeaping]
        case .repeats: [BuiltInRule.repeatedValues]
        case .constantSeries: [BuiltInRule.constantSeries]
        case .aggregateJump: [BuiltInRule.aggregateHistory]
        case .scaledValue: [BuiltInRule.periodOverPeriod, BuiltInRule.peerOutlier, BuiltInRule.editRuleMethod]
        case .shadedTotal: [BuiltInRule.hierarchyBalance]
        case .fabricatedIndicator: [BuiltInRule.benfordFirstDigit]
        case .copiedNeighbour: [BuiltInRule.duplicateRecords]
        case .roundedHundreds: [BuiltInRule.digitHeaping]
        }
    }

    /// Methods that see the wrong values such an anomaly leaves in the units under it (a figure copied
    /// into a village, a county's made-up amounts): their findings there are its doing, though
    /// finding it is not what they are for (recall counts ``catchingRules`` only).
    public var consequenceRules: Set<String> {
        switch self {
        case .repeats: [BuiltInRule.peerOutlier, BuiltInRule.periodOverPeriod, BuiltInRule.editRuleMethod]
        case .benford: [BuiltInRule.peerOutlier, BuiltInRule.periodOverPeriod, BuiltInRule.editRuleMethod, BuiltInRule.aggregateHistory]
        case .fabricatedIndicator: [BuiltInRule.peerOutlier, BuiltInRule.periodOverPeriod]
        case .aggregateJump: [BuiltInRule.periodOverPeriod, BuiltInRule.editRuleMethod]
        case .peerOutlier, .periodJump, .editViolation: [BuiltInRule.periodOverPeriod, BuiltInRule.editRuleMethod, BuiltInRule.peerOutlier]
        case .copiedNeighbour, .roundedHundreds: [BuiltInRule.periodOverPeriod, BuiltInRule.peerOutlier, BuiltInRule.editRuleMethod]
        default: []
        }
    }

    /// Whether the anomaly lasts from its period on (every village shifted from a year on).
    var persists: Bool { self == .aggregateJump }

    /// The kinds of realistic strength that issue 15 asks a recall of at least 0.7 for (the others 0.9).
    public var isSubtle: Bool { self == .scaledValue || self == .shadedTotal }

    /// Whether a finding in the period after the anomaly's is its doing too: a change into a wrong
    /// figure is followed by the change out of it.
    var reachesNextPeriod: Bool {
        self == .scaledValue || self == .periodJump || self == .peerOutlier || self == .editViolation || self == .copiedNeighbour || self == .roundedHundreds
            || self == .repeats
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
