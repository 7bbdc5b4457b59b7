import RuralstatSystem

/// A computed figure rounded to 15 significant digits, as the decimal `digits / 10^places` with no
/// trailing zero in the fraction: what ``NumberText/computed(_:)`` writes, in a form a writer turns
/// into bytes without making a `String` (a million rollups are written per night).
///
/// Because a double holds every 15-digit decimal apart (DBL_DIG is 15), this decimal is also the
/// shortest text of the double it reads back to: the text is the same as `shortest` of that double.
public struct ComputedDecimal: Sendable, Hashable {
    /// Whether the figure is below zero.
    public let negative: Bool
    /// The significant digits, at most 15 (16 when rounding carries into a new decade, as 10.0…).
    public let digits: Int64
    /// Digits after the decimal point; 0 for a whole number.
    public let places: Int

    /// The decimal of a finite, non-whole value from 10⁻⁴ to 10¹⁵ (the range written without an
    /// exponent); nil for every other value, and for a value whose 16th digit is an exact half, which
    /// printf's rounding decides.
    public init?(_ value: Double) {
        let magnitude = abs(value)
        guard value.isFinite, value != value.rounded(), magnitude >= 1e-4, magnitude < 1e15 else { return nil }
        // N / 10ᵏ with N the 15 leading digits: N and 10ᵏ are exact doubles, so the quotient is the
        // double nearest the 15-digit decimal, as printf's %.15g read back would give, without printf.
        // The decimal exponent: the binary one times log10(2) is it or one less (log10 costs more).
        var exponent = Int((Double(magnitude.exponent) * 0.301029995663981195).rounded(.down))
        if magnitude >= Self.decimalPowers[exponent + 1 + 5] { exponent += 1 }
        var places = 14 - exponent
        let scale = NumberText.powersOfTen[places]
        // The product's rounding may tip the 15th digit where the rest is near one half: the exact
        // remainder (one fused multiply-add) decides, and an exact half is left to printf's rule.
        var leading = (magnitude * scale).rounded()
        let fraction = (-leading).addingProduct(magnitude, scale)  // magnitude · scale − leading, rounded once
        if abs(fraction) == 0.5 { return nil }
        if fraction > 0.5 { leading += 1 } else if fraction < -0.5 { leading -= 1 }
        var digits = Int64(leading)
        while places > 0, digits % 10 == 0 {
            digits /= 10
            places -= 1
        }
        // Rounding may land below 10⁻⁴ (printed with an exponent) only from a value already near it.
        guard places < 4 || digits >= Self.powersOfTenInt[places - 4] else { return nil }
        self.negative = value < 0
        self.digits = digits
        self.places = places
    }

    /// The decimal's text: a sign, the whole part, and the fraction when there is one.
    public var text: String {
        var text = negative ? "-" : ""
        let power = Self.powersOfTenInt[places]
        text += String(digits / power)
        if places > 0 {
            let fraction = String(digits % power)
            text += "." + String(repeating: "0", count: places - fraction.count) + fraction
        }
        return text
    }

    /// Writes the text's ASCII bytes to `bytes`.
    public func append(to bytes: inout [UInt8]) { Self.append(digits: digits.magnitude, places: places, negative: negative, to: &bytes) }

    /// Writes `digits / 10^places` as decimal text (a whole number when `places` is 0), without a `String`.
    public static func append(digits: UInt64, places: Int, negative: Bool, to bytes: inout [UInt8]) {
        if negative { bytes.append(UInt8(ascii: "-")) }
        // The digits, filled from the right, with the point `places` digits from the end.
        var buffer: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // 20 digits, or 16, a point and leading zeros
        withUnsafeMutableBytes(of: &buffer) { text in
            var rest = digits, count = 0
            while count < places {
                text[31 - count] = UInt8(48 + rest % 10)
                rest /= 10
                count += 1
            }
            if places > 0 {
                text[31 - count] = UInt8(ascii: ".")
                count += 1
            }
            repeat {
                text[31 - count] = UInt8(48 + rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            bytes.append(contentsOf: text[(32 - count)...])
        }
    }

    /// The doubles nearest 10⁻⁵ … 10¹⁵ (as the literals `1e-5` … `1e15`).
    static let decimalPowers: [Double] = (-5...15).map { Double("1e\($0)")! }

    /// 10⁰ … 10¹⁸, every one an Int64.
    static let powersOfTenInt: [Int64] = (0...18).map { power in (0..<power).reduce(1) { total, _ in total * 10 } }
}
