/// Turns a rule into the linear cases where it passes or is not applicable, over the slots of a
/// record: the form error localisation needs to ask "can changing these fields satisfy the rule?".
///
/// A number becomes pieces `N / D` (linear numerator and denominator), each valid where its guard
/// holds, with the sign of `D` known there; a division splits on the sign of its divisor. The rule's
/// *escapes* — a divisor of zero, an `if` condition that is false — make it not applicable, so they
/// are cases where it holds. `is_missing` is false: a field localisation may change gets a value.
/// Products of two indicator values are not linear and are refused with the reason.
struct RuleLinearization {
    let slots: IndicatorSlots
    let tolerance: Double
    /// Cases where the rule is not applicable: a zero divisor, a false `if` condition.
    private(set) var escapes = LinearDisjunction.never

    /// A number `numerator / denominator`, valid where `guards` hold; there `sign · denominator > 0`.
    struct Piece {
        var guards: [LinearConstraint]
        var numerator: LinearForm
        var denominator = LinearForm(constant: 1)
        var sign: Double = 1
    }

    /// The cases where `rule` passes or is not applicable.
    static func holds(_ rule: RuleExpression, slots: IndicatorSlots, tolerance: Double) throws(NonLinearRule) -> LinearDisjunction {
        var linearization = RuleLinearization(slots: slots, tolerance: tolerance)
        let passes = try linearization.truth(rule)
        return try linearization.escapes || passes
    }

    mutating func number(_ expression: RuleExpression) throws(NonLinearRule) -> [Piece] {
        let pieces = try unboundedNumber(expression)
        // Nested abs, min and max double the cases at every level: past the bound, refuse.
        guard pieces.count <= LinearDisjunction.largest else {
            throw NonLinearRule(reason: "it splits into more than \(LinearDisjunction.largest) linear cases")
        }
        return pieces
    }

    private mutating func unboundedNumber(_ expression: RuleExpression) throws(NonLinearRule) -> [Piece] {
        switch expression {
        case .number(let value):
            return [Piece(guards: [], numerator: LinearForm(constant: value))]
        case .indicator(let code):
            guard let slot = slots[code] else { throw NonLinearRule(reason: "\(code) has no slot") }
            return [Piece(guards: [], numerator: .slot(slot))]
        case .negate(let operand):
            return try number(operand).map { Piece(guards: $0.guards, numerator: -$0.numerator, denominator: $0.denominator, sign: $0.sign) }
        case .arithmetic(let op, let left, let right):
            let a = try number(left), b = try number(right)
            try Self.bound(a.count * b.count)
            var pieces: [Piece] = []
            for x in a {
                for y in b { pieces += try combine(op, x, y) }
            }
            return pieces
        case .call(.abs, let arguments):
            var pieces: [Piece] = []
            for p in try number(arguments[0]) {
                // N/D ≥ 0 exactly where sign·N ≥ 0.
                let nonNegative = LinearConstraint.atMost(p.numerator.scaled(by: -p.sign), LinearForm())
                pieces += piece(p, adding: [nonNegative])
                pieces += piece(Piece(guards: p.guards, numerator: -p.numerator, denominator: p.denominator, sign: p.sign), adding: [nonNegative.negation])
            }
            return pieces
        case .call(let function, let arguments) where function == .min || function == .max:
            var result = try number(arguments[0])
            for argument in arguments.dropFirst() {
                let next = try number(argument)
                try Self.bound(2 * result.count * next.count)
                var pieces: [Piece] = []
                for x in result {
                    for y in next {
                        // min keeps x where x ≤ y; max keeps x where y ≤ x.
                        let keepX = try function == .min ? Self.compare(x, y, strict: false) : Self.compare(y, x, strict: false)
                        pieces += piece(x, adding: y.guards + [keepX])
                        pieces += piece(y, adding: x.guards + [keepX.negation])
                    }
                }
                result = pieces
            }
            return result
        default:
            throw NonLinearRule(reason: "it uses a condition as a number")
        }
    }

    /// `x op y` for one piece of each side.
    private mutating func combine(_ op: RuleExpression.Arithmetic, _ x: Piece, _ y: Piece) throws(NonLinearRule) -> [Piece] {
        let guards = x.guards + y.guards
        switch op {
        case .add, .subtract:
            let right = try y.numerator.times(x.denominator)
            let numerator = try x.numerator.times(y.denominator) + (op == .add ? right : -right)
            return piece(Piece(guards: guards, numerator: numerator, denominator: try x.denominator.times(y.denominator), sign: x.sign * y.sign))
        case .multiply:
            return piece(
                Piece(
                    guards: guards, numerator: try x.numerator.times(y.numerator), denominator: try x.denominator.times(y.denominator),
                    sign: x.sign * y.sign))
        case .divide:
            // A zero divisor makes the rule not applicable: an escape.
            escapes = try escapes || LinearDisjunction(branch: guards + Self.equal(y.numerator, LinearForm()))
            // (Nx/Dx) / (Ny/Dy) = Nx·Dy / (Dx·Ny): the sign of Ny decides the sign of the denominator.
            let numerator = try x.numerator.times(y.denominator), denominator = try x.denominator.times(y.numerator)
            let positive = LinearConstraint.atMost(LinearForm(), y.numerator, strict: true)
            return piece(Piece(guards: guards, numerator: numerator, denominator: denominator, sign: x.sign), adding: [positive])
                + piece(
                    Piece(guards: guards, numerator: numerator, denominator: denominator, sign: -x.sign),
                    adding: [LinearConstraint(form: y.numerator, strict: true)])
        }
    }

    /// Refuses a product of cases past the bound before it is built.
    private static func bound(_ cases: Int) throws(NonLinearRule) {
        guard cases <= LinearDisjunction.largest else {
            throw NonLinearRule(reason: "it splits into more than \(LinearDisjunction.largest) linear cases")
        }
    }

    /// The piece with more guards, or nothing when its guards cannot hold.
    private func piece(_ p: Piece, adding extra: [LinearConstraint] = []) -> [Piece] {
        let settled = LinearDisjunction(branch: p.guards + extra)
        guard let guards = settled.branches.first else { return [] }
        return [Piece(guards: guards, numerator: p.numerator, denominator: p.denominator, sign: p.sign)]
    }

    /// `x ≤ y` (or `<`) between pieces.
    static func compare(_ x: Piece, _ y: Piece, strict: Bool) throws(NonLinearRule) -> LinearConstraint {
        LinearConstraint(form: try difference(x, y), strict: strict)
    }

    /// `x − y` times the positive `sign_x·D_x·sign_y·D_y`, which has the sign of `x − y`. Linear when
    /// each cross product has a constant side.
    private static func difference(_ x: Piece, _ y: Piece) throws(NonLinearRule) -> LinearForm {
        guard (x.numerator.isConstant || y.denominator.isConstant) && (y.numerator.isConstant || x.denominator.isConstant) else {
            throw NonLinearRule(reason: "it compares a quotient of indicator values with another value that depends on indicators")
        }
        return (try x.numerator.times(y.denominator) - y.numerator.times(x.denominator)).scaled(by: x.sign * y.sign)
    }

    /// `a = b` exactly, as two constraints.
    static func equal(_ a: LinearForm, _ b: LinearForm) -> [LinearConstraint] {
        [.atMost(a, b), .atMost(b, a)]
    }

    mutating func truth(_ expression: RuleExpression) throws(NonLinearRule) -> LinearDisjunction {
        switch expression {
        case .comparison(let op, let left, let right):
            let a = try number(left), b = try number(right)
            try Self.bound(a.count * b.count)
            var result = LinearDisjunction.never
            for x in a {
                for y in b {
                    let cases = try relation(op, x, y)
                    result = try result || (LinearDisjunction(branch: x.guards + y.guards) && cases)
                }
            }
            return result
        case .not(let operand):
            return try truth(operand).negated()
        case .and(let left, let right):
            return try truth(left) && truth(right)
        case .or(let left, let right):
            return try truth(left) || truth(right)
        case .member(let operand, let values):
            var result = LinearDisjunction.never
            for value in values {
                result = try result || truth(.comparison(.equal, operand, .number(value)))
            }
            return result
        case .isMissing:
            return .never
        case .call(.inRange, let arguments):
            return try truth(.and(.comparison(.lessOrEqual, arguments[1], arguments[0]), .comparison(.lessOrEqual, arguments[0], arguments[2])))
        case .conditional(let condition, let body):
            escapes = try escapes || truth(condition).negated()
            return try truth(body)
        default:
            return try truth(.comparison(.notEqual, expression, .number(0)))
        }
    }

    /// The cases where `x op y` holds, for one piece of each side.
    private func relation(_ op: RuleExpression.Comparison, _ x: Piece, _ y: Piece) throws(NonLinearRule) -> LinearDisjunction {
        let difference = try Self.difference(x, y)
        switch op {
        case .lessOrEqual: return LinearDisjunction(branch: [LinearConstraint(form: difference, strict: false)])
        case .less: return LinearDisjunction(branch: [LinearConstraint(form: difference, strict: true)])
        case .greaterOrEqual: return LinearDisjunction(branch: [LinearConstraint(form: -difference, strict: false)])
        case .greater: return LinearDisjunction(branch: [LinearConstraint(form: -difference, strict: true)])
        case .equal, .notEqual:
            // |x − y| ≤ tolerance; the difference is scaled by |D_x·D_y|, which must be a constant.
            let scale = try x.denominator.times(y.denominator)
            guard scale.isConstant else { throw NonLinearRule(reason: "it compares a quotient of indicator values with == or !=") }
            let bound = LinearForm(constant: tolerance * Swift.abs(scale.constant))
            let within = LinearDisjunction(branch: [.atMost(difference, bound), .atMost(-difference, bound)])
            return op == .equal ? within : try within.negated()
        }
    }
}
