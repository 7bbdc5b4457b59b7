import Foundation
import RuralstatAggregate

/// The Hidiroglou-Berthelot outlier method (Survey Methodology 12(1), 1986) exactly as Statistics
/// Canada's Banff `outlier` procedure computes it, so that its flags and bounds agree with Banff's
/// number for number (checked against Banff itself on random data sets in the tests).
///
/// Historic mode, for a value against its previous period:
///
///     rᵢ = currentᵢ / previousᵢ,   r_M = P50(r)
///     Sᵢ = 1 − r_M / rᵢ  if rᵢ < r_M,  else rᵢ / r_M − 1
///     Eᵢ = Sᵢ · max(currentᵢ, previousᵢ)^U
///
/// Current mode uses the values themselves as E. With Q1, M, Q3 the GEIS percentiles of E,
///
///     left(k)  = M − k · max(M − Q1, |A·M|)
///     right(k) = M + k · max(Q3 − M, |A·M|)
///
/// a value below left(mii) or above right(mii) is to be imputed (FTI), else one below left(mei) or
/// above right(mei) is to be excluded (FTE); the inequalities are strict. A group with fewer usable
/// values than `minimumObservations` is not checked.
public struct HidiroglouBerthelot: Sendable, Hashable {
    /// Banff's HB parameters. Banff has no default C; C = 4, A = 0.05 and U = 0.5 are R's univOutl::HBmethod's,
    /// and min_obs 10 is Banff's.
    public struct Parameters: Sendable, Hashable {
        /// Banff's `mii` (the C of HB for imputation) and `mei` (for exclusion); at least one.
        public var mii: Double?
        /// nil (the default) leaves out the FTE tier; give a value below `mii` for a narrower exclusion interval.
        public var mei: Double?
        /// Banff's `mdm` (the A of HB): the least spread, as a share of the median.
        public var mdm: Double
        /// Banff's `exponent` (the U of HB), 0…1: how much a unit's size weighs.
        public var exponent: Double
        /// Which tails are flagged; both by default, as in Banff.
        public var side: OutlierSide
        /// A group with fewer usable values is not checked; 10 is Banff's effective default `min_obs` (Banff's least allowed is 3).
        public var minimumObservations: Int
        /// Current mode only: zeros used (default) and negatives used (default not).
        public var acceptZero: Bool
        /// Current mode only: whether negatives are used (by default not); historic mode rejects zeros and negatives regardless.
        public var acceptNegative: Bool

        /// Creates the parameters; at least one of `mii` and `mei` must be given.
        public init(
            mii: Double? = 4, mei: Double? = nil, mdm: Double = 0.05, exponent: Double = 0.5, side: OutlierSide = .both,
            minimumObservations: Int = 10, acceptZero: Bool = true, acceptNegative: Bool = false
        ) {
            precondition(mii != nil || mei != nil, "HB needs mii, mei or both")
            self.mii = mii
            self.mei = mei
            self.mdm = mdm
            self.exponent = exponent
            self.side = side
            self.minimumObservations = minimumObservations
            self.acceptZero = acceptZero
            self.acceptNegative = acceptNegative
        }
    }

    /// One usable unit of a group: its score E (the value itself in current mode) and its status.
    public struct Score: Sendable, Hashable {
        /// The unit's index in the input.
        public var index: Int
        /// The unit's current value.
        public var current: Double
        /// The unit's previous value in historic mode; nil in current mode.
        public var previous: Double?
        /// current / previous (historic mode).
        public var ratio: Double?
        /// The transformed score E (historic) or the value (current).
        public var effect: Double
        /// The outlier status; nil when E lies within the bounds.
        public var status: OutlierStatus?
    }

    /// The outcome for one group: what was used, the quartiles, the bounds and every unit's score.
    public struct GroupResult: Sendable, Hashable {
        /// Which values were used, and how many were rejected for each cause.
        public var admission: OutlierAdmission
        /// False when the group had fewer usable values than the minimum (then nothing else is set).
        public var checked: Bool
        /// The median ratio r_M (historic mode).
        public var medianRatio: Double?
        /// Q1, M and Q3: the GEIS quartiles of the scores E (NaN when the group was not checked).
        public var q1 = Double.nan, median = Double.nan, q3 = Double.nan
        /// The interval bounds: values outside (imputeLeft, imputeRight) are FTI, outside (excludeLeft, excludeRight) FTE.
        public var imputeLeft: Double?, excludeLeft: Double?, excludeRight: Double?, imputeRight: Double?
        /// Every usable unit's score, in input order.
        public var scores: [Score] = []

        /// The scores with a status, in input order.
        public var flagged: [Score] { scores.filter { $0.status != nil } }
    }

    /// The parameters every group is checked with.
    public var parameters: Parameters

    /// Creates the method with these parameters.
    public init(_ parameters: Parameters) { self.parameters = parameters }

    /// Current mode: the values of one group (NaN = missing).
    public func check(current: [Double]) -> GroupResult {
        let admission = OutlierAdmission(current: current, acceptZero: parameters.acceptZero, acceptNegative: parameters.acceptNegative)
        let scores = admission.used.map { Score(index: $0, current: current[$0], previous: nil, ratio: nil, effect: current[$0]) }
        return classify(scores, admission: admission, medianRatio: nil)
    }

    /// Historic mode: each unit's value against its previous period's (NaN = missing).
    public func check(current: [Double], previous: [Double]) -> GroupResult {
        let admission = OutlierAdmission(current: current, previous: previous)
        guard admission.used.count >= parameters.minimumObservations else {
            return GroupResult(admission: admission, checked: false)
        }
        let ratios = admission.used.map { current[$0] / previous[$0] }
        let medianRatio = OrderStatistics.geisPercentile(sorted: Self.sorted(ratios), 50)
        let scores = zip(admission.used, ratios).map { index, ratio in
            Score(
                index: index, current: current[index], previous: previous[index], ratio: ratio,
                effect: effect(ratio: ratio, medianRatio: medianRatio, current: current[index], previous: previous[index]))
        }
        return classify(scores, admission: admission, medianRatio: medianRatio)
    }

    /// Values in ascending order (a group's dozen, sorted by insertion).
    static func sorted(_ values: [Double]) -> [Double] {
        var values = values
        values.withUnsafeMutableBufferPointer { OrderStatistics.sort($0) }
        return values
    }

    /// Historic mode's score: S = 1 − r_M/r below the median ratio, r/r_M − 1 above, times
    /// max(current, previous)^U (U = 0, Banff's default and PeriodOverPeriodCheck's, skips the power: x⁰ is 1).
    @inline(__always)
    func effect(ratio: Double, medianRatio: Double, current: Double, previous: Double) -> Double {
        let spread = ratio < medianRatio ? 1 - medianRatio / ratio : ratio / medianRatio - 1
        return parameters.exponent == 0 ? spread : spread * pow(max(current, previous), parameters.exponent)
    }

    /// What ``check(current:previous:)`` concludes about a group, without its record: how many
    /// values it used, whether it was checked and whether any value is flagged — the same arithmetic
    /// on a buffer the caller lends (twice the group's size), so that the groups with nothing to
    /// report, nearly all of them, allocate nothing. With `minimumChange` (U = 0 only), a value
    /// counts as flagged only when its ratio is at least that share away from the median ratio.
    public func screen(
        current: UnsafeBufferPointer<Double>, previous: UnsafeBufferPointer<Double>,
        scratch: UnsafeMutableBufferPointer<Double>, minimumChange: Double = 0
    ) -> Screen {
        // Admitted: both present and positive (OutlierAdmission's rule for pairs).
        var used = 0
        for index in current.indices where current[index] > 0 && previous[index] > 0 {
            scratch[used] = current[index] / previous[index]
            used += 1
        }
        guard used >= parameters.minimumObservations else { return Screen(used: used, checked: false, flagged: false) }
        let scores = UnsafeMutableBufferPointer(rebasing: scratch[0..<used])
        let sorted = UnsafeMutableBufferPointer(rebasing: scratch[used..<(2 * used)])
        _ = sorted.update(fromContentsOf: scores)
        OrderStatistics.sort(sorted)
        let medianRatio = OrderStatistics.geisPercentile(sorted: UnsafeBufferPointer(sorted), 50)
        let (lowest, highest) = (sorted[0], sorted[used - 1])
        if parameters.exponent == 0 {
            // Without the size term, E grows with the ratio (and rounding keeps that order), so
            // the sorted ratios give the sorted scores.
            for unit in sorted.indices { sorted[unit] = effect(ratio: sorted[unit], medianRatio: medianRatio, current: 0, previous: 0) }
        } else {
            var unit = 0
            for index in current.indices where current[index] > 0 && previous[index] > 0 {
                scores[unit] = effect(ratio: scores[unit], medianRatio: medianRatio, current: current[index], previous: previous[index])
                unit += 1
            }
            _ = sorted.update(fromContentsOf: scores)
            OrderStatistics.sort(sorted)
        }
        let effects = UnsafeBufferPointer(sorted)
        let (q1, median, q3) = (
            OrderStatistics.geisPercentile(sorted: effects, 25), OrderStatistics.geisPercentile(sorted: effects, 50),
            OrderStatistics.geisPercentile(sorted: effects, 75)
        )
        let bounds = bounds(q1: q1, median: median, q3: q3)
        // Every bound is one-sided: some score is flagged exactly when the least or the greatest is.
        // Without the size term the extreme scores are the extreme ratios, so the guard against
        // collapsed spread (a flag needs |r / r_M − 1| ≥ minimumChange) is judged on them too.
        let guardLeft = parameters.exponent != 0 || medianRatio == 0 || abs(lowest / medianRatio - 1) >= minimumChange
        let guardRight = parameters.exponent != 0 || medianRatio == 0 || abs(highest / medianRatio - 1) >= minimumChange
        let flagged = (bounds.status(effects[0]) != nil && guardLeft) || (bounds.status(effects[used - 1]) != nil && guardRight)
        return Screen(used: used, checked: true, flagged: flagged, medianRatio: medianRatio, q1: q1, median: median, q3: q3, bounds: bounds)
    }

    /// What ``screen(current:previous:scratch:minimumChange:)`` concludes about a group, and the
    /// numbers it concluded from when the group was checked.
    public struct Screen: Sendable {
        /// How many values the method could use (both present and positive).
        public var used: Int
        /// False when the group had fewer usable values than the minimum.
        public var checked: Bool
        /// Whether some value is flagged (and, with a minimum change, far enough from the median change).
        public var flagged: Bool
        /// The median ratio r_M, and Q1, M and Q3 of the scores E (NaN when not checked).
        var medianRatio = Double.nan, q1 = Double.nan, median = Double.nan, q3 = Double.nan
        var bounds = Bounds()
    }

    /// The used values and flagged scores of a group that ``screen(current:previous:scratch:minimumChange:)``
    /// checked, from its numbers: without the size term (U = 0) the screen's quartiles are those of
    /// ``check(current:previous:)``, so these are its flags, without the record of every unit.
    func flags(current: UnsafeBufferPointer<Double>, previous: UnsafeBufferPointer<Double>, screen: Screen) -> (used: [Int], flagged: [Score]) {
        precondition(parameters.exponent == 0 && screen.checked, "the screen's quartiles are the method's only without the size term")
        var used: [Int] = [], flagged: [Score] = []
        used.reserveCapacity(screen.used)
        for index in current.indices where current[index] > 0 && previous[index] > 0 {
            used.append(index)
            let ratio = current[index] / previous[index]
            let effect = effect(ratio: ratio, medianRatio: screen.medianRatio, current: current[index], previous: previous[index])
            guard let status = screen.bounds.status(effect) else { continue }
            flagged.append(Score(index: index, current: current[index], previous: previous[index], ratio: ratio, effect: effect, status: status))
        }
        return (used, flagged)
    }

    /// The interval bounds of a group: values outside (imputeLeft, imputeRight) are FTI, outside
    /// (excludeLeft, excludeRight) FTE; a side not looked at has none.
    struct Bounds {
        var imputeLeft: Double?, excludeLeft: Double?, excludeRight: Double?, imputeRight: Double?

        func status(_ e: Double) -> OutlierStatus? {
            if let bound = imputeLeft, e < bound { return .imputeLeft }
            if let bound = imputeRight, e > bound { return .imputeRight }
            if let bound = excludeLeft, e < bound { return .excludeLeft }
            if let bound = excludeRight, e > bound { return .excludeRight }
            return nil
        }
    }

    func bounds(q1: Double, median m: Double, q3: Double) -> Bounds {
        let leftSpread = max(m - q1, abs(parameters.mdm * m)), rightSpread = max(q3 - m, abs(parameters.mdm * m))
        let side = parameters.side
        var bounds = Bounds()
        if let k = parameters.mii {
            if side.looksLeft { bounds.imputeLeft = m - k * leftSpread }
            if side.looksRight { bounds.imputeRight = m + k * rightSpread }
        }
        if let k = parameters.mei {
            if side.looksLeft { bounds.excludeLeft = m - k * leftSpread }
            if side.looksRight { bounds.excludeRight = m + k * rightSpread }
        }
        return bounds
    }

    private func classify(_ scores: [Score], admission: OutlierAdmission, medianRatio: Double?) -> GroupResult {
        var result = GroupResult(admission: admission, checked: false, medianRatio: medianRatio)
        guard scores.count >= parameters.minimumObservations else { return result }
        result.checked = true
        let sorted = Self.sorted(scores.map(\.effect))
        let (q1, m, q3) = (
            OrderStatistics.geisPercentile(sorted: sorted, 25), OrderStatistics.geisPercentile(sorted: sorted, 50),
            OrderStatistics.geisPercentile(sorted: sorted, 75)
        )
        (result.q1, result.median, result.q3) = (q1, m, q3)
        let bounds = bounds(q1: q1, median: m, q3: q3)
        (result.imputeLeft, result.excludeLeft, result.excludeRight, result.imputeRight) =
            (bounds.imputeLeft, bounds.excludeLeft, bounds.excludeRight, bounds.imputeRight)
        result.scores = scores.map { score in
            var score = score
            score.status = bounds.status(score.effect)
            return score
        }
        return result
    }
}
