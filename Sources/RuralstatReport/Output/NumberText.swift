/// Numbers written for programs to read back (SDMX values, submissions): exact, never rounded.
public enum NumberText {
    /// The shortest text that reads back to the same double; whole numbers without a fraction.
    public static func shortest(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return value.description
    }
}
