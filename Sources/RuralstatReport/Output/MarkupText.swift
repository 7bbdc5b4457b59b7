/// Text in HTML and XML (the report, SDMX, the XLSX parts): escaped, always, because names and
/// explanations come from submissions and the registry. Characters that XML 1.0 cannot carry (C0
/// controls other than tab and line ends, U+FFFE, U+FFFF) become U+FFFD, visibly, so that no name
/// can make a document unreadable.
public enum MarkupText {
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(carried(scalar))
            }
        }
        return result
    }

    /// The character as XML 1.0 carries it: itself, or U+FFFD for a C0 control other than tab and
    /// line ends, U+FFFE or U+FFFF.
    static func carried(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: scalar
        case 0..<0x20, 0xFFFE, 0xFFFF: "\u{FFFD}"
        default: scalar
        }
    }

    static func number(_ value: Double) -> String { TableFiles.number(value) }
}
