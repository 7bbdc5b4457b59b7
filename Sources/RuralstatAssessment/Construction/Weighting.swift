import Foundation

/// How the indicators of a dimension (or the dimensions of the index) are weighted. Weights are
/// renormalised within each group, and, for a unit, over the members it has values for.
public enum Weighting: Sendable, Hashable {
    /// Every member alike.
    case equal
    /// The weights the spec gives (a member it does not name weighs 1).
    case policy
    /// 熵权法: on min–max normalised data, p_ij = x'_ij / Σ_i x'_ij, e_j = −(1/ln n) Σ_i p_ij ln p_ij
    /// (0·ln 0 = 0), d_j = 1 − e_j, w_j = d_j / Σ d_j (`indicators-and-regions.md` §4). n counts the
    /// units with a value. When no member carries information (every d_j = 0), the weights are equal.
    case entropy
    /// CRITIC (Diakoulaki et al. 1995): on min–max normalised data, C_j = σ_j · Σ_k (1 − r_jk), σ the
    /// sample sd, r the Pearson correlation over the units that have both values (0 when either is
    /// constant); w_j = C_j / Σ C_j, equal when every C_j is 0.
    case critic

    /// The name used in specs and outputs.
    public var name: String {
        switch self {
        case .equal: "equal"
        case .policy: "policy"
        case .entropy: "entropy"
        case .critic: "critic"
        }
    }

    /// The weights of a group's members, summing to 1. `columns` are the members' values over the
    /// units, already normalised min–max and direction-aware to [0, 1] for the data-driven methods;
    /// `policy` are the spec's weights in member order.
    public func weights(columns: [[Double]], policy: [Double]) -> [Double] {
        let raw: [Double] =
            switch self {
            case .equal: Array(repeating: 1, count: columns.count)
            case .policy: policy
            case .entropy: columns.map(Self.entropyDivergence)
            case .critic: Self.criticInformation(columns)
            }
        let total = raw.reduce(0, +)
        guard total > 0, total.isFinite else { return Array(repeating: 1 / Double(columns.count), count: columns.count) }
        return raw.map { $0 / total }
    }

    /// d_j = 1 − e_j of one column (0 when fewer than two units have a value or all are 0).
    static func entropyDivergence(_ column: [Double]) -> Double {
        let present = column.filter { !$0.isNaN }
        let sum = present.reduce(0, +)
        guard present.count >= 2, sum > 0 else { return 0 }
        var entropy = 0.0
        for value in present where value > 0 {
            let p = value / sum
            entropy -= p * log(p)
        }
        return 1 - entropy / log(Double(present.count))
    }

    /// C_j of every column.
    static func criticInformation(_ columns: [[Double]]) -> [Double] {
        let sds = columns.map { column -> Double in
            let present = column.filter { !$0.isNaN }
            guard present.count >= 2 else { return 0 }
            let mean = present.reduce(0, +) / Double(present.count)
            return (present.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(present.count - 1)).squareRoot()
        }
        return columns.indices.map { j in
            sds[j] * columns.indices.reduce(0) { sum, k in sum + (1 - (j == k ? 1 : correlation(columns[j], columns[k]))) }
        }
    }

    /// Pearson's r over the pairs where both values are present; 0 when either side is constant.
    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let pairs = zip(a, b).filter { !$0.0.isNaN && !$0.1.isNaN }
        guard pairs.count >= 2 else { return 0 }
        let n = Double(pairs.count)
        let meanA = pairs.reduce(0) { $0 + $1.0 } / n, meanB = pairs.reduce(0) { $0 + $1.1 } / n
        var (sab, saa, sbb) = (0.0, 0.0, 0.0)
        for (x, y) in pairs {
            sab += (x - meanA) * (y - meanB)
            saa += (x - meanA) * (x - meanA)
            sbb += (y - meanB) * (y - meanB)
        }
        guard saa > 0, sbb > 0 else { return 0 }
        return sab / (saa * sbb).squareRoot()
    }
}
