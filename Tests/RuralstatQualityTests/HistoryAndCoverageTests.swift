import Foundation
import Testing
import RuralstatModel
@testable import RuralstatQuality

@Suite("History, coverage, timeliness and children's balance")
struct HistoryAndCoverageTests {
    @Test func aggregateRateOfChange() {
        let history = [QualityFixture.rollup("130121", "2023", value: 100), QualityFixture.rollup("130122", "2023", value: 100)]
        let rollups = [QualityFixture.rollup("130121", "2024", value: 150), QualityFixture.rollup("130122", "2024", value: 120)]
        let results = AggregateHistoryCheck().run(QualityFixture.input([], rollups: rollups, history: history))
        #expect(results.findings.map(\.region.description) == ["130121000000"])
        #expect(results.findings[0].statistic == 1.5)
        #expect(results.findings[0].explanation.contains("150 吨 in 2024 is +50.0 % on 100 吨 in 2023 (allowed -30 % to +40 %"))
    }

    /// Beyond what the packed key holds (1,023 indicators, 2,047 periods), the check still runs, and finds the same.
    @Test func aggregateHistoryBeyondThePackedKey() throws {
        func rollup(_ indicator: String, _ period: Period, _ value: Double) -> Rollup {
            Rollup(
                level: .county, region: try! RegionCode("130121"), indicator: indicator, period: period, value: value, numerator: value,
                denominator: 1, contributing: 10, expected: 10, publication: .published)
        }
        let year = (try Period("2023"), try Period("2024"))
        let indicators = (0..<1_100).map { "IND_\($0)" }
        let manyIndicators = AggregateHistoryCheck().run(
            QualityFixture.input(
                [], rollups: indicators.map { rollup($0, year.1, $0 == "IND_1099" ? 300 : 100) },
                history: indicators.map { rollup($0, year.0, 100) }))
        #expect(manyIndicators.findings.map(\.indicator) == ["IND_1099"])
        var day = try Period("2020-01-01")
        var days: [Period] = []
        for _ in 0..<2_100 { days.append(day); day = day.next! }
        let manyPeriods = AggregateHistoryCheck().run(
            QualityFixture.input([], rollups: days.enumerated().map { rollup("GRAIN_OUTPUT", $1, $0 == 2_099 ? 500 : 100) }))
        #expect(manyPeriods.findings.map(\.period) == [days[2_099]])
    }

    @Test func lowCoverageRollups() {
        let rollups = [
            QualityFixture.rollup("130121", "2024", value: 1, contributing: 8, expected: 10),
            QualityFixture.rollup("130122", "2024", value: 1, contributing: 10, expected: 10),
        ]
        let results = CoverageCheck().missingUnits(QualityFixture.input([], rollups: rollups))
        #expect(results.findings.count == 1 && results.findings[0].statistic == 0.8)
        #expect(results.findings[0].explanation.contains("8 of 10 村 units reported 粮食产量 GRAIN_OUTPUT for 2024 (80.0 %, below 95 %); 2 missing"))
    }

    @Test func lateAndMissingSubmissions() throws {
        // 2024's submissions are due 90 days after 2024 ends: 2025-04-01T00:00Z.
        let late = SubmissionArrival(
            sender: "130122", period: try Period("2024"), arrived: Date(timeIntervalSince1970: 1_743_465_600 + 10 * 86_400),
            file: "in/130122.csv")
        let check = CoverageCheck(deadlineDays: 90, expectedSenders: ["130121", "130122"])
        let results = check.submissions(QualityFixture.input([("130122101201", "GRAIN_OUTPUT", "2024", 1)], arrivals: [late]))
        #expect(results.findings.map(\.method) == ["missing_submission", "late_submission"])
        #expect(results.findings[1].statistic == 10)
        #expect(results.findings[1].explanation == "sender 130122's submission for 2024 (130122.csv) arrived 10.0 days after the deadline 2025-04-01T00:00:00Z")
    }

    @Test func reportedParentAgainstReportedChildren() {
        let rows: [(String, String, String, Double)] = [
            ("130121000000", "HOUSEHOLDS", "2024", 100), ("130121101000", "HOUSEHOLDS", "2024", 40), ("130121102000", "HOUSEHOLDS", "2024", 50),
            ("130122000000", "HOUSEHOLDS", "2024", 90), ("130122101000", "HOUSEHOLDS", "2024", 45), ("130122102000", "HOUSEHOLDS", "2024", 45),
        ]
        let check = BalanceCheck(relativeTolerance: 0.01, roundingUnits: ["HOUSEHOLDS": 1])
        let results = check.reportedAgainstChildren(QualityFixture.input(rows))
        // 130121: P − ΣC = 100 − 90 = 10 beyond max(1 % of 100, (2 + 1) · 1 / 2) = 1.5; 130122 balances.
        #expect(results.findings.map(\.region.description) == ["130121000000"])
        let finding = results.findings[0]
        #expect(finding.statistic == 10 && finding.expected == 90 && finding.upperBound == 91.5 && finding.method == "reported_vs_children")
        #expect(results.mergedTallies.map { "\($0.level) \($0.passed)/\($0.failed)" } == ["county 1/1"])
    }

    @Test func missingChildrenModesFollowVTL() {
        typealias Mode = BalanceCheck.MissingChildren
        // 2 of 3 children present.
        #expect(!Mode.nonNull.evaluates(present: 2, expected: 3, allZero: false))
        #expect(Mode.nonNull.evaluates(present: 3, expected: 3, allZero: false))
        #expect(!Mode.partialNull.evaluates(present: 2, expected: 3, allZero: false))
        #expect(Mode.partialZero.evaluates(present: 2, expected: 3, allZero: false))
        #expect(!Mode.partialZero.evaluates(present: 0, expected: 3, allZero: true))
        #expect(Mode.nonZero.evaluates(present: 2, expected: 3, allZero: false))
        #expect(!Mode.nonZero.evaluates(present: 2, expected: 3, allZero: true))
        #expect(Mode.alwaysZero.evaluates(present: 0, expected: 3, allZero: true))
        #expect(!Mode.alwaysNull.evaluates(present: 2, expected: 3, allZero: false))
    }
}
