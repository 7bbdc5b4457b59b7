import Foundation
import RuralstatIngest
import Testing
import TestSupport
import RuralstatModel
@testable import RuralstatRules

@Suite("Rule language")
struct RuleLanguageTests {
    // MARK: - Parsing

    @Test(
        "precedence and associativity, shown fully parenthesised",
        arguments: [
            ("A + B * C <= D", "((A + (B * C)) <= D)"),
            ("A - B - C > 0", "(((A - B) - C) > 0)"),
            ("A / B / C > 0", "(((A / B) / C) > 0)"),
            ("A - (B - C) > 0", "((A - (B - C)) > 0)"),
            ("-A * B < C", "(((-A) * B) < C)"),
            ("- -A < 1", "((-(-A)) < 1)"),
            ("(A + B) * C >= 1e3", "(((A + B) * C) >= 1000)"),
            ("A != 2.5e-3", "(A != 0.0025)"),
            ("min(A, B) == -1", "(min(A, B) == (-1))"),
            ("A < 1 or B < 2 and C < 3", "((A < 1) or ((B < 2) and (C < 3)))"),
            ("A < 1 or B < 2 or C < 3", "(((A < 1) or (B < 2)) or (C < 3))"),
            ("A < 1 and B < 2 and C < 3", "(((A < 1) and (B < 2)) and (C < 3))"),
            ("not A < 1 and B > 2", "((not (A < 1)) and (B > 2))"),
            ("not not A == 1", "(not (not (A == 1)))"),
            ("not (A < 1 or B < 2)", "(not ((A < 1) or (B < 2)))"),
            ("A + 1 in {0, 1, -2.5}", "((A + 1) in {0, 1, -2.5})"),
            ("VILLAGE_HAS_PLAN in {0,1} or is_missing(VILLAGE_HAS_PLAN)", "((VILLAGE_HAS_PLAN in {0, 1}) or is_missing(VILLAGE_HAS_PLAN))"),
            ("abs(A - B) <= max(1, 0.5 * C, D)", "(abs((A - B)) <= max(1, (0.5 * C), D))"),
            ("in_range(A / B, 0, 20) and A > 0", "(in_range((A / B), 0, 20) and (A > 0))"),
            ("is_missing(A) or A >= 0", "(is_missing(A) or (A >= 0))"),
            ("if A > 0 then B <= A", "if (A > 0) then (B <= A)"),
            ("if A > 0 and B > 0 then if C > 0 then D <= C", "if ((A > 0) and (B > 0)) then if (C > 0) then (D <= C)"),
            ("HH_TAP_WATER<=HOUSEHOLDS", "(HH_TAP_WATER <= HOUSEHOLDS)"),
        ])
    func precedence(text: String, canonical: String) throws {
        let expression = try RuleExpression(parsing: text)
        #expect(expression.canonical == canonical)
        // Printing with minimal parentheses gives the same tree back.
        #expect(try RuleExpression(parsing: expression.description) == expression)
    }

    @Test func minimalPrintingKeepsOnlyNeededParentheses() throws {
        let cases = [
            ("((A + (B * C)) <= D)", "A + B * C <= D"),
            ("(A - (B - C)) > 0", "A - (B - C) > 0"),
            ("(A * B) / (C * D) > 0", "A * B / (C * D) > 0"),
            ("not ((A < 1) and (B < 2))", "not (A < 1 and B < 2)"),
            ("(A < 1 or B < 2) and C < 3", "(A < 1 or B < 2) and C < 3"),
            ("-(A + B) < 0", "-(A + B) < 0"),
            ("if (A > 0) then (B in {0, 1})", "if A > 0 then B in {0, 1}"),
        ]
        for (text, written) in cases {
            #expect(try RuleExpression(parsing: text).description == written)
        }
    }

    @Test func treesKnowWhatTheyRead() throws {
        let rule = try RuleExpression(parsing: "if HOUSEHOLDS > 0 then not is_missing(POPULATION) and HH_TAP_WATER <= HOUSEHOLDS")
        #expect(rule.indicators == ["HOUSEHOLDS", "POPULATION", "HH_TAP_WATER"])
        #expect(rule.requiredIndicators == ["HOUSEHOLDS", "HH_TAP_WATER"])
        #expect(rule.kind == .condition)
        #expect(rule.assertion.canonical == "((not is_missing(POPULATION)) and (HH_TAP_WATER <= HOUSEHOLDS))")
        #expect(try !RuleExpression(parsing: "A <= B").usesTolerance)
        #expect(try RuleExpression(parsing: "A <= B or C == 1").usesTolerance)
        #expect(try RuleExpression(parsing: "A in {1}").usesTolerance)
    }

    static let known: Set<String> = ["HOUSEHOLDS", "HH_TAP_WATER", "POPULATION"]

    @Test(
        "every error says where, what was expected and what was found",
        arguments: [
            ("HH_TAP_WATER <= ", "column 17: expected an expression after '<=', found end of rule"),
            ("", "column 1: expected an expression, found end of rule"),
            ("A > 1 or", "column 9: expected an expression after 'or', found end of rule"),
            ("A < B < C", "column 7: comparisons cannot be chained; found '<' after a comparison (join two comparisons with 'and')"),
            ("A in {0, 1} == 1", "column 13: comparisons cannot be chained; found '==' after a comparison (join two comparisons with 'and')"),
            ("sqrt(A) > 1", "column 1: unknown function 'sqrt' (the functions are abs, min, max, in_range, is_missing)"),
            ("abs(A, B) > 1", "column 1: abs takes 1 argument, found 2"),
            ("A > min(A)", "column 5: min takes 2 or more arguments, found 1"),
            ("in_range(A, 1)", "column 1: in_range takes 3 arguments (x, lo, hi), found 2"),
            ("min(A, B > 1) > 0", "column 8: expected a number as argument 2 of min, found a condition"),
            ("max(A, ) > 0", "column 8: expected an expression after ',', found ')'"),
            ("max(A B) > 0", "column 7: expected ',' or ')' after argument 1 of max, found 'B'"),
            ("abs A > 0", "column 5: expected '(' after 'abs', found 'A'"),
            ("(A + B > 1", "column 11: expected ')' to close the '(' at column 1, found end of rule"),
            ("A + B", "column 1: expected a condition (a comparison, 'in', is_missing or in_range), found a number"),
            ("A and B > 1", "column 1: expected a condition before 'and', found a number"),
            ("A > 1 and B", "column 11: expected a condition after 'and', found a number"),
            ("(A > 1) + 2 > 0", "column 1: expected a number before '+', found a condition"),
            ("A > (B > 1)", "column 5: expected a number after '>', found a condition"),
            ("A in {0} in {1}", "column 10: comparisons cannot be chained; found 'in' after a comparison (join two comparisons with 'and')"),
            ("not A", "column 5: expected a condition after 'not', found a number"),
            ("-(A > 1) < 0", "column 2: expected a number after '-', found a condition"),
            ("A <= B C", "column 8: expected an operator or the end of the rule, found 'C'"),
            ("A <= B)", "column 7: expected an operator or the end of the rule, found ')'"),
            ("A > 0 then B > 0", "column 7: expected an operator or the end of the rule, found 'then'"),
            ("A = 1", "column 3: unexpected '='; compare with '=='"),
            ("A > 1 && B > 1", "column 7: unexpected '&'; write 'and'"),
            ("A > 1 || B > 1", "column 7: unexpected '|'; write 'or'"),
            ("!(A > 1)", "column 1: unexpected '!'; write 'not', or '!=' to compare"),
            ("A > 1 # note", "column 7: unexpected character '#'"),
            ("A > 1 and 户 > 0", "column 11: unexpected character '户'"),
            ("A > 1.", "column 5: '1.' is not a number"),
            ("A > 1e", "column 5: '1e' is not a number"),
            ("A > 1e999", "column 5: '1e999' is too large"),
            ("Households > 0", "column 1: unknown name 'Households'; indicator codes are upper case (A–Z, 0–9, _, starting with a letter)"),
            ("A in (0, 1)", "column 6: expected '{' after 'in', found '('"),
            ("A in {0, B}", "column 10: expected a number in the set, found 'B'"),
            ("A in {0 1}", "column 9: expected ',' or '}' in the set, found '1'"),
            ("A in {}", "column 7: expected a number in the set, found '}'"),
            ("is_missing(A + 1)", "column 14: expected ')' to close the '(' at column 11, found '+'"),
            ("is_missing(2)", "column 12: expected an indicator code in is_missing(…), found '2'"),
            ("if A > 0 B > 0", "column 10: expected 'then' after the condition of the 'if' at column 1, found 'B'"),
            ("if A then B > 0", "column 4: expected a condition after 'if', found a number"),
            ("if A > 0 then B", "column 15: expected a condition after 'then', found a number"),
            ("A > 0 and if B > 0 then C > 0", "column 11: 'if' can only start a rule or follow 'then'"),
            ("A > 0 and and B > 0", "column 11: expected an expression after 'and', found 'and'"),
        ])
    func syntaxErrors(text: String, message: String) {
        #expect(throws: RuleSyntaxError.self) { try RuleExpression(parsing: text) }
        do {
            _ = try RuleExpression(parsing: text)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test(
        "codes are checked against the catalog's",
        arguments: [
            ("HOUSEHOLD > 0", "column 1: unknown indicator 'HOUSEHOLD' (did you mean HOUSEHOLDS?)"),
            ("HOUSEHOLDS >= POPULATON", "column 15: unknown indicator 'POPULATON' (did you mean POPULATION?)"),
            ("if HOUSEHOLDS > 0 then not is_missing(GRAIN)", "column 39: unknown indicator 'GRAIN'"),
        ])
    func unknownIndicators(text: String, message: String) {
        do {
            _ = try RuleExpression(parsing: text, knownIndicators: Self.known)
            Issue.record("'\(text)' should not parse against the known codes")
        } catch {
            #expect(error.description == message)
        }
        #expect(throws: Never.self) { try RuleExpression(parsing: text) }
    }

    // MARK: - Evaluation

    /// Evaluates `text` on `values` both ways (compiled, and by the explaining tree walk), checks they
    /// agree, and returns the outcome.
    func outcome(
        _ text: String, _ values: [String: Double], tolerance: Double = EditRule.defaultTolerance,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> RuleOutcome {
        let rule = try EditRule(id: "r", rule: text, tolerance: tolerance)
        // A layout with an extra slot first, so slot numbers differ from positions in the rule.
        let slots = IndicatorSlots(["OTHER"] + values.keys.sorted())
        let record = slots.codes.map { values[$0] ?? .nan }
        let compiled = rule.compiled(for: slots).evaluate(record)
        let explained = rule.explain(values).outcome
        #expect(compiled == explained, "compiled \(compiled), explained \(explained)", sourceLocation: sourceLocation)
        #expect(rule.explain(record, slots: slots).outcome == explained, sourceLocation: sourceLocation)
        return compiled
    }

    @Test func comparisonsPassAndFail() throws {
        #expect(try outcome("HH_TAP_WATER <= HOUSEHOLDS", ["HH_TAP_WATER": 300, "HOUSEHOLDS": 398]) == .pass)
        #expect(try outcome("HH_TAP_WATER <= HOUSEHOLDS", ["HH_TAP_WATER": 398, "HOUSEHOLDS": 398]) == .pass)
        #expect(try outcome("HH_TAP_WATER <= HOUSEHOLDS", ["HH_TAP_WATER": 412, "HOUSEHOLDS": 398]) == .fail)
        #expect(try outcome("HH_TAP_WATER < HOUSEHOLDS", ["HH_TAP_WATER": 398, "HOUSEHOLDS": 398]) == .fail)
        #expect(try outcome("A > 2 * B - 1", ["A": 6, "B": 3]) == .pass)
        #expect(try outcome("A >= -B", ["A": -3, "B": 3]) == .pass)
        // The tolerance is for == only: <= stays exact.
        #expect(try outcome("A <= B", ["A": 1 + 1e-12, "B": 1], tolerance: 0.5) == .fail)
    }

    @Test func missingValuesMakeARuleNotApplicable() throws {
        #expect(try outcome("HH_TAP_WATER <= HOUSEHOLDS", ["HH_TAP_WATER": 300]) == .notApplicable)
        #expect(try outcome("HH_TAP_WATER <= HOUSEHOLDS", ["HH_TAP_WATER": 300, "HOUSEHOLDS": .nan]) == .notApplicable)
        // Even where the other side of `or` would decide: a rule reading a missing value is not judged.
        #expect(try outcome("A > 0 or B > 0", ["A": 1]) == .notApplicable)
        // …unless the value is read only through is_missing.
        #expect(try outcome("is_missing(A)", [:]) == .pass)
        #expect(try outcome("is_missing(A)", ["A": 0]) == .fail)
        #expect(try outcome("if HOUSEHOLDS > 0 then not is_missing(POPULATION)", ["HOUSEHOLDS": 10]) == .fail)
        #expect(try outcome("if HOUSEHOLDS > 0 then not is_missing(POPULATION)", ["HOUSEHOLDS": 10, "POPULATION": 31]) == .pass)
        #expect(try outcome("is_missing(A) or A >= 0", [:]) == .notApplicable)
    }

    @Test func divisionByZeroIsNotApplicable() throws {
        let yield = "GRAIN_OUTPUT / GRAIN_SOWN_AREA <= 15"
        #expect(try outcome(yield, ["GRAIN_OUTPUT": 600, "GRAIN_SOWN_AREA": 100]) == .pass)
        #expect(try outcome(yield, ["GRAIN_OUTPUT": 7590, "GRAIN_SOWN_AREA": 300]) == .fail)
        #expect(try outcome(yield, ["GRAIN_OUTPUT": 5, "GRAIN_SOWN_AREA": 0]) == .notApplicable)
        #expect(try outcome(yield, ["GRAIN_OUTPUT": 0, "GRAIN_SOWN_AREA": -0.0]) == .notApplicable)
        // Anywhere in the rule, whatever the rest says.
        #expect(try outcome("A / B > 1 or C > 0", ["A": 1, "B": 0, "C": 1]) == .notApplicable)
        #expect(try outcome("min(A, 1 / B) < 5", ["A": 1, "B": 0]) == .notApplicable)
    }

    @Test func setMembership() throws {
        let flag = "VILLAGE_HAS_PLAN in {0, 1}"
        #expect(try outcome(flag, ["VILLAGE_HAS_PLAN": 0]) == .pass)
        #expect(try outcome(flag, ["VILLAGE_HAS_PLAN": 1]) == .pass)
        #expect(try outcome(flag, ["VILLAGE_HAS_PLAN": 1 + 1e-9]) == .pass)
        #expect(try outcome(flag, ["VILLAGE_HAS_PLAN": 0.5]) == .fail)
        #expect(try outcome(flag, ["VILLAGE_HAS_PLAN": 2]) == .fail)
        #expect(try outcome(flag, [:]) == .notApplicable)
        #expect(try outcome("A in {-1, 2.5}", ["A": -1]) == .pass)
        #expect(try outcome("A in {-1, 2.5}", ["A": 2.6], tolerance: 0.2) == .pass)
        #expect(try outcome("not A in {-1, 2.5}", ["A": 1]) == .pass)
    }

    @Test func conditionalsAreNotApplicableWhereTheConditionIsFalse() throws {
        let toilets = "if HOUSEHOLDS > 0 then HH_SANITARY_TOILET <= HOUSEHOLDS"
        #expect(try outcome(toilets, ["HOUSEHOLDS": 398, "HH_SANITARY_TOILET": 200]) == .pass)
        #expect(try outcome(toilets, ["HOUSEHOLDS": 398, "HH_SANITARY_TOILET": 420]) == .fail)
        #expect(try outcome(toilets, ["HOUSEHOLDS": 0, "HH_SANITARY_TOILET": 3]) == .notApplicable)
        #expect(try outcome(toilets, ["HOUSEHOLDS": 398]) == .notApplicable)
        let nested = "if A > 0 then if B > 0 then C <= B"
        #expect(try outcome(nested, ["A": 1, "B": 1, "C": 2]) == .fail)
        #expect(try outcome(nested, ["A": 1, "B": 0, "C": 2]) == .notApplicable)
        #expect(try outcome(nested, ["A": 0, "B": 1, "C": 2]) == .notApplicable)
    }

    @Test func equalityUsesTheTolerance() throws {
        let balance = "A == B + C"
        #expect(try outcome(balance, ["A": 10, "B": 4, "C": 6]) == .pass)
        #expect(try outcome(balance, ["A": 10, "B": 4, "C": 6 + 5e-9]) == .pass)
        #expect(try outcome(balance, ["A": 10, "B": 4, "C": 6 + 5e-8]) == .fail)
        #expect(try outcome(balance, ["A": 10, "B": 4, "C": 6.5], tolerance: 0.5) == .pass)
        #expect(try outcome(balance, ["A": 10, "B": 4, "C": 6.6], tolerance: 0.5) == .fail)
        #expect(try outcome(balance, ["A": 10, "B": 4, "C": 6 + 1e-12], tolerance: 0) == .fail)
        #expect(try outcome("A != B", ["A": 1, "B": 1.3], tolerance: 0.5) == .fail)
        #expect(try outcome("A != B", ["A": 1, "B": 1.6], tolerance: 0.5) == .pass)
    }

    @Test func functions() throws {
        #expect(try outcome("abs(A - B) <= 2", ["A": 3, "B": 5]) == .pass)
        #expect(try outcome("abs(A - B) <= 2", ["A": 3, "B": 5.5]) == .fail)
        #expect(try outcome("min(A, B, C) == 1", ["A": 3, "B": 1, "C": 2]) == .pass)
        #expect(try outcome("max(A, B, C) == 3", ["A": 3, "B": 1, "C": 2]) == .pass)
        #expect(try outcome("in_range(A, 0, 100)", ["A": 0]) == .pass)
        #expect(try outcome("in_range(A, 0, 100)", ["A": 100]) == .pass)
        #expect(try outcome("in_range(A, 0, 100)", ["A": 100.5]) == .fail)
        #expect(try outcome("in_range(A, B, C)", ["A": 5, "B": 6, "C": 10]) == .fail)
    }

    @Test func aCodeTheLayoutLacksIsMissingEverywhere() throws {
        let slots = IndicatorSlots(["HOUSEHOLDS"])
        let rule = try EditRule(id: "r", rule: "HH_TAP_WATER <= HOUSEHOLDS")
        #expect(rule.compiled(for: slots).evaluate([100]) == .notApplicable)
        let check = try EditRule(id: "r", rule: "is_missing(HH_TAP_WATER) and HOUSEHOLDS > 0")
        #expect(check.compiled(for: slots).evaluate([100]) == .pass)
        #expect(slots["HOUSEHOLDS"] == 0 && slots["HH_TAP_WATER"] == nil && slots.count == 1)
        #expect(rule.compiled(for: IndicatorSlots(["X", "HOUSEHOLDS", "HH_TAP_WATER"])).recordLength == 3)
    }

    // MARK: - Explanations

    @Test func aFailedComparisonIsStatedTheWayItHolds() throws {
        let rule = try EditRule(id: "tap_water_within_households", rule: "HH_TAP_WATER <= HOUSEHOLDS")
        let why = rule.explain(["HH_TAP_WATER": 412, "HOUSEHOLDS": 398])
        #expect(why.outcome == .fail)
        #expect(why.left == 412 && why.right == 398)
        #expect(why.sides?.comparison == .lessOrEqual)
        #expect(why.values == [.init(code: "HH_TAP_WATER", value: 412), .init(code: "HOUSEHOLDS", value: 398)])
        #expect(why.description == "HH_TAP_WATER 412 > HOUSEHOLDS 398")
        #expect(rule.explain(["HH_TAP_WATER": 300, "HOUSEHOLDS": 398]).description == "HH_TAP_WATER 300 <= HOUSEHOLDS 398")

        // The same from a record, as a screening run would call it for the failing rows.
        let slots = IndicatorSlots(["HOUSEHOLDS", "POPULATION", "HH_TAP_WATER"])
        let fromRecord = rule.explain([398, 1200, 412], slots: slots)
        #expect(fromRecord == why)
    }

    @Test func computedSidesShowTheirValueAndTheValuesBehindIt() throws {
        let grain = try EditRule(id: "g", rule: "GRAIN_OUTPUT / GRAIN_SOWN_AREA <= 15")
        let why = grain.explain(["GRAIN_OUTPUT": 7590, "GRAIN_SOWN_AREA": 300])
        #expect(why.left == 25.3 && why.right == 15)
        #expect(why.description == "GRAIN_OUTPUT / GRAIN_SOWN_AREA = 25.3 > 15 (GRAIN_OUTPUT 7590, GRAIN_SOWN_AREA 300)")

        let spending = try EditRule(id: "s", rule: "RURAL_FOOD_SPENDING + RURAL_EDU_CULTURE_SPENDING <= RURAL_CONSUMPTION_SPENDING")
        #expect(
            spending.explain(["RURAL_FOOD_SPENDING": 3000.5, "RURAL_EDU_CULTURE_SPENDING": 2200, "RURAL_CONSUMPTION_SPENDING": 5000]).description
                == "RURAL_FOOD_SPENDING + RURAL_EDU_CULTURE_SPENDING = 5200.5 > RURAL_CONSUMPTION_SPENDING 5000 (RURAL_FOOD_SPENDING 3000.5, RURAL_EDU_CULTURE_SPENDING 2200)"
        )

        let third = try EditRule(id: "t", rule: "A / B < 0.3")
        #expect(third.explain(["A": 1, "B": 3]).description == "A / B = 0.333333 >= 0.3 (A 1, B 3)")

        let toilets = try EditRule(id: "t", rule: "if HOUSEHOLDS > 0 then HH_SANITARY_TOILET <= HOUSEHOLDS")
        #expect(toilets.explain(["HOUSEHOLDS": 398, "HH_SANITARY_TOILET": 420]).description == "HH_SANITARY_TOILET 420 > HOUSEHOLDS 398")
    }

    @Test func otherAssertionsAndNotApplicableRulesSayWhy() throws {
        let flag = try EditRule(id: "f", rule: "VILLAGE_HAS_PLAN in {0, 1}")
        #expect(flag.explain(["VILLAGE_HAS_PLAN": 2]).description == "VILLAGE_HAS_PLAN 2 is not in {0, 1}")
        #expect(flag.explain(["VILLAGE_HAS_PLAN": 1]).description == "VILLAGE_HAS_PLAN 1 is in {0, 1}")
        #expect(flag.explain(["VILLAGE_HAS_PLAN": 2]).sides == nil)

        let reported = try EditRule(id: "p", rule: "if HOUSEHOLDS > 0 then not is_missing(POPULATION)")
        let missing = reported.explain(["HOUSEHOLDS": 10])
        #expect(missing.outcome == .fail)
        #expect(missing.value(of: "POPULATION") == nil && missing.value(of: "HOUSEHOLDS") == 10)
        #expect(missing.description == "not is_missing(POPULATION) does not hold (HOUSEHOLDS 10, POPULATION missing)")
        let zero = reported.explain(["HOUSEHOLDS": 0])
        #expect(zero.reason == .conditionFalse(try RuleExpression(parsing: "HOUSEHOLDS > 0")))
        #expect(zero.description == "not applicable: HOUSEHOLDS > 0 is false (HOUSEHOLDS 0)")

        let tap = try EditRule(id: "t", rule: "HH_TAP_WATER <= HOUSEHOLDS and POPULATION >= HOUSEHOLDS")
        let none = tap.explain(["HOUSEHOLDS": 3])
        #expect(none.reason == .missing(["HH_TAP_WATER", "POPULATION"]))
        #expect(none.description == "not applicable: HH_TAP_WATER and POPULATION are missing")
        #expect(
            try EditRule(id: "t", rule: "HH_TAP_WATER <= HOUSEHOLDS").explain([:]).description
                == "not applicable: HH_TAP_WATER and HOUSEHOLDS are missing")
        #expect(
            tap.explain(["HOUSEHOLDS": 3, "HH_TAP_WATER": 2, "POPULATION": 9]).description
                == "HH_TAP_WATER <= HOUSEHOLDS and POPULATION >= HOUSEHOLDS holds (HH_TAP_WATER 2, HOUSEHOLDS 3, POPULATION 9)")

        let grain = try EditRule(id: "g", rule: "GRAIN_OUTPUT / GRAIN_SOWN_AREA <= 15")
        let byZero = grain.explain(["GRAIN_OUTPUT": 5, "GRAIN_SOWN_AREA": 0])
        #expect(byZero.reason == .divisionByZero && byZero.left == nil && byZero.right == 15)
        #expect(byZero.description == "not applicable: division by zero (GRAIN_OUTPUT 5, GRAIN_SOWN_AREA 0)")
    }

    // MARK: - rules.yaml

    static let goodRules = """
        version: "t1"
        rules:
          - id: tap_water_within_households
            rule: HH_TAP_WATER <= HOUSEHOLDS
            severity: error
            message: "households with tap water exceed households"
            levels: [village]
          - id: population_balance
            rule: POPULATION == 3 * HOUSEHOLDS
            severity: info
            tolerance: 0.5
          - id: toilets_need_households
            rule: if HOUSEHOLDS > 0 then HH_TAP_WATER <= HOUSEHOLDS
            severity: warning
            levels: 村
        """

    @Test func aGoodRuleFileLoads() throws {
        let set = try RuleSet(yaml: Self.goodRules, file: "rules.yaml", knownIndicators: Self.known)
        #expect(set.version == "t1")
        #expect(set.rules.map(\.id) == ["tap_water_within_households", "population_balance", "toilets_need_households"])
        let tap = try #require(set.rule(id: "tap_water_within_households"))
        #expect(tap.severity == .error && tap.levels == [.village] && tap.tolerance == EditRule.defaultTolerance)
        #expect(tap.message == "households with tap water exceed households")
        #expect(tap.text == "HH_TAP_WATER <= HOUSEHOLDS")
        let balance = try #require(set.rule(id: "population_balance"))
        #expect(balance.severity == .info && balance.tolerance == 0.5 && balance.message == nil)
        #expect(balance.levels == Set(RegionLevel.allCases))
        #expect(set.rules(at: .county).map(\.id) == ["population_balance"])
        #expect(set.rules(at: .village).count == 3)
        #expect(balance.explain(["POPULATION": 1200.4, "HOUSEHOLDS": 400]).outcome == .pass)
        #expect(set.rule(id: "nothing") == nil)
    }

    @Test func everyProblemOfABadRuleFileIsReportedWithLineAndKeyPath() {
        let yaml = """
            version: "t1"
            rules:
              - id: tap_water_within_households
                rule: HH_TAP_WATER <= HOUSEHOLDS
                severity: fatal
              - id: tap_water_within_households
                rule: HOUSEHOLD > 0
                severity: error
              - id: Toilets
                rule: "HH_TAP_WATER <= "
                severity: warning
                levels: [village, hamlet]
              - id: population
                rule: POPULATION >= HOUSEHOLDS
                severty: error
                tolerance: 0.5
              - id: balance
                rule: POPULATION == HOUSEHOLDS
                severity: info
                tolerance: -1
              - id: no_rule
                severity: info
            owner: someone
            """
        do {
            _ = try RuleSet(yaml: yaml, file: "rules.yaml", knownIndicators: Self.known)
            Issue.record("the file should not load")
        } catch {
            #expect(
                error.problems.map(\.description) == [
                    "line 5: rules[0].severity: 'fatal' is not one of info, warning, error",
                    "line 6: rules[1].id: 'tap_water_within_households' is already the id of rules[0]",
                    "line 7: rules[1].rule: column 1: unknown indicator 'HOUSEHOLD' (did you mean HOUSEHOLDS?)",
                    "line 9: rules[2].id: 'Toilets' is not a rule id (a–z, 0–9, _, starting with a letter)",
                    "line 12: rules[2].levels: 'hamlet' is not a level (village, township, county, prefecture, province, national)",
                    "line 10: rules[2].rule: column 17: expected an expression after '<=', found end of rule",
                    "line 13: rules[3].severity: is required",
                    "line 16: rules[3].tolerance: applies only to ==, != and in, and the rule has none of them",
                    "line 15: rules[3].severty: unknown key (known here: id, levels, message, rule, severity, tolerance)",
                    "line 20: rules[4].tolerance: must be zero or more, not -1",
                    "line 21: rules[5].rule: is required",
                    "line 23: owner: unknown key (known here: rules, version, weights)",
                ])
            #expect(error.description.hasPrefix("rules.yaml: the rule set has 12 problems:\n  line 5: rules[0].severity:"))
        }
    }

    @Test func ruleSetsBuiltInCodeAreCheckedToo() throws {
        let a = try EditRule(id: "a", rule: "HOUSEHOLDS >= 0")
        #expect(throws: RuleSetLoadError.self) { try RuleSet(version: "1", rules: [a, a]) }
        #expect(throws: RuleSetLoadError.self) { try RuleSet(version: "1", rules: [try EditRule(id: "A", rule: "HOUSEHOLDS >= 0")]) }
        #expect(try RuleSet(version: "1", rules: [a]).rules.count == 1)
        // An empty list is a valid (if idle) rule set; a missing one is not.
        #expect(try RuleSet(yaml: "version: 1\nrules: []\n", file: "x", knownIndicators: []).rules.isEmpty)
        #expect(throws: RuleSetLoadError.self) { try RuleSet(yaml: "version: 1\n", file: "x", knownIndicators: []) }
    }

    static let projectFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func theProjectRulesLoadAgainstTheProjectCatalog() throws {
        let catalog = try ReferenceFiles.loadCatalog(path: Self.projectFolder.appendingPathComponent("pipelines/indicators.yaml").path)
        let path = Self.projectFolder.appendingPathComponent("pipelines/rules.yaml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let rules = try RuleSet(yaml: text, file: path, knownIndicators: Set(catalog.codes))
        #expect(rules.version == "2025.1")
        #expect((10...14).contains(rules.rules.count))
        // A rule limited to some levels reads only indicators reported at those levels.
        for rule in rules.rules where rule.levels != Set(RegionLevel.allCases) {
            for code in rule.indicators {
                let reported = Set(catalog.definition(code, year: 2024)?.reportedLevels ?? [])
                #expect(rule.levels.isSubset(of: reported), "\(rule.id) reads \(code), which is not reported at all of \(rule.levels)")
            }
        }
        let yield = try #require(rules.rule(id: "grain_yield_plausible"))
        #expect(yield.explain(["GRAIN_OUTPUT": 5800, "GRAIN_SOWN_AREA": 1000]).outcome == .pass)
        #expect(yield.explain(["GRAIN_OUTPUT": 5_800_000, "GRAIN_SOWN_AREA": 1000]).outcome == .fail)
        let flag = try #require(rules.rule(id: "plan_flag_is_binary"))
        #expect(flag.explain(["VILLAGE_HAS_PLAN": 0.5]).outcome == .fail)
    }

    // MARK: - Compiled equals interpreted

    @Test func compiledEvaluationEqualsAPlainInterpreterOnRandomRules() throws {
        var random = SplitMix64(seed: 0x5EED_2025)
        let codes = ["A", "B", "C", "D", "E"]
        var outcomes: [RuleOutcome: Int] = [:]
        for _ in 0..<1500 {
            let tree = RandomRule(codes: codes).rule(&random)
            // The printed forms parse back to the same tree.
            let parsed = try RuleExpression(parsing: tree.description)
            #expect(parsed == tree, "\(tree.description)")
            #expect(try RuleExpression(parsing: tree.canonical).canonical == tree.canonical)

            let tolerance = [0, 1e-8, 0.5].randomElement(using: &random)!
            // Layouts differ in order and may lack a code the rule reads.
            let layout = (codes.filter { _ in random.next() % 8 != 0 } + ["Z"]).shuffled(using: &random)
            let slots = IndicatorSlots(layout)
            let compiled = CompiledRule(parsed, slots: slots, tolerance: tolerance)
            for _ in 0..<20 {
                let record = layout.map { _ in [-2, -1, 0, 0, 1, 2, 3, 0.5, .nan].randomElement(using: &random)! }
                let values = Dictionary(uniqueKeysWithValues: zip(layout, record))
                let expected = PlainInterpreter(values: values, tolerance: tolerance).outcome(tree)
                let actual = compiled.evaluate(record)
                #expect(actual == expected, "\(tree.description) on \(values)")
                let rule = EditRule(
                    id: "r", text: tree.description, expression: tree, severity: .error, message: nil,
                    levels: [], tolerance: tolerance)
                #expect(rule.explain(record, slots: slots).outcome == expected)
                outcomes[actual, default: 0] += 1
            }
        }
        // The generator reaches every outcome often enough to mean something.
        #expect(RuleOutcome.allCases.allSatisfy { outcomes[$0, default: 0] > 3000 }, "\(outcomes)")
    }

    @Test func columnEvaluationEqualsRecordEvaluation() throws {
        var random = SplitMix64(seed: 0xC01_2025)
        let codes = ["A", "B", "C", "D", "E"]
        for _ in 0..<400 {
            let tree = RandomRule(codes: codes).rule(&random)
            let layout = (codes.filter { _ in random.next() % 8 != 0 } + ["Z"]).shuffled(using: &random)
            let compiled = CompiledRule(tree, slots: IndicatorSlots(layout), tolerance: [0, 0.5].randomElement(using: &random)!)
            // More units than one chunk, so that chunk edges are crossed.
            let count = 700 + Int(random.next() % 600)
            let columns = layout.map { _ in (0..<count).map { _ in [-2, -1, 0, 0, 1, 2, 3, 0.5, .nan].randomElement(using: &random)! } }
            var outcomes = [RuleOutcome](repeating: .pass, count: count)
            let storage = columns.map { column in
                let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: count)
                _ = buffer.initialize(from: column)
                return buffer
            }
            defer { storage.forEach { $0.deallocate() } }
            outcomes.withUnsafeMutableBufferPointer { compiled.evaluate(columns: storage.map { UnsafeBufferPointer($0) }, count: count, into: $0) }
            for unit in 0..<count {
                let record = columns.map { $0[unit] }
                #expect(outcomes[unit] == compiled.evaluate(record), "\(tree.description) on \(record)")
            }
        }
    }
}

/// Random well-kinded rule trees over a few codes, with small literals so that equalities, zero
/// divisors and missing values all happen.
private struct RandomRule {
    let codes: [String]

    func rule(_ random: inout SplitMix64) -> RuleExpression {
        random.next() % 5 == 0
            ? .conditional(condition(&random, depth: 2), then: condition(&random, depth: 3))
            : condition(&random, depth: 3)
    }

    func condition(_ random: inout SplitMix64, depth: Int) -> RuleExpression {
        let choice = depth <= 0 ? random.next() % 3 : random.next() % 8
        switch choice {
        case 0:
            let op = RuleExpression.Comparison.allCases.randomElement(using: &random)!
            return .comparison(op, number(&random, depth: depth - 1), number(&random, depth: depth - 1))
        case 1: return .isMissing(codes.randomElement(using: &random)!)
        case 2: return .member(number(&random, depth: depth - 1), (0...(random.next() % 3)).map { _ in Double(Int(random.next() % 5) - 2) })
        case 3: return .not(condition(&random, depth: depth - 1))
        case 4: return .and(condition(&random, depth: depth - 1), condition(&random, depth: depth - 1))
        case 5: return .or(condition(&random, depth: depth - 1), condition(&random, depth: depth - 1))
        case 6: return .call(.inRange, (0..<3).map { _ in number(&random, depth: depth - 1) })
        default:
            return .comparison(.lessOrEqual, number(&random, depth: depth - 1), number(&random, depth: depth - 1))
        }
    }

    func number(_ random: inout SplitMix64, depth: Int) -> RuleExpression {
        let choice = depth <= 0 ? random.next() % 2 : random.next() % 7
        switch choice {
        case 0: return .number([0, 1, 2, 3, 0.5, 10].randomElement(using: &random)!)
        case 1: return .indicator(codes.randomElement(using: &random)!)
        case 2: return .negate(number(&random, depth: depth - 1))
        case 3, 4:
            let op = RuleExpression.Arithmetic.allCases.randomElement(using: &random)!
            return .arithmetic(op, number(&random, depth: depth - 1), number(&random, depth: depth - 1))
        case 5: return .call(.abs, [number(&random, depth: depth - 1)])
        default:
            let function: RuleExpression.Function = random.next() % 2 == 0 ? .min : .max
            return .call(function, (0..<(2 + Int(random.next() % 2))).map { _ in number(&random, depth: depth - 1) })
        }
    }
}

/// The rule semantics written as plainly as possible, independently of the library: every
/// sub-expression is evaluated, and "not applicable" (a missing value, a zero divisor, a false `if`)
/// spreads to the whole rule; `is_missing` never is.
private struct PlainInterpreter {
    enum Value { case number(Double), truth(Bool), notApplicable }

    let values: [String: Double]
    let tolerance: Double

    func outcome(_ rule: RuleExpression) -> RuleOutcome {
        switch evaluate(rule) {
        case .truth(true): .pass
        case .truth(false): .fail
        default: .notApplicable
        }
    }

    func evaluate(_ e: RuleExpression) -> Value {
        func numbers(_ parts: [RuleExpression]) -> [Double]? {
            var result: [Double] = []
            for part in parts {
                guard case .number(let value) = evaluate(part) else { return nil }
                result.append(value)
            }
            return result
        }
        func truths(_ parts: [RuleExpression]) -> [Bool]? {
            var result: [Bool] = []
            for part in parts {
                guard case .truth(let value) = evaluate(part) else { return nil }
                result.append(value)
            }
            return result
        }
        func equal(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= tolerance }
        switch e {
        case .number(let value): return .number(value)
        case .indicator(let code):
            guard let value = values[code], !value.isNaN else { return .notApplicable }
            return .number(value)
        case .isMissing(let code): return .truth(values[code].map(\.isNaN) ?? true)
        case .negate(let x):
            guard let n = numbers([x]) else { return .notApplicable }
            return .number(-n[0])
        case .arithmetic(let op, let l, let r):
            guard let n = numbers([l, r]) else { return .notApplicable }
            switch op {
            case .add: return .number(n[0] + n[1])
            case .subtract: return .number(n[0] - n[1])
            case .multiply: return .number(n[0] * n[1])
            case .divide: return n[1] == 0 ? .notApplicable : .number(n[0] / n[1])
            }
        case .comparison(let op, let l, let r):
            guard let n = numbers([l, r]) else { return .notApplicable }
            switch op {
            case .less: return .truth(n[0] < n[1])
            case .lessOrEqual: return .truth(n[0] <= n[1])
            case .greater: return .truth(n[0] > n[1])
            case .greaterOrEqual: return .truth(n[0] >= n[1])
            case .equal: return .truth(equal(n[0], n[1]))
            case .notEqual: return .truth(!equal(n[0], n[1]))
            }
        case .not(let x):
            guard let t = truths([x]) else { return .notApplicable }
            return .truth(!t[0])
        case .and(let l, let r):
            guard let t = truths([l, r]) else { return .notApplicable }
            return .truth(t[0] && t[1])
        case .or(let l, let r):
            guard let t = truths([l, r]) else { return .notApplicable }
            return .truth(t[0] || t[1])
        case .member(let x, let set):
            guard let n = numbers([x]) else { return .notApplicable }
            return .truth(set.contains { equal(n[0], $0) })
        case .call(let function, let arguments):
            guard let n = numbers(arguments) else { return .notApplicable }
            switch function {
            case .abs: return .number(abs(n[0]))
            case .min: return .number(n.dropFirst().reduce(n[0]) { Swift.min($0, $1) })
            case .max: return .number(n.dropFirst().reduce(n[0]) { Swift.max($0, $1) })
            case .inRange: return .truth(n[1] <= n[0] && n[0] <= n[2])
            }
        case .conditional(let condition, let body):
            guard case .truth(true) = evaluate(condition) else { return .notApplicable }
            return evaluate(body)
        }
    }
}

@Suite("Rule language limits")
struct RuleLanguageLimitTests {
    /// Found by the fuzzer: 300 signs in a row once overflowed the parser's stack.
    @Test func deepAndLongRulesAreRefused() {
        #expect { try RuleExpression(parsing: String(repeating: "-", count: 300) + "1 > 0") } throws: {
            ($0 as? RuleSyntaxError)?.message.contains("nests more than 64 levels deep") == true
        }
        #expect { try RuleExpression(parsing: String(repeating: "(", count: 100) + "1 > 0" + String(repeating: ")", count: 100)) } throws: {
            ($0 as? RuleSyntaxError)?.message.contains("nests more than 64 levels deep") == true
        }
        #expect { try RuleExpression(parsing: "1" + String(repeating: " + 1", count: 2_000) + " > 0") } throws: {
            ($0 as? RuleSyntaxError)?.message.contains("an edit rule is at most 4096") == true
        }
        #expect((try? RuleExpression(parsing: String(repeating: "-", count: 30) + "1 < 0")) != nil)
    }
}
