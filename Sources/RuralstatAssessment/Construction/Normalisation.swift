import RuralstatModel

/// How an indicator's values are brought to a common scale, every method direction-aware (for a
/// "lower is better" indicator the best value scores highest). The definitions are the JRC/OECD
/// Handbook's, as `../shared/reference/assessment-and-sampling.md` §1 gathers them. NaN stays NaN.
public enum Normalisation: Sendable, Hashable {
    /// y = l + (x − min)/(max − min)·(u − l), or (max − x)/(max − min) for lower-is-better. When every
    /// value is equal the result is undefined: each unit gets the midpoint (l + u)/2.
    case minMax(lower: Double = 0, upper: Double = 1)
    /// y = m + s·(x − mean)/sd with the sample sd (COINr's examples use m = 10, s = 2); when sd is 0,
    /// every unit gets m.
    case zScore(mean: Double = 10, sd: Double = 2)
    /// y = the rank of x among the units (1 for the worst), ties averaged.
    case rank
    /// y = (x − L)/(U − L) clipped to [0, 1], or (U − x)/(U − L) for lower-is-better; the bounds are
    /// fixed per indicator (``IndicatorMatrix/Column/goalposts``), as the HDI's are.
    case goalposts
    /// 实现程度: y = min(x/T, 1) for higher-is-better, min(T/x, 1) for
    /// lower-is-better (a value ≤ 0 there scores 1), with a target T > 0. With a strict comparator (">" or "<") a
    /// value equal to the target reaches its number but not the target: it scores 1 − 10⁻⁶, and so
    /// does any value that does not meet the target yet rounds to 1.
    case distanceToTarget

    /// The name used in specs and outputs.
    public var name: String {
        switch self {
        case .minMax: "min_max"
        case .zScore: "z_score"
        case .rank: "rank"
        case .goalposts: "goalposts"
        case .distanceToTarget: "distance_to_target"
        }
    }

    /// Whether every value it gives is ≥ 0 (geometric aggregation needs that).
    public var isNonNegative: Bool {
        switch self {
        case .minMax(let lower, _): lower >= 0
        case .zScore: false
        case .rank, .goalposts, .distanceToTarget: true
        }
    }

    /// The column normalised; throws when a column lacks what the method needs (bounds, a target).
    public func apply(to column: IndicatorMatrix.Column) throws(AssessmentError) -> [Double] {
        let higher = column.direction == .higher
        let x = column.values
        let present = x.filter { !$0.isNaN }
        switch self {
        case .minMax(let l, let u):
            guard let low = present.min(), let high = present.max() else { return x }
            guard high > low else { return x.map { $0.isNaN ? $0 : (l + u) / 2 } }
            return x.map { v in v.isNaN ? v : l + (higher ? v - low : high - v) / (high - low) * (u - l) }
        case .zScore(let m, let s):
            guard present.count >= 2 else { return x.map { $0.isNaN ? $0 : m } }
            let mean = present.reduce(0, +) / Double(present.count)
            let sd = (present.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(present.count - 1)).squareRoot()
            guard sd > 0 else { return x.map { $0.isNaN ? $0 : m } }
            return x.map { v in v.isNaN ? v : m + s * (higher ? v - mean : mean - v) / sd }
        case .rank:
            return Ranking.averageRanks(x.map { higher ? $0 : -$0 })
        case .goalposts:
            guard let bounds = column.goalposts, bounds.upperBound > bounds.lowerBound else {
                throw AssessmentError("\(column.code): goalpost normalisation needs bounds L < U (give goalposts in the spec, or a range in the catalog)")
            }
            let (l, u) = (bounds.lowerBound, bounds.upperBound)
            return x.map { v in v.isNaN ? v : min(1, max(0, higher ? (v - l) / (u - l) : (u - v) / (u - l))) }
        case .distanceToTarget:
            guard let target = column.target, target.value > 0 else {
                throw AssessmentError("\(column.code): distance to target needs the plan's target in force, above 0 (min(x/T, 1) and min(T/x, 1) assume it)")
            }
            return x.map { v in v.isNaN ? v : Self.attainment(v, target: target, direction: column.direction) }
        }
    }

    /// One value's distance to target (see ``distanceToTarget``).
    static func attainment(_ value: Double, target: Target, direction: Direction) -> Double {
        let ratio: Double =
            switch direction {
            case .higher: max(0, value / target.value)
            case .lower: value <= 0 ? 1 : target.value / value
            }
        let capped = min(ratio, 1)
        return target.isMet(by: value, direction: direction) || capped < 1 - 1e-6 ? capped : 1 - 1e-6
    }
}
