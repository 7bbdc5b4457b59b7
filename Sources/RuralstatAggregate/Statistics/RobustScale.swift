/// The spread a robust z divides by: z = (x − median) / scale, in standard deviations for normal
/// data, yet unmoved by a few wild values. The one definition the peer-outlier check and the
/// benchmark's peer groups share.
///
/// The scale is MAD / 0.6745 (0.6745 = Φ⁻¹(0.75), the MAD of a standard normal), or, when the MAD is
/// 0 because more than half the peers report the same value, 1.2533 · the mean absolute deviation
/// from the median (1.2533 = √(π/2), likewise exact for normal data).
public enum RobustScale {
    /// Φ⁻¹(0.75): a normal distribution's MAD in standard deviations.
    public static let madFactor = 0.6745
    /// √(π/2): a normal distribution's standard deviation in mean absolute deviations.
    public static let meanAbsoluteDeviationFactor = 1.253314

    /// The scale given by a MAD (a MAD of 0 gives 0; see ``fromAbsoluteDeviations(sum:count:)``).
    @inlinable
    public static func fromMAD(_ mad: Double) -> Double { mad / madFactor }

    /// The scale given by the absolute deviations from the median (their sum over `count` values),
    /// for groups whose MAD is 0.
    @inlinable
    public static func fromAbsoluteDeviations(sum: Double, count: Int) -> Double { meanAbsoluteDeviationFactor * sum / Double(count) }

    /// The robust z of `value`: how many scales it lies from the median (0 when the scale is 0).
    @inlinable
    public static func z(_ value: Double, median: Double, scale: Double) -> Double { scale > 0 ? (value - median) / scale : 0 }
}
