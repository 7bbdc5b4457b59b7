import Foundation

/// Outlier treatment as COINr's `qTreat`/`Treat` does it by default (the JRC/OECD Handbook's step 5):
/// an indicator is treated only when |skewness| ≥ 2 **and** excess kurtosis ≥ 3.5; it is then
/// winsorised, one extreme at a time on the side the skew points to, at most `winmax` points; if it
/// still fails, the **original** values are log-transformed instead (COINr's `log_CT`).
///
/// Skewness and kurtosis are the sample statistics COINr uses (Excel's SKEW and KURT). Missing
/// values (NaN) are left out and never changed. Where COINr stops with an error (a winsorisation
/// that leaves every value equal), the column is returned untreated, as COINr's data-frame method does.
public struct Treatment: Sendable, Hashable {
    /// At most this many points are winsorised (COINr's default 5).
    public var winmax = 5
    /// The skewness threshold (COINr's default 2).
    public var skewThreshold = 2.0
    /// The excess-kurtosis threshold (COINr's default 3.5).
    public var kurtosisThreshold = 3.5

    /// The default treatment.
    public init() {}

    /// What happened to one indicator.
    public enum Outcome: Sendable, Hashable {
        /// It passed the test as it was (or could not be tested: fewer than 3 values, or all equal).
        case untreated
        /// Winsorised: `high` and `low` points moved to the next value inside.
        case winsorised(high: Int, low: Int)
        /// Winsorising did not make it pass; the original values were log-transformed.
        case logTransformed
    }

    /// The treated values and what was done.
    public func treat(_ values: [Double]) -> (values: [Double], outcome: Outcome) {
        guard passes(values) == false else { return (values, .untreated) }
        var x = values
        var (high, low) = (0, 0)
        var passing: Bool? = false
        while passing == false, high + low < winmax {
            let present = x.filter { !$0.isNaN }
            if Self.skewness(present) >= 0 {
                guard let top = present.max(), let next = present.filter({ $0 < top }).max() else { return (values, .untreated) }
                high = x.count { $0 == top }
                for index in x.indices where x[index] == top { x[index] = next }
            } else {
                guard let bottom = present.min(), let next = present.filter({ $0 > bottom }).min() else { return (values, .untreated) }
                low = x.count { $0 == bottom }
                for index in x.indices where x[index] == bottom { x[index] = next }
            }
            passing = passes(x)
        }
        // A step that left every value equal cannot be tested (COINr stops with an error there).
        guard let passed = passing else { return (values, .untreated) }
        if passed { return (x, .winsorised(high: high, low: low)) }
        return (Self.logCT(values), .logTransformed)
    }

    /// COINr's pass test: |skew| < threshold or kurtosis < threshold; `nil` when it cannot be told
    /// (R's NA: too few values, or all equal).
    func passes(_ values: [Double]) -> Bool? {
        let present = values.filter { !$0.isNaN }
        let skew = Self.skewness(present), kurtosis = Self.excessKurtosis(present)
        if !skew.isNaN && abs(skew) < skewThreshold { return true }
        if !kurtosis.isNaN && kurtosis < kurtosisThreshold { return true }
        if skew.isNaN || kurtosis.isNaN { return nil }
        return false
    }

    /// Sample skewness G1 = √n·Σd³/(Σd²)^1.5 · √(n(n−1))/(n−2), d = x − mean; NaN below 3 values.
    public static func skewness(_ x: [Double]) -> Double {
        let n = Double(x.count)
        guard x.count >= 3 else { return .nan }
        let mean = x.reduce(0, +) / n
        var (s2, s3) = (0.0, 0.0)
        for value in x {
            let d = value - mean
            s2 += d * d
            s3 += d * d * d
        }
        return n.squareRoot() * s3 / pow(s2, 1.5) * (n * (n - 1)).squareRoot() / (n - 2)
    }

    /// Sample excess kurtosis G2 = ((n+1)(r−3)+6)(n−1)/((n−2)(n−3)), r = n·Σd⁴/(Σd²)²; NaN below 4 values.
    public static func excessKurtosis(_ x: [Double]) -> Double {
        let n = Double(x.count)
        guard x.count >= 4 else { return .nan }
        let mean = x.reduce(0, +) / n
        var (s2, s4) = (0.0, 0.0)
        for value in x {
            let d = (value - mean) * (value - mean)
            s2 += d
            s4 += d * d
        }
        let r = n * s4 / (s2 * s2)
        return ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    }

    /// COINr's `log_CT`: ln(x − min + 0.01·(max − min)); NaN stays NaN.
    public static func logCT(_ x: [Double]) -> [Double] {
        let present = x.filter { !$0.isNaN }
        guard let low = present.min(), let high = present.max() else { return x }
        return x.map { $0.isNaN ? $0 : log($0 - low + 0.01 * (high - low)) }
    }
}
