/// A 12-digit NBS statistical division code (统计用区划代码): 2 province + 2 prefecture + 2 county
/// + 3 township + 3 village digits.
///
/// Stored as one 64-bit integer so that millions of codes sort, hash and compare as numbers, and
/// printed zero-padded to 12 digits. Submissions often carry the short forms (`11`, `1101`,
/// `110101`, `110101001`); these are right-padded with zeros, as NBS does.
///
/// The level follows from the digits: the last non-zero digit group decides it. The registry, not
/// the code, knows the irregular parts of the real tree (municipality placeholders, prefecture
/// cities without counties); ``parentByDigits`` is only what the digits say.
public struct RegionCode: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// The code as a number: `110101001201` for 村 110101001201; `0` is the national root.
    public let rawValue: Int64

    /// The national root (`000000000000`), the parent of every province.
    public static let national = RegionCode(uncheckedRawValue: 0)

    /// Wraps a number that is already known to be a valid code (from the store or the registry).
    @inlinable
    public init(uncheckedRawValue: Int64) { self.rawValue = uncheckedRawValue }

    /// Parses a 2-, 4-, 6-, 9- or 12-digit code, right-padding it to 12 digits.
    ///
    /// Throws ``RegionCodeError`` naming what is wrong: a non-digit, a wrong length, a province
    /// outside the GB/T 2260 range, or a zero group followed by a non-zero one (`110001000000`;
    /// only the county group may be zero below a prefecture, as in 东莞's 441900003000).
    public init(_ text: some StringProtocol) throws(RegionCodeError) {
        var string = String(text)
        let parsed = string.withUTF8 { bytes in Result { () throws(RegionCodeError) in try RegionCode(utf8: bytes) } }
        self = try parsed.get()
    }

    /// Parses the UTF-8 bytes of a code (the readers' fast path: no `String` is made unless it is wrong).
    public init(utf8 bytes: UnsafeBufferPointer<UInt8>) throws(RegionCodeError) {
        func text() -> String { String(decoding: bytes, as: UTF8.self) }
        guard bytes.count == 2 || bytes.count == 4 || bytes.count == 6 || bytes.count == 9 || bytes.count == 12 else {
            throw RegionCodeError(text: text(), reason: .length(text().count))
        }
        var value: Int64 = 0
        for offset in 0..<bytes.count {
            let digit = bytes[offset] &- UInt8(ascii: "0")
            guard digit < 10 else {
                let characters = String(decoding: UnsafeBufferPointer(rebasing: bytes[..<offset]), as: UTF8.self).count
                throw RegionCodeError(text: text(), reason: .nonDigit(position: characters + 1))
            }
            value = value &* 10 &+ Int64(digit)
        }
        for _ in bytes.count..<12 { value &*= 10 }
        do { try self.init(validating: value) } catch { throw RegionCodeError(text: text(), reason: error.reason) }
    }

    /// Validates a 12-digit number, as read from a binary source.
    public init(rawValue: Int64) throws(RegionCodeError) {
        do { try self.init(validating: rawValue) } catch { throw RegionCodeError(text: String(rawValue), reason: error.reason) }
    }

    /// Checks the digit groups of a 12-digit number; the error's text is filled in by the caller.
    private init(validating value: Int64) throws(RegionCodeError) {
        let text = ""
        guard value >= 0, value < 1_000_000_000_000 else {
            throw RegionCodeError(text: text, reason: .length(String(value).count))
        }
        let province = value / 10_000_000_000
        guard RegionCode.provinces.contains(province) else {
            throw RegionCodeError(text: text, reason: .province(Int(province)))
        }
        // Once a digit group is zero, every group below it must be zero too, with one exception:
        // the townships of a prefecture city without counties (东莞 441900003000) keep county digits 00.
        var sawZero = false
        for level in [RegionLevel.prefecture, .county, .township, .village] {
            let group = RegionCode.group(of: value, at: level)
            if group == 0 {
                sawZero = sawZero || level != .county
            } else if sawZero {
                throw RegionCodeError(text: text, reason: .gap(level: level))
            }
        }
        self.rawValue = value
    }

    /// The province-level codes of GB/T 2260 (31 in mainland statistics, plus 71 台湾, 81 香港, 82 澳门).
    public static let provinces: Set<Int64> = [
        11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
        50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
    ]

    /// The digit group that a level adds, e.g. the county digits `01` of `110101001201`.
    static func group(of value: Int64, at level: RegionLevel) -> Int64 {
        switch level {
        case .national: 0
        case .province: value / 10_000_000_000
        case .prefecture: value / 100_000_000 % 100
        case .county: value / 1_000_000 % 100
        case .township: value / 1_000 % 1_000
        case .village: value % 1_000
        }
    }

    /// The digit group this code has at `level` (`county` digits of `110101001201` are `1`).
    public func digits(at level: RegionLevel) -> Int { Int(RegionCode.group(of: rawValue, at: level)) }

    /// The level the digits say: the level of the last non-zero group.
    @inlinable  // read for every row by the rollups and the checks
    public var level: RegionLevel {
        if rawValue == 0 { return .national }
        if rawValue % 1_000 != 0 { return .village }
        if rawValue % 1_000_000 != 0 { return .township }
        if rawValue % 100_000_000 != 0 { return .county }
        if rawValue % 10_000_000_000 != 0 { return .prefecture }
        return .province
    }

    /// The ancestor at `level` by truncating digits; a code at or above `level` is returned unchanged.
    public func ancestor(at level: RegionLevel) -> RegionCode {
        let divisor = RegionCode.divisor(keeping: level)
        return RegionCode(uncheckedRawValue: rawValue / divisor * divisor)
    }

    static func divisor(keeping level: RegionLevel) -> Int64 {
        switch level {
        case .national: 1_000_000_000_000
        case .province: 10_000_000_000
        case .prefecture: 100_000_000
        case .county: 1_000_000
        case .township: 1_000
        case .village: 1
        }
    }

    /// The parent as the digits say (the code truncated one level up); `nil` for the national root.
    public var parentByDigits: RegionCode? {
        guard let up = level.parent else { return nil }
        return ancestor(at: up)
    }

    /// Whether `self` lies in the subtree of `other` as the digits say (a code is in its own subtree).
    public func isWithin(_ other: RegionCode) -> Bool {
        other.level <= level && ancestor(at: other.level) == other
    }

    /// The region a sender id names by the digits it ends with (`CN_441900` → 441900000000), or nil
    /// when they are no region code.
    public init?(senderID: String) {
        let digits = String(senderID.reversed().prefix { $0.isASCII && $0.isNumber }.reversed())
        guard let code = try? RegionCode(digits) else { return nil }
        self = code
    }

    /// How many codes the subtree spans: the subtree of `self` is `rawValue ..< rawValue + subtreeSpan`
    /// (10¹⁰ for a province, 1 for a village), so a subtree is a range query.
    public var subtreeSpan: Int64 { RegionCode.subtreeSpans[level.rawValue] }

    /// ``subtreeSpan`` by level (national … village).
    public static let subtreeSpans: [Int64] = [1_000_000_000_000, 10_000_000_000, 100_000_000, 1_000_000, 1_000, 1]

    /// The 12-digit zero-padded form.
    public var description: String {
        let digits = String(rawValue)
        return String(repeating: "0", count: 12 - digits.count) + digits
    }

    /// The shortest form that still names the unit (`11`, `1101`, `110101`, `110101001`, or all 12 digits).
    public var shortDescription: String {
        String(description.prefix(level.significantDigits == 0 ? 12 : level.significantDigits))
    }

    /// Orders by the number, which is the order of the tree: a unit's subtree follows it as one run.
    public static func < (lhs: RegionCode, rhs: RegionCode) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Decodes a code from its text, checked and padded as ``init(_:)`` does.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = try RegionCode(text)
    }

    /// Encodes the 12-digit text form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Why a text is not a statistical division code.
public struct RegionCodeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong with the text.
    public enum Reason: Equatable, Sendable {
        /// The text has this many characters; a code has 2, 4, 6, 9 or 12 digits.
        case length(Int)
        /// The character at this 1-based position is not an ASCII digit.
        case nonDigit(position: Int)
        /// The province digits are not a GB/T 2260 province.
        case province(Int)
        /// The digit group of this level is non-zero although a group above it is zero.
        case gap(level: RegionLevel)
    }

    /// The text as given.
    public let text: String
    /// What is wrong with it.
    public let reason: Reason

    /// A message that quotes the text and says what a code must be.
    public var description: String {
        switch reason {
        case .length(let count):
            "region code '\(text)' has \(count) characters; a code has 2, 4, 6, 9 or 12 digits"
        case .nonDigit(let position):
            "region code '\(text)' has a non-digit at position \(position)"
        case .province(let province):
            "region code '\(text)' starts with province digits \(province < 10 ? "0" : "")\(province), which is no GB/T 2260 province"
        case .gap(let level):
            "region code '\(text)' has \(level) digits although the level above is all zeros"
        }
    }
}
