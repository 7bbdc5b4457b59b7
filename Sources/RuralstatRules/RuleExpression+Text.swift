import RuralstatModel

// Printing rule expressions: the canonical fully parenthesised form, and the form people write.

extension RuleExpression: CustomStringConvertible {
    // Precedence levels, loosest first. `not` sits between `and` and the comparisons, so
    // `not A < B` is `not (A < B)`; unary minus binds tightest, so `-A * B` is `(-A) * B`.
    static let orLevel = 1, andLevel = 2, notLevel = 3, comparisonLevel = 4, additive = 5, multiplicative = 6,
        unaryMinus = 7, atom = 8

    /// The fully parenthesised form, one pair of parentheses per operator: `((A + (B * C)) <= D)`.
    /// Tests compare parsed trees through this form.
    public var canonical: String {
        switch self {
        case .number(let value): Self.literal(value)
        case .indicator(let code): code
        case .negate(let e): "(-\(e.canonical))"
        case .arithmetic(let op, let l, let r): "(\(l.canonical) \(op.rawValue) \(r.canonical))"
        case .comparison(let op, let l, let r): "(\(l.canonical) \(op.rawValue) \(r.canonical))"
        case .not(let e): "(not \(e.canonical))"
        case .and(let l, let r): "(\(l.canonical) and \(r.canonical))"
        case .or(let l, let r): "(\(l.canonical) or \(r.canonical))"
        case .member(let e, let set): "(\(e.canonical) in \(Self.setLiteral(set)))"
        case .call(let f, let arguments): "\(f.rawValue)(\(arguments.map(\.canonical).joined(separator: ", ")))"
        case .isMissing(let code): "is_missing(\(code))"
        // `if` only starts a rule (or follows `then`), so it needs no parentheses of its own.
        case .conditional(let c, let body): "if \(c.canonical) then \(body.canonical)"
        }
    }

    /// The form people write, with only the parentheses the precedence needs: `A + B * C <= D`.
    public var description: String { text(atLeast: 0) }

    /// Prints the expression for a context that needs precedence `level` or tighter.
    private func text(atLeast level: Int) -> String {
        let (own, body): (Int, String)
        switch self {
        case .number(let value):
            (own, body) = (value < 0 ? Self.unaryMinus : Self.atom, Self.literal(value))
        case .indicator(let code): (own, body) = (Self.atom, code)
        case .isMissing(let code): (own, body) = (Self.atom, "is_missing(\(code))")
        case .call(let f, let arguments):
            (own, body) = (Self.atom, "\(f.rawValue)(\(arguments.map { $0.text(atLeast: Self.orLevel) }.joined(separator: ", ")))")
        case .negate(let e): (own, body) = (Self.unaryMinus, "-" + e.text(atLeast: Self.unaryMinus))
        case .arithmetic(let op, let l, let r):
            // Left-associative: the right operand of `-` or `/` needs parentheses at the same level.
            (own, body) = (op.precedence, "\(l.text(atLeast: op.precedence)) \(op.rawValue) \(r.text(atLeast: op.precedence + 1))")
        case .comparison(let op, let l, let r):
            (own, body) = (Self.comparisonLevel, "\(l.text(atLeast: Self.additive)) \(op.rawValue) \(r.text(atLeast: Self.additive))")
        case .member(let e, let set):
            (own, body) = (Self.comparisonLevel, "\(e.text(atLeast: Self.additive)) in \(Self.setLiteral(set))")
        case .not(let e): (own, body) = (Self.notLevel, "not " + e.text(atLeast: Self.notLevel))
        case .and(let l, let r): (own, body) = (Self.andLevel, "\(l.text(atLeast: Self.andLevel)) and \(r.text(atLeast: Self.notLevel))")
        case .or(let l, let r): (own, body) = (Self.orLevel, "\(l.text(atLeast: Self.orLevel)) or \(r.text(atLeast: Self.andLevel))")
        case .conditional(let c, let then): (own, body) = (0, "if \(c.text(atLeast: Self.orLevel)) then \(then.text(atLeast: 0))")
        }
        return own < level ? "(\(body))" : body
    }

    /// A number as a rule literal that parses back to the same value: `20`, `0.5`, `1e-05`.
    static func literal(_ value: Double) -> String {
        if value == value.rounded(), Swift.abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    static func setLiteral(_ values: [Double]) -> String {
        "{" + values.map(literal).joined(separator: ", ") + "}"
    }
}
