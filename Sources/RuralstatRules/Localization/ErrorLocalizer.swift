import RuralstatModel

/// Fellegi–Holt error localisation for the edit rules of a rule set: for a unit that fails rules,
/// the sets of fields of least total reliability weight whose change can satisfy **every** rule of
/// its level (the same problem R `errorlocate` and Banff's `errorloc` solve).
///
/// Exact by enumeration: rules that share fields form components; within the failing rules'
/// component, field sets are tried in order of increasing weight, and a set is feasible when the
/// rules, with the other fields fixed at their reported values and the changed fields kept within
/// the catalog's ranges, have a solution. Each rule is turned once into linear cases
/// (``RuleLinearization``) and a set's feasibility is a Fourier–Motzkin elimination per combination
/// of cases. Fields the unit did not report are always in the set (they must be imputed). All sets of
/// the least weight are reported, up to ``mostTies``.
///
/// ```
/// let rules = try RuleSet(yaml: "...", file: "rules.yaml", knownIndicators: codes)
/// let localizer = ErrorLocalizer(rules: rules, slots: slots)
/// localizer.localize(record, level: .village, failing: [0], bounds: bounds).likelyWrong   // "HH_TAP_WATER"
/// ```
public struct ErrorLocalizer: Sendable {
    /// Components with more fields than this are not localised (2^n sets to try).
    public static let mostFields = 16
    /// The most sets of equal least weight reported for one unit.
    public static let mostTies = 8

    /// One rule as localisation sees it.
    struct Rule: Sendable {
        /// Where the rule passes or is not applicable, as branches of constraints `Σ terms + constant ≤ 0`
        /// (`< 0` when strict) with their terms listed once (every set tried reads them); nil when
        /// the rule is not linear.
        var branches: [[Constraint]]?
        var nonLinear: String?
        /// The slots it reads.
        var fields: [Int]
    }

    /// A ``LinearConstraint`` with its terms in a flat list.
    struct Constraint: Sendable {
        var terms: [(slot: Int, coefficient: Double)]
        var constant: Double
        var strict: Bool

        init(_ constraint: LinearConstraint) {
            terms = constraint.form.terms.map { ($0.key, $0.value) }
            constant = constraint.form.constant
            strict = constraint.strict
        }

        /// The constant with the fixed fields' reported values filled in, and the size of what it was
        /// made of (the scale of its rounding); each free field's coefficient goes to `free`.
        @inline(__always)
        func filled(_ record: UnsafeBufferPointer<Double>, isFree: (Int) -> Bool, free: (Int, Double) -> Void) -> (constant: Double, magnitude: Double) {
            var (sum, magnitude) = (constant, Swift.abs(constant))
            for (slot, coefficient) in terms {
                if isFree(slot) {
                    free(slot, coefficient)
                } else {
                    sum += coefficient * record[slot]
                    magnitude += Swift.abs(coefficient * record[slot])
                }
            }
            return (sum, magnitude)
        }
    }

    /// Rules linked by the fields they share, at one level.
    struct Component: Sendable {
        var rules: [Int]
        /// Slots, ascending.
        var fields: [Int]
        /// Every non-empty subset of `fields` (bit i: `fields[i]`), lightest first.
        var subsets: [UInt32]
        var subsetWeights: [Double]
        /// Why this component is not localised, when it is not.
        var refusal: String?
    }

    let slots: IndicatorSlots
    let rules: [Rule]
    let weights: [Double]
    /// Per level (by raw value): the component of each rule index (-1 when the rule does not apply).
    let componentOfRule: [[Int]]
    let components: [[Component]]

    /// Prepares localisation for records laid out by `slots`, which must hold every code the rules read.
    ///
    /// - Parameter weights: reliability weights by code (a field that is trusted more costs more to
    ///   change); codes not given weigh 1. Defaults to the rule set's own weights.
    public init(rules ruleSet: RuleSet, slots: IndicatorSlots, weights: [String: Double]? = nil) {
        let given = weights ?? ruleSet.weights
        self.slots = slots
        self.weights = slots.codes.map { given[$0] ?? 1 }
        var rules: [Rule] = []
        for rule in ruleSet.rules {
            let fields = rule.indicators.compactMap { slots[$0] }
            do {
                let holds = try RuleLinearization.holds(rule.expression, slots: slots, tolerance: rule.tolerance)
                rules.append(Rule(branches: holds.branches.map { $0.map(Constraint.init) }, fields: fields))
            } catch {
                rules.append(Rule(branches: nil, nonLinear: "rule \(rule.id) is not linear (\(error.reason))", fields: fields))
            }
        }
        self.rules = rules
        var componentOfRule: [[Int]] = []
        var components: [[Component]] = []
        for level in RegionLevel.allCases {
            let applying = ruleSet.rules.indices.filter { ruleSet.rules[$0].applies(to: level) }
            let (of, found) = Self.components(of: applying, rules: rules, ruleCount: rules.count, weights: self.weights)
            componentOfRule.append(of)
            components.append(found)
        }
        self.componentOfRule = componentOfRule
        self.components = components
    }

    /// Groups the applying rules into components of shared fields.
    private static func components(of applying: [Int], rules: [Rule], ruleCount: Int, weights: [Double]) -> ([Int], [Component]) {
        var of = [Int](repeating: -1, count: ruleCount)
        var found: [Component] = []
        var fieldOwner: [Int: Int] = [:]
        for index in applying {
            // Merge every component this rule touches into the first.
            let touched = Set(rules[index].fields.compactMap { fieldOwner[$0] }).sorted()
            let target = touched.first ?? found.count
            if touched.isEmpty { found.append(Component(rules: [], fields: [], subsets: [], subsetWeights: [])) }
            for other in touched.dropFirst() {
                for rule in found[other].rules { of[rule] = target }
                for field in found[other].fields { fieldOwner[field] = target }
                found[target].rules += found[other].rules
                found[target].fields += found[other].fields
                found[other] = Component(rules: [], fields: [], subsets: [], subsetWeights: [])
            }
            of[index] = target
            found[target].rules.append(index)
            for field in rules[index].fields where fieldOwner[field] != target {
                fieldOwner[field] = target
                found[target].fields.append(field)
            }
        }
        for index in found.indices {
            found[index].rules.sort()
            found[index].fields.sort()
            let fields = found[index].fields
            if let rule = found[index].rules.first(where: { rules[$0].branches == nil }) {
                found[index].refusal = rules[rule].nonLinear
            } else if fields.count > mostFields {
                found[index].refusal = "\(fields.count) fields are linked by rules, more than the \(mostFields) localisation tries"
            } else if !fields.isEmpty {
                let masks = (1..<(UInt32(1) << fields.count)).map { mask in
                    (mask, fields.indices.reduce(0.0) { mask & (1 << $1) != 0 ? $0 + weights[fields[$1]] : $0 })
                }.sorted { ($0.1, $0.0.nonzeroBitCount, $0.0) < ($1.1, $1.0.nonzeroBitCount, $1.0) }
                found[index].subsets = masks.map(\.0)
                found[index].subsetWeights = masks.map(\.1)
            }
        }
        return (of, found)
    }

    /// Localises the errors of one record.
    ///
    /// - Parameters:
    ///   - record: the unit's values by slot, NaN where it reported nothing.
    ///   - level: the unit's level (rules of other levels do not bind it).
    ///   - failing: indices (in the rule set) of the rules the record fails.
    ///   - bounds: the catalog's range of each slot, which a changed value must stay within; nil: none.
    /// - Returns: one result per component of the failing rules, keyed by the index of its first rule.
    public func localize(
        _ record: UnsafeBufferPointer<Double>, level: RegionLevel, failing: [Int], bounds: [ClosedRange<Double>?]
    ) -> [Int: ErrorLocalization] {
        let of = componentOfRule[level.rawValue]
        var results: [Int: ErrorLocalization] = [:]
        for component in Set(failing.map { of[$0] }) where component >= 0 {
            let c = components[level.rawValue][component]
            let failingHere = failing.filter { of[$0] == component }
            let result = c.refusal.map(ErrorLocalization.notLocalized) ?? localize(record, in: c, failing: failingHere, bounds: bounds)
            for rule in c.rules { results[rule] = result }
        }
        return results
    }

    /// Tries the component's field sets, lightest first, and keeps every feasible one of the least weight.
    private func localize(_ record: UnsafeBufferPointer<Double>, in c: Component, failing: [Int], bounds: [ClosedRange<Double>?]) -> ErrorLocalization {
        var forced: UInt32 = 0
        for (bit, slot) in c.fields.enumerated() where record[slot].isNaN { forced |= 1 << bit }
        // A set must change at least one field of every failing rule.
        let needs = failing.map { rule in
            rules[rule].fields.reduce(UInt32(0)) { mask, slot in mask | (c.fields.firstIndex(of: slot).map { 1 << $0 } ?? 0) }
        }
        var found: [UInt32] = []
        var least = Double.infinity
        var tiesCut = false
        for (mask, weight) in zip(c.subsets, c.subsetWeights) {
            if weight > least + 1e-9 * max(1, least) { break }
            guard mask & forced == forced, needs.allSatisfy({ $0 & mask != 0 }) else { continue }
            guard isFeasible(record, component: c, free: mask, bounds: bounds) else { continue }
            if found.count == Self.mostTies {
                tiesCut = true
                break
            }
            least = weight
            found.append(mask)
        }
        guard !found.isEmpty else {
            return .notLocalized("no change of these fields satisfies every rule within the catalog's ranges")
        }
        let names = { (mask: UInt32) in c.fields.indices.filter { mask & (1 << $0) != 0 }.map { self.slots.codes[c.fields[$0]] } }
        return ErrorLocalization(sets: found.map { names($0 & ~forced) }, imputed: names(forced), weight: least, tiesCut: tiesCut)
    }

    /// Whether changing the fields in `free` (bits of `c.fields`) can satisfy every rule of the component.
    func isFeasible(_ record: UnsafeBufferPointer<Double>, component c: Component, free: UInt32, bounds: [ClosedRange<Double>?]) -> Bool {
        if free.nonzeroBitCount == 1 { return isFeasible(record, component: c, slot: c.fields[free.trailingZeroBitCount], bounds: bounds) }
        // Free slot → its variable number (−1: fixed).
        var variable = [Int](repeating: -1, count: slots.count)
        var count = 0
        for (bit, slot) in c.fields.enumerated() where free & (1 << bit) != 0 {
            variable[slot] = count
            count += 1
        }
        var base: [FourierMotzkin.Row] = []
        for (slot, index) in variable.enumerated() where index >= 0 {
            guard let range = bounds[slot] else { continue }
            var up = [Double](repeating: 0, count: count)
            up[index] = 1
            base.append(FourierMotzkin.Row(coefficients: up, constant: -range.upperBound, strict: false, magnitude: Swift.abs(range.upperBound)))
            up[index] = -1
            base.append(FourierMotzkin.Row(coefficients: up, constant: range.lowerBound, strict: false, magnitude: Swift.abs(range.lowerBound)))
        }
        let choices = cases(component: c, reading: { variable[$0] >= 0 }) { constraint -> Filled<FourierMotzkin.Row> in
            var coefficients = [Double](repeating: 0, count: count)
            var hasVariable = false
            let filled = constraint.filled(record, isFree: { variable[$0] >= 0 }) { slot, coefficient in
                coefficients[variable[slot]] = coefficient
                hasVariable = true
            }
            guard hasVariable else { return .settled(filled, strict: constraint.strict) }
            return .row(FourierMotzkin.Row(coefficients: coefficients, constant: filled.constant, strict: constraint.strict, magnitude: filled.magnitude))
        }
        guard let choices else { return false }
        return search(choices, from: 0, rows: base, variables: count)
    }

    /// ``isFeasible(_:component:free:bounds:)`` when one field, `slot`, is changed: each rule's cases
    /// are bounds on it, and a combination of one case per rule is feasible when every upper bound
    /// leaves room with every lower one, checked as the combination grows (the same pairs, and the
    /// same arithmetic, as Fourier–Motzkin's elimination of the one variable).
    private func isFeasible(_ record: UnsafeBufferPointer<Double>, component c: Component, slot: Int, bounds: [ClosedRange<Double>?]) -> Bool {
        var chosen: [FourierMotzkin.Bound] = []
        if let range = bounds[slot] {
            chosen.append(FourierMotzkin.Bound(a: 1, constant: -range.upperBound, strict: false, magnitude: Swift.abs(range.upperBound)))
            let lower = FourierMotzkin.Bound(a: -1, constant: range.lowerBound, strict: false, magnitude: Swift.abs(range.lowerBound))
            guard FourierMotzkin.leavesRoom(lower, with: chosen) else { return false }
            chosen.append(lower)
        }
        let choices = cases(component: c, reading: { $0 == slot }) { constraint -> Filled<FourierMotzkin.Bound> in
            var a = 0.0
            let filled = constraint.filled(record, isFree: { $0 == slot }) { _, coefficient in a = coefficient }
            // Classified as elimination classifies a row (a NaN coefficient bounds nothing there either).
            guard a > 0 || a < 0 else { return .settled(filled, strict: constraint.strict) }
            return .row(FourierMotzkin.Bound(a: a, constant: filled.constant, strict: constraint.strict, magnitude: filled.magnitude))
        }
        guard let choices else { return false }
        return search(choices, from: 0, chosen: &chosen)
    }

    /// A constraint with the fixed fields filled in: a row over the free ones, or, without a free
    /// field, settled (whether it holds, with slack for rounding).
    enum Filled<Row> {
        case row(Row)
        case settled(holds: Bool)

        static func settled(_ filled: (constant: Double, magnitude: Double), strict: Bool) -> Filled {
            .settled(holds: FourierMotzkin.holds(constant: filled.constant, strict: strict, magnitude: filled.magnitude))
        }
    }

    /// Each rule of `c` that reads a free field (`reading`): its cases, each the rows `row` makes of its
    /// constraints. A settled constraint that fails drops its case; a rule with a case where all are
    /// settled and hold binds nothing; a rule left with no case makes the whole set infeasible (nil).
    private func cases<Row>(
        component c: Component, reading: (Int) -> Bool, row: (Constraint) -> Filled<Row>
    ) -> [[[Row]]]? {
        var choices: [[[Row]]] = []
        for rule in c.rules where rules[rule].fields.contains(where: reading) {
            var cases: [[Row]] = []
            var always = false
            for branch in rules[rule].branches! {
                var rows: [Row] = []
                var possible = true
                for constraint in branch {
                    switch row(constraint) {
                    case .row(let made): rows.append(made)
                    case .settled(let holds): possible = holds
                    }
                    if !possible { break }
                }
                guard possible else { continue }
                if rows.isEmpty {
                    always = true
                    break
                }
                cases.append(rows)
            }
            if always { continue }
            if cases.isEmpty { return nil }
            choices.append(cases)
        }
        return choices
    }

    /// Depth first over one case per rule, in one variable: a case is added only when its bounds
    /// leave room with those chosen and with each other.
    private func search(_ choices: [[[FourierMotzkin.Bound]]], from index: Int, chosen: inout [FourierMotzkin.Bound]) -> Bool {
        guard index < choices.count else { return true }
        let depth = chosen.count
        for option in choices[index] {
            var fits = true
            for bound in option {
                guard FourierMotzkin.leavesRoom(bound, with: chosen) else {
                    fits = false
                    break
                }
                chosen.append(bound)
            }
            if fits, search(choices, from: index + 1, chosen: &chosen) { return true }
            chosen.removeSubrange(depth...)
        }
        return false
    }

    /// Depth first over one case per rule; feasible when some combination is.
    private func search(_ choices: [[[FourierMotzkin.Row]]], from index: Int, rows: [FourierMotzkin.Row], variables: Int) -> Bool {
        guard index < choices.count else { return FourierMotzkin.isFeasible(rows, variables: variables) }
        for option in choices[index] where search(choices, from: index + 1, rows: rows + option, variables: variables) {
            return true
        }
        return false
    }
}
