/// The SDMX observation status (CL_OBS_STATUS), kept as its one-letter code.
///
/// Missing-value statuses (`M`, `L`, `O`, `Q`, `H`) are the ones that may stand with an empty or
/// `NaN` value; any other status needs a number.
public struct ObservationStatus: Hashable, Sendable, CustomStringConvertible {
    /// The upper-case ASCII letter.
    public let code: UInt8

    /// A status from its letter, upper-casing a lower-case one; `nil` for a letter outside CL_OBS_STATUS.
    public init?(code: UInt8) {
        let upper = code >= 97 && code <= 122 ? code - 32 : code
        guard ObservationStatus.table[Int(upper)] & 1 != 0 else { return nil }
        self.code = upper
    }

    /// A status from one-character text (`A`, `m`); `nil` for anything else.
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 1 else { return nil }
        self.init(code: bytes[0])
    }

    /// A normal value.
    public static let normal = ObservationStatus(code: UInt8(ascii: "A"))!
    /// `M`, a missing value: the row may carry no number.
    public static let missing = ObservationStatus(code: UInt8(ascii: "M"))!

    /// Per byte: bit 0 a code of CL_OBS_STATUS 2.x (A B D E F G H I J K L M N O P Q S U V W),
    /// bit 1 a missing-value code (H L M O Q). A table, because every row asks.
    static let table: [UInt8] = (0..<256).map { byte in
        let character = UInt8(byte)
        return ("ABDEFGHIJKLMNOPQSUVW".utf8.contains(character) ? 1 : 0) | ("HLMOQ".utf8.contains(character) ? 2 : 0)
    }

    /// Whether an upper-case status code says the value is missing.
    @inline(__always)
    public static func isMissing(code: UInt8) -> Bool { table[Int(code)] & 2 != 0 }

    /// Whether the status says the value is missing (and so may be empty or NaN).
    public var isMissing: Bool { ObservationStatus.isMissing(code: code) }

    /// The status letter.
    public var description: String { String(UnicodeScalar(code)) }
}
