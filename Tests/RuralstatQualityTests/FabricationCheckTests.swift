import Foundation
import Testing
import RuralstatModel
@testable import RuralstatQuality
import TestSupport

@Suite("Fabrication signals")
struct FabricationCheckTests {
    @Test func benfordDeviationByHand() {
        // Ten values all starting with 1: shares (1, 0, …, 0); MAD = (|1 − log₁₀2| + (1 − log₁₀2)) / 9.
        let (shares, mad, n) = BenfordCheck.deviation([1, 12, 150, 1.9, 0.17, 1_000, 19, 1.5, 13_000, 100])
        #expect(n == 10 && shares[0] == 1 && shares.dropFirst().allSatisfy { $0 == 0 })
        #expect(abs(mad - 2 * (1 - log10(2)) / 9) < 1e-15)
        #expect(BenfordCheck.firstDigit(0.00972) == 9 && BenfordCheck.firstDigit(1_000) == 1 && BenfordCheck.firstDigit(29_999) == 2)
    }

    /// One county's villages: `count` grain figures from `value(i)`.
    static func rows(county: String = "130121", count: Int, _ value: (Int) -> Double) -> [(String, String, String, Double)] {
        (0..<count).map { i in
            (String(format: "%@%03d%03d", county, 101 + i / 200, 201 + i % 200), "GRAIN_OUTPUT", "2024", value(i))
        }
    }

    @Test func benfordPassesLogUniformAmountsAndFlagsUniformOnes() {
        var random = SplitMix64(seed: 7)
        // log-uniform over 4 orders of magnitude follows Benford; uniform over 10…99 999 does not (mostly 5-digit, flat digits).
        let natural = Self.rows(county: "130121", count: 2_000) { _ in pow(10, 1 + 4 * Double.random(in: 0..<1, using: &random)) }
        let madeUp = Self.rows(county: "130122", count: 2_000) { _ in 10 + 99_989 * Double.random(in: 0..<1, using: &random) }
        let results = BenfordCheck().run(QualityFixture.input(natural + madeUp))
        #expect(results.findings.map(\.region.description) == ["130122000000"])
        let finding = results.findings[0]
        #expect(finding.statistic! > 0.015 && finding.peerSize == 2_000)
        #expect(finding.explanation.contains("Nigrini's nonconformity"))
        #expect(results.mergedTallies.map { "\($0.passed)/\($0.failed)" } == ["1/1"])
    }

    @Test func benfordSkipsNarrowRanges() {
        var random = SplitMix64(seed: 8)
        let narrow = Self.rows(count: 2_000) { _ in 500 + 400 * Double.random(in: 0..<1, using: &random) }  // under one order of magnitude
        let results = BenfordCheck().run(QualityFixture.input(narrow))
        #expect(results.findings.isEmpty && results.mergedTallies.first?.notApplicable == 1)
    }

    @Test func lastDigitHeapingByHand() {
        // 60 multiples of 10 and 10 each ending in 1…4: counts (60, 10, 10, 10, 10, 0, …); E = 10;
        // χ² = 50²/10 + 5 · 10²/10 = 300; round-number z = (60 − 10) / √(100 · 0.09) = 16.7.
        let heaped = Self.rows(count: 100) { i in i < 60 ? Double(100 + 10 * i) : Double(1_001 + (i - 60) / 10 + 10 * (i - 60)) }
        let (counts, chiSquare, n) = DigitHeapingCheck.lastDigits(heaped.map(\.3))
        #expect(counts == [60, 10, 10, 10, 10, 0, 0, 0, 0, 0] && n == 100 && chiSquare == 300)
        let results = DigitHeapingCheck().run(QualityFixture.input(heaped))
        #expect(results.findings.count == 1 && results.findings[0].statistic == 300)
        #expect(results.findings[0].explanation.contains("60.0 % of its 100 whole-number figures end in 0"))
        // Consecutive whole numbers: every last digit ten times, χ² = 0.
        let even = Self.rows(count: 100) { Double(1_000 + $0) }
        #expect(DigitHeapingCheck().run(QualityFixture.input(even)).findings.isEmpty)
    }

    /// Only figures of three digits or more are tested: two-digit figures' last digits are not
    /// uniform in honest data (here 10, 20, 30 are left out; 150 and 152 count).
    @Test func heapingLooksAtThreeDigitsOrMore() {
        let (counts, _, n) = DigitHeapingCheck.lastDigits([10, 20, 30, 99, 150, 152, 7])
        #expect(n == 2 && counts[0] == 1 && counts[2] == 1)
    }

    @Test func repeatedValuesAcrossUnits() {
        let rows = Self.rows(count: 10) { i in i < 6 ? 1_234 : Double(2_000 + 37 * i) }
        let results = RepeatedValuesCheck().run(QualityFixture.input(rows))
        let finding = try! #require(results.findings.first)
        #expect(results.findings.count == 1 && finding.observed == 1_234 && finding.statistic == 6 && finding.peerSize == 10)
        #expect(finding.explanation.contains("6 of its 10 units reported 粮食产量 GRAIN_OUTPUT 1234 吨 exactly for 2024"))
        // Zeros repeat naturally.
        #expect(RepeatedValuesCheck().run(QualityFixture.input(Self.rows(count: 10) { _ in 0 })).findings.isEmpty)
    }

    @Test func seriesThatNeverChange() throws {
        // Twenty villages whose output grows 5 % a year; village 201 copies 1000 t forward.
        var rows: [(String, String, String, Double)] = []
        for village in 1...20 {
            for (step, year) in ["2022", "2023", "2024"].enumerated() {
                let value = village == 1 ? 1_000 : (Double(1_000 + 20 * village) * pow(1.05, Double(step)) * 10).rounded() / 10
                rows.append((String(format: "130121101%03d", 200 + village), "GRAIN_OUTPUT", year, value))
            }
        }
        let results = ConstantSeriesCheck().run(QualityFixture.input(rows))
        let finding = try #require(results.findings.first)
        #expect(results.findings.count == 1 && finding.region.description == "130121101201" && finding.statistic == 3)
        // Median change 5 %, resolution 0.1 t: P = 0.1 / (1.4826 · 0.05 · 1000 · √(2π)) per period; 20 · P² expected.
        let perPeriod = 0.1 / (1.4826 * 0.05 * 1_000 * (2 * Double.pi).squareRoot())
        #expect(abs(finding.expected! - 20 * perPeriod * perPeriod) < 1e-12 * 20)
        #expect(
            finding.explanation.hasPrefix("村 130121101201: 粮食产量 GRAIN_OUTPUT was 1000 吨 in each of 3 periods, 2022 to 2024 (its figures move by 5.0 % a period")
        )
        #expect(ConstantSeriesCheck.longestConstantRun([1, 2, 2, 2, .nan, 0, 0, 0, 0]).length == 3)
    }

    @Test func aFigureWithFewDigitsMayStayPutByChance() {
        // Two villages barely moving (0.2 %) at a resolution of 1: a three-year run is no surprise.
        let rows: [(String, String, String, Double)] = ["2022", "2023", "2024"].flatMap { year in
            [("130121101201", "GRAIN_OUTPUT", year, 500.0), ("130121101202", "GRAIN_OUTPUT", year, year == "2023" ? 501 : 500)]
        }
        #expect(ConstantSeriesCheck().run(QualityFixture.input(rows)).findings.isEmpty)
    }
}
