import Foundation

/// SplitMix64: a small, fast generator whose whole state is one integer, so every unit, year and
/// purpose gets its own stream from a hash of them — the same data for a seed whatever order the
/// generator visits units in.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(_ seed: UInt64) { state = seed }

    /// A stream for `seed` and the parts that name what it is for (a unit code, a year, a salt).
    init(_ seed: UInt64, _ parts: Int64...) {
        var state = seed ^ 0x9E37_79B9_7F4A_7C15
        for part in parts { state = SeededRandom.mix(state &+ UInt64(bitPattern: part)) }
        self.state = state
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SeededRandom.mix(state)
    }

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func uniform(_ low: Double, _ high: Double) -> Double { Double.random(in: low..<high, using: &self) }

    /// A normal deviate (Box–Muller).
    mutating func normal(_ mean: Double = 0, _ sd: Double = 1) -> Double {
        let u = max(Double.random(in: 0..<1, using: &self), 1e-300), v = Double.random(in: 0..<1, using: &self)
        return mean + sd * (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }

    mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &self) < probability }
}
