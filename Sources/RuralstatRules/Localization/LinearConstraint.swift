/// `Σ aⱼ·xⱼ + c` over the slots of a record: the value of a rule's number once its divisions are
/// multiplied out, as error localisation reasons about it.
struct LinearForm: Sendable, Hashable {
    /// The coefficient of each slot that has one (never zero).
    var terms: [Int: Double]
    /// The constant term.
    var constant: Double

    init(terms: [Int: Double] = [:], constant: Double = 0) {
        self.terms = terms.filter { $0.value != 0 }
        self.constant = constant
    }

    /// The value of one slot.
    static func slot(_ slot: Int) -> LinearForm { LinearForm(terms: [slot: 1]) }

    /// Whether no slot has a coefficient.
    var isConstant: Bool { terms.isEmpty }

    static func + (a: LinearForm, b: LinearForm) -> LinearForm {
        LinearForm(terms: a.terms.merging(b.terms, uniquingKeysWith: +), constant: a.constant + b.constant)
    }

    static prefix func - (a: LinearForm) -> LinearForm { a.scaled(by: -1) }

    static func - (a: LinearForm, b: LinearForm) -> LinearForm { a + -b }

    func scaled(by factor: Double) -> LinearForm {
        LinearForm(terms: terms.mapValues { $0 * factor }, constant: constant * factor)
    }

    /// The product, when one side is a constant; a product of two slots is not linear.
    func times(_ other: LinearForm) throws(NonLinearRule) -> LinearForm {
        if isConstant { return other.scaled(by: constant) }
        if other.isConstant { return scaled(by: other.constant) }
        throw NonLinearRule(reason: "it multiplies two indicator values")
    }
}

/// `form ≤ 0`, or `form < 0` when strict: one linear condition of a branch.
struct LinearConstraint: Sendable, Hashable {
    var form: LinearForm
    var strict: Bool

    /// `a ≤ b` (or `a < b`).
    static func atMost(_ a: LinearForm, _ b: LinearForm, strict: Bool = false) -> LinearConstraint {
        LinearConstraint(form: a - b, strict: strict)
    }

    /// The constraint that holds exactly where this one does not.
    var negation: LinearConstraint { LinearConstraint(form: -form, strict: !strict) }

    /// For a constraint without slots: whether it holds.
    var holdsAsConstant: Bool { strict ? form.constant < 0 : form.constant <= 0 }
}

/// A rule's "passes or is not applicable" as a disjunction of branches, each a conjunction of linear
/// constraints. No branch: the rule can never hold; an empty branch: it always holds.
struct LinearDisjunction: Sendable, Hashable {
    var branches: [[LinearConstraint]]

    static let never = LinearDisjunction(branches: [])
    static let always = LinearDisjunction(branches: [[]])

    /// One branch, with constant constraints settled: dropped when they hold, the branch dropped when
    /// one does not.
    init(branch: [LinearConstraint]) {
        var kept: [LinearConstraint] = []
        for constraint in branch {
            if constraint.form.isConstant {
                if !constraint.holdsAsConstant { self.branches = []; return }
            } else if !kept.contains(constraint) {
                kept.append(constraint)
            }
        }
        branches = [kept]
    }

    init(branches: [[LinearConstraint]]) { self.branches = branches }

    /// Rules whose branches multiply beyond this are not localised (the search would be too slow to
    /// be useful, and no rule of `rules.yaml` comes near it).
    static let largest = 256

    static func || (a: LinearDisjunction, b: LinearDisjunction) throws(NonLinearRule) -> LinearDisjunction {
        if a.branches.contains(where: \.isEmpty) || b.branches.contains(where: \.isEmpty) { return .always }
        return try LinearDisjunction(branches: a.branches + b.branches).bounded()
    }

    static func && (a: LinearDisjunction, b: LinearDisjunction) throws(NonLinearRule) -> LinearDisjunction {
        // Some products settle to fewer branches (a constant that cannot hold drops one), but one far
        // past the bound is refused before it is built.
        guard a.branches.count * b.branches.count <= 16 * largest else {
            throw NonLinearRule(reason: "it splits into more than \(largest) linear cases")
        }
        var branches: [[LinearConstraint]] = []
        for x in a.branches {
            for y in b.branches { branches += LinearDisjunction(branch: x + y).branches }
        }
        return try LinearDisjunction(branches: branches).bounded()
    }

    /// Where no branch holds: the negation of each branch's constraints, one from each branch.
    func negated() throws(NonLinearRule) -> LinearDisjunction {
        var result = LinearDisjunction.always
        for branch in branches {
            result = try result && LinearDisjunction(branches: branch.map { [$0.negation] })
        }
        return result
    }

    func bounded() throws(NonLinearRule) -> LinearDisjunction {
        guard branches.count <= Self.largest else {
            throw NonLinearRule(reason: "it splits into more than \(Self.largest) linear cases")
        }
        return self
    }
}

/// Why a rule cannot take part in error localisation (its findings then say so).
struct NonLinearRule: Error, Sendable, Hashable {
    var reason: String
}
