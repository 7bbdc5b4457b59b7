import Foundation
import RuralstatAggregate

/// The sigma-gap outlier method as Statistics Canada's Banff `outlier` procedure computes it: in
/// the sorted values (or ratios current / previous), the first gap between neighbours wider than
/// β·σ, searched outward from a start centile, cuts off the tail beyond it.
///
///     σ = 1.4826 · P50(|v − P50(v)|)  (MAD)   or the sample standard deviation (STD)
///
/// Right side: from the last value at or below the start centile, the first gap wider than βᵢ·σ
/// makes every value above it FTI; the first gap wider than βₑ·σ before that cut makes the values
/// between the two cuts FTE. The left side is the mirror image, from the (100 − c)-th centile down.
public struct SigmaGap: Sendable, Hashable {
    /// How σ is estimated: `mad` is 1.4826 · the median absolute deviation (Banff's default), `std` the sample standard deviation.
    public enum Deviation: String, Sendable, Hashable, CaseIterable { case mad, std }

    /// Banff's sigma-gap parameters. Banff has no default β; βᵢ = 2 is ours, the rest follow Banff (MAD, both sides, min_obs 10).
    public struct Parameters: Sendable, Hashable {
        /// Banff's `beta_i` and `beta_e`: gap multipliers for imputation and exclusion (at least one).
        public var betaI: Double?
        /// nil (the default) leaves out the FTE tier; Banff requires 0 < βₑ < βᵢ when both are given.
        public var betaE: Double?
        /// How σ is estimated; MAD by default, as in Banff.
        public var deviation: Deviation
        /// Where the gap search starts, 0…100; Banff's default is 75 on both sides, else 0.
        public var startCentile: Double?
        /// Which tails are searched; both by default, as in Banff.
        public var side: OutlierSide
        /// A group with fewer usable values is not checked; 10 is Banff's effective default `min_obs` (Banff's least allowed is 5).
        public var minimumObservations: Int
        /// Current mode only: whether zeros are used (by default they are); ratio mode rejects them regardless.
        public var acceptZero: Bool
        /// Current mode only: whether negative values are used (by default not); ratio mode rejects them regardless.
        public var acceptNegative: Bool

        /// Creates the parameters; at least one of `betaI` and `betaE` must be given.
        public init(
            betaI: Double? = 2, betaE: Double? = nil, deviation: Deviation = .mad, startCentile: Double? = nil,
            side: OutlierSide = .both, minimumObservations: Int = 10, acceptZero: Bool = true, acceptNegative: Bool = false
        ) {
            precondition(betaI != nil || betaE != nil, "sigma-gap needs beta_i, beta_e or both")
            self.betaI = betaI
            self.betaE = betaE
            self.deviation = deviation
            self.startCentile = startCentile
            self.side = side
            self.minimumObservations = minimumObservations
            self.acceptZero = acceptZero
            self.acceptNegative = acceptNegative
        }

        var effectiveStartCentile: Double { startCentile ?? (side == .both ? 75 : 0) }
    }

    /// One usable unit: its value (or ratio), and, when flagged, its status and the gap below (right
    /// side) or above (left side) it.
    public struct Score: Sendable, Hashable {
        /// The unit's index in the input.
        public var index: Int
        /// The unit's current value.
        public var current: Double
        /// The unit's previous value in ratio mode; nil in current mode.
        public var previous: Double?
        /// What the gaps are measured on: the current value, or current / previous.
        public var value: Double
        /// The outlier status; nil when the unit is not flagged.
        public var status: OutlierStatus?
        /// A flagged unit's distance to the nearest distinct value on the inner side (tied values share it); nil when unflagged.
        public var gap: Double?
    }

    /// The outcome for one group: what was used, σ and the gap limits, the gaps that made the cuts and every unit's score.
    public struct GroupResult: Sendable, Hashable {
        /// Which values were used, and how many were rejected for each cause.
        public var admission: OutlierAdmission
        /// False when the group had fewer usable values than the minimum (then nothing else is set).
        public var checked: Bool
        /// σ, and the gaps βᵢ·σ and βₑ·σ.
        public var deviation = Double.nan
        /// βᵢ·σ: a gap wider than this cuts off the FTI tail; nil without βᵢ.
        public var imputeGap: Double?
        /// βₑ·σ: a gap wider than this, inside the imputation cut, marks FTE values; nil without βₑ.
        public var excludeGap: Double?
        /// The gaps that made each cut (nil when the side found none).
        public var imputeLeftGap: Double?, excludeLeftGap: Double?, excludeRightGap: Double?, imputeRightGap: Double?
        /// Every usable unit, in input order.
        public var scores: [Score] = []

        /// The scores with a status, in input order.
        public var flagged: [Score] { scores.filter { $0.status != nil } }
    }

    /// The parameters every group is checked with.
    public var parameters: Parameters

    /// Creates the method with these parameters.
    public init(_ parameters: Parameters) { self.parameters = parameters }

    /// On the values of one group (NaN = missing).
    public func check(current: [Double]) -> GroupResult {
        let admission = OutlierAdmission(current: current, acceptZero: parameters.acceptZero, acceptNegative: parameters.acceptNegative)
        return classify(admission.used.map { Score(index: $0, current: current[$0], previous: nil, value: current[$0]) }, admission)
    }

    /// On the ratios current / previous of one group.
    public func check(current: [Double], previous: [Double]) -> GroupResult {
        let admission = OutlierAdmission(current: current, previous: previous)
        return classify(
            admission.used.map {
                Score(index: $0, current: current[$0], previous: previous[$0], value: current[$0] / previous[$0])
            }, admission)
    }

    private func classify(_ unsorted: [Score], _ admission: OutlierAdmission) -> GroupResult {
        var result = GroupResult(admission: admission, checked: false)
        guard unsorted.count >= parameters.minimumObservations else { return result }
        result.checked = true
        // A stable sort keeps ties in input order, so equal values are flagged alike in any case.
        var scores = unsorted.enumerated().sorted { ($0.element.value, $0.offset) < ($1.element.value, $1.offset) }.map(\.element)
        let v = scores.map(\.value)
        let sigma = deviation(v)
        result.deviation = sigma
        result.imputeGap = parameters.betaI.map { $0 * sigma }
        result.excludeGap = parameters.betaE.map { $0 * sigma }
        let n = v.count
        let c = parameters.effectiveStartCentile
        if parameters.side.looksRight {
            let centile = OrderStatistics.geisPercentile(sorted: v, c)
            let start = v.lastIndex { $0 <= centile } ?? 0
            var cut = n
            if let limit = result.imputeGap, let k = (start..<max(start, n - 1)).first(where: { v[$0 + 1] - v[$0] > limit }) {
                cut = k + 1
                result.imputeRightGap = v[k + 1] - v[k]
                for j in cut..<n { scores[j].status = .imputeRight }
            }
            // The exclusion search may end on the imputation gap itself; then nothing is FTE.
            if let limit = result.excludeGap, let k = (start..<max(start, min(cut, n - 1))).first(where: { v[$0 + 1] - v[$0] > limit }) {
                result.excludeRightGap = v[k + 1] - v[k]
                for j in (k + 1)..<cut { scores[j].status = .excludeRight }
            }
        }
        if parameters.side.looksLeft {
            let centile = OrderStatistics.geisPercentile(sorted: v, 100 - c)
            let start = v.firstIndex { $0 >= centile } ?? (n - 1)
            var cut = -1  // values at or below `cut` are FTI
            if let limit = result.imputeGap, let k = stride(from: start, to: 0, by: -1).first(where: { v[$0] - v[$0 - 1] > limit }) {
                cut = k - 1
                result.imputeLeftGap = v[k] - v[k - 1]
                for j in 0...cut where scores[j].status == nil { scores[j].status = .imputeLeft }
            }
            if let limit = result.excludeGap, let k = stride(from: start, to: max(cut, 0), by: -1).first(where: { v[$0] - v[$0 - 1] > limit }) {
                result.excludeLeftGap = v[k] - v[k - 1]
                for j in (cut + 1)..<k where scores[j].status == nil { scores[j].status = .excludeLeft }
            }
        }
        // A flagged value's gap is the distance to the nearest distinct value on the inner side, so tied values share it.
        for j in 0..<n where scores[j].status != nil {
            if scores[j].status!.isLeft {
                scores[j].gap = v[(j + 1)...].first { $0 > v[j] }.map { $0 - v[j] }
            } else {
                scores[j].gap = v[..<j].last { $0 < v[j] }.map { v[j] - $0 }
            }
        }
        result.scores = scores.sorted { $0.index < $1.index }
        return result
    }

    private func deviation(_ sorted: [Double]) -> Double {
        switch parameters.deviation {
        case .mad:
            let median = OrderStatistics.geisPercentile(sorted: sorted, 50)
            return 1.4826 * OrderStatistics.geisPercentile(sorted: sorted.map { abs($0 - median) }.sorted(), 50)
        case .std:
            let mean = sorted.reduce(0, +) / Double(sorted.count)
            return (sorted.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(sorted.count - 1)).squareRoot()
        }
    }
}
