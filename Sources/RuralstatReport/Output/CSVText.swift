import Foundation

/// Quoting of CSV output (RFC 4180), with cells that a spreadsheet would run as a formula made safe.
public enum CSVText {
    /// The characters that make a cell a formula (or a DDE call) when they lead it, as OWASP lists
    /// them: `=`, `+`, `-`, `@`, a tab and a carriage return.
    @inline(__always)
    static func leadsFormula(_ byte: UInt8) -> Bool {
        switch byte {
        case 61, 43, 45, 64, 9, 13: true
        default: false
        }
    }

    public static func field(_ text: String) -> String {
        var value = text
        // A leading apostrophe keeps a would-be formula text. A plain number (-12.5, +3e4) stays a
        // number: only digits, one dot and an exponent, so `-inf` and `-0x1p3` are guarded too.
        if let first = value.utf8.first, leadsFormula(first), !isPlainNumber(value) { value = "'" + value }
        if value.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }

    /// `[+-]? digits [. digits] ([eE] [+-]? digits)?`, or `[+-]? . digits …`.
    static func isPlainNumber(_ text: String) -> Bool {
        var bytes = Substring(text).utf8[...]
        if let first = bytes.first, first == 43 || first == 45 { bytes = bytes.dropFirst() }
        let integer = bytes.prefix { $0 &- 48 < 10 }
        bytes = bytes.dropFirst(integer.count)
        var digits = integer.count
        if bytes.first == 46 {
            bytes = bytes.dropFirst()
            let fraction = bytes.prefix { $0 &- 48 < 10 }
            digits += fraction.count
            bytes = bytes.dropFirst(fraction.count)
        }
        guard digits > 0 else { return false }
        if let e = bytes.first, e | 0x20 == 101 {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == 43 || sign == 45 { bytes = bytes.dropFirst() }
            let exponent = bytes.prefix { $0 &- 48 < 10 }
            guard !exponent.isEmpty else { return false }
            bytes = bytes.dropFirst(exponent.count)
        }
        return bytes.isEmpty
    }
}
