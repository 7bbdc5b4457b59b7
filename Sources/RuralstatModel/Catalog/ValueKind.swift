/// What kind of number an indicator's value is; decides which aggregations make sense.
public enum ValueKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A quantity that adds up across units: tonnes, hectares, yuan.
    case amount
    /// A head count that adds up across units: households, persons.
    case count
    /// A percentage (0–100). A ratio rollup of a rate is multiplied by 100.
    case rate
    /// A plain ratio or per-unit value: t/ha, yuan per person, urban/rural income.
    case ratio
    /// A village fact that is true (1) or false (0): "treats household waste".
    case yesNo = "yes_no"

    /// Amounts and counts can be summed; rates, ratios and yes/no facts cannot.
    public var isAdditive: Bool { self == .amount || self == .count }

    /// The decimals a table shows when the catalog gives none: whole counts and yes/no facts, a
    /// rate to one decimal (87.3 %), amounts and ratios to two.
    public var defaultDecimals: Int {
        switch self {
        case .count, .yesNo: 0
        case .rate: 1
        case .amount, .ratio: 2
        }
    }
}

/// Which way an indicator is better, for attainment and composite scores.
public enum Direction: String, Sendable, Hashable, Codable, CaseIterable {
    /// Higher values are better (income, tap-water coverage).
    case higher
    /// Lower values are better (the urban–rural income ratio).
    case lower
}

/// The plan's nature of a target: binding (约束性) or indicative (预期性).
public enum TargetNature: String, Sendable, Hashable, Codable, CaseIterable {
    /// A binding target (约束性): one the plan commits to meeting.
    case binding
    /// An indicative target (预期性): a level the plan expects and aims for.
    case indicative
}
