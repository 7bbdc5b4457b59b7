import Foundation

/// How a group's normalised values become one score, with weights that sum to 1 over the members
/// the unit has values for (a missing member's weight is spread over the others).
public enum Aggregation: Sendable, Hashable {
    /// Σ w_j y_j.
    case arithmetic
    /// Π (y_j + shift)^{w_j} − shift: the stated rule for zeros is the shift (a unit at 0 on one
    /// member is not zeroed whatever its others). Needs y ≥ 0 (a normalisation that gives that).
    case geometric(shift: Double = 0.01)

    /// The name used in specs and outputs.
    public var name: String {
        switch self {
        case .arithmetic: "arithmetic"
        case .geometric: "geometric"
        }
    }

    /// The score of one unit from its members' values and weights (NaN when it has none).
    public func combine(_ values: some Collection<Double>, weights: some Collection<Double>) -> Double {
        var (total, weightSum) = (0.0, 0.0)
        switch self {
        case .arithmetic:
            for (y, w) in zip(values, weights) where !y.isNaN {
                total += w * y
                weightSum += w
            }
            return weightSum > 0 ? total / weightSum : .nan
        case .geometric(let shift):
            for (y, w) in zip(values, weights) where !y.isNaN {
                total += w * log(y + shift)
                weightSum += w
            }
            return weightSum > 0 ? exp(total / weightSum) - shift : .nan
        }
    }
}
