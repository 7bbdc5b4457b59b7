/// Text whose lines end with a carriage return alone (as classic Mac programs, and Excel's
/// "CSV (Macintosh)", save it), read with every CR as a line feed: the CSV reader then sees lines.
final class LineEndingSource: ByteSource {
    private let inner: any ByteSource
    var name: String { inner.name }
    var bytesConsumed: Int { inner.bytesConsumed }

    init(_ inner: any ByteSource) { self.inner = inner }

    /// Whether the first line ends with a CR that no LF follows.
    static func usesLoneCarriageReturns(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let end = bytes.firstIndex(where: { $0 == 10 || $0 == 13 }), bytes[end] == 13 else { return false }
        let next = bytes.index(after: end)
        return next < bytes.endIndex && bytes[next] != 10
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        let count = try inner.read(into: buffer)
        for index in 0..<count where buffer[index] == 13 { buffer[index] = 10 }
        return count
    }
}
