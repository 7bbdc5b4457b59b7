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

    /// One indicator made up across a county is diluted in the county's pool, and caught on its own:
    /// its departure from Benford's law is far larger than the same indicator's in 11 other counties.
    @Test func benfordTestsEachIndicatorAsWellAsThePool() {
        var random = SplitMix64(seed: 9)
        var rows: [(String, String, String, Double)] = []
        for county in 121...132 {
            rows += Self.rows(county: "130\(county)", count: 3_000) { _ in pow(10, 1 + 4 * Double.random(in: 0..<1, using: &random)) }
            rows += Self.rows(county: "130\(county)", count: 400) { _ in
                county == 121 ? 10 + 99_989 * Double.random(in: 0..<1, using: &random) : pow(10, 4 * Double.random(in: 0..<1, using: &random))
            }.map { ($0.0, "GRAIN_SOWN_AREA", $0.2, $0.3) }
        }
        let results = BenfordCheck().run(QualityFixture.input(rows))
        #expect(results.findings.map { "\($0.region) \($0.indicator ?? "pooled")" } == ["130121000000 GRAIN_SOWN_AREA"])
        let finding = results.findings[0]
        #expect(finding.peerSize == 400 && finding.statistic! > 0.05)
        // The indicator tests form one family of 24, adjusted together; q ≥ p.
        #expect(finding.parameters.number("tests") == 24)
        #expect(finding.parameters.number("q_value")! >= finding.parameters.number("p_value")!)
        #expect(finding.parameters.number("q_value")! <= 0.01)
        #expect(finding.parameters.number("peer_z")! > 4)
        #expect(
            finding.explanation.contains(
                "the first digits of its 400 粮食播种面积 GRAIN_SOWN_AREA amounts depart from Benford's law towards even digits, as made-up figures do, far more than"
            ))
        #expect(results.mergedTallies.map { "\($0.passed)/\($0.failed)" } == ["35/1"])
        // The county's pool alone conforms: the made-up indicator is missed there.
        let pooled = rows.filter { $0.0.hasPrefix("130121") }.map(\.3)
        #expect(BenfordCheck.deviation(pooled).mad < 0.015)
        // Fewer than 10 counties: no indicator tests, only the pools.
        let few = BenfordCheck().run(QualityFixture.input(rows.filter { $0.0 < "130130" }))
        #expect(few.findings.isEmpty)
        #expect(few.mergedTallies.map { "\($0.passed)/\($0.failed)/\($0.notApplicable)" } == ["9/0/18"])
    }

    @Test func benfordChiSquareGrowsWithTheNumberOfValues() {
        // Digits 1…9 equally often: MAD 0.06 against Benford. χ² grows with n.
        let flat = (0..<9).map { _ in 40 }
        let small = BenfordCheck.chiSquare(firstDigits: flat)
        let large = BenfordCheck.chiSquare(firstDigits: flat.map { $0 * 10 })
        #expect(abs(large.chiSquare - 10 * small.chiSquare) < 1e-9)
        #expect(large.p < small.p && small.p < 1e-6)
    }

    @Test func benfordSkipsNarrowRanges() {
        var random = SplitMix64(seed: 8)
        let narrow = Self.rows(count: 2_000) { _ in 500 + 400 * Double.random(in: 0..<1, using: &random) }  // under one order of magnitude
        let results = BenfordCheck().run(QualityFixture.input(narrow))
        #expect(results.findings.isEmpty && results.mergedTallies.first?.notApplicable == 1)
    }

    @Test func lastDigitHeapingByHand() {
        // 60 multiples of 10 and 10 each ending in 1…4: counts (60, 10, 10, 10, 10, 0, …); E = 10;
        // χ² = 50²/10 + 5 · 10²/10 = 300; round-number z = (60 − 10) / √(100 · 0.09) = 16.7. Counts
        // (households), whole numbers by nature, are what heaping looks at.
        let heaped = Self.rows(count: 100) { i in i < 60 ? Double(100 + 10 * i) : Double(1_001 + (i - 60) / 10 + 10 * (i - 60)) }
            .map { ($0.0, "HOUSEHOLDS", $0.2, $0.3) }
        let (counts, chiSquare, n) = DigitHeapingCheck.lastDigits(heaped.map(\.3))
        #expect(counts == [60, 10, 10, 10, 10, 0, 0, 0, 0, 0] && n == 100 && chiSquare == 300)
        let results = DigitHeapingCheck().run(QualityFixture.input(heaped))
        #expect(results.findings.count == 1 && results.findings[0].statistic == 300)
        // One reporter: q = p = 2 · min(P(χ²₉ > 300), P(Z > 16.7)).
        let p = 2 * Significance.normalTail(50 / 3)
        #expect(abs(results.findings[0].parameters.number("p_value")! - p) <= 1e-12 * p)
        #expect(results.findings[0].parameters.number("q_value") == results.findings[0].parameters.number("p_value"))
        #expect(results.findings[0].explanation.contains("60.0 % of its 100 whole-number figures end in 0"))
        // Consecutive whole numbers: every last digit ten times, χ² = 0.
        let even = Self.rows(count: 100) { Double(1_000 + $0) }.map { ($0.0, "HOUSEHOLDS", $0.2, $0.3) }
        #expect(DigitHeapingCheck().run(QualityFixture.input(even)).findings.isEmpty)
        // The same heaped figures as an amount (grain output) are not tested: a whole amount was rounded already.
        #expect(
            DigitHeapingCheck().run(QualityFixture.input(heaped.map { ($0.0, "GRAIN_OUTPUT", $0.2, $0.3) })).findings.allSatisfy {
                $0.method == "round_hundreds"
            })
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

    /// Twenty villages of one township, 2022 to 2024, village k growing by `growth(k)` a year (to
    /// 0.1 t); village 201 copies 1000 t forward.
    static func copiedForward(growth: (Int) -> Double = { 0.03 + 0.002 * Double($0) }) -> [(String, String, String, Double)] {
        (1...20).flatMap { village in
            ["2022", "2023", "2024"].enumerated().map { step, year in
                let value = village == 1 ? 1_000 : (Double(1_000 + 20 * village) * pow(1 + growth(village), Double(step)) * 10).rounded() / 10
                return (String(format: "130121101%03d", 200 + village), "GRAIN_OUTPUT", year, value)
            }
        }
    }

    static let copiedForward = copiedForward()

    /// The chance of the run worked out from the documented model, apart from the check's code:
    /// each step's median change of village 201's siblings (itself left out) c, the spread
    /// σ = 1.4826 · median |change − its siblings' median| over every village and step, and
    /// P = Φ((h − c)/σ) − Φ((−h − c)/σ) with h = resolution / 2 · 1000.
    static func chanceOfStayingAt1000(_ rows: [(String, String, String, Double)], resolution: Double) -> Double {
        func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
        func phi(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }
        let series = Dictionary(grouping: rows.filter { $0.1 == "GRAIN_OUTPUT" }, by: \.0).mapValues { $0.sorted { $0.2 < $1.2 }.map(\.3) }
        func change(_ region: String, _ step: Int) -> Double { (series[region]![step + 1] - series[region]![step]) / series[region]![step] }
        func siblings(_ region: String, _ step: Int) -> Double { median(series.keys.filter { $0 != region }.map { change($0, step) }) }
        let sigma = 1.4826 * median(series.keys.flatMap { region in (0..<2).map { abs(change(region, $0) - siblings(region, $0)) } })
        let h = resolution / 2_000
        return (0..<2).map { siblings("130121101201", $0) }.map { phi((h - $0) / sigma) - phi((-h - $0) / sigma) }.reduce(1, *)
    }

    @Test func seriesThatNeverChange() throws {
        let results = ConstantSeriesCheck().run(QualityFixture.input(Self.copiedForward))
        let finding = try #require(results.findings.first)
        #expect(results.findings.count == 1 && finding.region.description == "130121101201" && finding.statistic == 3)
        // Its siblings grew 3.2–7 % a year; at 0.1 t a run of 3 in 3 periods has p = P₁ · P₂, and
        // q = p · 20 / 1 over the 20 series tested.
        let p = Self.chanceOfStayingAt1000(Self.copiedForward, resolution: 0.1)
        #expect(p > 0 && p < 1e-9)
        #expect(abs(finding.parameters.number("p_value")! - p) <= 1e-9 * p)
        #expect(abs(finding.parameters.number("q_value")! - 20 * p) <= 1e-9 * 20 * p)
        #expect(finding.parameters["tests"] == .integer(20))
        #expect(
            finding.explanation.hasPrefix(
                "村 130121101201: 粮食产量 GRAIN_OUTPUT was 1000 吨 in each of 3 periods, 2022 to 2024, while its siblings' figures moved by a median of +5.2 %, +5.2 % (give or take 1.6 %"
            ), "\(finding.explanation)")
        #expect(ConstantSeriesCheck.longestConstantRun([1, 2, 2, 2, .nan, 0, 0, 0, 0]).length == 3)
    }

    /// The false-discovery rate holds over the country: province by province, the runs are gathered
    /// and the nation's pass judges them, with the findings and tallies of one pass over the whole.
    @Test func constantSeriesProvinceByProvinceEqualTheWholeCountry() throws {
        let second = Self.copiedForward.map { ("44" + $0.0.dropFirst(2), $0.1, $0.2, $0.3 * 1.5) }
        let check = ConstantSeriesCheck()
        let whole = check.run(QualityFixture.input(Self.copiedForward + second))
        #expect(whole.findings.map(\.region.description) == ["130121101201", "440121101201"])
        #expect(whole.findings.allSatisfy { $0.parameters["tests"] == .integer(40) })
        let evidence = NationwideEvidence()
        for rows in [Self.copiedForward, second] {
            var input = QualityFixture.input(rows)
            input.scope = .province(evidence)
            #expect(check.run(input).findings.isEmpty)
        }
        var nation = QualityFixture.input([])
        nation.scope = .nation(evidence, periods: [])
        let passes = check.run(nation)
        #expect(
            passes.findings.map { "\($0.region) \($0.parameters) \($0.explanation)" }
                == whole.findings.map { "\($0.region) \($0.parameters) \($0.explanation)" })
        #expect(passes.tallies.map { "\($0)" } == whole.tallies.map { "\($0)" })
        #expect(whole.mergedTallies.map { "\($0.passed)/\($0.failed)/\($0.notApplicable)" } == ["19/1/0", "19/1/0"])
    }

    /// With fewer than 5 siblings a unit's change is taken around 0, with the province's spread
    /// (1.4826 · its median change), and the finding says it had too few siblings to compare with.
    @Test func aUnitWithFewSiblingsIsComparedWithItsProvince() throws {
        let rows = Self.copiedForward { _ in 0.05 }.filter { Int($0.0.suffix(3))! <= 204 }
        let finding = try #require(ConstantSeriesCheck().run(QualityFixture.input(rows)).findings.first)
        #expect(finding.region.description == "130121101201")
        // Changes: 0, 0 for the copy and 5 % (to 0.1 t) for the three others' two steps: median 5 %.
        let median = finding.parameters.number("median_change")!
        #expect(abs(median - 0.05) < 1e-4)
        let sigma = 1.4826 * median, h = 0.1 / 2_000
        let stay = 0.5 * erfc(-h / sigma / 2.0.squareRoot()) - 0.5 * erfc(h / sigma / 2.0.squareRoot())
        #expect(abs(finding.parameters.number("p_value")! - stay * stay) <= 1e-9 * stay * stay)
        #expect(
            finding.explanation.contains(
                "while such figures in its province move by 5.0 % a period (compared with its province: too few siblings, or siblings that all move alike; given to 0.1"
            ))
    }

    /// Siblings that all move exactly alike leave no spread around their median: a spread of 0
    /// would make any other change impossible (p = 0), so the unit is compared with its province.
    @Test func siblingsThatAllMoveAlikeGiveWayToTheProvince() throws {
        let rows = Self.copiedForward { _ in 0.1 }.map { row in
            // 1000 + 20k, then exactly 10 % a year: 1100 + 22k, 1210 + 24.2k (to 0.1 t, exact).
            row.0 == "130121101201" ? row : (row.0, row.1, row.2, (row.3 * 10).rounded() / 10)
        }
        let finding = try #require(ConstantSeriesCheck().run(QualityFixture.input(rows)).findings.first)
        #expect(finding.parameters.number("spread") == 0)
        let sigma = 1.4826 * finding.parameters.number("median_change")!, h = 0.1 / 2_000
        let stay = 0.5 * erfc(-h / sigma / 2.0.squareRoot()) - 0.5 * erfc(h / sigma / 2.0.squareRoot())
        #expect(abs(finding.parameters.number("p_value")! - stay * stay) <= 1e-9 * stay * stay)
        #expect(finding.explanation.contains("siblings that all move alike"))
    }

    /// In a township whose figures barely move (0.1–0.5 % a year), a figure of 1000 to 0.1 t that
    /// stays put twice is still unlikely, but one reported in tens (its figures of 100 or more are
    /// multiples of 10) stays put by chance: the same run is not flagged.
    @Test func aUnitThatReportsInTensMayRepeatItsFigure() throws {
        let slow = Self.copiedForward { 0.001 * Double(1 + $0 % 5) }
        func sownArea(inTens: Bool) -> [(String, String, String, Double)] {
            var rows: [(String, String, String, Double)] = []
            for village in 1...20 {
                for (step, year) in ["2022", "2023", "2024"].enumerated() {
                    // Village 1's sown area in tens, or to 0.01 like the others'.
                    let area: Double = village == 1 && inTens ? 120 + 10 * Double(step) : 101.37 + Double(village + step)
                    rows.append((String(format: "130121101%03d", 200 + village), "GRAIN_SOWN_AREA", year, area))
                }
            }
            return rows
        }
        let precise = ConstantSeriesCheck().run(QualityFixture.input(slow + sownArea(inTens: false))).findings
        #expect(precise.map { "\($0.region) \($0.indicator!)" } == ["130121101201 GRAIN_OUTPUT"])
        #expect(abs(precise[0].parameters.number("p_value")! - Self.chanceOfStayingAt1000(slow, resolution: 0.1)) < 1e-15)
        let rows = slow + sownArea(inTens: true)
        #expect(ConstantSeriesCheck().run(QualityFixture.input(rows)).findings.isEmpty)
        // P of each step at a step of 10 is nearly 1.
        #expect(Self.chanceOfStayingAt1000(slow, resolution: 10) > 0.5)
        let table = QualityFixture.table(rows)
        let steps = ConstantSeriesCheck.reportingSteps(table, partitions: Array(table.partitions.indices), catalog: QualityFixture.catalog)
        #expect(steps == [130_121_101_201: 10])
    }

    /// Two returns identical figure for figure: the later one (in code order) is reported as a copy
    /// of the earlier; one figure apart, or too few figures, is no finding.
    @Test func copiedReturns() throws {
        let rows: [(String, String, String, Double)] = [
            ("130121101201", "GRAIN_OUTPUT", "2024", 812.4), ("130121101201", "GRAIN_SOWN_AREA", "2024", 130.55),
            ("130121101201", "HOUSEHOLDS", "2024", 412),
            ("130121101202", "GRAIN_OUTPUT", "2024", 640.1), ("130121101202", "GRAIN_SOWN_AREA", "2024", 101.2),
            ("130121101202", "HOUSEHOLDS", "2024", 377),
            ("130121101203", "GRAIN_OUTPUT", "2024", 812.4), ("130121101203", "GRAIN_SOWN_AREA", "2024", 130.55),
            ("130121101203", "HOUSEHOLDS", "2024", 412),
            ("130121101204", "GRAIN_OUTPUT", "2024", 640.1), ("130121101204", "GRAIN_SOWN_AREA", "2024", 101.2),
            ("130121101204", "HOUSEHOLDS", "2024", 378),
            ("130121101205", "GRAIN_OUTPUT", "2024", 77), ("130121101206", "GRAIN_OUTPUT", "2024", 77),
        ]
        var check = DuplicateRecordsCheck()
        check.minimumFigures = 3
        let results = check.run(QualityFixture.input(rows))
        #expect(results.findings.map(\.region.description) == ["130121101203"])
        let finding = try #require(results.findings.first)
        #expect(finding.parameters["copy_of"] == .text("130121101201") && finding.statistic == 3)
        #expect(finding.explanation.contains("its figures for 2024 are exactly those of 村 130121101201, figure for figure (3 indicators)"))
        // Four records compared (201–204), one copy; 205 and 206 have too few figures.
        #expect(results.mergedTallies.map { "\($0.passed)/\($0.failed)/\($0.notApplicable)" } == ["3/1/2"])
    }

    /// A return whose figures of three digits or more are all multiples of 100 was rounded:
    /// P(K ≥ 3 of 3) = 0.1³ with p = 0.1, q = p · m among m = 12 returns tested.
    @Test func aReturnRoundedToHundreds() throws {
        var rows: [(String, String, String, Double)] = []
        for village in 1...12 {
            let region = String(format: "130121101%03d", 200 + village)
            let rounded = village == 5
            rows.append((region, "GRAIN_OUTPUT", "2024", rounded ? 800 : 812.4 + Double(village)))
            rows.append((region, "GRAIN_SOWN_AREA", "2024", rounded ? 100 : 130.55 + Double(village)))
            rows.append((region, "HOUSEHOLDS", "2024", rounded ? 400 : Double(401 + 3 * village)))
        }
        var check = DigitHeapingCheck()
        check.unitMinimumFigures = 3
        check.falseDiscoveryRate = 0.05
        let input = QualityFixture.input(rows)
        let results = check.unitRounding(check.unitReturns(input), input: input)
        let finding = try #require(results.findings.first)
        #expect(results.findings.count == 1 && finding.region.description == "130121101205" && finding.method == "round_hundreds")
        #expect(abs(finding.parameters.number("p_value")! - 0.001) < 1e-12)
        #expect(abs(finding.parameters.number("q_value")! - 0.012) < 1e-12)
        #expect(abs(DigitHeapingCheck.binomialTail(2, of: 3, probability: 0.1) - (3 * 0.01 * 0.9 + 0.001)) < 1e-15)
    }

    /// Benjamini–Hochberg over the smallest p-values only, out of m: the same q wherever q ≤ α.
    @Test func falseDiscoveryControlOverAScreenedFew() {
        var random = SplitMix64(seed: 21)
        for _ in 0..<50 {
            let p = (0..<200).map { _ in Double.random(in: 0..<1, using: &random) * (Bool.random(using: &random) ? 0.001 : 1) }
            let full = Significance.benjaminiHochberg(p)
            let kept = p.indices.filter { p[$0] <= 0.01 }
            let screened = Significance.benjaminiHochberg(kept.map { p[$0] }, among: p.count)
            for (position, index) in kept.enumerated() where full[index] <= 0.01 {
                #expect(abs(screened[position] - full[index]) < 1e-12)
            }
            #expect(kept.indices.allSatisfy { (screened[$0] <= 0.01) == (full[kept[$0]] <= 0.01) })
        }
    }

    @Test func aFigureWithFewDigitsMayStayPutByChance() {
        // Two villages barely moving (0.2 %) at a resolution of 1: a three-year run is no surprise.
        let rows: [(String, String, String, Double)] = ["2022", "2023", "2024"].flatMap { year in
            [("130121101201", "GRAIN_OUTPUT", year, 500.0), ("130121101202", "GRAIN_OUTPUT", year, year == "2023" ? 501 : 500)]
        }
        #expect(ConstantSeriesCheck().run(QualityFixture.input(rows)).findings.isEmpty)
    }

    @Test(
        "χ² tails against their closed forms",
        arguments: [
            (15.507313055865453, 8, 0.05), (20.090235029663233, 8, 0.01), (27.877164871256568, 9, 0.001), (3.841458820694124, 1, 0.05),
            (200.0, 9, 3.312992393909554e-38), (0.5, 8, 0.999866630349486),
        ])
    func chiSquareTails(x: Double, k: Int, p: Double) {
        #expect(abs(Significance.chiSquareTail(x, degreesOfFreedom: k) - p) <= 1e-9 * p)
    }

    /// Benjamini and Hochberg's (1995) own example, 15 p-values: adjusted as R's `p.adjust(p, "BH")`;
    /// at q = 0.05 the first four are discoveries.
    @Test func benjaminiHochbergAsInThePaper() {
        let p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000]
        let expected = [
            0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.063857, 0.063857, 0.0645, 0.0765, 0.486, 0.581182, 0.714875, 0.753231, 0.813214, 1,
        ]
        let q = Significance.benjaminiHochberg(p.reversed()).reversed().map { $0 }
        #expect(zip(q, expected).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(q.filter { $0 <= 0.05 }.count == 4)
    }
}
