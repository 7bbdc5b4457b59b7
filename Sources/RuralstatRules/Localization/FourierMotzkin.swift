/// Whether a small system of linear inequalities `Σ aⱼ·xⱼ + c ≤ 0` (or `< 0`) has a real solution,
/// by Fourier–Motzkin elimination: each variable is removed by pairing every constraint that bounds it
/// from above with every one that bounds it from below. Exact up to rounding (a relative 1e-9), and
/// quick for the handful of free fields error localisation asks about; it grows fast beyond that.
struct FourierMotzkin {
    /// One constraint: `coefficients · x + constant ≤ 0`, or `< 0` when strict; `magnitude` is the
    /// size of the constants it was made from, the scale of its rounding.
    struct Row {
        var coefficients: [Double]
        var constant: Double
        var strict: Bool
        var magnitude: Double
    }

    /// The relative slack that absorbs rounding in eliminated constants.
    static let rounding = 1e-9

    /// Whether some `x` satisfies every row (all rows have `variables` coefficients).
    static func isFeasible(_ rows: [Row], variables: Int) -> Bool {
        var rows = rows
        for variable in 0..<variables {
            var upper: [Row] = [], lower: [Row] = [], kept: [Row] = []
            for row in rows {
                let a = row.coefficients[variable]
                if a > 0 {
                    upper.append(row)
                } else if a < 0 {
                    lower.append(row)
                } else {
                    kept.append(row)
                }
            }
            // x ≤ (−rest_u)/a_u and x ≥ (rest_l)/(−a_l): the pair holds for some x exactly when
            // rest_u/a_u + rest_l/(−a_l) ≤ 0 (strict when either is).
            for u in upper {
                let su = 1 / u.coefficients[variable]
                for l in lower {
                    let sl = -1 / l.coefficients[variable]
                    var coefficients = [Double](repeating: 0, count: variables)
                    for j in (variable + 1)..<variables {
                        coefficients[j] = u.coefficients[j] * su + l.coefficients[j] * sl
                    }
                    let row = Row(
                        coefficients: coefficients, constant: u.constant * su + l.constant * sl, strict: u.strict || l.strict,
                        magnitude: u.magnitude * su + l.magnitude * sl)
                    if !isConstantOrKeep(row, after: variable, variables: variables, into: &kept) { return false }
                }
            }
            rows = kept
        }
        return rows.allSatisfy { holds($0) }
    }

    /// Keeps `row`, or settles it when no later variable appears in it; false when it fails.
    private static func isConstantOrKeep(_ row: Row, after variable: Int, variables: Int, into kept: inout [Row]) -> Bool {
        for j in (variable + 1)..<variables where row.coefficients[j] != 0 {
            kept.append(row)
            return true
        }
        return holds(row)
    }

    /// A constraint without variables: `constant ≤ 0` (or `< 0`), with slack for rounding.
    private static func holds(_ row: Row) -> Bool {
        let slack = rounding * max(1, row.magnitude)
        return row.strict ? row.constant < -slack : row.constant <= slack
    }
}
