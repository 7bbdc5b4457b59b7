import Foundation
import RuralstatAggregate
import RuralstatModel

/// Benford's law on a reporter's amounts: the share of each first significant digit d should be
/// log₁₀(1 + 1/d). Each reporter (the county, which compiles its villages' figures) is tested twice
/// over: all its amounts pooled, and each indicator on its own where it has enough values, since one
/// indicator made up across a county is diluted in the pool (its MAD 0.065 alone, 0.015 pooled).
///
/// The two tests differ in what "departs" means:
/// - **pooled**: the χ² of the digit counts against Benford's shares (8 degrees of freedom). A
///   county's amounts of many indicators span many decades, and honest pools conform.
/// - **one indicator**: one indicator's values in one county span two or three decades around the
///   county's own level, and such values honestly depart from Benford's law (digit 1 at 36 %
///   rather than 30 %, a MAD near 0.03, in every county). Made-up figures depart the other way:
///   towards even first digits. So each county's *evenness* — the log-likelihood ratio per value of
///   its first digits under even digits against Benford's (``evenness(firstDigits:)``) — is set
///   against the same indicator's in the other counties: a robust z from the median and the spread
///   of the lower half ((median − lower quartile) / 0.6745, at least 0.01 and at least the sampling
///   spread of its own n values under Benford's law, 0.645/√n: made-up counties sit in the upper half
///   and would widen a two-sided spread), and its normal tail. (The MAD, a sum of
///   absolute deviations, varies too much between honest counties of a few hundred values to tell them apart.) A county departs when it departs far more
///   than its peers do. This needs ``minimumReportersPerIndicator`` counties tested for the indicator.
///
/// A test flags when two things hold:
/// - the departure is **significant** after controlling the false-discovery rate: the p-values are
///   adjusted by Benjamini–Hochberg, the pools and the indicator tests as two families (honest pools
///   of many values depart a little, significantly, and would lower the bar for the indicator
///   tests); q ≤ ``falseDiscoveryRate``;
/// - and it is **large**: the mean absolute deviation of the shares from Benford's exceeds
///   Nigrini's (2012) limit of nonconformity for first digits, 0.015 (≤ 0.006 close, ≤ 0.012
///   acceptable, ≤ 0.015 marginal).
///
/// Only tests with enough values are run, and pools only where they span enough orders of magnitude
/// (bounded or assigned numbers do not follow Benford's law; an indicator's test compares it with
/// the same indicator elsewhere, so its span needs no floor); few values say nothing.
public struct BenfordCheck: QualityCheck {
    /// The level of the reporter whose figures are pooled (the county sends its villages' data).
    public var reporterLevel: RegionLevel
    /// A reporter's pooled amounts are not tested below this many positive values.
    public var minimumValues: Int
    /// One indicator of a reporter is not tested below this many positive values.
    public var minimumValuesPerIndicator: Int
    /// An indicator is tested county by county only when at least this many counties have enough of its values.
    public var minimumReportersPerIndicator = 10
    /// The 1st and 99th percentiles of the positive values must lie this many decades apart.
    public var minimumOrdersOfMagnitude: Int
    /// The Benjamini–Hochberg level: a departure is significant where its q-value is at most this.
    public var falseDiscoveryRate: Double

    /// `benford_first_digit`, tallied once per test (a reporter's pool, and each indicator tested).
    public var ruleID: String { BuiltInRule.benfordFirstDigit }

    /// ``QualityCheck/relativeCost``: the digits of every amount.
    public var relativeCost: Int { 8 }

    /// Creates the check with these parameters; see each property.
    public init(
        reporterLevel: RegionLevel = .county, minimumValues: Int = 1_000, minimumValuesPerIndicator: Int = 300, minimumOrdersOfMagnitude: Int = 2,
        falseDiscoveryRate: Double = 0.01
    ) {
        self.reporterLevel = reporterLevel
        self.minimumValues = minimumValues
        self.minimumValuesPerIndicator = minimumValuesPerIndicator
        self.minimumOrdersOfMagnitude = minimumOrdersOfMagnitude
        self.falseDiscoveryRate = falseDiscoveryRate
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

    /// Pearson's χ² of first-digit counts 1…9 against Benford's shares, and its p-value (8 degrees of freedom).
    public static func chiSquare(firstDigits counts: [Int]) -> (chiSquare: Double, p: Double) {
        let n = Double(counts.reduce(0, +))
        guard n > 0 else { return (.nan, 1) }
        let x = zip(counts, expectedShares).reduce(0.0) { sum, pair in
            let expected = n * pair.1
            return sum + (Double(pair.0) - expected) * (Double(pair.0) - expected) / expected
        }
        return (x, Significance.chiSquareTail(x, degreesOfFreedom: 8))
    }

    /// The smallest spread of the counties' evenness for one indicator (a few counties alike would
    /// otherwise make any difference significant).
    public static let smallestPeerSpread = 0.01

    /// The standard deviation of one value's log-likelihood ratio under Benford's law (0.645): the
    /// evenness of n values varies by this over √n by chance alone.
    static let evennessDeviation: Double = {
        let ratios = expectedShares.map { log(1.0 / 9 / $0) }
        let mean = zip(expectedShares, ratios).reduce(0.0) { $0 + $1.0 * $1.1 }
        return zip(expectedShares, ratios).reduce(0.0) { $0 + $1.0 * ($1.1 - mean) * ($1.1 - mean) }.squareRoot()
    }()

    /// The log-likelihood ratio per value of first digits under even digits (1/9 each) against
    /// Benford's shares: about +0.2 for made-up digits, −0.2 for Benford's own, lower still for the
    /// narrow spans of one indicator in one county (where 1 leads even more).
    static func evenness(firstDigits counts: [Int]) -> Double {
        let n = Double(counts.reduce(0, +))
        guard n > 0 else { return 0 }
        return zip(counts, expectedShares).reduce(0.0) { $0 + Double($1.0) * log(1.0 / 9 / $1.1) } / n
    }

    /// One test: a reporter's pool (no indicator) or one of its indicators.
    struct Test {
        var region: Int64
        var indicator: String?
        var counts: [Int]
        var span: Int
        var mad: Double
        var shares: [Double]
        var chiSquare: Double
        var p: Double
        /// For one indicator: the counties tested for it, this one's evenness, their median, and its robust z.
        var peers: (count: Int, evenness: Double, median: Double, z: Double)?
        /// The Benjamini–Hochberg q-value within its family, and the family's size.
        var q = 1.0
        var family = 0
    }

    /// Tests each reporter's summed amounts, pooled over indicators and periods and per indicator;
    /// tests with too few values, or too narrow a span, are not applicable.
    public func run(_ input: QualityInput) -> QualityResults {
        // Amounts that add up (output, area, income); not averages such as a distance.
        let reporters = ReporterDigits(input.table, level: reporterLevel, catalog: input.catalog, workers: input.workers, digits: .first) {
            $0.kind == .amount && $0.aggregation == .sum
        }.reporters
        // A county is judged against the country's counties: province by province, the counts are
        // gathered, and the nation's pass judges them all.
        switch input.scope {
        case .whole:
            return conclude(reporters, input: input)
        case .province(let evidence):
            evidence.add(reporters, rule: ruleID)
            return QualityResults()
        case .nation(let evidence, _):
            let all = (evidence.all(ruleID, as: [ReporterDigits.Reporter].self).flatMap { $0 } + reporters).sorted { $0.region < $1.region }
            return conclude(all, input: input)
        }
    }

    /// The tests of every reporter (in region order), adjusted together, and their findings.
    private func conclude(_ reporters: [ReporterDigits.Reporter], input: QualityInput) -> QualityResults {
        var tally = TallyCounter(ruleID)
        var tests: [Test] = []
        var byIndicator: [String: [Test]] = [:]
        for reporter in reporters {
            let candidates = [(nil, reporter.pooled, minimumValues)] + reporter.byIndicator.map { ($0.indicator, $0.counts, minimumValuesPerIndicator) }
            for (indicator, counts, least) in candidates {
                // One indicator alone is the pool: test it once.
                if indicator != nil && reporter.byIndicator.count == 1 { continue }
                // The span matters for the pool, held against Benford's law; an indicator is held
                // against its peers, whose spans are alike.
                guard counts.positive >= least, indicator != nil || counts.decadeSpan >= minimumOrdersOfMagnitude else {
                    tally.notApplicable(reporter.region)
                    continue
                }
                let (shares, mad, _) = Self.deviation(firstDigits: counts.first)
                let (chiSquare, p) = Self.chiSquare(firstDigits: counts.first)
                let test = Test(
                    region: reporter.region, indicator: indicator, counts: counts.first, span: counts.decadeSpan, mad: mad, shares: shares,
                    chiSquare: chiSquare, p: p)
                if let indicator { byIndicator[indicator, default: []].append(test) } else { tests.append(test) }
            }
        }
        // Each indicator's counties against one another.
        var perIndicator: [Test] = []
        for (_, peers) in byIndicator.sorted(by: { $0.key < $1.key }) {
            guard peers.count >= minimumReportersPerIndicator else {
                for test in peers { tally.notApplicable(test.region) }
                continue
            }
            // How much likelier each county's first digits are under even digits than under Benford's
            // law; the spread from the lower half alone, since the test looks for counties that lean
            // further towards even digits, and a share of made-up ones would widen a two-sided spread.
            let scores = peers.map { Self.evenness(firstDigits: $0.counts) }
            var sorted = scores
            let median = sorted.withUnsafeMutableBufferPointer { OrderStatistics.median($0) }
            // After the median, the first half of `sorted` holds the smaller scores (and the middle one).
            let lower = (scores.count + 1) / 2
            let lowerQuartile = sorted.withUnsafeMutableBufferPointer { OrderStatistics.median(UnsafeMutableBufferPointer(rebasing: $0[0..<lower])) }
            let spread = max(Self.smallestPeerSpread, RobustScale.fromMAD(median - lowerQuartile))
            for (var test, score) in zip(peers, scores) {
                // Never below the sampling spread of the county's own values under Benford's law.
                let z = (score - median) / max(spread, Self.evennessDeviation / Double(test.counts.reduce(0, +)).squareRoot())
                test.p = Significance.normalTail(z)
                test.peers = (peers.count, score, median, z)
                perIndicator.append(test)
            }
        }
        // Two families, each adjusted on its own: pools that honestly depart a little from Benford's
        // law with many values are significant, and would lower the bar for the indicator tests.
        var all: [Test] = []
        for var family in [tests, perIndicator] {
            for (index, q) in Significance.benjaminiHochberg(family.map(\.p)).enumerated() {
                family[index].q = q
                family[index].family = family.count
            }
            all += family
        }
        all.sort { ($0.region, $0.indicator ?? "") < ($1.region, $1.indicator ?? "") }
        let limit = Self.thresholds.last!.limit
        var found: [Finding] = []
        for test in all {
            guard test.q <= falseDiscoveryRate && test.mad > limit else {
                tally.pass(test.region)
                continue
            }
            tally.fail(test.region)
            found.append(finding(test, input: input))
        }
        return QualityResults(findings: found, tallies: tally.rows)
    }

    private func finding(_ test: Test, input: QualityInput) -> Finding {
        let (q, tests) = (test.q, test.family)
        let code = RegionCode(uncheckedRawValue: test.region)
        let limit = Self.thresholds.last!.limit
        let n = test.counts.reduce(0, +)
        let (shares, mad) = (test.shares, test.mad)
        let worst = (0..<9).max { abs(shares[$0] - Self.expectedShares[$0]) < abs(shares[$1] - Self.expectedShares[$1]) }!
        let what = test.indicator.map { "\(FindingText.indicator($0, input.catalog.definitions(of: $0).last)) amounts" } ?? "amounts"
        let evidence =
            test.peers.map {
                "towards even digits, as made-up figures do, far more than the same indicator's in the other \($0.count - 1) reporters "
                    + "(evenness \(NumberText.format("%.3f", $0.evenness)) against a median of \(NumberText.format("%.3f", $0.median)), robust z "
                    + "\(NumberText.format("%.1f", $0.z)); MAD \(NumberText.format("%.4f", mad)) > \(limit), Nigrini's nonconformity"
            } ?? "(MAD \(NumberText.format("%.4f", mad)) > \(limit), Nigrini's nonconformity; χ² \(NumberText.format("%.1f", test.chiSquare))"
        let explanation =
            "\(FindingText.unit(code, registry: input.registry)): the first digits of its \(n) \(what) depart from Benford's law \(evidence); "
            + "p \(NumberText.format("%.2g", test.p)), Benjamini–Hochberg q \(NumberText.format("%.2g", q)) ≤ \(FindingText.number(falseDiscoveryRate)) over \(tests) tests; "
            + "digit \(worst + 1) is \(NumberText.format("%.1f", 100 * shares[worst])) % against \(NumberText.format("%.1f", 100 * Self.expectedShares[worst])) %; "
            + "values span \(test.span) decades)"
        return Finding(
            ruleID: ruleID, method: "benford_mad", severity: .warning, level: code.level, region: code, indicator: test.indicator,
            period: nil, observed: mad, upperBound: limit, statisticName: "mad", statistic: mad,
            parameters: [
                "minimum_values": .integer(test.indicator == nil ? minimumValues : minimumValuesPerIndicator),
                "minimum_orders": .integer(minimumOrdersOfMagnitude), "chi_square": .number(test.chiSquare),
                "evenness": test.peers.map { .number($0.evenness) } ?? .text("none"),
                "peer_median_evenness": test.peers.map { .number($0.median) } ?? .text("none"), "peer_z": test.peers.map { .number($0.z) } ?? .text("none"),
                "p_value": .number(test.p),
                "q_value": .number(q), "fdr": .number(falseDiscoveryRate), "tests": .integer(tests),
                "shares": .numbers(Array(shares)),
            ],
            peerSize: n, explanation: explanation)
    }
}
