import Foundation

/// The p-values and their false-discovery-rate control that the digit screens share: a screen tests
/// every county (and every indicator within it), so without control hundreds of honest units would be
/// flagged by chance at any fixed p.
enum Significance {
    /// P(χ²ₖ > x): the upper tail of the chi-square distribution with `k` degrees of freedom,
    /// Q(k/2, x/2) of the regularized incomplete gamma function.
    static func chiSquareTail(_ x: Double, degreesOfFreedom k: Int) -> Double {
        guard x > 0 else { return 1 }
        return upperRegularizedGamma(Double(k) / 2, x / 2)
    }

    /// P(Z > z) for a standard normal Z.
    static func normalTail(_ z: Double) -> Double { 0.5 * erfc(z / 2.0.squareRoot()) }

    /// Q(a, x) = Γ(a, x) / Γ(a): by its series below a + 1 and its continued fraction above
    /// (Numerical Recipes' `gammq`, to double precision).
    static func upperRegularizedGamma(_ a: Double, _ x: Double) -> Double {
        guard x > 0 else { return 1 }
        let logPrefix = a * log(x) - x - lgamma(a)
        if x < a + 1 {
            var term = 1 / a, sum = term, n = a
            for _ in 0..<1_000 {
                n += 1
                term *= x / n
                sum += term
                if abs(term) < abs(sum) * 1e-16 { break }
            }
            return max(0, 1 - sum * exp(logPrefix))
        }
        // Lentz's method for the continued fraction of Γ(a, x).
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1...1_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return min(1, exp(logPrefix) * h)
    }

    /// Benjamini–Hochberg adjusted p-values (q-values), in the order given: q₍ᵢ₎ = min over j ≥ i of
    /// p₍ⱼ₎·m/j, as R's `p.adjust(p, "BH")`. Flagging where q ≤ α keeps the expected share of false
    /// flags among all flags at most α.
    static func benjaminiHochberg(_ pValues: [Double]) -> [Double] { benjaminiHochberg(pValues, among: pValues.count) }

    /// The same when only the tests with the smallest p-values are given, out of `m` in all: every
    /// test left out has a larger p than any given (a screen keeps those with p ≤ α). The q-values of
    /// the tests with q ≤ α are exact, since a test left out (p > α) cannot bring a q down to α; the
    /// others' may be too large, which changes no decision at level α.
    static func benjaminiHochberg(_ pValues: [Double], among m: Int) -> [Double] {
        precondition(m >= pValues.count)
        let order = pValues.indices.sorted { (pValues[$0], $0) < (pValues[$1], $1) }
        var adjusted = [Double](repeating: 1, count: pValues.count)
        var running = 1.0
        for rank in stride(from: pValues.count, through: 1, by: -1) {
            let index = order[rank - 1]
            running = min(running, pValues[index] * Double(m) / Double(rank))
            adjusted[index] = min(1, running)
        }
        return adjusted
    }
}
