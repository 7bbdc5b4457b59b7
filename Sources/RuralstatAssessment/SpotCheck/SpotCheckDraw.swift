import Foundation
import RuralstatModel

/// The list of villages for unannounced field verification (暗访抽查, Art. 19): in each county, n
/// villages, most drawn with probability proportional to a risk score built from their findings,
/// a stated share drawn purely at random, so that every village can be visited and the list cannot
/// be gamed; reproducible from a published seed, and with each village's inclusion probability, so
/// that the error rate found in the field estimates the county's (Horvitz–Thompson).
///
/// The definitions are `../shared/reference/assessment-and-sampling.md` §4:
/// - risk r_i = floor + Σ over the village's findings of severity weight × rule weight (floor > 0);
/// - risk stage: n_r = n − round(share·n) villages by systematic πps in a seeded random order, with
///   π_i = n_r·r_i/Σr, any π_i > 1 set to 1 and the rest recomputed with what remains of n_r, until
///   none exceeds 1 (systematic sampling gives exactly these π_i);
/// - random stage: round(share·n) villages by simple random sampling among the rest, so a village's
///   inclusion probability is π_i + (1 − π_i)·n_s/(N − n_r).
public struct SpotCheckDraw: Sendable {
    /// Villages drawn per county (all of them in a county with fewer).
    public var perCounty = 5
    /// The share of the n drawn purely at random.
    public var randomShare = 0.2
    /// The risk every village has without findings (> 0, so that every village can be drawn by risk too).
    public var floor = 0.5
    /// How much a finding adds to the risk, by severity.
    public var severityWeights: [Severity: Double] = [.error: 3, .warning: 1, .info: 0.25]
    /// How much a finding adds, by rule id (1 for rules not named).
    public var ruleWeights: [String: Double] = [:]
    /// The published seed.
    public var seed: UInt64 = 20_240_101

    /// A draw with the defaults (5 a county, 20 % at random, floor 0.5).
    public init() {}

    /// One village on the list.
    public struct Selection: Sendable, Hashable {
        /// The county it lies in.
        public var county: RegionCode
        /// The village.
        public var village: RegionCode
        /// Its risk score.
        public var risk: Double
        /// Its probability of being on the list, both stages together.
        public var inclusionProbability: Double
        /// Whether the risk stage or the random stage drew it.
        public var drawnAtRandom: Bool
        /// The findings behind its risk: rule id and how many.
        public var findings: [String: Int]
    }

    /// Every village of a county with its risk and inclusion probability (drawn or not), for the
    /// draw and for checking it.
    public struct Frame: Sendable {
        /// The county.
        public var county: RegionCode
        /// Its villages, in code order.
        public var villages: [RegionCode]
        /// Their risk scores.
        public var risks: [Double]
        /// The risk stage's π_i.
        public var riskProbabilities: [Double]
        /// Villages drawn by risk (n_r).
        public var riskSize: Int
        /// Villages drawn purely at random (n_s = round(share · n)).
        public var randomSize: Int

        /// Both stages' inclusion probability of village `i`.
        public func inclusionProbability(_ i: Int) -> Double {
            let rest = villages.count - riskSize
            return riskProbabilities[i] + (1 - riskProbabilities[i]) * (rest > 0 ? Double(randomSize) / Double(rest) : 0)
        }
    }

    /// The frames of every county: villages grouped by county, with their risks.
    public func frames(villages: [RegionCode], findings: [Finding]) throws(AssessmentError) -> [Frame] {
        guard floor > 0 else { throw AssessmentError("the spot-check risk floor must be above 0, so that every village can be drawn") }
        guard perCounty >= 1 else { throw AssessmentError("the spot check needs at least one village per county, not \(perCounty)") }
        guard (0...1).contains(randomShare) else { throw AssessmentError("the random share must lie in [0, 1], not \(randomShare)") }
        var risk: [RegionCode: Double] = [:]
        for finding in findings where finding.region.level == .village {
            risk[finding.region, default: 0] += (severityWeights[finding.severity] ?? 0) * (ruleWeights[finding.ruleID] ?? 1)
        }
        let byCounty = Dictionary(grouping: villages.filter { $0.level == .village }) { $0.ancestor(at: .county) }
        return byCounty.keys.sorted().map { county in
            let members = byCounty[county]!.sorted()
            let risks = members.map { floor + (risk[$0] ?? 0) }
            let n = min(perCounty, members.count)
            let randomSize = Int((randomShare * Double(n)).rounded())
            let riskSize = n - randomSize
            return Frame(
                county: county, villages: members, risks: risks, riskProbabilities: Self.probabilities(risks, size: riskSize),
                riskSize: riskSize, randomSize: randomSize)
        }
    }

    /// π_i = n·r_i/Σr, capped at 1 with the remainder spread again until none exceeds 1.
    static func probabilities(_ risks: [Double], size: Int) -> [Double] {
        var pi = [Double](repeating: 0, count: risks.count)
        guard size > 0 else { return pi }
        // In index order, so that the sums (and the last bits of every π) are the same in every process.
        var open = Array(risks.indices)
        var remaining = Double(size)
        while !open.isEmpty {
            let total = open.reduce(0) { $0 + risks[$1] }
            let over = open.filter { remaining * risks[$0] / total >= 1 }
            if over.isEmpty {
                for i in open { pi[i] = remaining * risks[i] / total }
                break
            }
            for i in over { pi[i] = 1 }
            open.removeAll { remaining * risks[$0] / total >= 1 }
            remaining -= Double(over.count)
        }
        return pi
    }

    /// The list: for every county, its villages drawn by risk and at random.
    public func draw(villages: [RegionCode], findings: [Finding]) throws(AssessmentError) -> [Selection] {
        let frames = try frames(villages: villages, findings: findings)
        var counted: [RegionCode: [String: Int]] = [:]
        for finding in findings where finding.region.level == .village { counted[finding.region, default: [:]][finding.ruleID, default: 0] += 1 }
        return frames.flatMap { frame in
            var random = SeededRandom(seed, frame.county.rawValue)
            let (byRisk, atRandom) = Self.draw(frame, using: &random)
            return (byRisk.map { ($0, false) } + atRandom.map { ($0, true) }).sorted { $0.0 < $1.0 }.map { index, isRandom in
                Selection(
                    county: frame.county, village: frame.villages[index], risk: frame.risks[index],
                    inclusionProbability: frame.inclusionProbability(index), drawnAtRandom: isRandom, findings: counted[frame.villages[index]] ?? [:])
            }
        }
    }

    /// One county's draw: systematic πps in a random order, then simple random sampling of the rest.
    static func draw(_ frame: Frame, using random: inout SeededRandom) -> (byRisk: [Int], atRandom: [Int]) {
        let order = Array(frame.villages.indices).shuffled(using: &random)
        let start = 1 - random.uniform(0, 1)  // in (0, 1]: a start of 0 would select nobody
        var byRisk: [Int] = []
        var cumulative = 0.0
        var next = start
        for index in order {
            let before = cumulative
            cumulative += frame.riskProbabilities[index]
            // Selected when a point start + k falls in (before, cumulative]; rounding never selects twice.
            if next > before && next <= cumulative + 1e-12 && byRisk.count < frame.riskSize {
                byRisk.append(index)
                next += 1
            }
        }
        let drawn = Set(byRisk)
        let rest = frame.villages.indices.filter { !drawn.contains($0) }.shuffled(using: &random)
        return (byRisk, Array(rest.prefix(frame.randomSize)))
    }

    /// Horvitz–Thompson: the number of villages with errors in the counties drawn, estimated from
    /// what the field found (`found`: village → had an error), with the variance of a Poisson design,
    /// Σ (1 − π_i)/π_i² · y_i² (an approximation for a fixed-size draw, stated as such).
    public static func horvitzThompson(_ list: [Selection], found: [RegionCode: Bool]) -> (estimate: Double, variance: Double) {
        var (estimate, variance) = (0.0, 0.0)
        for selection in list {
            let y = found[selection.village] == true ? 1.0 : 0.0
            let pi = selection.inclusionProbability
            estimate += y / pi
            variance += (1 - pi) / (pi * pi) * y * y
        }
        return (estimate, variance)
    }
}
