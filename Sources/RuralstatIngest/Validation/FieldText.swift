#if canImport(Glibc)
import Glibc
#endif

/// The bytes of one field, borrowed from a reader's buffer for the duration of one call.
public typealias FieldBytes = UnsafeBufferPointer<UInt8>

extension UnsafeBufferPointer where Element == UInt8 {
    /// An empty field (a column that is absent or blank).
    public static var none: FieldBytes { FieldBytes(start: nil, count: 0) }

    /// The field as text, for messages and slow paths.
    var text: String { String(decoding: self, as: UTF8.self) }

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
enum FieldText {
    /// The outcome of reading a value cell.
    enum Number: Equatable {
        case value(Double)
        /// Empty, `NaN`, `#N/A`, `NA`, `-`: intentionally or accidentally missing.
        case missing
        case invalid
    }

    /// Reads a decimal number: ASCII fast path (Clinger's exact case, else `strtod`), and a slow path
    /// for full-width digits (１２３．５), thousands separators (1,234.5) and surrounding spaces.
    static func number(_ field: FieldBytes) -> Number {
        if let value = fastNumber(field) { return .value(value) }
        let text = normalized(field.trimmed)
        if text.isEmpty || ["nan", "#n/a", "na", "n/a", "-", "…", "—"].contains(text.lowercased()) { return .missing }
        var plain = text
        if plain.contains(",") {
            // Thousands separators only in their proper places: 1,234,567.8
            let parts = plain.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            let groups = parts[0].split(separator: ",", omittingEmptySubsequences: false)
            let head = groups[0].hasPrefix("-") || groups[0].hasPrefix("+") ? groups[0].dropFirst() : groups[0]
            guard (1...3).contains(head.count), groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return .invalid }
            plain = plain.replacingOccurrences(of: ",", with: "")
        }
        guard plain.utf8.allSatisfy({ (48...57).contains($0) || $0 == 46 || $0 == 45 || $0 == 43 || $0 == 101 || $0 == 69 }),
              let value = Double(plain), value.isFinite else { return .invalid }
        return .value(value)
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
        while index < count {
            let byte = base[index]
            if byte &- 48 < 10 {
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
        if index == (negative ? 1 : 0) || (sawPoint && count == (negative ? 2 : 1)) { return nil }
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
