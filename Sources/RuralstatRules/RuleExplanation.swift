import RuralstatModel

/// What a rule saw for one unit and why it passed, failed or did not apply: the material for a
/// finding that a person can check by hand.
///
/// ```
/// let rule = try EditRule(id: "tap_water_within_households", rule: "HH_TAP_WATER <= HOUSEHOLDS")
/// let why = rule.explain(["HH_TAP_WATER": 412, "HOUSEHOLDS": 398])
/// why.outcome        // .fail
/// why.left, why.right   // 412, 398
/// why.description    // "HH_TAP_WATER 412 > HOUSEHOLDS 398"
/// ```
public struct RuleExplanation: Sendable, Hashable, CustomStringConvertible {
    /// An indicator the rule reads and the unit's value of it (`nil` when not reported).
    public struct IndicatorValue: Sendable, Hashable {
        /// The indicator code.
        public let code: String
        /// The unit's value, or `nil` when it did not report one.
        public let value: Double?
    }

    /// The two sides of a rule whose assertion is a comparison, with their values (`nil` when a side
    /// could not be computed: a missing value or a division by zero).
    public struct Sides: Sendable, Hashable {
        /// The comparison asserted, e.g. `<=`.
        public let comparison: RuleExpression.Comparison
        /// The left side's expression.
        public let left: RuleExpression
        /// The right side's expression.
        public let right: RuleExpression
        /// The left side's value, or `nil` when it could not be computed.
        public let leftValue: Double?
        /// The right side's value, or `nil` when it could not be computed.
        public let rightValue: Double?
        /// The sides as written (`10 * HOUSEHOLDS`), when the rule keeps them: rendering an expression
        /// again for each of thousands of failures is most of an explanation's cost.
        var leftText: String? = nil, rightText: String? = nil
    }

    /// The rule explained.
    public let rule: RuleExpression
    /// Whether the rule passed, failed or did not apply to the unit.
    public let outcome: RuleOutcome
    /// Set exactly when the outcome is ``RuleOutcome/notApplicable``.
    public let reason: NotApplicableReason?
    /// Every indicator the rule reads, in order of first appearance.
    public let values: [IndicatorValue]
    /// The sides of the comparison the rule asserts (after its `if … then` guards), if it is one.
    public let sides: Sides?
    let tolerance: Double

    /// The value of the left side of the asserted comparison.
    public var left: Double? { sides?.leftValue }
    /// The value of the right side of the asserted comparison.
    public var right: Double? { sides?.rightValue }

    /// The unit's value of `code` as the rule saw it (`nil` when missing or not read by the rule).
    public func value(of code: String) -> Double? { values.first { $0.code == code }?.value }

    /// One line for a finding. A failed comparison is stated the way it actually holds:
    /// `HH_TAP_WATER 412 > HOUSEHOLDS 398` for the rule `HH_TAP_WATER <= HOUSEHOLDS`; a computed side is
    /// shown with its value (`GRAIN_OUTPUT / GRAIN_SOWN_AREA = 25.3 > 15`) and the values behind it
    /// follow in parentheses.
    public var description: String {
        switch outcome {
        case .notApplicable:
            return "not applicable: " + reasonText
        case .pass, .fail:
            let passed = outcome == .pass
            var shown: Set<String> = []
            let statement: String
            if let sides, let leftValue = sides.leftValue, let rightValue = sides.rightValue {
                let op = passed ? sides.comparison : sides.comparison.negation
                statement =
                    "\(side(sides.left, sides.leftText, leftValue, &shown)) \(op.rawValue) \(side(sides.right, sides.rightText, rightValue, &shown))"
            } else if case .member(let operand, let set) = rule.assertion,
                let value = try? RuleInterpreter(tolerance: tolerance, lookup: lookup).number(operand)
            {
                statement = "\(side(operand, nil, value, &shown)) is \(passed ? "" : "not ")in \(RuleExpression.setLiteral(set))"
            } else {
                statement = "\(rule.assertion) \(passed ? "holds" : "does not hold")"
            }
            let others = values.filter { !shown.contains($0.code) }
            return others.isEmpty ? statement : statement + " (" + others.map(Self.text).joined(separator: ", ") + ")"
        }
    }

    private var reasonText: String {
        switch reason {
        case .missing(let codes)?:
            return codes.count == 1
                ? "\(codes[0]) is missing"
                : codes.dropLast().joined(separator: ", ") + " and \(codes.last!) are missing"
        case .divisionByZero?:
            return "division by zero (" + values.map(Self.text).joined(separator: ", ") + ")"
        case .conditionFalse(let condition)?:
            let read = values.filter { code in condition.indicators.contains(code.code) }
            return "\(condition) is false" + (read.isEmpty ? "" : " (" + read.map(Self.text).joined(separator: ", ") + ")")
        case nil:
            return "no reason recorded"
        }
    }

    private var lookup: (String) -> Double? {
        let values = values
        return { code in values.first { $0.code == code }?.value }
    }

    /// `HOUSEHOLDS 398`, `15`, or `GRAIN_OUTPUT / GRAIN_SOWN_AREA = 25.3` (`text`: the expression
    /// as written, when known); notes which codes it showed.
    private func side(_ expression: RuleExpression, _ text: String?, _ value: Double, _ shown: inout Set<String>) -> String {
        switch expression {
        case .indicator(let code):
            shown.insert(code)
            return "\(code) \(Self.number(value))"
        case .number:
            return Self.number(value)
        default:
            return "\(text ?? expression.description) = \(Self.number(value))"
        }
    }

    private static func text(_ value: IndicatorValue) -> String {
        "\(value.code) " + (value.value.map(number) ?? "missing")
    }

    /// A number as people read it: whole numbers as such, others to six significant digits (`25.3`,
    /// `0.333333`).
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return String(value) }
        if value == value.rounded(), Swift.abs(value) < 1e15 { return String(Int64(value)) }
        // Decimals that leave six significant digits.
        var decimals = 5
        var magnitude = Swift.abs(value)
        while magnitude >= 10, decimals > 0 {
            magnitude /= 10
            decimals -= 1
        }
        while magnitude < 1, decimals < 300 {
            magnitude *= 10
            decimals += 1
        }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        guard rounded.isFinite, scale.isFinite else { return String(value) }
        return rounded == rounded.rounded() && Swift.abs(rounded) < 1e15 ? String(Int64(rounded)) : String(rounded)
    }
}
