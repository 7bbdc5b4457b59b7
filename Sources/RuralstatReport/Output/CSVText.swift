import Foundation

/// Quoting of CSV output (RFC 4180), with cells that a spreadsheet would run as a formula made safe.
public enum CSVText {
    public static func field(_ text: String) -> String {
        var value = text
        // A cell starting with = + - @ is a formula in Excel; a leading apostrophe keeps it text.
        if let first = value.first, "=+-@".contains(first), Double(value) == nil { value = "'" + value }
        if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }
}
