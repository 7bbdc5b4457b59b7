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
    private static func holds(_ row: Row) -> Bool { holds(constant: row.constant, strict: row.strict, magnitude: row.magnitude) }

    static func holds(constant: Double, strict: Bool, magnitude: Double) -> Bool {
        let slack = rounding * max(1, magnitude)
        return strict ? constant < -slack : constant <= slack
    }

    /// One constraint `a·x + constant ≤ 0` (or `< 0`) in a single variable, `a` ≠ 0: what error
    /// localisation asks about most (one field changed), without rows of coefficients.
    struct Bound {
        var a: Double
        var constant: Double
        var strict: Bool
        var magnitude: Double
    }

    /// Whether an upper bound (`a` > 0) and a lower one (`a` < 0) leave room for `x`: the very
    /// arithmetic ``isFeasible(_:variables:)`` does when it eliminates the one variable, so that both
    /// give the same answer to the last bit.
    static func leaveRoom(upper u: Bound, lower l: Bound) -> Bool {
        let su = 1 / u.a, sl = -1 / l.a
        return holds(constant: u.constant * su + l.constant * sl, strict: u.strict || l.strict, magnitude: u.magnitude * su + l.magnitude * sl)
    }

    /// Whether `bound` leaves room with each of `others` that bounds `x` from the other side.
    static func leavesRoom(_ bound: Bound, with others: some Sequence<Bound>) -> Bool {
        for other in others where (other.a > 0) != (bound.a > 0) {
            guard bound.a > 0 ? leaveRoom(upper: bound, lower: other) : leaveRoom(upper: other, lower: bound) else { return false }
        }
        return true
    }
}
