import RuralstatModel

/// The running totals of one group of units: how many, Σa and Σb (compensated), min and max of a.
struct GroupTotals: Sendable {
    var count = 0
    var sumA = CompensatedSum()
    var sumB = CompensatedSum()
    var minA = Double.infinity
    var maxA = -Double.infinity

    @inline(__always)
    mutating func add(_ a: Double, _ b: Double) {
        count += 1
        sumA.add(a)
        sumB.add(b)
        if a < minA { minA = a }
        if a > maxA { maxA = a }
    }

    mutating func merge(_ other: GroupTotals) {
        count += other.count
        sumA.add(other.sumA)
        sumB.add(other.sumB)
        minA = min(minA, other.minA)
        maxA = max(maxA, other.maxA)
    }
}

extension GroupTotals {
    /// The totals with each sum rounded to one number, as a stored rollup row carries them: the nation
    /// is merged from these, so that merging stored province rows gives the very same result.
    var rounded: GroupTotals {
        var copy = self
        copy.sumA = CompensatedSum(sumA.value)
        copy.sumB = CompensatedSum(sumB.value)
        return copy
    }

    /// The totals of a stored province rollup.
    init(stored rollup: Rollup) {
        count = rollup.contributing
        sumA = CompensatedSum(rollup.numerator)
        sumB = CompensatedSum(rollup.denominator)
        // Only a min or max rule reads these, and its value is that extreme.
        minA = rollup.value
        maxA = rollup.value
    }
}
