import RuralstatModel

/// A problem that stops the reading of a whole file: it cannot be opened, decompressed or parsed.
///
/// Carries the file, the place (line or element) and a rule code, so the message a reporting unit
/// sees says what to fix; the store is never touched by a file that fails this way.
public struct IngestError: Error, Sendable, CustomStringConvertible {
    public let location: SourceLocation
    public let rule: IngestRule
    public let message: String

    public init(
        file: String, line: Int? = nil, element: String? = nil, column: String? = nil,
        rule: IngestRule, message: String
    ) {
        self.location = SourceLocation(file: file, line: line, element: element, column: column)
        self.rule = rule
        self.message = EchoText.isSafe(message, limit: EchoText.messageLimit) ? message : EchoText.quote(message, limit: EchoText.messageLimit)
    }

    public var description: String { "\(location): \(rule.rawValue): \(message)" }
}

extension IngestError {
    /// A file of another structure: its components (dimensions, attributes) name neither the region
    /// nor the indicator, so it is refused whole, by name, instead of every row.
    static func unmappedStructure(file: String, line: Int?, element: String? = nil, components: [String], structure: String?) -> IngestError {
        IngestError(
            file: file, line: line, element: element, rule: .unmappedStructure,
            message:
                "this file uses the components \(components.prefix(40).joined(separator: ", ")); none is the region (REF_AREA) or the indicator (INDICATOR), "
                + "and there is no mapping for its structure \(structure ?? "(none named)"); nothing of it was read")
    }
}

/// Why a file could not be read at all.
public enum IngestRule: String, Sendable, Hashable, Codable, CaseIterable {
    case unreadable
    case truncatedCompression = "truncated_compression"
    case corruptCompression = "corrupt_compression"
    case decompressionBomb = "decompression_bomb"
    case unbalancedQuote = "unbalanced_quote"
    case recordTooLong = "record_too_long"
    case malformedHeader = "malformed_header"
    case encoding
    case unknownSender = "unknown_sender"
    case unknownFormat = "unknown_format"
    case malformedXML = "malformed_xml"
    case forbiddenDTD = "forbidden_dtd"
    /// An SDMX file whose dimensions name neither the region nor the indicator (another structure,
    /// such as ECB's exchange rates): refused whole, naming its dimensions, not row by row.
    case unmappedStructure = "unmapped_structure"
}
