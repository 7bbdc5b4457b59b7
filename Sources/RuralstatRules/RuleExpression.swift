import RuralstatModel

/// The parsed form of an edit rule: an expression over the indicator values of one reporting unit in
/// one period, in the spirit of R `validate` rules and VTL datapoint rulesets.
///
/// Expressions have one of two kinds, checked when a rule is parsed: a *number* (indicator codes,
/// literals, arithmetic, `abs`, `min`, `max`) or a *condition* (comparisons, `in`, `and`, `or`,
/// `not`, `is_missing`, `in_range`). A rule as a whole is a condition, optionally guarded:
/// `if COND then RULE` is not applicable to a unit where `COND` is false, as `validate`'s
/// `if (married) age >= 16`.
///
/// ```
/// let rule = try RuleExpression(parsing: "HH_TAP_WATER <= HOUSEHOLDS")
/// rule.canonical   // "(HH_TAP_WATER <= HOUSEHOLDS)"
/// ```
///
/// Trees are evaluated either by ``EditRule/explain(_:)`` (a tree walk that also reports the values
/// it saw) or, for millions of units, by ``CompiledRule`` (a flat program over a record of doubles).
public indirect enum RuleExpression: Sendable, Hashable {
    /// A literal such as `20`, `0.5`, `1e3`.
    case number(Double)
    /// An indicator code; its value for the unit, or missing.
    case indicator(String)
    /// Unary minus.
    case negate(RuleExpression)
    /// `a + b`, `a - b`, `a * b`, `a / b`; a zero divisor makes the rule not applicable.
    case arithmetic(Arithmetic, RuleExpression, RuleExpression)
    /// `a <= b` and the other comparisons; `==` and `!=` hold within the rule's tolerance.
    case comparison(Comparison, RuleExpression, RuleExpression)
    /// `not c`: true where the condition is false.
    case not(RuleExpression)
    /// `a and b`: true where both conditions hold.
    case and(RuleExpression, RuleExpression)
    /// `a or b`: true where at least one condition holds.
    case or(RuleExpression, RuleExpression)
    /// `x in {0, 1}`: equal (within the rule's tolerance) to one of the values.
    case member(RuleExpression, [Double])
    /// `abs`, `min`, `max`, `in_range`, with their arguments.
    case call(Function, [RuleExpression])
    /// `is_missing(CODE)`: whether the unit did not report the indicator. The only way to use a
    /// missing value without making the rule not applicable.
    case isMissing(String)
    /// `if condition then rule`: not applicable where the condition is false.
    case conditional(RuleExpression, then: RuleExpression)

    /// Whether the expression gives a number or a condition (true/false).
    public enum Kind: Sendable, Hashable {
        /// A number (codes, literals, arithmetic, `abs`, `min`, `max`) or a condition (true or false).
        case number, condition

        /// "a number", "a condition": how error messages name the kind.
        var phrase: String { self == .number ? "a number" : "a condition" }
    }

    /// The kind of value the expression gives.
    public var kind: Kind {
        switch self {
        case .number, .indicator, .negate, .arithmetic: .number
        case .call(let function, _): function.resultKind
        case .comparison, .not, .and, .or, .member, .isMissing, .conditional: .condition
        }
    }

    /// The indicator codes the expression reads, in order of first appearance (including those read
    /// only through `is_missing`).
    public var indicators: [String] {
        var seen: Set<String> = []
        var codes: [String] = []
        visitIndicators { code, _ in if seen.insert(code).inserted { codes.append(code) } }
        return codes
    }

    /// The codes whose missing value makes the rule not applicable: all but those read only through
    /// `is_missing`.
    public var requiredIndicators: [String] {
        var seen: Set<String> = []
        var codes: [String] = []
        visitIndicators { code, throughIsMissing in
            if !throughIsMissing, seen.insert(code).inserted { codes.append(code) }
        }
        return codes
    }

    /// Whether the expression contains `==`, `!=` or `in`, the only places a tolerance is used.
    public var usesTolerance: Bool {
        switch self {
        case .number, .indicator, .isMissing: false
        case .comparison(let op, let l, let r): op == .equal || op == .notEqual || l.usesTolerance || r.usesTolerance
        case .member: true
        case .negate(let e), .not(let e): e.usesTolerance
        case .arithmetic(_, let l, let r), .and(let l, let r), .or(let l, let r), .conditional(let l, let r):
            l.usesTolerance || r.usesTolerance
        case .call(_, let arguments): arguments.contains { $0.usesTolerance }
        }
    }

    /// Calls `body` for every indicator reference, left to right, saying whether it is the argument of
    /// `is_missing`.
    func visitIndicators(_ body: (String, Bool) -> Void) {
        switch self {
        case .number: break
        case .indicator(let code): body(code, false)
        case .isMissing(let code): body(code, true)
        case .negate(let e), .not(let e), .member(let e, _): e.visitIndicators(body)
        case .arithmetic(_, let l, let r), .comparison(_, let l, let r), .and(let l, let r), .or(let l, let r),
            .conditional(let l, let r):
            l.visitIndicators(body)
            r.visitIndicators(body)
        case .call(_, let arguments): for argument in arguments { argument.visitIndicators(body) }
        }
    }

    /// The assertion a rule makes once its `if … then` guards are stripped: `HOUSEHOLDS > 0` in
    /// `if POPULATION > 0 then HOUSEHOLDS > 0`.
    public var assertion: RuleExpression {
        if case .conditional(_, let body) = self { return body.assertion }
        return self
    }
}
