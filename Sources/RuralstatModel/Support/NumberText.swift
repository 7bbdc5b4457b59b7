import RuralstatSystem

/// Numbers as text, in the two ways ruralstat writes them: exact (``shortest(_:)``, what programs read
/// back and what messages quote, so that `4000000.0000001` shows as that, not as a rounded `4000000`),
/// and readable (``readable(_:)``, what explanations show people).
public enum NumberText {
    /// The shortest text that reads back to the same double; whole numbers without a fraction;
    /// `NaN` for a missing value (SDMX's spelling).
    public static func shortest(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return value.description
    }

    /// A computed figure for files people and programs read: the shortest text of the value rounded
    /// to 15 significant digits, so that the binary noise of arithmetic (`5.2700000000000005`, a sum
    /// of 2.1 and 3.17) is not written, while every digit a double holds reliably is. Whole numbers
    /// without a fraction; `NaN` for a missing value.
    public static func computed(_ value: Double) -> String {
        guard let decimal = ComputedDecimal(value) else {
            guard value.isFinite, value != value.rounded() || abs(value) >= 1e15 else { return shortest(value) }
            return Double(format("%.15g", value)).map(shortest) ?? shortest(value)
        }
        return decimal.text
    }

    /// 10⁰ … 10²², every one an exact double.
    static let powersOfTen: [Double] = (0...22).map { pow(10, Double($0)) }

    /// A number as people read it: three significant digits below 1000, whole numbers above.
    public static func readable(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        // (Past 1e15 whole numbers lose digits, and past 9.2e18 they do not fit an Int64: printf's.)
        if abs(value) >= 1e15 || value.isInfinite { return format("%.3g", value) }
        if abs(value) >= 1000 || value == value.rounded() { return String(Int64(value.rounded())) }
        return threeSignificantDigits(value) ?? format("%.3g", value)
    }

    /// printf's `%.3g` of a value from 0.01 to 1000 whose rounding is clear, without printf (a
    /// night's explanations hold hundreds of thousands of numbers); nil for the rest, which printf
    /// formats: a value near a tie at the third digit, or one that rounds up to a new decade.
    static func threeSignificantDigits(_ value: Double) -> String? {
        let magnitude = abs(value)
        guard magnitude >= 0.01, magnitude < 1000 else { return nil }
        // Decimals shown = 2 − the decimal exponent; scaled then has three digits before the point.
        let decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : magnitude >= 0.1 ? 3 : 4
        let scaled = magnitude * [1.0, 10, 100, 1_000, 10_000][decimals]
        let whole = scaled.rounded(.down), fraction = scaled - whole
        guard abs(fraction - 0.5) > 1e-6 else { return nil }
        let digits = Int(whole) + (fraction > 0.5 ? 1 : 0)
        guard digits < 1000 else { return nil }
        let power = [1, 10, 100, 1_000, 10_000][decimals]
        var text = value < 0 ? "-" : ""
        text += String(digits / power)
        var rest = digits % power, shown = decimals
        while shown > 0 && rest % 10 == 0 {  // %g drops trailing zeros
            rest /= 10
            shown -= 1
        }
        if shown > 0 {
            let fractionText = String(rest)
            text += "." + String(repeating: "0", count: shown - fractionText.count) + fractionText
        }
        return text
    }

    /// One number as printf formats it. `String(format:)` goes through Foundation's formatter, which
    /// costs ten times as much, and tens of thousands of explanations use several numbers each.
    public static func format(_ specification: String, _ value: Double) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            _ = withVaList([value]) { vsnprintf(buffer.baseAddress, 64, specification, $0) }
            return String(cString: buffer.baseAddress!)
        }
    }
}
