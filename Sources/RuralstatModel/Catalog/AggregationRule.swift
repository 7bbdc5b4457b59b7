/// How an indicator's values roll up from the units that report it to every level above.
///
/// Written in the catalog as text: `sum`, `mean`, `weighted_mean(POPULATION)`,
/// `ratio(HH_TAP_WATER, HOUSEHOLDS)`, `share_of_units(VILLAGE_WASTE_TREATED)`,
/// `share_of_units(COLLECTIVE_INCOME >= 50)`, `min`, `max`, `median`, `none`.
public enum AggregationRule: Sendable, Hashable, CustomStringConvertible {
    /// The sum of the units' values.
    case sum
    /// The unweighted mean of the units' values.
    case mean
    /// Σ(value·weight) / Σweight, with `weight` another indicator of the same units.
    case weightedMean(weight: String)
    /// Σnumerator / Σdenominator over the units (×100 when the indicator is a rate): never a mean of rates.
    case ratio(numerator: String, denominator: String)
    /// The percentage of units for which a condition on another indicator holds.
    case shareOfUnits(UnitCondition)
    /// The smallest of the units' values.
    case min
    /// The largest of the units' values.
    case max
    /// The median of the units' values (at every level over all the units, never a median of medians).
    case median
    /// Not aggregated: only reported values exist (e.g. a national model estimate).
    case none

    /// The other indicators this rule reads.
    public var references: [(field: String, code: String)] {
        switch self {
        case .weightedMean(let weight): [("weight", weight)]
        case .ratio(let numerator, let denominator): [("numerator", numerator), ("denominator", denominator)]
        case .shareOfUnits(let condition): [("condition", condition.indicator)]
        default: []
        }
    }

    /// Whether the indicator's own values are computed from other indicators rather than reported.
    public var isDerived: Bool {
        switch self {
        case .ratio, .shareOfUnits: true
        default: false
        }
    }

    /// The rule as the catalog writes it, which ``init(_:)`` parses back: `sum`, `weighted_mean(POPULATION)`.
    public var description: String {
        switch self {
        case .sum: "sum"
        case .mean: "mean"
        case .weightedMean(let weight): "weighted_mean(\(weight))"
        case .ratio(let numerator, let denominator): "ratio(\(numerator), \(denominator))"
        case .shareOfUnits(let condition): "share_of_units(\(condition))"
        case .min: "min"
        case .max: "max"
        case .median: "median"
        case .none: "none"
        }
    }

    /// Parses the catalog text of a rule; the error says what was expected.
    public init(_ text: String) throws(AggregationRuleError) {
        let trimmed = text.trimmingWhitespace
        func fail(_ reason: String) -> AggregationRuleError { AggregationRuleError(text: text, reason: reason) }
        guard let open = trimmed.firstIndex(of: "(") else {
            switch trimmed {
            case "sum": self = .sum
            case "mean": self = .mean
            case "min": self = .min
            case "max": self = .max
            case "median": self = .median
            case "none": self = .none
            case "weighted_mean", "ratio", "share_of_units": throw fail("'\(trimmed)' needs arguments in parentheses")
            default: throw fail("unknown rule '\(trimmed)'; expected sum, mean, weighted_mean(W), ratio(N, D), share_of_units(C), min, max, median or none")
            }
            return
        }
        guard trimmed.hasSuffix(")") else { throw fail("missing ')' at the end") }
        let name = String(trimmed[..<open]).trimmingWhitespace
        let inner = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        let arguments = inner.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace }
        func codes(_ count: Int) throws(AggregationRuleError) -> [String] {
            guard arguments.count == count, arguments.allSatisfy(IndicatorCode.isValid) else {
                throw fail("\(name) takes \(count) indicator code\(count == 1 ? "" : "s") (A–Z, 0–9, _), got '\(inner)'")
            }
            return arguments
        }
        switch name {
        case "weighted_mean":
            self = .weightedMean(weight: try codes(1)[0])
        case "ratio":
            let parts = try codes(2)
            self = .ratio(numerator: parts[0], denominator: parts[1])
        case "share_of_units":
            self = .shareOfUnits(try UnitCondition(inner, rule: text))
        default:
            throw fail("unknown rule '\(name)(…)'; expected weighted_mean, ratio or share_of_units")
        }
    }
}

/// A condition on one indicator of a unit, as used by `share_of_units`: `CODE` (a yes/no fact is
/// true) or `CODE op number` with op one of `==`, `!=`, `<`, `<=`, `>`, `>=`.
public struct UnitCondition: Sendable, Hashable, CustomStringConvertible {
    /// A comparison operator of a condition, spelled as in the catalog.
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        /// Equal, not equal, at most, at least, less, greater; the two-character ones first, so that `A <= 5` is split at `<=`, not at `<`.
        case equal = "==", notEqual = "!=", lessOrEqual = "<=", greaterOrEqual = ">=", less = "<", greater = ">"
    }

    /// The code of the indicator the condition reads from each unit.
    public let indicator: String
    /// `nil` for a bare yes/no indicator (true when the value is 1).
    public let comparison: (op: Operator, value: Double)?

    /// Creates a condition; see the properties for each field.
    public init(indicator: String, comparison: (op: Operator, value: Double)? = nil) {
        self.indicator = indicator
        self.comparison = comparison
    }

    init(_ text: String, rule: String) throws(AggregationRuleError) {
        let trimmed = text.trimmingWhitespace
        for op in Operator.allCases {
            guard let range = trimmed.range(of: op.rawValue) else { continue }
            let code = String(trimmed[..<range.lowerBound]).trimmingWhitespace
            let number = String(trimmed[range.upperBound...]).trimmingWhitespace
            guard IndicatorCode.isValid(code), let value = Double(number), value.isFinite else {
                throw AggregationRuleError(text: rule, reason: "condition '\(trimmed)' is not 'CODE \(op.rawValue) number'")
            }
            self.init(indicator: code, comparison: (op, value))
            return
        }
        guard IndicatorCode.isValid(trimmed) else {
            throw AggregationRuleError(text: rule, reason: "condition '\(trimmed)' is neither a yes/no indicator code nor 'CODE op number'")
        }
        self.init(indicator: trimmed)
    }

    /// Whether a unit's value satisfies the condition.
    public func holds(for value: Double) -> Bool {
        guard let (op, bound) = comparison else { return value == 1 }
        switch op {
        case .equal: return value == bound
        case .notEqual: return value != bound
        case .less: return value < bound
        case .lessOrEqual: return value <= bound
        case .greater: return value > bound
        case .greaterOrEqual: return value >= bound
        }
    }

    /// The condition as the catalog writes it (`COLLECTIVE_INCOME >= 50`); equality and hashing compare this text.
    public var description: String {
        guard let (op, value) = comparison else { return indicator }
        return "\(indicator) \(op.rawValue) \(value == value.rounded() ? String(Int64(value)) : String(value))"
    }

    /// Two conditions are equal when they print the same (the `comparison` tuple is not `Equatable`).
    public static func == (lhs: UnitCondition, rhs: UnitCondition) -> Bool { lhs.description == rhs.description }
    /// Hashes the printed form, consistently with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}

/// A rule text that does not parse.
public struct AggregationRuleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The rule text as written in the catalog.
    public let text: String
    /// What is wrong with it and what was expected.
    public let reason: String
    /// The text and the reason in one line.
    public var description: String { "aggregation '\(text)': \(reason)" }
}

/// Indicator codes are upper-case ASCII letters, digits and underscores, starting with a letter.
public enum IndicatorCode {
    /// Whether `code` is a valid indicator code: `[A-Z][A-Z0-9_]*`.
    public static func isValid(_ code: String) -> Bool {
        guard let first = code.utf8.first, (65...90).contains(first) else { return false }
        return code.utf8.allSatisfy { (65...90).contains($0) || (48...57).contains($0) || $0 == 95 }
    }
}
