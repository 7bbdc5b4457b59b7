/// Text from an untrusted file as a message, a reject row or a manifest quotes it: at most
/// ``limit`` characters (a longer text is cut, with its full length stated), and control characters
/// shown as escapes (`\0`, `\n`, `\u{1B}`), so a NUL cannot cut a stored text short and a quoted line
/// cannot break the line it is quoted in.
public enum EchoText {
    /// The characters a quoted value keeps.
    public static let limit = 200
    /// The characters a whole message keeps (it may quote several values).
    public static let messageLimit = 2_000
    /// The longest a quoted value gets: the kept characters and the note of the full length.
    public static let quotedLimit = limit + 40

    /// `text`, made safe to quote and cut to `limit` characters.
    public static func quote(_ text: some StringProtocol, limit: Int = EchoText.limit) -> String {
        var result = ""
        var kept = 0
        for scalar in text.unicodeScalars {
            if kept == limit {
                return result + "… (\(text.utf8.count) bytes in all)"
            }
            append(scalar, to: &result)
            kept += 1
        }
        return result
    }

    /// Raw bytes (UTF-8, invalid sequences shown as U+FFFD), decoding no more than the limit needs:
    /// a 200 MB field costs no more to quote than a short one.
    public static func quote(bytes: UnsafeBufferPointer<UInt8>, limit: Int = EchoText.limit) -> String {
        // Short printable ASCII, nearly every field, is quoted as it is.
        if bytes.count <= limit, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return String(decoding: bytes, as: UTF8.self) }
        // A character takes at most 4 bytes; the slack lets a cut character decode whole.
        let head = UnsafeBufferPointer(rebasing: bytes.prefix(limit * 4 + 4))
        let decoded = String(decoding: head, as: UTF8.self)
        var result = ""
        var kept = 0
        for scalar in decoded.unicodeScalars {
            if kept == limit { break }
            append(scalar, to: &result)
            kept += 1
        }
        if kept == limit, decoded.unicodeScalars.count > limit || bytes.count > head.count {
            result += "… (\(bytes.count) bytes in all)"
        }
        return result
    }

    /// Whether the text needs no change to be quoted: at most `limit` characters, none of them a
    /// control character, U+FFFE or U+FFFF. One pass over the UTF-8 bytes (this runs for every
    /// problem of a million-row file): C1 controls are `C2 80…9F`, U+FFFE/U+FFFF are `EF BF BE/BF`.
    public static func isSafe(_ text: String, limit: Int = EchoText.limit) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var characters = 0
            var index = 0
            let count = bytes.count
            while index < count {
                let byte = bytes[index]
                if byte < 0x20 || byte == 0x7F { return false }
                if byte == 0xC2, index + 1 < count, bytes[index + 1] >= 0x80, bytes[index + 1] <= 0x9F { return false }
                if byte == 0xEF, index + 2 < count, bytes[index + 1] == 0xBF, bytes[index + 2] >= 0xBE { return false }
                if byte & 0xC0 != 0x80 {
                    characters += 1
                    if characters > limit { return false }
                }
                index += 1
            }
            return true
        }
    }

    @inline(__always)
    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || value == 0x7F || (0x80...0x9F).contains(value) || value == 0xFFFE || value == 0xFFFF
    }

    private static func append(_ scalar: Unicode.Scalar, to result: inout String) {
        guard needsEscape(scalar) else {
            result.unicodeScalars.append(scalar)
            return
        }
        switch scalar {
        case "\0": result += "\\0"
        case "\t": result += "\\t"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        default: result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
        }
    }
}
