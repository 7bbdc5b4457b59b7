import Foundation

/// SplitMix64: a small, fast generator whose whole state is one integer, so every unit, year,
/// replication and purpose gets its own stream from a hash of them — the same numbers for a seed
/// whatever order, and on whatever worker, the streams are used. The sample-data generator, the
/// assessment's Monte Carlo and the spot-check draw all use it, so a published seed reproduces them.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A stream that starts from `seed` itself.
    public init(_ seed: UInt64) { state = seed }

    /// A stream for `seed` and the parts that name what it is for (a unit code, a year, a salt).
    public init(_ seed: UInt64, _ parts: Int64...) {
        var state = seed ^ 0x9E37_79B9_7F4A_7C15
        for part in parts { state = SeededRandom.mix(state &+ UInt64(bitPattern: part)) }
        self.state = state
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SeededRandom.mix(state)
    }

    /// SplitMix64's finaliser: a bijection that scatters nearby inputs far apart.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform deviate in `low..<high`.
    public mutating func uniform(_ low: Double, _ high: Double) -> Double { Double.random(in: low..<high, using: &self) }

    /// A normal deviate (Box–Muller).
    public mutating func normal(_ mean: Double = 0, _ sd: Double = 1) -> Double {
        let u = max(Double.random(in: 0..<1, using: &self), 1e-300), v = Double.random(in: 0..<1, using: &self)
        return mean + sd * (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }

    /// True with the given probability.
    public mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &self) < probability }
}
