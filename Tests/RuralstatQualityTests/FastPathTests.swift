import Foundation
import Testing
import TestSupport
import RuralstatAggregate
@testable import RuralstatModel
@testable import RuralstatQuality

/// The checks' fast paths against the plain ones they stand in for, on random inputs.
@Suite("Fast paths agree with the plain ones")
struct FastPathTests {
    /// HB's screen decides, without a record, what the full method would: the values used, whether
    /// the group is checked, and whether anything is flagged — for every side, with ties, zeros,
    /// negatives and missing values; and without the size term, the flags it makes from its numbers.
    @Test func hbScreenAgreesWithTheFullMethod() {
        var random = SplitMix64(seed: 57)
        var flaggedGroups = 0, comparedFlags = 0
        for round in 0..<3_000 {
            let count = Int(random.next() % 40) + 1
            let side = OutlierSide.allCases[round % 3]
            let parameters = HidiroglouBerthelot.Parameters(
                mii: round % 5 == 0 ? nil : 20 - Double(round % 17), mei: round % 4 == 0 && round % 5 != 0 ? nil : 3,
                mdm: 0.05, exponent: round % 2 == 0 ? 0 : 0.5, side: side,
                minimumObservations: round % 7 + 3)
            func draw() -> Double {
                switch random.next() % 20 {
                case 0: return .nan
                case 1: return 0
                case 2: return -Double(random.next() % 50)
                case 3, 4: return 100  // ties
                default: return Double(random.next() % 400 + 1)
                }
            }
            let current = (0..<count).map { _ in draw() }, previous = (0..<count).map { _ in draw() }
            let method = HidiroglouBerthelot(parameters)
            let full = method.check(current: current, previous: previous)
            var scratch = [Double](repeating: 0, count: 2 * count)
            let screened = current.withUnsafeBufferPointer { c in
                previous.withUnsafeBufferPointer { p in scratch.withUnsafeMutableBufferPointer { method.screen(current: c, previous: p, scratch: $0) } }
            }
            #expect(screened.used == full.admission.used.count)
            #expect(screened.checked == full.checked)
            #expect(screened.flagged == !full.flagged.isEmpty, "\(current) \(previous) \(parameters)")
            if !full.flagged.isEmpty { flaggedGroups += 1 }
            // Without the size term, the flags made from the screen's numbers are the method's: the same
            // values used, the same units flagged with the same status, ratio and score.
            guard parameters.exponent == 0, screened.checked else { continue }
            let flags = current.withUnsafeBufferPointer { c in previous.withUnsafeBufferPointer { p in method.flags(current: c, previous: p, screen: screened) }
            }
            #expect(flags.used == full.admission.used)
            #expect(flags.flagged == full.flagged, "\(current) \(previous) \(parameters)")
            #expect(screened.medianRatio == full.medianRatio && screened.q1 == full.q1 && screened.median == full.median && screened.q3 == full.q3)
            comparedFlags += 1
        }
        #expect(flaggedGroups > 300)  // the flagged side was exercised too
        #expect(comparedFlags > 1_000)
    }

    /// With the guard against collapsed spread (U = 0), the screen says "flagged" exactly when the
    /// full method flags a value whose ratio is at least the minimum change from the median ratio.
    @Test func hbScreenAppliesTheGuardAsTheCheckDoes() {
        var random = SplitMix64(seed: 58)
        var guarded = 0
        for round in 0..<3_000 {
            let count = Int(random.next() % 30) + 10
            let parameters = HidiroglouBerthelot.Parameters(mii: 7, mei: round % 3 == 0 ? nil : 4, exponent: 0, side: OutlierSide.allCases[round % 3])
            let minimumChange = [0, 0.1, 0.2, 0.5][round % 4]
            // Most units move alike (a collapsed spread), a few more or less.
            let previous = (0..<count).map { _ in Double(random.next() % 400 + 50) }
            let current = previous.map { value in
                let draw = random.next() % 10
                return value * (draw < 6 ? 1.01 : draw < 9 ? 1 + Double(random.next() % 30) / 100 : 1 - Double(random.next() % 60) / 100)
            }
            let method = HidiroglouBerthelot(parameters)
            let full = method.check(current: current, previous: previous)
            let kept = full.flagged.filter { score in
                guard let ratio = score.ratio, let median = full.medianRatio, median != 0 else { return true }
                return abs(ratio / median - 1) >= minimumChange
            }
            var scratch = [Double](repeating: 0, count: 2 * count)
            let screened = current.withUnsafeBufferPointer { c in
                previous.withUnsafeBufferPointer { p in
                    scratch.withUnsafeMutableBufferPointer { method.screen(current: c, previous: p, scratch: $0, minimumChange: minimumChange) }
                }
            }
            #expect(screened.flagged == !kept.isEmpty, "\(current) \(previous) \(minimumChange)")
            if kept.count < full.flagged.count { guarded += 1 }
        }
        #expect(guarded > 100)  // the guard dropped flags in many groups
    }

    /// A reporter's digit counts (decade from the binary exponent, first digit from the mantissa)
    /// agree with the plain first digit and decade, powers of ten and their neighbours included.
    @Test func digitCountsAgreeWithThePlainDigits() {
        var random = SplitMix64(seed: 59)
        var values: [Double] = []
        for exponent in -10...14 {
            let power = pow(10, Double(exponent))
            values += [power, power.nextUp, power.nextDown, 9.999_999 * power, 1.000_001 * power]
        }
        for _ in 0..<20_000 { values.append(pow(10, Double.random(in: -10..<14, using: &random))) }
        for value in values {
            var counts = ReporterDigits.Counts()
            counts.storage.withUnsafeMutableBufferPointer { buffer in
                ReporterDigits.Counts.powersOfTen.withUnsafeBufferPointer {
                    ReporterDigits.Counts.add(value, into: buffer.baseAddress!, powers: $0.baseAddress!, digits: .first)
                }
            }
            // The plain way: divide or multiply by ten until the mantissa lies in [1, 10).
            var mantissa = value, decade = 0
            while mantissa >= 10 { mantissa /= 10; decade += 1 }
            while mantissa < 1 { mantissa *= 10; decade -= 1 }
            let first = counts.first.firstIndex(of: 1).map { $0 + 1 }
            #expect(first == BenfordCheck.firstDigit(value) || abs(mantissa - mantissa.rounded()) < 1e-9, "\(value)")
            #expect(counts.decades.firstIndex(of: 1).map { $0 - 19 - 12 } == decade || abs(mantissa - 1) < 1e-9 || abs(mantissa - 10) < 1e-9, "\(value)")
        }
    }

    /// The units of a partition's columns (the largest as the base, the units the others add gathered
    /// and merged in) are the sorted union of their regions.
    @Test func unitRegionsAreTheUnionOfTheColumns() {
        var random = SplitMix64(seed: 60)
        for _ in 0..<300 {
            let base = (0..<Int(random.next() % 60)).map { _ in Int64(random.next() % 200) }
            let columns = (0..<Int(random.next() % 8)).map { _ -> IndicatorColumn in
                // Mostly the same units, now and then others; some columns of other units altogether
                // (a level the others do not have), so that the gathered units are merged in early.
                let others = random.next() % 4 == 0 ? (0..<Int(random.next() % 80)).map { _ in Int64(random.next() % 200 + 200) } : []
                let regions = Set(
                    base.filter { _ in random.next() % 10 != 0 } + (0..<Int(random.next() % 4)).map { _ in Int64(random.next() % 200) } + others)
                let sorted = regions.sorted()
                return IndicatorColumn(regions: sorted, values: sorted.map(Double.init))
            }
            #expect(columns.unitRegions == Set(columns.flatMap(\.regions)).sorted())
        }
    }

    /// The packed-key table, emptied and reused, holds what a dictionary holds.
    @Test func packedKeyTableMatchesADictionary() {
        var random = SplitMix64(seed: 5)
        var table = PackedKeyTable()
        for round in 0..<200 {
            let count = Int(random.next() % 300)
            table.reset(for: count)
            var expected: [UInt64: Int] = [:]
            for _ in 0..<count {
                // Few distinct keys in some rounds (many repeats), any 64-bit key in others.
                let key = round % 2 == 0 ? random.next() % 40 : random.next()
                let slot = table.slot(key)
                table[slot: slot] += 1
                expected[key, default: 0] += 1
            }
            #expect(table.filled.count == expected.count)
            for (key, value) in expected { #expect(table.value(key) == value) }
            #expect(table.value(UInt64.max - 1) == expected[UInt64.max - 1])
        }
    }
}

@Suite("Numbers in explanations")
struct FindingNumberTests {
    /// The fast `%.3g` gives printf's text wherever it answers, and answers nearly everywhere.
    @Test func threeSignificantDigitsMatchPrintf() {
        var random = SplitMix64(seed: 77)
        var answered = 0
        var values: [Double] = [
            0.01, 0.0125, 0.125, 1.005, 2.675, 9.995, 99.95, 999.4, 999.5, 0.099995, 12.5, 1.25, -3.14159, -0.5, 0.1, 10.05, 0.0001, 0.000_099_99,
            0.000_999_5, 0.001, -0.000_456_7,
        ]
        for _ in 0..<20_000 {
            let decade = Double(random.next() % 8) - 4  // 10⁻⁴ … 10³
            let mantissa = 1 + Double(random.next() % 9_000_000) / 1_000_000
            let value = mantissa * pow(10, decade) * (random.next() % 4 == 0 ? -1 : 1)
            // A third of them land on the ties printf must settle: three digits and a 5.
            values.append(random.next() % 3 == 0 ? (value * 1_000).rounded() / 1_000 + 0.0005 : value)
        }
        for value in values where abs(value) < 1000 {
            guard let fast = NumberText.threeSignificantDigits(value) else { continue }
            answered += 1
            #expect(fast == NumberText.format("%.3g", value), "\(value)")
        }
        #expect(answered > values.count * 3 / 4)
    }

    /// Readable numbers: whole below 1e15, three significant digits otherwise; a value too large for
    /// an Int64 (a finding's statistic can be) is printf's, not a trap.
    @Test func readableNumbersAtTheEdges() {
        #expect(NumberText.readable(15_184.4) == "15184")
        #expect(NumberText.readable(0.123456) == "0.123")
        #expect(NumberText.readable(-2.5) == "-2.5")
        #expect(NumberText.readable(.nan) == "NaN")
        #expect(NumberText.readable(999_999_999_999_999) == "999999999999999")
        #expect(NumberText.readable(1e15) == "1e+15")
        #expect(NumberText.readable(123_456_789_012) == "123456789012")
        #expect(NumberText.readable(1e20) == "1e+20")
        #expect(NumberText.readable(-Double.greatestFiniteMagnitude) == "-1.8e+308")
        #expect(NumberText.readable(.infinity) == "inf")
    }

    /// An explanation written as bytes reads as the same pieces put together as strings: units with and
    /// without their name, the nation, indicators, amounts with their unit, readable numbers, counts
    /// and anything else by its description; runs of spaces collapse as ``FindingText/tidy(_:)``'s.
    @Test func explanationTextWritesThePiecesAsStringsDo() throws {
        let chain = [
            ("110000000000", "北京市", ""), ("110100000000", "市辖区", "110000000000"), ("110101000000", "东城区", "110100000000"),
            ("110101001000", "东华门街道", "110101000000"), ("110101001201", "多福巷村", "110101001000"),
        ]
        let registry = try RegionRegistry(
            edition: 2023,
            rows: chain.enumerated().map { line, row in
                RegionRow(code: row.0, name: row.1, parentCode: row.2, urbanRuralClass: "", location: SourceLocation(file: "r.csv", line: line + 1))
            })
        let village = RegionCode(uncheckedRawValue: 110_101_001_201), unnamed = RegionCode(uncheckedRawValue: 110_101_001_202)
        let grain = Indicator(
            code: "GRAIN_OUTPUT", validFrom: 2016, nameZh: "粮食产量", nameEn: "Grain", unit: "吨", kind: .amount, reportedLevels: [.village],
            aggregation: .sum)
        let text: ExplanationText = """
            \(unit: village, registry: registry) | \(unit: unnamed, registry: registry) | \(unit: village, registry: nil) | \
            \(unit: .national, registry: registry) | \(indicator: "GRAIN_OUTPUT", grain) \(indicator: "X", nil) | \
            \(amount: 15_184.4, grain) \(amount: 0.125, nil)  \(number: 0.000_123_456) \(number: -2.5) \(12) \(RegionLevel.county) \(try Period("2024"))
            """
        #expect(
            text.text
                == "村 110101001201 多福巷村 | 村 110101001202 | 村 110101001201 | 全国 | 粮食产量 GRAIN_OUTPUT X | 15184 吨 0.125 0.000123 -2.5 12 county 2024")
        #expect(FindingText.unit(village, registry: registry) == "村 110101001201 多福巷村")
        #expect(FindingText.amount(52_000, grain) == "52000 吨")
        #expect(ExplanationText(stringLiteral: "a  b   c ").text == "a b c ")
        // A piece taken as a string is as written: only a whole explanation is tidied.
        let spaced = Indicator(
            code: "GRAIN_OUTPUT", validFrom: 2016, nameZh: "粮食  产量", nameEn: "Grain", unit: "吨", kind: .amount, reportedLevels: [.village],
            aggregation: .sum)
        #expect(FindingText.indicator("GRAIN_OUTPUT", spaced) == "粮食  产量 GRAIN_OUTPUT")
    }

    /// Runs of spaces left by empty parts collapse to one; other text is left as it is.
    @Test func tidyCollapsesRunsOfSpaces() {
        #expect(FindingText.tidy("村 110101001201  粮食产量   52000 吨 ") == "村 110101001201 粮食产量 52000 吨 ")
        #expect(FindingText.tidy(" 县 全国 ") == " 县 全国 ")
        #expect(FindingText.tidy("") == "")
    }
}

extension FastPathTests {
    /// The peer check's screen (a counting pass that shows a group's MAD leaves every unit within the
    /// threshold) gives the same findings and tallies as computing every group's MAD: random counties
    /// of townships of 1–40 villages, with ties, a collapsed spread, and slips of ×3 to ×50, on both
    /// scales, with and without the pooled spread.
    @Test func peerScreenAgreesWithEveryGroupsMAD() {
        var random = SplitMix64(seed: 59)
        var flagged = 0
        for round in 0..<60 {
            var rows: [(String, Double)] = []
            for township in 1...12 {
                let size = Int(random.next() % 40) + 1
                let centre = Double(random.next() % 900 + 100), tied = random.next() % 4 == 0
                for village in 1...size {
                    var value = tied && random.next() % 3 != 0 ? centre : centre * (0.8 + Double(random.next() % 400) / 1_000)
                    if random.next() % 25 == 0 { value *= [3, 8, 50, 0.02][Int(random.next() % 4)] }
                    rows.append((String(format: "130121%03d%03d", township, village), value.rounded()))
                }
            }
            let threshold = [3.5, 5, 2][round % 3]
            var check = PeerOutlierCheck(threshold: threshold, minimumPeers: 8, logScaleKinds: round % 2 == 0 ? [.amount] : [], poolSpread: round % 4 < 2)
            let input = QualityInput(table: PeerOutlierCheckTests.table(rows), rollups: [], catalog: PeerOutlierCheckTests.catalog, registry: nil, workers: 2)
            let screened = check.run(input)
            check.screensGroups = false
            let full = check.run(input)
            #expect(screened.findings == full.findings)
            #expect(screened.tallies == full.tallies)
            flagged += full.findings.count
        }
        #expect(flagged > 100)
        // Subnormal figures, where rounding is not relative: the screen must leave the group to the full method.
        let tiny = (1...17).map { village in
            (String(format: "130121001%03d", village), village <= 8 ? 0 : village <= 16 ? Double.leastNonzeroMagnitude : 7 * Double.leastNonzeroMagnitude)
        }
        var check = PeerOutlierCheck(threshold: 5, minimumPeers: 8, logScaleKinds: [], poolSpread: false)
        let input = QualityInput(table: PeerOutlierCheckTests.table(tiny), rollups: [], catalog: PeerOutlierCheckTests.catalog, registry: nil, workers: 1)
        let screened = check.run(input)
        check.screensGroups = false
        #expect(screened.findings == check.run(input).findings && screened.findings.count == 1)
    }
}
