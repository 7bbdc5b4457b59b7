import RuralstatModel

/// Evaluates a rule tree directly, looking values up by code: the slow path, used to explain a
/// finding (which values the rule saw) rather than to screen millions of units.
///
/// It follows the same semantics as ``CompiledRule``; the property test holds the two to that.
struct RuleInterpreter {
    /// Why evaluation stopped without a pass or a fail.
    enum Stop: Error {
        case missing(String)
        case divisionByZero
        case conditionFalse(RuleExpression)
    }

    let tolerance: Double
    /// The unit's value of a code; `nil` or NaN when it did not report it.
    let lookup: (String) -> Double?

    func present(_ code: String) -> Double? {
        guard let value = lookup(code), !value.isNaN else { return nil }
        return value
    }

    func number(_ expression: RuleExpression) throws(Stop) -> Double {
        switch expression {
        case .number(let value):
            return value
        case .indicator(let code):
            guard let value = present(code) else { throw .missing(code) }
            return value
        case .negate(let operand):
            return -(try number(operand))
        case .arithmetic(let op, let left, let right):
            let a = try number(left), b = try number(right)
            switch op {
            case .add: return a + b
            case .subtract: return a - b
            case .multiply: return a * b
            case .divide:
                guard b != 0 else { throw .divisionByZero }
                return a / b
            }
        case .call(.abs, let arguments):
            return Swift.abs(try number(arguments[0]))
        case .call(let function, let arguments) where function == .min || function == .max:
            var result = try number(arguments[0])
            for argument in arguments.dropFirst() {
                let value = try number(argument)
                result = function == .min ? Swift.min(result, value) : Swift.max(result, value)
            }
            return result
        default:
            // A condition where a number is expected only happens in trees built by hand; read it as 1 or 0.
            return try truth(expression) ? 1 : 0
        }
    }

    func truth(_ expression: RuleExpression) throws(Stop) -> Bool {
        switch expression {
        case .comparison(let op, let left, let right):
            let a = try number(left), b = try number(right)
            return op.holds(a, b, tolerance: tolerance)
        case .not(let operand):
            return !(try truth(operand))
        // Both sides are evaluated (no short-circuit), as in the compiled form: a division by zero on
        // either side makes the rule not applicable whatever the other side says.
        case .and(let left, let right):
            let a = try truth(left), b = try truth(right)
            return a && b
        case .or(let left, let right):
            let a = try truth(left), b = try truth(right)
            return a || b
        case .member(let operand, let values):
            let value = try number(operand)
            return values.contains { Swift.abs(value - $0) <= tolerance }
        case .isMissing(let code):
            return present(code) == nil
        case .call(.inRange, let arguments):
            let x = try number(arguments[0]), low = try number(arguments[1]), high = try number(arguments[2])
            return low <= x && x <= high
        case .conditional(let condition, let body):
            guard try truth(condition) else { throw .conditionFalse(condition) }
            return try truth(body)
        default:
            return try number(expression) != 0
        }
    }

    /// Evaluates a whole rule: missing values first (all of them are named), then the rule itself.
    /// `indicators` and `required` are the rule's ``RuleExpression/indicators`` and
    /// ``RuleExpression/requiredIndicators``, which an ``EditRule`` keeps, as it keeps the texts of
    /// its asserted comparison's sides.
    func explain(_ rule: RuleExpression, indicators: [String], required: [String], sideTexts: (String, String)? = nil) -> RuleExplanation {
        let values = indicators.map { RuleExplanation.IndicatorValue(code: $0, value: present($0)) }
        let missing = required.filter { present($0) == nil }
        var outcome = RuleOutcome.notApplicable
        var reason: NotApplicableReason?
        if !missing.isEmpty {
            reason = .missing(missing)
        } else {
            do {
                outcome = try truth(rule) ? .pass : .fail
            } catch {
                switch error {
                case .missing(let code): reason = .missing([code])
                case .divisionByZero: reason = .divisionByZero
                case .conditionFalse(let condition): reason = .conditionFalse(condition)
                }
            }
        }
        var sides: RuleExplanation.Sides?
        if case .comparison(let op, let left, let right) = rule.assertion {
            sides = RuleExplanation.Sides(
                comparison: op, left: left, right: right,
                leftValue: try? number(left), rightValue: try? number(right), leftText: sideTexts?.0, rightText: sideTexts?.1)
        }
        return RuleExplanation(rule: rule, outcome: outcome, reason: reason, values: values, sides: sides, tolerance: tolerance)
    }
}
