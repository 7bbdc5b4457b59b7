/// Where in an input a value came from, so that every error names the place a clerk can find.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The file as given on the command line or in the pipeline spec.
    public var file: String
    /// The 1-based line of a text record (CSV), or `nil` for XML.
    public var line: Int?
    /// The element path of an XML record (`/GenericData/DataSet[1]/Series[3]/Obs[2]`), or `nil`.
    public var element: String?
    /// The column name (CSV) or attribute id (SDMX) the value came from.
    public var column: String?

    /// Creates a location; an element path or column name that is not safe to print is quoted (``EchoText``).
    public init(file: String, line: Int? = nil, element: String? = nil, column: String? = nil) {
        self.file = file
        self.line = line
        // Element paths and column names come from the file (a header cell, an attribute name):
        // quoted like any text from a file, so that no control character reaches a message or the store.
        self.element = element.map { EchoText.isSafe($0, limit: 4 * EchoText.limit) ? $0 : EchoText.quote($0, limit: 4 * EchoText.limit) }
        self.column = column.map { EchoText.isSafe($0) ? $0 : EchoText.quote($0) }
    }

    /// `file:line`, `file element`, with `[column]` appended when known.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let element { text += " \(element)" }
        if let column { text += " [\(column)]" }
        return text
    }
}
