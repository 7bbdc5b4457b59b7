import Foundation
import RuralstatModel

/// Digit preference in a reporter's whole-number figures: figures made up, or estimated by eye,
/// end in 0 and 5 far more often than measured ones.
///
/// - last digit: χ² of the last digits' counts against uniform over 0…9 (9 degrees of freedom);
/// - round numbers: the share of multiples of 10 against the expected 1/10, with a binomial
///   z = (k − N/10) / √(N · 0.1 · 0.9), one-sided.
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
    /// The smallest Cohen's w = √(χ²/N) of the last digits that counts as heaping (0.1: a small effect).
    public var minimumEffect = 0.1
    /// The smallest excess of the share of multiples of 10 over 1/10 that counts as heaping.
    public var minimumRoundExcess = 0.05

    /// `digit_heaping`; the finding's method names the test that failed, the χ² taking precedence.
    public var ruleID: String { BuiltInRule.digitHeaping }

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
        var tally = TallyCounter(ruleID)
        var found: [Finding] = []
        let reporters = ReporterDigits(input.table, level: reporterLevel, catalog: input.catalog, workers: input.workers, lastDigitsOnly: true) {
            $0.kind.isAdditive
        }
        struct Test {
            var region: Int64
            var counts: [Int]
            var n: Int
            var chiSquare: Double
            var z: Double
            var p: Double
        }
        var tests: [Test] = []
        for reporter in reporters.reporters {
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
        return QualityResults(findings: found, tallies: tally.rows)
    }
}
