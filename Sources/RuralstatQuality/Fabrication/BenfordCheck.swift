import Foundation
import RuralstatModel

/// Benford's law on a reporter's amounts: the share of each first significant digit d should be
/// log₁₀(1 + 1/d). The mean absolute deviation of the observed shares from those is judged with
/// Nigrini's (2012) first-digit thresholds: ≤ 0.006 close, ≤ 0.012 acceptable, ≤ 0.015 marginal,
/// above nonconformity. Only reporters with enough values spanning enough orders of magnitude are
/// tested: bounded or assigned numbers do not follow Benford, and few values say nothing.
public struct BenfordCheck: QualityCheck {
    /// The level of the reporter whose figures are pooled (the county sends its villages' data).
    public var reporterLevel: RegionLevel
    /// Reporters with fewer positive values are not tested; 1,000 by default, as few values say nothing.
    public var minimumValues: Int
    /// The 1st and 99th percentiles of the positive values must lie this many decades apart.
    public var minimumOrdersOfMagnitude: Int

    /// `benford_first_digit`, tallied once per reporter.
    public var ruleID: String { BuiltInRule.benfordFirstDigit }

    /// Creates the check with these parameters; see each property.
    public init(reporterLevel: RegionLevel = .county, minimumValues: Int = 1_000, minimumOrdersOfMagnitude: Int = 2) {
        self.reporterLevel = reporterLevel
        self.minimumValues = minimumValues
        self.minimumOrdersOfMagnitude = minimumOrdersOfMagnitude
    }

    /// Nigrini's conformity classes for first digits.
    public static let thresholds: [(limit: Double, label: String)] = [
        (0.006, "close conformity"), (0.012, "acceptable conformity"),
        (0.015, "marginally acceptable conformity"),
    ]

    /// Benford's shares log₁₀(1 + 1/d) of the first digits d = 1…9: 30.1 % for 1 down to 4.6 % for 9.
    public static let expectedShares: [Double] = (1...9).map { log10(1 + 1 / Double($0)) }

    /// The first significant digit (1…9) of a positive finite value.
    public static func firstDigit(_ value: Double) -> Int {
        var m = value
        while m >= 10 { m /= 10 }
        while m < 1 { m *= 10 }
        return min(9, max(1, Int(m)))
    }

    /// Observed first-digit shares and their mean absolute deviation from Benford's.
    public static func deviation(_ values: [Double]) -> (shares: [Double], mad: Double, count: Int) {
        var counts = [Int](repeating: 0, count: 9)
        for value in values where value > 0 && value.isFinite { counts[firstDigit(value) - 1] += 1 }
        return deviation(firstDigits: counts)
    }

    /// The same from counts of first digits 1…9.
    public static func deviation(firstDigits counts: [Int]) -> (shares: [Double], mad: Double, count: Int) {
        let n = counts.reduce(0, +)
        guard n > 0 else { return ([Double](repeating: 0, count: 9), .nan, 0) }
        let shares = counts.map { Double($0) / Double(n) }
        let mad = zip(shares, expectedShares).reduce(0) { $0 + abs($1.0 - $1.1) } / 9
        return (shares, mad, n)
    }

    /// Tests each reporter's summed amounts, pooled over indicators and periods; reporters with too few values, or too narrow a span, are not applicable.
    public func run(_ input: QualityInput) -> QualityResults {
        var tally = TallyCounter(ruleID)
        var found: [Finding] = []
        // Amounts that add up (output, area, income); not averages such as a distance.
        let reporters = ReporterDigits(input.table, level: reporterLevel, catalog: input.catalog, workers: input.workers) {
            $0.kind == .amount && $0.aggregation == .sum
        }
        for (region, counts) in reporters.reporters {
            guard counts.positive >= minimumValues else {
                tally.notApplicable(region)
                continue
            }
            let span = counts.decadeSpan
            guard span >= minimumOrdersOfMagnitude else {
                tally.notApplicable(region)
                continue
            }
            let (shares, mad, n) = Self.deviation(firstDigits: counts.first)
            let limit = Self.thresholds.last!.limit
            guard mad > limit else {
                tally.pass(region)
                continue
            }
            tally.fail(region)
            let code = RegionCode(uncheckedRawValue: region)
            let worst = (0..<9).max { abs(shares[$0] - Self.expectedShares[$0]) < abs(shares[$1] - Self.expectedShares[$1]) }!
            let explanation =
                "\(FindingText.unit(code, registry: input.registry)): the first digits of its \(n) amounts depart from Benford's law "
                + "(MAD \(NumberText.format("%.4f", mad)) > \(limit), Nigrini's nonconformity; digit \(worst + 1) is \(NumberText.format("%.1f", 100 * shares[worst])) % "
                + "against \(NumberText.format("%.1f", 100 * Self.expectedShares[worst])) %; values span \(span) decades)"
            found.append(
                Finding(
                    ruleID: ruleID, method: "benford_mad", severity: .warning, level: code.level, region: code, indicator: nil,
                    period: nil, observed: mad, upperBound: limit, statisticName: "mad", statistic: mad,
                    parameters: [
                        "minimum_values": .integer(minimumValues), "minimum_orders": .integer(minimumOrdersOfMagnitude), "shares": .numbers(Array(shares)),
                    ],
                    peerSize: n, explanation: explanation))
        }
        return QualityResults(findings: found, tallies: tally.rows)
    }
}
