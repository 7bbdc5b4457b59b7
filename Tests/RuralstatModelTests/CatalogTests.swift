import Foundation
import RuralstatIngest
import Testing
@testable import RuralstatModel

@Suite("IndicatorCatalog")
struct CatalogTests {
    static let catalogPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("pipelines/indicators.yaml").path

    @Test func theProjectCatalogLoads() throws {
        let catalog = try ReferenceFiles.loadCatalog(path: Self.catalogPath)
        #expect(catalog.version == "2025.1")
        // The 22 plan indicators are all there, with their targets.
        let plan = catalog.definitions.filter { $0.dimension != nil }
        #expect(Set(plan.map(\.code)).count == 22)
        #expect(
            plan.filter { $0.nature == .binding }.map(\.code).sorted() == [
                "GRAIN_PRODUCTION_CAPACITY", "LIVESTOCK_MANURE_UTILIZATION_RATE", "VILLAGE_HARDENED_ROAD_RATE",
            ])
        let waste = try #require(catalog.definition("VILLAGE_WASTE_TREATMENT_SHARE", year: 2022))
        #expect(waste.targets[2022] == Target(comparator: .greater, value: 90))
        #expect(waste.aggregation == .shareOfUnits(UnitCondition(indicator: "VILLAGE_WASTE_TREATED")))
        let engel = try #require(catalog.definition("RURAL_ENGEL_COEFFICIENT", year: 2020))
        #expect(engel.direction == .lower)
        #expect(engel.aggregation == .ratio(numerator: "RURAL_FOOD_SPENDING", denominator: "RURAL_CONSUMPTION_SPENDING"))
        // The sanitary-toilet caliber changed in 2019: two definitions, chosen by year.
        #expect(catalog.definition("RURAL_SANITARY_TOILET_RATE", year: 2018)?.definitionVersion == "2016")
        #expect(catalog.definition("RURAL_SANITARY_TOILET_RATE", year: 2019)?.definitionVersion == "2019")
        let income = try #require(catalog.definition("RURAL_INCOME_PER_CAPITA", year: 2024))
        #expect(income.aggregation == .weightedMean(weight: "POPULATION"))
        #expect(catalog.definition("COLLECTIVE_INCOME", year: 2024)?.scaledUnit == "万元")
        #expect(catalog.definition("GRAIN_PRODUCTION_CAPACITY", year: 2024)?.unitMultiplier == 8)
        #expect(catalog.definition("NO_SUCH_CODE", year: 2024) == nil)
        #expect(catalog.definition("HOUSEHOLDS", year: 2010) == nil)
    }

    @Test(
        "aggregation rules parse",
        arguments: [
            ("sum", AggregationRule.sum), ("mean", .mean), ("min", .min), ("max", .max), ("median", .median), ("none", .none),
            ("weighted_mean(POPULATION)", .weightedMean(weight: "POPULATION")),
            ("ratio( HH_TAP_WATER , HOUSEHOLDS )", .ratio(numerator: "HH_TAP_WATER", denominator: "HOUSEHOLDS")),
            ("share_of_units(VILLAGE_WASTE_TREATED)", .shareOfUnits(UnitCondition(indicator: "VILLAGE_WASTE_TREATED"))),
            (
                "share_of_units(COLLECTIVE_INCOME >= 50)",
                .shareOfUnits(UnitCondition(indicator: "COLLECTIVE_INCOME", comparison: (.greaterOrEqual, 50)))
            ),
        ])
    func rulesParse(text: String, rule: AggregationRule) throws {
        #expect(try AggregationRule(text) == rule)
        #expect(try AggregationRule(rule.description) == rule)
    }

    @Test(
        "bad rules say what was expected",
        arguments: [
            "total", "ratio(A)", "ratio(A, b)", "weighted_mean", "share_of_units(X >= ten)", "ratio(A, B", "median(A)",
        ])
    func badRules(text: String) {
        #expect(throws: AggregationRuleError.self) { try AggregationRule(text) }
    }

    @Test func conditions() {
        let strong = UnitCondition(indicator: "COLLECTIVE_INCOME", comparison: (.greaterOrEqual, 50))
        #expect(strong.holds(for: 50) && strong.holds(for: 80) && !strong.holds(for: 49.9))
        let yes = UnitCondition(indicator: "VILLAGE_WASTE_TREATED")
        #expect(yes.holds(for: 1) && !yes.holds(for: 0))
    }

    @Test func targets() {
        #expect(Target(">90") == Target(comparator: .greater, value: 90))
        #expect(Target(">=6.5") == Target(comparator: .greaterOrEqual, value: 6.5))
        #expect(Target("100") == Target(comparator: .equal, value: 100))
        #expect(Target(" < 2.7 ") == Target(comparator: .less, value: 2.7))
        #expect(Target("about 90") == nil)
        #expect(Target(">90")?.description == ">90")
    }

    /// A minimal valid catalog; each bad-reference case below changes one line of it.
    static let base = """
        version: "t1"
        indicators:
          - code: HOUSEHOLDS
            valid_from: 2016
            name_zh: 户数
            name_en: Households
            unit: 户
            kind: count
            range: [0, 50000]
            levels: [village]
            aggregation: sum
          - code: HH_TAP_WATER
            valid_from: 2016
            name_zh: 自来水户数
            name_en: Households with tap water
            unit: 户
            kind: count
            levels: [village]
            aggregation: sum
          - code: TAP_RATE
            valid_from: 2016
            name_zh: 自来水普及率
            name_en: Tap water rate
            unit: "%"
            kind: rate
            aggregation: ratio(HH_TAP_WATER, HOUSEHOLDS)
        """

    /// Tables show the catalog's decimals, else the kind's: whole counts, a rate to one decimal.
    @Test func decimalsComeFromTheCatalogOrTheKind() throws {
        let catalog = try IndicatorCatalog(
            yaml: Self.base.replacingOccurrences(of: "kind: count\n    range: [0, 50000]", with: "kind: count\n    decimals: 3\n    range: [0, 50000]"),
            file: "t.yaml")
        let decimals = catalog.codes.map { catalog.definitions(of: $0).last!.decimals }
        #expect(decimals == [0, 3, 1])  // HH_TAP_WATER a count by its kind, HOUSEHOLDS as the catalog says, TAP_RATE a rate
        #expect(ValueKind.rate.defaultDecimals == 1 && ValueKind.count.defaultDecimals == 0 && ValueKind.amount.defaultDecimals == 2)
    }

    @Test func theBaseCatalogIsValid() throws {
        let catalog = try IndicatorCatalog(yaml: Self.base, file: "t.yaml")
        #expect(catalog.codes == ["HH_TAP_WATER", "HOUSEHOLDS", "TAP_RATE"])
    }

    @Test(
        "each kind of bad reference names the indicator and the field",
        arguments: [
            (
                "aggregation: ratio(HH_TAP_WATER, HOUSEHOLDS)", "aggregation: ratio(HH_TAP_WATER, FAMILIES)",
                "indicator TAP_RATE, field 'denominator': denominator FAMILIES is not in the catalog"
            ),
            (
                "aggregation: ratio(HH_TAP_WATER, HOUSEHOLDS)", "aggregation: weighted_mean(PEOPLE)",
                "indicator TAP_RATE, field 'weight': weight PEOPLE is not in the catalog"
            ),
            (
                "aggregation: ratio(HH_TAP_WATER, HOUSEHOLDS)", "aggregation: share_of_units(HAS_WATER)",
                "indicator TAP_RATE, field 'condition': condition HAS_WATER is not in the catalog"
            ),
            (
                "aggregation: ratio(HH_TAP_WATER, HOUSEHOLDS)", "aggregation: share_of_units(HOUSEHOLDS)",
                "indicator TAP_RATE, field 'condition': condition HOUSEHOLDS is a count; a bare condition needs a yes/no indicator (or write 'HOUSEHOLDS >= value')"
            ),
            (
                "aggregation: ratio(HH_TAP_WATER, HOUSEHOLDS)", "aggregation: ratio(TAP_RATE, HOUSEHOLDS)",
                "indicator TAP_RATE, field 'numerator': numerator refers to the indicator itself"
            ),
            (
                "aggregation: ratio(HH_TAP_WATER, HOUSEHOLDS)", "aggregation: weighted_mean(TAP_RATE)\n    levels: [village]",
                "indicator TAP_RATE, field 'weight': weight refers to the indicator itself"
            ),
            (
                "unit: 户\n    kind: count\n    levels: [village]\n    aggregation: sum\n  - code: TAP_RATE",
                "unit: 吨\n    kind: count\n    levels: [village]\n    aggregation: sum\n  - code: TAP_RATE",
                "indicator TAP_RATE, field 'denominator': a rate needs numerator and denominator in the same unit: HH_TAP_WATER is in 吨, HOUSEHOLDS in 户"
            ),
            (
                "kind: count\n    range: [0, 50000]\n    levels: [village]\n    aggregation: sum",
                "kind: count\n    range: [0, 50000]\n    levels: [village]\n    aggregation: mean",
                "indicator TAP_RATE, field 'denominator': denominator HOUSEHOLDS must roll up by sum so the ratio is formed from summed parts, but it uses mean"
            ),
            (
                "unit: \"%\"\n    kind: rate", "unit: \"%\"\n    kind: rate\n    levels: [county]\n    frequency: Q",
                "indicator TAP_RATE, field 'numerator': numerator HH_TAP_WATER has frequency A, the indicator Q"
            ),
            (
                "aggregation: ratio(HH_TAP_WATER, HOUSEHOLDS)", "aggregation: sum\n    levels: [county]",
                "indicator TAP_RATE, field 'aggregation': sum of a rate is meaningless; use ratio(N, D), weighted_mean(W), share_of_units(C) or mean"
            ),
            (
                "name_en: Tap water rate", "name_en: Tap water rate\n    valid_to: 2010",
                "indicator TAP_RATE, field 'valid_to': valid_to 2010 is before valid_from 2016"
            ),
            (
                "  - code: TAP_RATE\n    valid_from: 2016", "  - code: TAP_RATE\n    valid_from: 2015",
                "indicator TAP_RATE, field 'numerator': numerator HH_TAP_WATER has no definition valid in 2015"
            ),
            (
                "aggregation: ratio(HH_TAP_WATER, HOUSEHOLDS)", "aggregation: mean",
                "indicator TAP_RATE, field 'levels': no reporting level is given and the rule 'mean' does not compute the value"
            ),
        ])
    func badReferences(original: String, replacement: String, expected: String) throws {
        let yaml = Self.base.replacingOccurrences(of: original, with: replacement)
        #expect(yaml != Self.base, "the test's original text must occur in the base catalog")
        do {
            _ = try IndicatorCatalog(yaml: yaml, file: "t.yaml")
            Issue.record("expected: \(expected)")
        } catch {
            #expect(error.problems.map(\.description).contains(expected), "got \(error.problems)")
            #expect(error.description.hasPrefix("t.yaml: the indicator catalog has"))
        }
    }

    @Test func referenceCyclesAreFound() throws {
        let yaml =
            Self.base + """

                  - code: A_SHARE
                    valid_from: 2016
                    name_zh: 甲
                    name_en: A
                    unit: "%"
                    kind: rate
                    aggregation: ratio(B_PART, HOUSEHOLDS)
                  - code: B_PART
                    valid_from: 2016
                    name_zh: 乙
                    name_en: B
                    unit: 户
                    kind: count
                    levels: [village]
                    aggregation: weighted_mean(C_PART)
                  - code: C_PART
                    valid_from: 2016
                    name_zh: 丙
                    name_en: C
                    unit: 户
                    kind: count
                    levels: [village]
                    aggregation: weighted_mean(B_PART)
                """
        do {
            _ = try IndicatorCatalog(yaml: yaml, file: "t.yaml")
            Issue.record("expected a cycle")
        } catch {
            #expect(
                error.problems.contains(
                    CatalogProblem(
                        indicator: "B_PART", field: "aggregation",
                        message: "references form a cycle: B_PART → C_PART → B_PART")))
        }
    }

    @Test(
        "YAML problems name the line and the key path",
        arguments: [
            (
                "kind: count\n    range: [0, 50000]", "kind: number\n    range: [0, 50000]",
                "indicators[0].kind: line 8: 'number' is not one of amount, count, rate, ratio, yes_no"
            ),
            (
                "range: [0, 50000]", "range: [50000, 0]",
                "indicators[0].range: line 9: expected [min, max] with min <= max, got [50000, 0]"
            ),
            (
                "levels: [village]\n    aggregation: sum\n  - code: HH_TAP_WATER", "levels: [vilage]\n    aggregation: sum\n  - code: HH_TAP_WATER",
                "indicators[0].levels: line 10: 'vilage' is not a level (village, township, county, prefecture, province, national)"
            ),
            (
                "name_en: Households\n", "name_en: Households\n    colour: red\n",
                "indicators[0].colour: line 7: unknown key (known here: aggregation, baseline, code, decimals, definition_version, dimension, direction, frequency, kind, levels, name_en, name_zh, nature, range, scale, targets, unit, valid_from, valid_to)"
            ),
            (
                "kind: count\n    range: [0, 50000]", "kind: count\n    decimals: 9\n    range: [0, 50000]",
                "indicators[0].decimals: line 9: 9 decimals; a table shows 0 to 6"
            ),
            (
                "    name_zh: 户数\n", "",
                "indicators[0].name_zh: line 3: is required"
            ),
            (
                "aggregation: ratio(HH_TAP_WATER, HOUSEHOLDS)", "aggregation: ratio(HH_TAP_WATER)",
                "indicators[2].aggregation: line 26: ratio takes 2 indicator codes (A–Z, 0–9, _), got 'HH_TAP_WATER'"
            ),
        ])
    func yamlProblems(original: String, replacement: String, expected: String) throws {
        let yaml = Self.base.replacingOccurrences(of: original, with: replacement)
        #expect(yaml != Self.base)
        do {
            _ = try IndicatorCatalog(yaml: yaml, file: "t.yaml")
            Issue.record("expected: \(expected)")
        } catch {
            let shown = error.problems.map { "\($0.field): \($0.message)" }
            #expect(shown.contains(expected), "got \(shown)")
        }
    }

    @Test func brokenYAMLIsAnError() {
        #expect(throws: CatalogLoadError.self) { try IndicatorCatalog(yaml: "version: [unclosed", file: "t.yaml") }
        #expect(throws: CatalogLoadError.self) { try IndicatorCatalog(yaml: "", file: "t.yaml") }
    }
}
