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
    public struct Parameters: Sendable, Hashable {
        /// Banff's `mii` (the C of HB for imputation) and `mei` (for exclusion); at least one.
        public var mii: Double?
        public var mei: Double?
        /// Banff's `mdm` (the A of HB): the least spread, as a share of the median.
        public var mdm: Double
        /// Banff's `exponent` (the U of HB), 0…1: how much a unit's size weighs.
        public var exponent: Double
        public var side: OutlierSide
        public var minimumObservations: Int
        /// Current mode only: zeros used (default) and negatives used (default not).
        public var acceptZero: Bool
        public var acceptNegative: Bool

        public init(mii: Double? = 4, mei: Double? = nil, mdm: Double = 0.05, exponent: Double = 0.5, side: OutlierSide = .both,
                    minimumObservations: Int = 10, acceptZero: Bool = true, acceptNegative: Bool = false) {
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
        public var current: Double
        public var previous: Double?
        /// current / previous (historic mode).
        public var ratio: Double?
        /// The transformed score E (historic) or the value (current).
        public var effect: Double
        public var status: OutlierStatus?
    }

    /// The outcome for one group: what was used, the quartiles, the bounds and every unit's score.
    public struct GroupResult: Sendable, Hashable {
        public var admission: OutlierAdmission
        /// False when the group had fewer usable values than the minimum (then nothing else is set).
        public var checked: Bool
        /// The median ratio r_M (historic mode).
        public var medianRatio: Double?
        public var q1 = Double.nan, median = Double.nan, q3 = Double.nan
        /// The interval bounds: values outside (imputeLeft, imputeRight) are FTI, outside (excludeLeft, excludeRight) FTE.
        public var imputeLeft: Double?, excludeLeft: Double?, excludeRight: Double?, imputeRight: Double?
        public var scores: [Score] = []

        public var flagged: [Score] { scores.filter { $0.status != nil } }
    }

    public var parameters: Parameters

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
        let medianRatio = OrderStatistics.geisPercentile(sorted: ratios.sorted(), 50)
        let scores = zip(admission.used, ratios).map { index, ratio in
            let spread = ratio < medianRatio ? 1 - medianRatio / ratio : ratio / medianRatio - 1
            let effect = spread * pow(max(current[index], previous[index]), parameters.exponent)
            return Score(index: index, current: current[index], previous: previous[index], ratio: ratio, effect: effect)
        }
        return classify(scores, admission: admission, medianRatio: medianRatio)
    }

    private func classify(_ scores: [Score], admission: OutlierAdmission, medianRatio: Double?) -> GroupResult {
        var result = GroupResult(admission: admission, checked: false, medianRatio: medianRatio)
        guard scores.count >= parameters.minimumObservations else { return result }
        result.checked = true
        let sorted = scores.map(\.effect).sorted()
        let (q1, m, q3) = (OrderStatistics.geisPercentile(sorted: sorted, 25), OrderStatistics.geisPercentile(sorted: sorted, 50),
                           OrderStatistics.geisPercentile(sorted: sorted, 75))
        (result.q1, result.median, result.q3) = (q1, m, q3)
        let leftSpread = max(m - q1, abs(parameters.mdm * m)), rightSpread = max(q3 - m, abs(parameters.mdm * m))
        let side = parameters.side
        if let k = parameters.mii {
            if side.looksLeft { result.imputeLeft = m - k * leftSpread }
            if side.looksRight { result.imputeRight = m + k * rightSpread }
        }
        if let k = parameters.mei {
            if side.looksLeft { result.excludeLeft = m - k * leftSpread }
            if side.looksRight { result.excludeRight = m + k * rightSpread }
        }
        result.scores = scores.map { score in
            var score = score
            let e = score.effect
            if let bound = result.imputeLeft, e < bound { score.status = .imputeLeft }
            else if let bound = result.imputeRight, e > bound { score.status = .imputeRight }
            else if let bound = result.excludeLeft, e < bound { score.status = .excludeLeft }
            else if let bound = result.excludeRight, e > bound { score.status = .excludeRight }
            return score
        }
        return result
    }
}
