import Testing
import RuralstatModel
import RuralstatRules
@testable import RuralstatQuality

@Suite("EditRuleCheck")
struct EditRuleCheckTests {
    static let rules = try! RuleSet(
        version: "t",
        rules: [
            try EditRule(
                id: "output_within_households", rule: "GRAIN_OUTPUT <= 10 * HOUSEHOLDS", severity: .error,
                message: "more than 10 t of grain per household", levels: [.village]),
            try EditRule(id: "households_reported", rule: "if GRAIN_OUTPUT > 0 then not is_missing(HOUSEHOLDS)", severity: .warning),
        ], weights: ["HOUSEHOLDS": 1.5])

    @Test func unitsAreCheckedWithTheirOwnValues() {
        let rows: [(String, String, String, Double)] = [
            ("130121101201", "GRAIN_OUTPUT", "2024", 4_120), ("130121101201", "HOUSEHOLDS", "2024", 398),  // 4120 > 3980: fails
            ("130121101202", "GRAIN_OUTPUT", "2024", 900), ("130121101202", "HOUSEHOLDS", "2024", 120),  // passes
            ("130121101203", "GRAIN_OUTPUT", "2024", 700),  // households missing
            ("130121101000", "HOUSEHOLDS", "2024", 518),  // township: only rule 2, n/a
        ]
        let results = EditRuleCheck(rules: Self.rules).run(QualityFixture.input(rows))
        #expect(results.findings.map { "\($0.ruleID) \($0.region)" } == ["output_within_households 130121101201", "households_reported 130121101203"])
        let first = results.findings[0]
        #expect(first.severity == .error && first.observed == 4_120 && first.expected == 3_980 && first.statistic == 140)
        #expect(
            first.explanation
                == "村 130121101201 in 2024: more than 10 t of grain per household: GRAIN_OUTPUT 4120 > 10 * HOUSEHOLDS = 3980 (HOUSEHOLDS 398) (rule output_within_households: GRAIN_OUTPUT <= 10 * HOUSEHOLDS); likely wrong: GRAIN_OUTPUT (the lightest change that satisfies every rule, weight 1)"
        )
        // Error localisation: the finding is about the field most likely wrong, which Banff's status file flags FTI.
        #expect(first.indicator == "GRAIN_OUTPUT")
        #expect(
            first.parameters.description
                == "rule=GRAIN_OUTPUT <= 10 * HOUSEHOLDS tolerance=1e-08 likely_wrong=GRAIN_OUTPUT change_weight=1 likely_wrong_values=4120")
        let second = results.findings[1]
        #expect(second.explanation.hasSuffix("; missing, to impute: HOUSEHOLDS (enough to satisfy every rule)"))
        #expect(second.parameters["to_impute"] == .text("HOUSEHOLDS"))
        let tallies = results.mergedTallies.map { "\($0.ruleID) \($0.level) \($0.passed)/\($0.failed)/\($0.notApplicable)" }
        #expect(tallies == ["households_reported township 0/0/1", "households_reported village 2/1/0", "output_within_households village 1/1/1"])
    }
}
