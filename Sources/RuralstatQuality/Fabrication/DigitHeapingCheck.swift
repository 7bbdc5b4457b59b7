import Foundation
import RuralstatModel

/// Digit preference in a reporter's whole-number figures: figures made up, or estimated by eye,
/// end in 0 and 5 far more often than measured ones.
///
/// - last digit: χ² of the last digits' counts against uniform over 0…9 (9 degrees of freedom);
///   above 27.88 (p < 0.001) is heaping;
/// - round numbers: the share of multiples of 10 against the expected 1/10, with a binomial
///   z = (k − N/10) / √(N · 0.1 · 0.9); above 4 is heaping.
///
/// Only whole numbers of at least three digits count (``smallestTested``): a one-digit figure's last
/// digit is its first, and the last digits of two-digit figures are not uniform in honest data
/// (Benford's law reaches into the second digit), which flagged a quarter of clean counties.
public struct DigitHeapingCheck: QualityCheck {
    /// The level of the reporter whose units' figures are pooled (the county, which sends its villages' data).
    public var reporterLevel = RegionLevel.county
    /// Reporters with fewer whole-number figures of three digits or more are not tested.
    public var minimumValues = 100
    /// χ²₉ at p = 0.001.
    public var chiSquareLimit = 27.877
    /// A binomial z of the share of multiples of 10 above this is heaping.
    public var roundShareZLimit = 4.0

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
        for (region, digits) in reporters.reporters {
            let (counts, chiSquare, n) = Self.chiSquare(lastDigits: digits.last)
            guard n >= minimumValues else {
                tally.notApplicable(region)
                continue
            }
            let z = (Double(counts[0]) - Double(n) / 10) / (Double(n) * 0.09).squareRoot()
            guard chiSquare > chiSquareLimit || z > roundShareZLimit else {
                tally.pass(region)
                continue
            }
            tally.fail(region)
            let code = RegionCode(uncheckedRawValue: region)
            let share = { (digit: Int) in NumberText.format("%.1f", 100 * Double(counts[digit]) / Double(n)) }
            let explanation =
                "\(FindingText.unit(code, registry: input.registry)): \(share(0)) % of its \(n) whole-number figures end in 0 and "
                + "\(share(5)) % in 5, against 10 % each (last-digit χ² \(NumberText.format("%.1f", chiSquare)), limit \(chiSquareLimit) at p < 0.001; "
                + "round-number z \(NumberText.format("%.1f", z)), limit \(FindingText.number(roundShareZLimit)))"
            found.append(
                Finding(
                    ruleID: ruleID, method: chiSquare > chiSquareLimit ? "last_digit_chi_square" : "round_number_share",
                    severity: .warning, level: code.level, region: code, indicator: nil, period: nil, observed: chiSquare,
                    upperBound: chiSquareLimit, statisticName: "chi_square", statistic: chiSquare,
                    parameters: ["minimum_values": .integer(minimumValues), "round_z": .number(z), "counts": .integers(Array(counts))],
                    peerSize: n, explanation: explanation))
        }
        return QualityResults(findings: found, tallies: tally.rows)
    }
}
