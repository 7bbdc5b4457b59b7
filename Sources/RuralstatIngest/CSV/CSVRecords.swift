/// The records a CSV submission is read through, one at a time: from a ``CSVReader`` directly, or
/// split ahead on a thread of its own by ``PrefetchingRecords``.
public protocol CSVRecords: AnyObject {
    var name: String { get }
    /// The 1-based line on which the current record starts.
    var line: Int { get }
    var fieldCount: Int { get }
    /// Advances to the next record; `false` at the end of the input.
    func next() throws(IngestError) -> Bool
    /// Field `index` of the current record; valid until the next call to ``next()``.
    func field(_ index: Int) -> FieldBytes
}

extension CSVRecords {
    /// Field `index` of the current record as a string (invalid UTF-8 is repaired, never dropped).
    public func string(_ index: Int) -> String { field(index).text }

    /// All fields of the current record as strings.
    public var strings: [String] { (0..<fieldCount).map(string) }

    /// Whether the current record is a blank line (one empty field).
    public var isBlank: Bool { fieldCount == 1 && field(0).isEmpty }
}

extension CSVReader: CSVRecords {}
