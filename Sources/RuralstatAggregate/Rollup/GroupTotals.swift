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
