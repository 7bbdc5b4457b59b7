import Testing
import RuralstatModel
@testable import RuralstatQuality

@Suite("BalanceCheck")
struct BalanceCheckTests {
    static func rollup(value: Double, reported: Double?, contributing: Int) -> Rollup {
        Rollup(
            level: .county, region: try! RegionCode("419001"), indicator: "GRAIN_OUTPUT", period: try! Period("2024"), value: value,
            numerator: value, denominator: Double(contributing), contributing: contributing, expected: nil, publication: .published,
            reported: reported)
    }

    @Test func toleranceIsTheLargestOfItsThreeParts() {
        let check = BalanceCheck(absoluteTolerance: 2, relativeTolerance: 0.01, roundingUnits: ["GRAIN_OUTPUT": 1])
        #expect(check.tolerance(reported: 100, count: 3, indicator: "GRAIN_OUTPUT") == 2)  // absolute
        #expect(check.tolerance(reported: 1_000, count: 3, indicator: "GRAIN_OUTPUT") == 10)  // 1 % of 1000
        #expect(check.tolerance(reported: 100, count: 99, indicator: "GRAIN_OUTPUT") == 50)  // (99 + 1) · 1 / 2
    }

    @Test func imbalancesBeyondTheToleranceAreFindings() throws {
        let check = BalanceCheck(relativeTolerance: 0.01, roundingUnits: ["GRAIN_OUTPUT": 1])
        let rollups = [
            Self.rollup(value: 1_000, reported: 1_005, contributing: 3),  // within 10.05
            Self.rollup(value: 1_000, reported: 1_100, contributing: 3),  // beyond 11
            Self.rollup(value: 1_000, reported: nil, contributing: 3),
        ]
        let catalog = try IndicatorCatalog(
            version: "t",
            definitions: [
                Indicator(
                    code: "GRAIN_OUTPUT", validFrom: 2016, nameZh: "粮食产量", nameEn: "Grain", unit: "吨", kind: .amount,
                    reportedLevels: [.village, .county], aggregation: .sum)
            ])
        let findings = check.computedAgainstReported(rollups, catalog: catalog, registry: nil).findings
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding.statistic == -100)
        #expect(finding.observed == 1_100 && finding.expected == 1_000)
        #expect(
            finding.explanation
                == "县 419001000000: 粮食产量 GRAIN_OUTPUT reported 1100 吨, but its 3 reporting units add up to 1000 吨 (imbalance -100, -9.09 %; tolerance 11)")
    }
}
