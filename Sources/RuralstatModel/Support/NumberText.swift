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
        text { writeReadable(value, into: $0) }!
    }

    /// ``readable(_:)`` appended to `bytes` as UTF-8, without a string between (explanations are
    /// written as bytes; see `ExplanationText`).
    public static func appendReadable(_ value: Double, to bytes: inout [UInt8]) {
        append(to: &bytes) { writeReadable(value, into: $0) }
    }

    /// `value` in decimal digits (a leading `-` when negative) appended to `bytes`, zero-padded to `width` digits.
    public static func appendInteger(_ value: Int64, width: Int = 1, to bytes: inout [UInt8]) {
        // Room for the widest padding asked for, and the sign.
        append(to: &bytes, capacity: Swift.max(textCapacity, width + 1)) { writeInteger(value, width: width, into: $0) }
    }

    /// Room for any readable number and any Int64 unpadded: printf's `%.3g` of a double is at most 10
    /// bytes, an Int64 20.
    static let textCapacity = 32

    /// ``readable(_:)`` written into `buffer` (``textCapacity`` bytes); returns the count.
    static func writeReadable(_ value: Double, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        if value.isNaN { return write("NaN", into: buffer) }
        // (Past 1e15 whole numbers lose digits, and past 9.2e18 they do not fit an Int64: printf's.)
        if abs(value) >= 1e15 || value.isInfinite { return writeFormatted("%.3g", value, into: buffer) }
        if abs(value) >= 1000 || value == value.rounded() { return writeInteger(Int64(value.rounded()), into: buffer) }
        return writeThreeSignificantDigits(value, into: buffer) ?? writeFormatted("%.3g", value, into: buffer)
    }

    /// printf's `%.3g` of a value from 0.0001 to 1000 whose rounding is clear, without printf (a
    /// night's explanations hold hundreds of thousands of numbers); nil for the rest, which printf
    /// formats: a value near a tie at the third digit, or one that rounds up to a new decade.
    static func threeSignificantDigits(_ value: Double) -> String? {
        text { writeThreeSignificantDigits(value, into: $0) }
    }

    static func writeThreeSignificantDigits(_ value: Double, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        let magnitude = abs(value)
        // Below 10⁻⁴ printf writes an exponent.
        guard magnitude >= 0.0001, magnitude < 1000 else { return nil }
        // Decimals shown = 2 − the decimal exponent; scaled then has three digits before the point.
        let decimals =
            magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : magnitude >= 0.1 ? 3 : magnitude >= 0.01 ? 4 : magnitude >= 0.001 ? 5 : 6
        let scaled = magnitude * powersOfTen[decimals]
        let whole = scaled.rounded(.down), fraction = scaled - whole
        guard abs(fraction - 0.5) > 1e-6 else { return nil }
        let digits = Int64(whole) + (fraction > 0.5 ? 1 : 0)
        guard digits < 1000 else { return nil }
        let power = Int64(powersOfTen[decimals])
        var count = value < 0 ? write("-", into: buffer) : 0
        count += writeInteger(digits / power, into: UnsafeMutableBufferPointer(rebasing: buffer[count...]))
        var rest = digits % power, shown = decimals
        while shown > 0 && rest % 10 == 0 {  // %g drops trailing zeros
            rest /= 10
            shown -= 1
        }
        if shown > 0 {
            count += write(".", into: UnsafeMutableBufferPointer(rebasing: buffer[count...]))
            count += writeInteger(rest, width: shown, into: UnsafeMutableBufferPointer(rebasing: buffer[count...]))
        }
        return count
    }

    /// `value`'s decimal digits, zero-padded to `width`, written into `buffer` (which must hold
    /// max(20, width) + 1 bytes); returns the count.
    static func writeInteger(_ value: Int64, width: Int = 1, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var magnitude = value.magnitude, count = 0
        if value < 0 { count = write("-", into: buffer) }
        var digits = 1
        var bound: UInt64 = 10
        while digits < 20, magnitude >= bound {
            digits += 1
            bound = bound.multipliedReportingOverflow(by: 10).partialValue
        }
        digits = max(digits, width)
        for index in stride(from: count + digits - 1, through: count, by: -1) {
            buffer[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
        }
        return count + digits
    }

    private static func write(_ text: StaticString, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        for index in 0..<text.utf8CodeUnitCount { buffer[index] = text.utf8Start[index] }
        return text.utf8CodeUnitCount
    }

    /// One number as printf formats it. `String(format:)` goes through Foundation's formatter, which
    /// costs ten times as much, and tens of thousands of explanations use several numbers each.
    public static func format(_ specification: String, _ value: Double) -> String {
        text(capacity: 64) { writeFormatted(specification, value, into: $0) }!
    }

    /// The text `write` writes into a temporary buffer of `capacity` bytes (returning how many it
    /// wrote, or nil for none), as a string.
    private static func text(capacity: Int = textCapacity, _ write: (UnsafeMutableBufferPointer<UInt8>) -> Int?) -> String? {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            write(buffer).map { String(decoding: UnsafeBufferPointer(rebasing: buffer[..<$0]), as: UTF8.self) }
        }
    }

    /// The bytes `write` writes into a temporary buffer of `capacity` bytes, appended to `bytes`.
    private static func append(to bytes: inout [UInt8], capacity: Int = textCapacity, _ write: (UnsafeMutableBufferPointer<UInt8>) -> Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<write(buffer)]))
        }
    }

    /// printf's text of one number written into `buffer` (its capacity at most); returns the count.
    static func writeFormatted(_ specification: String, _ value: Double, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let written = buffer.withMemoryRebound(to: CChar.self) { characters in
            withVaList([value]) { vsnprintf(characters.baseAddress, characters.count, specification, $0) }
        }
        return min(Int(max(written, 0)), buffer.count - 1)
    }
}
