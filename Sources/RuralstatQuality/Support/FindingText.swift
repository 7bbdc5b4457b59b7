import Foundation
import RuralstatModel

import RuralstatSystem

/// The pieces every explanation is written from, so that all findings read alike:
/// "村 130121101205 侯家庄村: 粮食产量 GRAIN_OUTPUT 15184 吨 …".
enum FindingText {
    /// A number as people read it: three significant digits below 1000, whole numbers above.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
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
    static func format(_ specification: String, _ value: Double) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            _ = withVaList([value]) { vsnprintf(buffer.baseAddress, 64, specification, $0) }
            return String(cString: buffer.baseAddress!)
        }
    }

    /// "村 130121101205 侯家庄村" (the name when the registry knows the unit).
    static func unit(_ region: RegionCode, registry: RegionRegistry?) -> String {
        if region == .national { return "全国" }
        let name = registry?.unit(region).map { " \($0.name)" } ?? ""
        return "\(region.level.chineseName) \(region)\(name)"
    }

    /// "粮食产量 GRAIN_OUTPUT".
    static func indicator(_ code: String, _ definition: Indicator?) -> String {
        definition.map { "\($0.nameZh) \(code)" } ?? code
    }

    /// A value with its unit: "15184 吨".
    static func amount(_ value: Double, _ definition: Indicator?) -> String {
        let unit = definition?.scaledUnit ?? ""
        return unit.isEmpty ? number(value) : "\(number(value)) \(unit)"
    }

    /// Collapses the runs of spaces that empty parts leave.
    static func tidy(_ text: String) -> String {
        let space = UInt8(ascii: " ")
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 where !(byte == space && bytes.last == space) { bytes.append(byte) }
        return bytes.count == text.utf8.count ? text : String(decoding: bytes, as: UTF8.self)
    }
}
