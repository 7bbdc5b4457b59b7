import Foundation
import RuralstatModel
import Testing
import TestSupport
@testable import RuralstatRules

/// Fellegi–Holt error localisation on cases worked out by hand, and against a brute-force search.
@Suite("Error localisation")
struct ErrorLocalizationTests {
    /// Localises `values` (by code, NaN or absent: missing) under `rules` (one per line, ids r0, r1, …).
    func localize(
        _ rules: [String], _ values: [String: Double], weights: [String: Double] = [:], bounds: [String: ClosedRange<Double>] = [:],
        level: RegionLevel = .village
    ) throws -> ErrorLocalization? {
        let ruleSet = try RuleSet(
            version: "t", rules: try rules.enumerated().map { try EditRule(id: "r\($0.offset)", rule: $0.element) }, weights: weights)
        let codes = Array(Set(ruleSet.rules.flatMap(\.indicators))).sorted()
        let slots = IndicatorSlots(codes)
        let record = codes.map { values[$0] ?? .nan }
        let failing = ruleSet.rules.indices.filter { ruleSet.rules[$0].explain(record, slots: slots).outcome == .fail }
        let localizer = ErrorLocalizer(rules: ruleSet, slots: slots)
        let results = record.withUnsafeBufferPointer {
            localizer.localize($0, level: level, failing: failing, bounds: codes.map { bounds[$0] })
        }
        return failing.first.flatMap { results[$0] }
    }

    static let households = [
        "HH_TAP_WATER <= HOUSEHOLDS", "if HOUSEHOLDS > 0 then HH_SANITARY_TOILET <= HOUSEHOLDS", "POPULATION >= HOUSEHOLDS",
    ]

    @Test("tap water above households: the tap-water count, because households weigh more")
    func weightedSingleField() throws {
        let values = ["HOUSEHOLDS": 100.0, "HH_TAP_WATER": 120, "HH_SANITARY_TOILET": 90, "POPULATION": 300]
        let result = try #require(try localize(Self.households, values, weights: ["HOUSEHOLDS": 2, "POPULATION": 2]))
        #expect(result.sets == [["HH_TAP_WATER"]])
        #expect(result.weight == 1)
        #expect(result.summary == "likely wrong: HH_TAP_WATER (the lightest change that satisfies every rule, weight 1)")
    }

    @Test("with equal weights both fields are as light, and both are reported")
    func ties() throws {
        let values = ["HOUSEHOLDS": 100.0, "HH_TAP_WATER": 120, "HH_SANITARY_TOILET": 90, "POPULATION": 300]
        let result = try #require(try localize(Self.households, values))
        // Slots are in code order: HH_TAP_WATER < HOUSEHOLDS.
        #expect(result.sets == [["HH_TAP_WATER"], ["HOUSEHOLDS"]])
        #expect(result.summary == "likely wrong: HH_TAP_WATER or HOUSEHOLDS (2 changes of equal weight 1)")
    }

    @Test("raising households would break population ≥ households, so only the tap-water count can change")
    func otherRulesBind() throws {
        // Households would need 120 ≤ HH ≤ 110.
        let values = ["HOUSEHOLDS": 100.0, "HH_TAP_WATER": 120, "HH_SANITARY_TOILET": 90, "POPULATION": 110]
        #expect(try localize(Self.households, values)?.sets == [["HH_TAP_WATER"]])
    }

    @Test("one field that two failing rules share beats changing one field of each")
    func sharedField() throws {
        let values = ["HOUSEHOLDS": 100.0, "HH_TAP_WATER": 120, "HH_SANITARY_TOILET": 130, "POPULATION": 300]
        #expect(try localize(Self.households, values)?.sets == [["HOUSEHOLDS"]])
        // Population below 130 makes households alone infeasible: then two fields, four ways. Tap water
        // and households works by setting households to 0, which makes the toilet rule not
        // applicable; a range starting at 1 rules that out.
        let tight = ["HOUSEHOLDS": 100.0, "HH_TAP_WATER": 120, "HH_SANITARY_TOILET": 130, "POPULATION": 125]
        let result = try #require(try localize(Self.households, tight))
        #expect(result.weight == 2)
        #expect(
            result.sets == [
                ["HH_SANITARY_TOILET", "HH_TAP_WATER"], ["HH_SANITARY_TOILET", "HOUSEHOLDS"], ["HH_TAP_WATER", "HOUSEHOLDS"],
                ["HOUSEHOLDS", "POPULATION"],
            ])
        let positive = try #require(try localize(Self.households, tight, bounds: ["HOUSEHOLDS": 1...10_000]))
        #expect(positive.sets == [["HH_SANITARY_TOILET", "HH_TAP_WATER"], ["HH_SANITARY_TOILET", "HOUSEHOLDS"], ["HOUSEHOLDS", "POPULATION"]])
    }

    @Test("a missing value is always imputed, and may be all that is needed")
    func missingIsImputed() throws {
        let rules = ["if HOUSEHOLDS > 0 then not is_missing(POPULATION)", "POPULATION >= HOUSEHOLDS"]
        let result = try #require(try localize(rules, ["HOUSEHOLDS": 100]))
        #expect(result.sets == [[]])
        #expect(result.imputed == ["POPULATION"])
        #expect(result.weight == 1)
        #expect(result.summary == "missing, to impute: POPULATION (enough to satisfy every rule)")
    }

    @Test("a yield in kilograms: output or area, and the catalog's range rules out the area")
    func ratioAndRanges() throws {
        let rules = ["GRAIN_OUTPUT / GRAIN_SOWN_AREA <= 15", "if GRAIN_OUTPUT > 0 then GRAIN_SOWN_AREA > 0"]
        let values = ["GRAIN_OUTPUT": 30_000.0, "GRAIN_SOWN_AREA": 100]
        #expect(try localize(rules, values)?.sets == [["GRAIN_OUTPUT"], ["GRAIN_SOWN_AREA"]])
        // Area would need ≥ 2,000 ha, outside [0, 1500]; output can be at most 1,500 t.
        #expect(try localize(rules, values, bounds: ["GRAIN_SOWN_AREA": 0...1_500])?.sets == [["GRAIN_OUTPUT"]])
        // Ranges bind only the fields that change: the reported 100 ha stands although it is outside [0, 50].
        #expect(try localize(rules, values, bounds: ["GRAIN_OUTPUT": 0...1_000, "GRAIN_SOWN_AREA": 0...50])?.sets == [["GRAIN_OUTPUT"]])
        // Output of at least 2,000 t needs more than 133 ha, outside [0, 50]: no set works.
        let both = try #require(try localize(rules, values, bounds: ["GRAIN_OUTPUT": 2_000...50_000, "GRAIN_SOWN_AREA": 0...50]))
        #expect(both.reason == "no change of these fields satisfies every rule within the catalog's ranges")
    }

    @Test("strict comparisons stay strict: B alone cannot be above 5 and below 5")
    func strictness() throws {
        let result = try #require(try localize(["A < B", "B < C"], ["A": 5, "B": 5, "C": 5]))
        #expect(result.weight == 2)
        #expect(result.sets == [["A", "B"], ["A", "C"], ["B", "C"]])
    }

    @Test("a coefficient that overflows to NaN bounds nothing, one field or several, as elimination has it")
    func notANumberCoefficient() throws {
        // A · 1e300 · 1e300 · 0 is NaN · A: the rule fails for any A, and elimination keeps such a row by its constant (0 ≤ 0).
        let result = try #require(try localize(["A * 1e300 * 1e300 * 0 <= 0"], ["A": 5], bounds: ["A": 0...1e9]))
        #expect(result.sets == [["A"]])
    }

    @Test("an if-condition can be made false: changing it is one way out")
    func conditionEscape() throws {
        #expect(try localize(["if A > 0 then B <= A"], ["A": 5, "B": 10])?.sets == [["A"], ["B"]])
        // With A kept within [1, 8], A cannot reach 10 nor fall to 0.
        #expect(try localize(["if A > 0 then B <= A"], ["A": 5, "B": 10], bounds: ["A": 1...8])?.sets == [["B"]])
    }

    @Test("sums, abs, min, max, in and in_range are linear cases")
    func otherForms() throws {
        #expect(try localize(["F + E <= C"], ["F": 60, "E": 50, "C": 100], weights: ["C": 3])?.sets == [["E"], ["F"]])
        #expect(try localize(["abs(A - B) <= 1"], ["A": 10, "B": 5], weights: ["B": 2])?.sets == [["A"]])
        #expect(try localize(["max(A, B) <= C"], ["A": 10, "B": 5, "C": 8], weights: ["C": 2])?.sets == [["A"]])
        #expect(try localize(["min(A, B) >= 1", "A <= 3"], ["A": 5, "B": 5])?.sets == [["A"]])
        #expect(try localize(["P in {0, 1}", "P <= Q"], ["P": 2, "Q": 0.5])?.sets == [["P"]])
        #expect(try localize(["in_range(A / B, 0, 2)"], ["A": 9, "B": 3], weights: ["A": 2])?.sets == [["B"]])
    }

    @Test("a product of two fields is refused, with the reason")
    func nonLinear() throws {
        let result = try #require(try localize(["A * B <= C"], ["A": 3, "B": 4, "C": 5]))
        #expect(result.sets.isEmpty)
        #expect(result.reason == "rule r0 is not linear (it multiplies two indicator values)")
        #expect(try localize(["2 * A <= C / 4"], ["A": 3, "C": 5])?.reason == nil)
    }

    @Test("nested abs, min and max past 256 linear cases are refused, quickly")
    func tooManyCases() throws {
        // Each abs doubles the cases: ten of them nest to 1,024.
        var expression = "A"
        for code in ["B", "C", "D", "E", "F", "G", "H", "I", "J", "K"] { expression = "abs(\(expression) - \(code))" }
        let result = try #require(
            try localize(["\(expression) <= 0"], ["A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8, "I": 9, "J": 10, "K": 11]))
        #expect(result.reason == "rule r0 is not linear (it splits into more than 256 linear cases)")
    }

    @Test("rules of other components and levels do not bind the unit")
    func components() throws {
        let ruleSet = try RuleSet(
            version: "t",
            rules: [
                try EditRule(id: "a", rule: "A <= B"), try EditRule(id: "b", rule: "C <= D"),
                try EditRule(id: "c", rule: "B <= 1", levels: [.county]),
            ])
        let slots = IndicatorSlots(["A", "B", "C", "D"])
        let record = [5.0, 3, 9, 1]
        let results = ErrorLocalizer(rules: ruleSet, slots: slots).localize(
            record.withUnsafeBufferPointer { $0 }, level: .village, failing: [0, 1], bounds: [nil, nil, nil, nil])
        #expect(results[0]?.sets == [["A"], ["B"]])
        #expect(results[1]?.sets == [["C"], ["D"]])
    }

    @Test("weights come from rules.yaml and must be positive known codes")
    func weightsFromYAML() throws {
        let yaml = "version: t\nweights: {HOUSEHOLDS: 2.5}\nrules:\n  - id: a\n    rule: HH_TAP_WATER <= HOUSEHOLDS\n    severity: error\n"
        let known: Set<String> = ["HOUSEHOLDS", "HH_TAP_WATER"]
        #expect(try RuleSet(yaml: yaml, file: "r.yaml", knownIndicators: known).weights == ["HOUSEHOLDS": 2.5])
        let bad = yaml.replacingOccurrences(of: "{HOUSEHOLDS: 2.5}", with: "{HOUSEHOLDS: 0, NOPE: 1}")
        #expect(throws: RuleSetLoadError.self) { try RuleSet(yaml: bad, file: "r.yaml", knownIndicators: known) }
        do {
            _ = try RuleSet(yaml: bad, file: "r.yaml", knownIndicators: known)
        } catch {
            #expect(error.description.contains("weights.HOUSEHOLDS: a reliability weight must be a positive number, not 0"))
            #expect(error.description.contains("weights.NOPE: is not an indicator of the catalog"))
        }
    }

    /// Whether some values of the `free` fields, on a grid of halves in [0, 30], satisfy every rule.
    static func gridFeasible(_ rules: [EditRule], record: [Double], slots: IndicatorSlots, free: [Int]) -> Bool {
        let grid = stride(from: 0.0, through: 30, by: 0.5).map { $0 }
        var values = record
        func search(_ index: Int) -> Bool {
            if index == free.count { return rules.allSatisfy { $0.explain(values, slots: slots).outcome != .fail } }
            for value in grid {
                values[free[index]] = value
                if search(index + 1) { return true }
            }
            return false
        }
        return search(0)
    }

    @Test("one changed field: its bounds, paired as they are added, give Fourier–Motzkin's answer")
    func oneFieldBoundsAgreeWithElimination() {
        var random = SplitMix64(seed: 61)
        var feasible = 0
        for _ in 0..<5_000 {
            // Whole constants and small coefficients: many bounds meet exactly, where strictness decides.
            let bounds = (0..<Int(random.next() % 6 + 1)).map { _ in
                FourierMotzkin.Bound(
                    a: Double(random.next() % 3 + 1) * (random.next() % 2 == 0 ? 1 : -1), constant: Double(Int(random.next() % 21) - 10),
                    strict: random.next() % 3 == 0, magnitude: Double(random.next() % 30))
            }
            var chosen: [FourierMotzkin.Bound] = []
            let fits = bounds.allSatisfy { bound in
                guard FourierMotzkin.leavesRoom(bound, with: chosen) else { return false }
                chosen.append(bound)
                return true
            }
            let rows = bounds.map { FourierMotzkin.Row(coefficients: [$0.a], constant: $0.constant, strict: $0.strict, magnitude: $0.magnitude) }
            #expect(fits == FourierMotzkin.isFeasible(rows, variables: 1), "\(bounds)")
            if fits { feasible += 1 }
        }
        #expect(feasible > 500 && feasible < 4_500)
    }

    @Test("on random records within [0, 30], the sets found are feasible and no lighter set is (a brute-force grid search)")
    func againstBruteForce() throws {
        let rules = try [
            "A + B <= C", "if A > 2 then D >= A", "B <= 2 * D", "abs(C - D) <= 6", "A <= 9",
        ].enumerated().map { try EditRule(id: "r\($0.offset)", rule: $0.element) }
        let ruleSet = try RuleSet(version: "t", rules: rules, weights: ["C": 1.5, "D": 2])
        let slots = IndicatorSlots(["A", "B", "C", "D"])
        let localizer = ErrorLocalizer(rules: ruleSet, slots: slots)
        var random = SeededRandom(15)
        var checked = 0
        for _ in 0..<300 {
            let record = (0..<4).map { _ in Double(random.next() % 13) }
            let failing = rules.indices.filter { rules[$0].explain(record, slots: slots).outcome == .fail }
            guard !failing.isEmpty else { continue }
            checked += 1
            let result = try #require(
                record.withUnsafeBufferPointer { localizer.localize($0, level: .village, failing: failing, bounds: Array(repeating: 0...30, count: 4)) }[
                    failing[0]])
            #expect(result.reason == nil)
            let weight = { (fields: [Int]) in fields.reduce(0.0) { $0 + (ruleSet.weights[slots.codes[$1]] ?? 1) } }
            for set in result.sets {
                let fields = set.compactMap { slots[$0] }
                #expect(Self.gridFeasible(rules, record: record, slots: slots, free: fields), "\(record): \(set)")
                #expect(Swift.abs(weight(fields) - result.weight) < 1e-9)
            }
            // Every lighter set is infeasible.
            for mask in 1..<16 {
                let fields = (0..<4).filter { mask & (1 << $0) != 0 }
                guard weight(fields) < result.weight - 1e-9 else { continue }
                #expect(!Self.gridFeasible(rules, record: record, slots: slots, free: fields), "\(record): lighter \(fields)")
            }
        }
        #expect(checked > 100)
    }
}
