/// The SDMX observation status (CL_OBS_STATUS), kept as its one-letter code.
///
/// Missing-value statuses (`M`, `L`, `O`, `Q`, `H`) are the ones that may stand with an empty or
/// `NaN` value; any other status needs a number.
public struct ObservationStatus: Hashable, Sendable, CustomStringConvertible {
    /// The upper-case ASCII letter.
    public let code: UInt8

    public init?(code: UInt8) {
        let upper = code >= 97 && code <= 122 ? code - 32 : code
        guard ObservationStatus.known.contains(upper) else { return nil }
        self.code = upper
    }

    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 1 else { return nil }
        self.init(code: bytes[0])
    }

    /// A normal value.
    public static let normal = ObservationStatus(code: UInt8(ascii: "A"))!
    public static let missing = ObservationStatus(code: UInt8(ascii: "M"))!

    /// The codes of CL_OBS_STATUS 2.x: A B D E F G H I J K L M N O P Q S U V W.
    static let known: Set<UInt8> = Set("ABDEFGHIJKLMNOPQSUVW".utf8)
    static let missingCodes: Set<UInt8> = Set("HLMOQ".utf8)

    /// Whether the status says the value is missing (and so may be empty or NaN).
    public var isMissing: Bool { ObservationStatus.missingCodes.contains(code) }

    public var description: String { String(UnicodeScalar(code)) }
}
