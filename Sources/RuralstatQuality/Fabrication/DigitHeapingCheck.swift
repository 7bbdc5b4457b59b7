import Foundation
import RuralstatModel

/// Digit preference in a reporter's whole-number figures: figures made up, or estimated by eye,
/// end in 0 and 5 far more often than measured ones.
///
/// - last digit: χ² of the last digits' counts against uniform over 0…9 (9 degrees of freedom);
/// - round numbers: the share of multiples of 10 against the expected 1/10, with a binomial
///   z = (k − N/10) / √(N · 0.1 · 0.9), one-sided.
///
/// Each unit's own figures are tested too (method `round_hundreds`): a return whose figures of three
/// digits or more are nearly all multiples of 100 was rounded, or estimated. Among ``unitMinimumFigures``
/// or more such figures, k multiples of 100 have the binomial tail P(K ≥ k) with p = 0.1 (the share
/// a unit that honestly reports in tens has); those p-values are adjusted by Benjamini–Hochberg over
/// all units and periods, and a unit is flagged where q ≤ ``falseDiscoveryRate``.
///
/// A reporter's p-value is the smaller of the two, doubled (Bonferroni over the two tests); the
/// p-values of all reporters are adjusted by Benjamini–Hochberg, and a reporter is flagged where its
/// q is at most ``falseDiscoveryRate`` and the heaping is large enough to matter: Cohen's
/// w = √(χ²/N) of at least ``minimumEffect``, or a round-number share at least
/// ``minimumRoundExcess`` above 1/10. (With thousands of figures a trifling preference is
/// significant; the effect floor keeps such reporters out.)
///
/// Only whole numbers of at least three digits count (``smallestTested``): a one-digit figure's last
/// digit is its first, and the last digits of two-digit figures are not uniform in honest data
/// (Benford's law reaches into the second digit), which flagged a quarter of clean counties.
public struct DigitHeapingCheck: QualityCheck {
    /// The level of the reporter whose units' figures are pooled (the county, which sends its villages' data).
    public var reporterLevel = RegionLevel.county
    /// Reporters with fewer whole-number figures of three digits or more are not tested.
    public var minimumValues = 100
    /// The Benjamini–Hochberg level: heaping is significant where its q-value is at most this.
    public var falseDiscoveryRate = 0.01
    /// The smallest Cohen's w = √(χ²/N) of the last digits that counts as heaping (0.5: a large effect).
    public var minimumEffect = 0.5
    /// The smallest excess of the share of multiples of 10 over 1/10 that counts as heaping (0.15: two and a half times as many).
    public var minimumRoundExcess = 0.15
    /// A unit's own figures are tested when it has at least this many of three digits or more.
    public var unitMinimumFigures = 5
    /// The share of multiples of 100 an honest unit may have (one that reports in tens has 1 in 10).
    public static let unitRoundShare = 0.1

    /// `digit_heaping`; the finding's method names the test that failed, the χ² taking precedence.
    public var ruleID: String { BuiltInRule.digitHeaping }

    /// ``QualityCheck/relativeCost``: the last digits of every count, and every figure of every return.
    public var relativeCost: Int { 7 }

    /// The check with the defaults above (set a property to change one).
    public init() {}

    /// The smallest figure whose last digit is tested: three digits.
    public static let smallestTested = 100.0

    /// The last digits' counts of whole numbers ≥ ``smallestTested``, and their χ² against uniform.
    public static func lastDigits(_ values: [Double]) -> (counts: [Int], chiSquare: Double, n: Int) {
        var counts = [Int](repeating: 0, count: 10)
        for value in values where value >= smallestTested && value < 1e15 && value == value.rounded() {
            counts[Int(value.truncatingRemainder(dividingBy: 10))] += 1
        }
        return chiSquare(lastDigits: counts)
    }

    /// χ² of last-digit counts 0…9 against uniform.
    static func chiSquare(lastDigits counts: [Int]) -> (counts: [Int], chiSquare: Double, n: Int) {
        let n = counts.reduce(0, +)
        guard n > 0 else { return (counts, .nan, 0) }
        let expected = Double(n) / 10
        return (counts, counts.reduce(0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }, n)
    }

    /// Tests each reporter's whole-number figures of additive indicators, pooled over indicators and periods.
    public func run(_ input: QualityInput) -> QualityResults {
        // Counts only: they are whole numbers by nature, so heaping shows in them alone; an amount that
        // is whole was rounded already, and a few units that round theirs would weigh too much.
        let reporters = ReporterDigits(input.table, level: reporterLevel, catalog: input.catalog, workers: input.workers, digits: .last) {
            $0.kind == .count
        }.reporters
        let returns = unitReturns(input)
        // The false-discovery rate holds over every reporter and every return of the country:
        // province by province, they are gathered, and the nation's pass judges them all.
        switch input.scope {
        case .whole:
            return conclude(reporters, returns.sorted { ($0.period, $0.province) < ($1.period, $1.province) }, input: input)
        case .province(let evidence):
            evidence.add(Evidence(reporters: reporters, returns: returns), rule: ruleID)
            return QualityResults()
        case .nation(let evidence, _):
            let gathered = evidence.all(ruleID, as: Evidence.self)
            let all = (gathered.flatMap(\.reporters) + reporters).sorted { $0.region < $1.region }
            return conclude(all, (gathered.flatMap(\.returns) + returns).sorted { ($0.period, $0.province) < ($1.period, $1.province) }, input: input)
        }
    }

    /// One pass's reporters and unit returns.
    struct Evidence {
        var reporters: [ReporterDigits.Reporter]
        var returns: [PartitionReturns]
    }

    /// The tests of every reporter (in region order), adjusted together, then the unit returns'.
    private func conclude(_ reporters: [ReporterDigits.Reporter], _ returns: [PartitionReturns], input: QualityInput) -> QualityResults {
        var tally = TallyCounter(ruleID)
        var found: [Finding] = []
        struct Test {
            var region: Int64
            var counts: [Int]
            var n: Int
            var chiSquare: Double
            var z: Double
            var p: Double
        }
        var tests: [Test] = []
        for reporter in reporters {
            let (counts, chiSquare, n) = Self.chiSquare(lastDigits: reporter.pooled.last)
            guard n >= minimumValues else {
                tally.notApplicable(reporter.region)
                continue
            }
            let z = (Double(counts[0]) - Double(n) / 10) / (Double(n) * 0.09).squareRoot()
            let p = min(1, 2 * min(Significance.chiSquareTail(chiSquare, degreesOfFreedom: 9), Significance.normalTail(z)))
            tests.append(Test(region: reporter.region, counts: counts, n: n, chiSquare: chiSquare, z: z, p: p))
        }
        let q = Significance.benjaminiHochberg(tests.map(\.p))
        for (test, q) in zip(tests, q) {
            let (counts, n, chiSquare, z) = (test.counts, test.n, test.chiSquare, test.z)
            let effect = (chiSquare / Double(n)).squareRoot()
            let roundExcess = Double(counts[0]) / Double(n) - 0.1
            guard q <= falseDiscoveryRate && (effect >= minimumEffect || roundExcess >= minimumRoundExcess) else {
                tally.pass(test.region)
                continue
            }
            tally.fail(test.region)
            let code = RegionCode(uncheckedRawValue: test.region)
            let share = { (digit: Int) in NumberText.format("%.1f", 100 * Double(counts[digit]) / Double(n)) }
            let explanation =
                "\(FindingText.unit(code, registry: input.registry)): \(share(0)) % of its \(n) whole-number figures end in 0 and "
                + "\(share(5)) % in 5, against 10 % each (last-digit χ² \(NumberText.format("%.1f", chiSquare)), effect w \(NumberText.format("%.2f", effect)); "
                + "round-number z \(NumberText.format("%.1f", z)); p \(NumberText.format("%.2g", test.p)), Benjamini–Hochberg q \(NumberText.format("%.2g", q)) "
                + "≤ \(FindingText.number(falseDiscoveryRate)) over \(tests.count) reporters)"
            let method =
                Significance.chiSquareTail(chiSquare, degreesOfFreedom: 9) <= Significance.normalTail(z) ? "last_digit_chi_square" : "round_number_share"
            found.append(
                Finding(
                    ruleID: ruleID, method: method, severity: .warning, level: code.level, region: code, indicator: nil, period: nil,
                    observed: chiSquare, statisticName: "chi_square", statistic: chiSquare,
                    parameters: [
                        "minimum_values": .integer(minimumValues), "round_z": .number(z), "effect_w": .number(effect), "p_value": .number(test.p),
                        "q_value": .number(q), "fdr": .number(falseDiscoveryRate), "tests": .integer(tests.count), "counts": .integers(Array(counts)),
                    ],
                    peerSize: n, explanation: explanation))
        }
        var results = QualityResults(findings: found, tallies: tally.rows)
        results.append(unitRounding(returns, input: input))
        return results
    }

    /// One partition's unit returns: how many were tested, how many passed by level (those that could
    /// never be significant), and the candidates kept.
    struct PartitionReturns {
        var period: Period
        var province: Int
        var tested: Int
        var passed: [Int]
        var candidates: [ReturnCount]
    }

    /// A unit's return of one period: its figures of three digits or more, and how many are multiples of 100.
    struct ReturnCount {
        var region: Int64
        var period: Period
        var figures: Int
        var round: Int
        var p: Double
    }

    /// The per-unit test, counted: each unit's figures of three digits or more in a period, and how
    /// many of them are multiples of 100; per partition, in partition order.
    func unitReturns(_ input: QualityInput) -> [PartitionReturns] {
        let table = input.table
        // The binomial tails, once: a unit has at most one figure per indicator.
        let most = table.indicators.count
        let tails = (0...most).map { n in (0...n).map { k in Self.binomialTail(k, of: n, probability: Self.unitRoundShare) } }
        let level = falseDiscoveryRate
        // Only returns with p ≤ the level can have q ≤ it: the rest are counted, not kept.
        return table.mapPartitions(workers: input.workers) { partition -> PartitionReturns in
            let period = table.periods[partition.period]
            let used = table.additiveColumns(of: partition, catalog: input.catalog).columns
            let units = used.unitRegions
            var figures = [Int](repeating: 0, count: units.count), round = figures
            figures.withUnsafeMutableBufferPointer { figures in
                round.withUnsafeMutableBufferPointer { round in
                    used.forEachRow(in: units) { _, unit, value in
                        let value = abs(value)
                        guard value >= Self.smallestTested, value < 1e15 else { return }
                        figures[unit] += 1
                        // value / 100 is exact when value is a multiple of 100 (and cheaper than fmod).
                        let hundreds = value / 100
                        if hundreds == hundreds.rounded(.towardZero) { round[unit] += 1 }
                    }
                }
            }
            var tested = 0
            var passed = [Int](repeating: 0, count: RegionLevel.allCases.count)
            var candidates: [ReturnCount] = []
            for unit in units.indices where figures[unit] >= unitMinimumFigures {
                tested += 1
                let p = tails[figures[unit]][round[unit]]
                if p <= level {
                    candidates.append(ReturnCount(region: units[unit], period: period, figures: figures[unit], round: round[unit], p: p))
                } else {
                    passed[RegionCode(uncheckedRawValue: units[unit]).level.rawValue] += 1
                }
            }
            return PartitionReturns(period: period, province: partition.province, tested: tested, passed: passed, candidates: candidates)
        }
    }

    /// The per-unit test, judged: the returns' p-values adjusted over every return tested.
    func unitRounding(_ parts: [PartitionReturns], input: QualityInput) -> QualityResults {
        let total = parts.reduce(0) { $0 + $1.tested }
        let counts = parts.flatMap(\.candidates)
        let q = Significance.benjaminiHochberg(counts.map(\.p), among: total)
        var tally = TallyCounter(ruleID)
        var found: [Finding] = []
        // Returns that could never be significant pass in bulk, per partition (one province) and level.
        for part in parts {
            for level in RegionLevel.allCases where part.passed[level.rawValue] > 0 {
                tally.add(province: Int64(part.province) * 10_000_000_000, level: level, passed: part.passed[level.rawValue], notApplicable: 0)
            }
        }
        for (index, count) in counts.enumerated() {
            guard q[index] <= falseDiscoveryRate else {
                tally.pass(count.region)
                continue
            }
            tally.fail(count.region)
            let region = RegionCode(uncheckedRawValue: count.region)
            let explanation =
                "\(FindingText.unit(region, registry: input.registry)): \(count.round) of its \(count.figures) figures of three digits or more for \(count.period) "
                + "are multiples of 100, against at most 1 in 10 for a unit that reports in tens (binomial p \(NumberText.format("%.2g", count.p)), "
                + "Benjamini–Hochberg q \(NumberText.format("%.2g", q[index])) ≤ \(FindingText.number(falseDiscoveryRate)) over \(total) returns); rounded or estimated"
            found.append(
                Finding(
                    ruleID: ruleID, method: "round_hundreds", severity: .warning, level: region.level, region: region, indicator: nil,
                    period: count.period, observed: Double(count.round), statisticName: "multiples_of_100", statistic: Double(count.round),
                    parameters: [
                        "minimum_figures": .integer(unitMinimumFigures), "p_value": .number(count.p), "q_value": .number(q[index]),
                        "fdr": .number(falseDiscoveryRate), "tests": .integer(total),
                    ],
                    peerSize: count.figures, explanation: explanation))
        }
        return QualityResults(findings: found, tallies: tally.rows)
    }

    /// P(K ≥ k) for K ~ Binomial(n, p): the upper terms summed, so that a tiny tail keeps its digits.
    static func binomialTail(_ k: Int, of n: Int, probability p: Double) -> Double {
        guard k > 0 else { return 1 }
        guard k <= n else { return 0 }
        var tail = 0.0
        for i in k...n {
            tail += exp(lgamma(Double(n + 1)) - lgamma(Double(i + 1)) - lgamma(Double(n - i + 1)) + Double(i) * log(p) + Double(n - i) * log1p(-p))
        }
        return min(1, tail)
    }
}
