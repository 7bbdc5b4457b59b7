/// Numbers as text, exact and never rounded: what programs read back (SDMX values, submissions) and
/// what messages quote (a value of `4000000.0000001` is shown as that, not as a rounded `4000000`).
public enum NumberText {
    /// The shortest text that reads back to the same double; whole numbers without a fraction;
    /// `NaN` for a missing value (SDMX's spelling).
    public static func shortest(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return value.description
    }
}
