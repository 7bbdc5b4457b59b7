/// A running sum with Neumaier's compensation: the rounding error of each addition is kept and
/// added back, so a sum of millions of values is accurate to the last bits and the same for any
/// grouping of the work into partitions (the partial sums are merged in a fixed order).
public struct CompensatedSum: Sendable, Equatable {
    /// The plain running sum, without the compensation; ``value`` is the accurate total.
    public private(set) var sum = 0.0
    private var compensation = 0.0

    /// An empty sum: 0.
    public init() {}

    /// A sum that starts from one already rounded value (a stored subtotal).
    public init(_ value: Double) { sum = value }

    /// Adds one value, keeping the rounding error of the addition in the compensation.
    @inline(__always)
    public mutating func add(_ value: Double) {
        let total = sum + value
        if abs(sum) >= abs(value) {
            compensation += (sum - total) + value
        } else {
            compensation += (value - total) + sum
        }
        sum = total
    }

    /// Adds another partial sum (its value and its compensation).
    public mutating func add(_ other: CompensatedSum) {
        add(other.sum)
        compensation += other.compensation
    }

    /// The sum with the compensation applied.
    public var value: Double { sum + compensation }
}
