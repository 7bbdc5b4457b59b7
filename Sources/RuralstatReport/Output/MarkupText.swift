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
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                if value < 0x20 || value == 0xFFFE || value == 0xFFFF {
                    result.unicodeScalars.append("\u{FFFD}")
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    static func number(_ value: Double) -> String { TableFiles.number(value) }
}
