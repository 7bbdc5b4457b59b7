import RuralstatModel

/// A streaming RFC 4180 reader over a ``ByteSource``.
///
/// Hand-written at the byte level because the general CSV packages decode every field to `String`,
/// which is several times slower than the 6M rows/s the ingest aims for. Handles quoted fields with
/// doubled quotes, commas and newlines inside quotes, CRLF and LF, and a UTF-8 byte-order mark.
/// Memory is one buffer (grown only for a record longer than it) and one record.
public final class CSVReader {
    private let source: any ByteSource
    private var buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var atEOF = false
    private var fieldBytes: [UInt8] = []
    private var fieldEnds: [Int] = []
    /// The 1-based line on which the current record starts.
    public private(set) var line = 0
    private var nextLine = 1
    private let delimiter: UInt8

    public var name: String { source.name }

    public init(source: any ByteSource, delimiter: UInt8 = UInt8(ascii: ","), bufferSize: Int = 1 << 20) {
        self.source = source
        self.delimiter = delimiter
        self.buffer = .allocate(byteCount: bufferSize, alignment: 16)
        fieldBytes.reserveCapacity(256)
    }

    deinit { buffer.deallocate() }

    /// The number of fields of the current record.
    public var fieldCount: Int { fieldEnds.count }

    /// Calls `body` with the bytes of field `index` of the current record.
    @inline(__always)
    public func withField<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let lower = index == 0 ? 0 : fieldEnds[index - 1]
        return try fieldBytes.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[lower..<fieldEnds[index]]))
        }
    }

    /// Calls `body` with an accessor for every field of the current record (one pointer for all).
    @inline(__always)
    public func withAllFields<R>(_ body: ((Int) -> UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try fieldBytes.withUnsafeBufferPointer { all in
            let ends = fieldEnds
            return try body { index in
                let lower = index == 0 ? 0 : ends[index - 1]
                return UnsafeBufferPointer(rebasing: all[lower..<ends[index]])
            }
        }
    }

    /// Field `index` of the current record as a string (invalid UTF-8 is repaired, never dropped).
    public func string(_ index: Int) -> String {
        withField(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// All fields of the current record as strings.
    public var strings: [String] { (0..<fieldCount).map(string) }

    /// Advances to the next record; `false` at the end of the input. A blank line is a record of one empty field.
    public func next() throws(IngestError) -> Bool {
        fieldBytes.removeAll(keepingCapacity: true)
        fieldEnds.removeAll(keepingCapacity: true)
        if start == end {
            try refill()
            if start == end { return false }
        }
        line = nextLine
        if line == 1 { try skipByteOrderMark() }
        var inQuotes = false
        var quotedField = false
        var fieldStart = true
        while true {
            if start == end {
                try refill()
                if start == end {
                    if inQuotes {
                        throw IngestError(file: name, line: line, rule: .unbalancedQuote,
                                          message: "a quoted field opened in field \(fieldEnds.count + 1) is never closed before the end of the file")
                    }
                    fieldEnds.append(fieldBytes.count)
                    return true
                }
            }
            let bytes = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var index = start
            if inQuotes {
                var needMore = false
                while index < end {
                    let byte = bytes[index]
                    if byte == UInt8(ascii: "\"") {
                        // A quote needs the next byte to decide: doubled quote or end of the field.
                        if index + 1 == end, !atEOF {
                            needMore = true
                            break
                        }
                        if index + 1 == end {
                            inQuotes = false
                            index += 1
                            break
                        }
                        if bytes[index + 1] == UInt8(ascii: "\"") {
                            fieldBytes.append(UInt8(ascii: "\""))
                            index += 2
                            continue
                        }
                        inQuotes = false
                        index += 1
                        break
                    }
                    if byte == UInt8(ascii: "\n") { nextLine += 1 }
                    fieldBytes.append(byte)
                    index += 1
                }
                start = index
                if needMore {
                    // The buffer may move when it grows, so `bytes` is taken afresh after this.
                    try refill()
                    continue
                }
                if inQuotes { continue }
            }
            while start < end {
                let byte = bytes[start]
                if byte == delimiter {
                    fieldEnds.append(fieldBytes.count)
                    fieldStart = true
                    quotedField = false
                    start += 1
                    continue
                }
                if byte == UInt8(ascii: "\n") {
                    nextLine += 1
                    start += 1
                    if !quotedField, fieldBytes.last == UInt8(ascii: "\r"), fieldBytes.count > (fieldEnds.last ?? 0) {
                        fieldBytes.removeLast()
                    }
                    fieldEnds.append(fieldBytes.count)
                    return true
                }
                if byte == UInt8(ascii: "\r"), quotedField {
                    start += 1  // the CR of a CRLF after a closing quote
                    continue
                }
                if byte == UInt8(ascii: "\"") {
                    if fieldStart {
                        inQuotes = true
                        quotedField = true
                        fieldStart = false
                        start += 1
                        break
                    }
                    throw IngestError(file: name, line: line, column: "field \(fieldEnds.count + 1)", rule: .unbalancedQuote,
                                      message: quotedField
                                          ? "text follows the closing quote of a quoted field"
                                          : "a quote appears inside an unquoted field; quote the whole field and double the quote")
                }
                if quotedField {
                    throw IngestError(file: name, line: line, column: "field \(fieldEnds.count + 1)", rule: .unbalancedQuote,
                                      message: "text follows the closing quote of a quoted field")
                }
                fieldStart = false
                // Fast path: copy the run of ordinary bytes up to the next special one.
                var stop = start + 1
                while stop < end {
                    let next = bytes[stop]
                    if next == delimiter || next == UInt8(ascii: "\n") || next == UInt8(ascii: "\"") || next == UInt8(ascii: "\r") { break }
                    stop += 1
                }
                fieldBytes.append(contentsOf: UnsafeBufferPointer(start: bytes + start, count: stop - start))
                if stop < end, bytes[stop] == UInt8(ascii: "\r") {
                    fieldBytes.append(UInt8(ascii: "\r"))
                    stop += 1
                }
                start = stop
            }
        }
    }

    private func skipByteOrderMark() throws(IngestError) {
        while end - start < 3, !atEOF { try refill() }
        let bytes = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        if end - start >= 3, bytes[start] == 0xEF, bytes[start + 1] == 0xBB, bytes[start + 2] == 0xBF { start += 3 }
    }

    /// Moves unread bytes to the front and reads more; grows the buffer only when it is full.
    private func refill() throws(IngestError) {
        guard !atEOF else { return }
        if start > 0 {
            let remaining = end - start
            if remaining > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: remaining) }
            start = 0
            end = remaining
        }
        if end == buffer.count {
            let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 16)
            larger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: end)
            buffer.deallocate()
            buffer = larger
        }
        let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
        if count == 0 { atEOF = true }
        end += count
    }
}
