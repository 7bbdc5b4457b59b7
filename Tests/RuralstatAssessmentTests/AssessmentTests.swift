import Foundation
import RuralstatModel
import Testing

@testable import RuralstatAssessment

/// The assessment over rollups: which data it takes, classes, progress and the sentences.
@Suite("Assessment over rollups")
struct AssessmentTests {
    static let catalog: IndicatorCatalog = {
        let yaml = """
            version: "t"
            indicators:
              - {code: INCOME, valid_from: 2016, name_zh: 收入, name_en: Income, unit: 元, kind: amount, frequency: A, levels: [county], aggregation: sum, dimension: 生活富裕 Prosperity, direction: higher}
              - {code: ENGEL, valid_from: 2016, name_zh: 恩格尔系数, name_en: Engel, unit: "%", kind: rate, frequency: A, levels: [county], aggregation: mean, dimension: 生活富裕 Prosperity, direction: lower}
              - {code: TOILETS, valid_from: 2016, name_zh: 卫生厕所, name_en: Toilets, unit: "%", kind: rate, frequency: A, levels: [county], aggregation: mean, dimension: 生态宜居 Ecology, direction: higher}
              - {code: GRAIN, valid_from: 2016, name_zh: 粮食, name_en: Grain, unit: 吨, kind: amount, frequency: A, levels: [national], aggregation: none, dimension: 产业兴旺 Industry, direction: higher}
            """
        return try! IndicatorCatalog(yaml: yaml, file: "t.yaml")
    }()

    // Two eastern counties (Hebei 13), one northeastern (Liaoning 21), one western (Chongqing 50), in code order.
    static let counties = [130_102_000_000, 130_103_000_000, 210_102_000_000, 500_101_000_000].map { RegionCode(uncheckedRawValue: Int64($0)) }

    static func rollups() throws -> [Rollup] {
        let data: [(Int, [Double], [Double], [Double])] = [
            // year, INCOME, ENGEL, TOILETS for the four counties
            (2023, [100, 200, 300, 400], [40, 30, 20, 10], [50, 60, 70, 80]),
            (2024, [400, 200, 300, 100], [10, 30, 20, 40], [80, 60, 70, 50]),
        ]
        var rollups: [Rollup] = []
        for (year, income, engel, toilets) in data {
            for (code, values) in [("INCOME", income), ("ENGEL", engel), ("TOILETS", toilets)] {
                for (county, value) in zip(counties, values) {
                    rollups.append(
                        Rollup(
                            level: .county, region: county, indicator: code, period: try Period("\(year)"), value: value, numerator: value,
                            denominator: 1, contributing: 1, expected: 1, publication: .published))
                }
            }
        }
        return rollups
    }

    static func spec() -> AssessmentSpec {
        var spec = AssessmentSpec(catalog: catalog)
        spec.index.treatment = nil
        spec.uncertainty = nil
        return spec
    }

    /// 2024 reverses 2023: the first county goes from last to first. Min–max, equal weights:
    /// 2024 scores — county 1: Prosperity (1 + 1)/2 = 1, Ecology 1 → 1; county 4: 0.
    @Test func ranksClassesProgressAndSentences() throws {
        let assessment = Assessment(spec: Self.spec(), catalog: Self.catalog, registry: nil)
        let result = try assessment.assess(level: .county, rollups: try Self.rollups(), errorKeys: [])
        #expect(result.year == 2024 && result.dropped == ["GRAIN"] && result.framework.dimensions.map(\.name) == ["生活富裕 Prosperity", "生态宜居 Ecology"])
        #expect(result.result.units == Self.counties)
        #expect(ConstructionTests.same(result.result.index, [1, 1.0 / 3, 2.0 / 3, 0]))
        #expect(result.result.ranks == [1, 3, 2, 4])
        #expect(result.classes == ["东部 East", "东部 East", "东北 Northeast", "西部 West"] && result.classRanks == [1, 2, 1, 1])
        // Over the two years together, county 1 went from the bottom to the top.
        #expect(result.progress[0].previousYear == 2023 && result.progress[0].rankChange == 3 && result.progress[3].rankChange == -3)
        #expect(abs(result.progress[0].scoreChange! - 1) < 1e-12)
        #expect(result.sentence(0) == "130102000000 ranks 1 of 2 in its class 东部 East (1 of 4 overall); every dimension at 1.00; up 3 places since 2023")
        // Its three values sit at two thirds of the range in both years: 0.67 everywhere, rank 2 both times.
        #expect(result.sentence(2) == "210102000000 ranks 1 of 1 in its class 东北 Northeast (2 of 4 overall); every dimension at 0.67; unchanged since 2023")
        let rows = result.rows
        #expect(rows.count == 4 && rows[3].rank == 4 && rows[3].classSize == 1 && rows[3].progress.rankChange == -3)
    }

    /// Partial rollups and error-level findings are used, marked or dropped as the spec says.
    @Test func dataRulesDecideWhatIsUsed() throws {
        var rollups = try Self.rollups()
        let index = rollups.firstIndex { $0.region == Self.counties[0] && $0.indicator == "INCOME" && $0.period.year == 2024 }!
        rollups[index].publication = .partial
        let key = Assessment.key(region: Self.counties[1], indicator: "TOILETS", period: try Period("2024"))
        var spec = Self.spec()
        spec.partial = .mark
        spec.errorFindings = .missing
        let marked = try Assessment(spec: spec, catalog: Self.catalog, registry: nil).assess(level: .county, rollups: rollups, errorKeys: [key])
        #expect(marked.marked == [1, 0, 0, 0])
        // County 2's Ecology has no value left: NaN, and its index is its Prosperity alone.
        #expect(marked.result.dimensionScores[1][1].isNaN)
        spec.partial = .missing
        spec.index.minimumCoverage = 1
        let strict = try Assessment(spec: spec, catalog: Self.catalog, registry: nil).assess(level: .county, rollups: rollups, errorKeys: [key])
        #expect(strict.result.units == [Self.counties[2], Self.counties[3]] && strict.result.screenedOut.count == 2)
        // Rules that leave an indicator without any value drop it, and say so (here every 2024 TOILETS is partial).
        var allPartial = try Self.rollups()
        for i in allPartial.indices where allPartial[i].indicator == "TOILETS" && allPartial[i].period.year == 2024 { allPartial[i].publication = .partial }
        spec = Self.spec()
        spec.partial = .missing
        let dropping = try Assessment(spec: spec, catalog: Self.catalog, registry: nil).assess(level: .county, rollups: allPartial, errorKeys: [])
        #expect(dropping.dropped == ["GRAIN", "TOILETS"], "\(dropping.dropped)")
        #expect(dropping.framework.dimensions.map(\.name) == ["生活富裕 Prosperity"])
        #expect(dropping.result.units.count == 4)
        // A withheld rollup counts as missing, whatever the rules.
        rollups[index].publication = .withheld
        spec = Self.spec()
        let withheld = try Assessment(spec: spec, catalog: Self.catalog, registry: nil).assess(level: .county, rollups: rollups, errorKeys: [])
        #expect(withheld.marked == [0, 0, 0, 0] && withheld.result.dimensionScores[0][0] == 1)
    }

    @Test func aSpecIsValidatedWithLinesAndKeyPaths() throws {
        let yaml = """
            version: 1
            levels: [county, village]
            framework:
              dimensions:
                - {name: A, indicators: [INCOME, INCOM]}
            normalisation: {method: z_score}
            aggregation: {dimensions: geometric}
            weights: {indicators: magic}
            spot_check: {floor: 0}
            """
        #expect {
            try AssessmentSpec(yaml: yaml, file: "a.yaml", catalog: Self.catalog)
        } throws: { error in
            let text = "\(error)"
            return text.contains("line 2: levels: 'village' is not a level")
                && text.contains("line 5: framework.dimensions[0].indicators: 'INCOM' is not in the catalog")
                && text.contains("did you mean INCOME") && text.contains("weights.indicators: 'magic' is not a weighting")
                && text.contains("spot_check.floor: must be above 0") && text.contains("geometric aggregation needs values ≥ 0")
        }
        let more = """
            version: 1
            levels: [county, county]
            framework:
              dimensions:
                - {name: A, indicators: [INCOME], weights: {INCOME: 2}}
                - {name: A, indicators: [ENGEL]}
            normalisation: {method: min_max, lower: 1, upper: 0}
            aggregation: {shift: -0.5}
            uncertainty: {normalisations: [z_score], aggregations: [{indicators: geometric, dimensions: arithmetic}]}
            """
        #expect {
            try AssessmentSpec(yaml: more, file: "b.yaml", catalog: Self.catalog)
        } throws: { error in
            let text = "\(error)"
            return text.contains("'county' is named twice") && text.contains("'A' is already the name of a dimension")
                && text.contains("only 'indicators: policy' uses") && text.contains("min–max needs lower < upper")
                && text.contains("shift must be a finite number above 0") && text.contains("z_score with geometric/arithmetic")
        }
        let good = try AssessmentSpec(yaml: "version: 1\nlevels: [province]\nweights: {indicators: entropy}\n", file: "a.yaml", catalog: Self.catalog)
        #expect(good.levels == [.province] && good.index.indicatorWeighting == .entropy && good.framework.dimensions.count == 3)
    }
}
