import RuralstatModel

/// One data-quality rule as evaluators write it in `pipelines/rules.yaml`: an id, a condition every
/// reporting unit's values should satisfy in a period, and how serious a violation is.
///
/// ```
/// let rule = try EditRule(id: "toilets_need_households",
///                         rule: "if HOUSEHOLDS > 0 then HH_SANITARY_TOILET <= HOUSEHOLDS")
/// rule.explain(["HOUSEHOLDS": 398, "HH_SANITARY_TOILET": 420]).outcome   // .fail
/// ```
///
/// For screening many units, compile the rule once per record layout with ``compiled(for:)``.
public struct EditRule: Sendable, Hashable {
    /// validate's default `lin.eq.eps`: `==` holds when the sides differ by at most this much.
    public static let defaultTolerance = 1e-8

    /// `[a-z][a-z0-9_]*`, unique within a rule set.
    public let id: String
    /// The rule as written.
    public let text: String
    /// The parsed rule, as ``compiled(for:)`` and ``explain(_:)`` evaluate it.
    public let expression: RuleExpression
    /// The severity of the findings the rule raises.
    public let severity: Severity
    /// What a violation means, for people; optional.
    public let message: String?
    /// The levels whose units the rule checks.
    public let levels: Set<RegionLevel>
    /// The same as bits (``RegionLevel/bits(_:)``): screening asks for every unit and rule.
    @usableFromInline let levelBits: Int
    /// The absolute tolerance of `==`, `!=` and `in`; comparisons `< <= > >=` are exact.
    public let tolerance: Double

    /// Parses `text` into a rule.
    ///
    /// - Parameter knownIndicators: when given, codes outside it are errors (pass the catalog's codes).
    /// - Throws: the first syntax, kind or unknown-indicator error in `text`, with its column.
    public init(
        id: String, rule text: String, severity: Severity = .error, message: String? = nil,
        levels: Set<RegionLevel> = Set(RegionLevel.allCases), tolerance: Double = defaultTolerance,
        knownIndicators: Set<String>? = nil
    ) throws(RuleSyntaxError) {
        self.init(
            id: id, text: text, expression: try RuleExpression(parsing: text, knownIndicators: knownIndicators), severity: severity,
            message: message, levels: levels, tolerance: tolerance)
    }

    /// A rule from an already parsed expression.
    init(
        id: String, text: String, expression: RuleExpression, severity: Severity, message: String?,
        levels: Set<RegionLevel>, tolerance: Double
    ) {
        self.id = id
        self.text = text
        self.expression = expression
        indicators = expression.indicators
        requiredIndicators = expression.requiredIndicators
        if case .comparison(_, let left, let right) = expression.assertion { sideTexts = [left.description, right.description] } else { sideTexts = [] }
        self.severity = severity
        self.message = message
        self.levels = levels
        levelBits = RegionLevel.bits(levels)
        self.tolerance = tolerance
    }

    /// Whether `id` is a valid rule id: lower-case ASCII letters, digits and `_`, starting with a letter.
    public static func isValidID(_ id: String) -> Bool {
        guard let first = id.utf8.first, (97...122).contains(first) else { return false }
        return id.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }
    }

    /// The indicator codes the rule reads, in order of first appearance (kept: every explanation asks).
    public let indicators: [String]
    /// The codes whose missing value makes the rule not applicable (``RuleExpression/requiredIndicators``).
    public let requiredIndicators: [String]
    /// The asserted comparison's two sides as written, for explanations (empty when it is not a comparison).
    let sideTexts: [String]

    /// Whether the rule checks units of `level`.
    @inlinable
    public func applies(to level: RegionLevel) -> Bool { levelBits & level.bit != 0 }

    /// The rule compiled for records laid out by `slots` (see ``CompiledRule``).
    public func compiled(for slots: IndicatorSlots) -> CompiledRule {
        CompiledRule(expression, slots: slots, tolerance: tolerance)
    }

    /// Evaluates the rule on values by code, explaining the outcome (a code absent from `values`, or
    /// NaN, is missing).
    public func explain(_ values: [String: Double]) -> RuleExplanation {
        RuleInterpreter(tolerance: tolerance, lookup: { values[$0] }).explain(
            expression, indicators: indicators, required: requiredIndicators, sideTexts: sideTexts.isEmpty ? nil : (sideTexts[0], sideTexts[1]))
    }

    /// Evaluates the rule on one record laid out by `slots`, explaining the outcome; for the failing
    /// records that ``CompiledRule`` found.
    public func explain(_ record: UnsafeBufferPointer<Double>, slots: IndicatorSlots) -> RuleExplanation {
        // The rule's few codes with their values, searched in order: cheaper than hashing codes.
        let values = indicators.map { code in (code, slots[code].map { record[$0] }) }
        return RuleInterpreter(tolerance: tolerance, lookup: { code in values.first { $0.0 == code }?.1 ?? nil }).explain(
            expression, indicators: indicators, required: requiredIndicators, sideTexts: sideTexts.isEmpty ? nil : (sideTexts[0], sideTexts[1]))
    }

    /// Evaluates the rule on one record laid out by `slots`, explaining the outcome.
    public func explain(_ record: [Double], slots: IndicatorSlots) -> RuleExplanation {
        record.withUnsafeBufferPointer { explain($0, slots: slots) }
    }
}
