import RuralstatModel
import RuralstatSystem

/// The bytes of one field, borrowed from a reader's buffer for the duration of one call.
public typealias FieldBytes = UnsafeBufferPointer<UInt8>

extension UnsafeBufferPointer where Element == UInt8 {
    /// An empty field (a column that is absent or blank).
    public static var none: FieldBytes { FieldBytes(start: nil, count: 0) }

    /// The field as text, for slow paths.
    var text: String { String(decoding: self, as: UTF8.self) }

    /// The field as a message quotes it: capped and with control characters escaped (``EchoText``).
    var echo: String { EchoText.quote(bytes: self) }

    /// The field without leading and trailing spaces and tabs.
    var trimmed: FieldBytes {
        var lower = 0, upper = count
        while lower < upper, self[lower] == 32 || self[lower] == 9 { lower += 1 }
        while upper > lower, self[upper - 1] == 32 || self[upper - 1] == 9 { upper -= 1 }
        return lower == 0 && upper == count ? self : FieldBytes(rebasing: self[lower..<upper])
    }

    func equals(_ other: FieldBytes) -> Bool {
        count == other.count && (count == 0 || memcmp(baseAddress!, other.baseAddress!, count) == 0)
    }
}

/// Reading numbers and codes the way reporting units write them.
public enum FieldText {
    /// The outcome of reading a value cell.
    public enum Number: Equatable, Sendable {
        case value(Double)
        /// Empty, `NaN`, `#N/A`, `NA`, `-`: intentionally or accidentally missing.
        case missing
        case invalid
    }

    /// Reads a decimal number: ASCII fast path (Clinger's exact case, else `strtod`), and a slow path
    /// for full-width digits (１２３．５), thousands separators (1,234.5) and surrounding spaces.
    ///
    /// The grammar, after full-width characters are mapped to ASCII and spaces trimmed, is
    /// `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`, where the integer digits may be
    /// grouped by commas in threes (1,234,567.8). Anything else — a sign or a dot with no digit, a
    /// comma in the fraction, hex, `inf` — is not a number; `NaN`, `#N/A`, `NA`, `-` and an empty
    /// cell are missing.
    public static func number(_ field: FieldBytes) -> Number {
        if let value = fastNumber(field) { return .value(value) }
        let trimmed = field.trimmed
        let text = isASCII(trimmed) ? trimmed.text : normalized(trimmed)
        if text.utf8.count <= 4, ["", "nan", "#n/a", "na", "n/a", "-", "…", "—"].contains(text.lowercased()) { return .missing }
        var plain = Substring(text)
        let sign = plain.first == "-" || plain.first == "+" ? String(plain.removeFirst()) : ""
        // The mantissa's integer part ends at the dot or the exponent; only it may hold separators.
        let integerEnd = plain.firstIndex { $0 == "." || $0 == "e" || $0 == "E" } ?? plain.endIndex
        let integer = plain[..<integerEnd]
        if integer.utf8.contains(44) {
            let groups = integer.split(separator: ",", omittingEmptySubsequences: false)
            guard (1...3).contains(groups[0].count), groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return .invalid }
            plain = Substring(integer.replacingOccurrences(of: ",", with: "")) + plain[integerEnd...]
        }
        guard isDecimal(plain.utf8), let value = Double(sign + plain), value.isFinite else { return .invalid }
        return .value(value)
    }

    /// `(digits [. digits?] | . digits) ([eE] [+-]? digits)?` exactly (no sign: the caller took it).
    private static func isDecimal(_ bytes: Substring.UTF8View) -> Bool {
        var index = bytes.startIndex
        func digits() -> Int {
            var count = 0
            while index < bytes.endIndex, bytes[index] &- 48 < 10 { count += 1; index = bytes.index(after: index) }
            return count
        }
        var mantissa = digits()
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: ".") {
            index = bytes.index(after: index)
            mantissa += digits()
        }
        guard mantissa > 0 else { return false }
        if index < bytes.endIndex, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index = bytes.index(after: index)
            if index < bytes.endIndex, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index = bytes.index(after: index) }
            guard digits() > 0 else { return false }
        }
        return index == bytes.endIndex
    }

    private static let powers: [Double] = (0...22).map { pow(10.0, Double($0)) }

    /// `[-]digits[.digits][e[-]digits]` in ASCII; `nil` sends the field to the slow path.
    @inline(__always)
    static func fastNumber(_ field: FieldBytes) -> Double? {
        let count = field.count
        guard count > 0, count < 40, let base = field.baseAddress else { return nil }
        var index = 0
        var negative = false
        if base[0] == 45 { negative = true; index = 1 } else if base[0] == 43 { index = 1 }
        var mantissa: UInt64 = 0
        var digits = 0, fractionDigits = 0
        var sawPoint = false
        var sawDigit = false
        while index < count {
            let byte = base[index]
            if byte &- 48 < 10 {
                sawDigit = true
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(byte &- 48)
                    if mantissa != 0 { digits += 1 }
                    if sawPoint { fractionDigits += 1 }
                } else if !sawPoint {
                    return strtodFallback(field)
                } else {
                    // Further fraction digits beyond 19 significant ones: let strtod round them.
                    return strtodFallback(field)
                }
            } else if byte == 46, !sawPoint {
                sawPoint = true
            } else if byte == 101 || byte == 69 {
                return strtodFallback(field)
            } else {
                return nil
            }
            index += 1
        }
        // A sign or a dot alone (`+`, `-.`) has no digit: not a number (the slow path says which).
        if !sawDigit { return nil }
        guard mantissa < (1 << 53), fractionDigits <= 22 else { return strtodFallback(field) }
        // Exact: both the mantissa and the power of ten are representable, so one division rounds once.
        let value = Double(mantissa) / powers[fractionDigits]
        return negative ? -value : value
    }

    private static func strtodFallback(_ field: FieldBytes) -> Double? {
        var buffer = [CChar](repeating: 0, count: field.count + 1)
        for index in 0..<field.count { buffer[index] = CChar(bitPattern: field[index]) }
        var end: UnsafeMutablePointer<CChar>?
        let value = buffer.withUnsafeMutableBufferPointer { pointer in strtod(pointer.baseAddress!, &end) }
        let consumed = buffer.withUnsafeMutableBufferPointer { pointer in end.map { $0 - pointer.baseAddress! } ?? 0 }
        return consumed == field.count && value.isFinite ? value : nil
    }

    /// Full-width ASCII (U+FF01–U+FF5E, what Chinese input methods type) mapped to ASCII, and the
    /// ideographic space to a space; trims the result.
    static func normalized(_ field: FieldBytes) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in field.text.unicodeScalars {
            if (0xFF01...0xFF5E).contains(scalar.value) {
                scalars.append(UnicodeScalar(scalar.value - 0xFEE0)!)
            } else if scalar.value == 0x3000 {
                scalars.append(" ")
            } else {
                scalars.append(scalar)
            }
        }
        return String(scalars).trimmingCharacters(in: " \t")
    }

    /// Whether every byte is ASCII.
    static func isASCII(_ field: FieldBytes) -> Bool { field.allSatisfy { $0 < 0x80 } }
}
