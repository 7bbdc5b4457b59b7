import CByteScan
import RuralstatModel

/// A streaming RFC 4180 reader over a ``ByteSource``.
///
/// Hand-written at the byte level because the general CSV packages decode every field to `String`,
/// several times slower than the 6M rows/s the ingest aims for. A record without quotes (nearly all
/// of them) is split in place: its fields point into the read buffer and nothing is copied. A record
/// with quotes takes the careful path: doubled quotes, delimiters and newlines inside quotes. CRLF
/// and LF, and a UTF-8 byte-order mark, are handled on both. Memory is one buffer (grown only for a
/// record longer than it) and one record.
public final class CSVReader {
    private let source: any ByteSource
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var atEOF = false
    private let delimiter: UInt8
    /// The delimiters, newlines and quotes not yet consumed among the 64 bytes from `maskBase`
    /// (``rs_csv_specials``); `maskBase` is -1 when the mask must be taken afresh from `start` (after
    /// a refill moved the bytes, or the careful path read a record).
    private var mask: UInt64 = 0
    private var maskBase = -1

    // The current record: field i is base[starts[i] ..< ends[i]], base being the read buffer (for a
    // record split in place) or the copy buffer (for a record that needed unquoting).
    private(set) var starts: UnsafeMutablePointer<Int>
    private(set) var ends: UnsafeMutablePointer<Int>
    private var fieldCapacity = 64
    public private(set) var fieldCount = 0
    private var copy: UnsafeMutablePointer<UInt8>
    private var copyCount = 0
    private var copyCapacity = 1024
    private(set) var base: UnsafeMutablePointer<UInt8>

    /// The 1-based line on which the current record starts.
    public private(set) var line = 0
    private var nextLine = 1

    public var name: String { source.name }

    /// The longest record read: no submission's line comes near it, and a longer one (a binary
    /// file, a runaway quote) is refused rather than held in memory whole.
    public let maxRecordBytes: Int

    public init(source: any ByteSource, delimiter: UInt8 = UInt8(ascii: ","), bufferSize: Int = 1 << 20, maxRecordBytes: Int = 16 << 20) {
        self.source = source
        self.maxRecordBytes = maxRecordBytes
        self.delimiter = delimiter
        capacity = max(bufferSize, 1)
        buffer = .allocate(capacity: capacity)
        starts = .allocate(capacity: fieldCapacity)
        ends = .allocate(capacity: fieldCapacity)
        copy = .allocate(capacity: copyCapacity)
        base = buffer
    }

    deinit {
        buffer.deallocate()
        starts.deallocate()
        ends.deallocate()
        copy.deallocate()
    }

    /// Field `index` of the current record; valid until the next call to ``next()``.
    @inline(__always)
    public func field(_ index: Int) -> FieldBytes {
        FieldBytes(start: base + starts[index], count: ends[index] - starts[index])
    }

    /// Advances to the next record; `false` at the end of the input. A blank line is a record of one empty field.
    public func next() throws(IngestError) -> Bool {
        if start == end {
            try refill()
            if start == end { return false }
        }
        line = nextLine
        if line == 1 { try skipByteOrderMark() }
        if try splitInPlace() { return true }
        return try splitCarefully()
    }

    /// Splits an unquoted record that lies wholly in the buffer; `false` sends it to the careful path.
    /// The record's delimiters and newline come from the mask of specials, 64 bytes at a time, so a
    /// field costs a few instructions whatever its length.
    @inline(__always)
    private func splitInPlace() throws(IngestError) -> Bool {
        while true {
            if maskBase < 0 { loadMask(at: start) }
            var count = 0
            starts[0] = start
            while true {
                if mask == 0 {
                    guard maskBase + 64 < end else { break }
                    loadMask(at: maskBase + 64)
                    continue
                }
                let position = maskBase + mask.trailingZeroBitCount
                mask &= mask &- 1
                let byte = buffer[position]
                if byte == delimiter {
                    if count + 2 > fieldCapacity { growFields() }
                    ends[count] = position
                    count += 1
                    starts[count] = position + 1
                } else if byte == 10 {
                    ends[count] = position > starts[count] && buffer[position - 1] == 13 ? position - 1 : position
                    fieldCount = count + 1
                    base = buffer
                    start = position + 1
                    nextLine += 1
                    return true
                } else {
                    maskBase = -1
                    return false
                }
            }
            // The record runs past the buffer: read more and split again, or end the file.
            if atEOF {
                guard start < end else { return false }
                ends[count] = end > starts[count] && buffer[end - 1] == 13 ? end - 1 : end
                fieldCount = count + 1
                base = buffer
                start = end
                maskBase = -1
                return true
            }
            try refill()
        }
    }

    @inline(__always)
    private func loadMask(at position: Int) {
        maskBase = position
        mask = rs_csv_specials(buffer + position, min(64, end - position), delimiter)
    }

    /// The RFC 4180 path for a record with quotes: fields are unquoted into the copy buffer.
    private func splitCarefully() throws(IngestError) -> Bool {
        copyCount = 0
        fieldCount = 0
        var inQuotes = false
        var quotedField = false
        var fieldStart = true
        starts[0] = 0
        func closeField() {
            if fieldCount + 2 > fieldCapacity { growFields() }
            ends[fieldCount] = copyCount
            fieldCount += 1
            starts[fieldCount] = copyCount
        }
        while true {
            if start == end {
                if copyCount > maxRecordBytes { throw tooLong() }
                try refill()
                if start == end {
                    if inQuotes {
                        throw IngestError(
                            file: name, line: line, rule: .unbalancedQuote,
                            message: "a quoted field opened in field \(fieldCount + 1) is never closed before the end of the file")
                    }
                    closeField()
                    base = copy
                    return true
                }
            }
            let byte = buffer[start]
            if inQuotes {
                if byte == 34 {
                    if start + 1 == end, !atEOF {
                        try refill()  // a quote needs the next byte to decide: doubled quote or end of field
                        continue
                    }
                    if start + 1 < end, buffer[start + 1] == 34 {
                        append(34)
                        start += 2
                        continue
                    }
                    inQuotes = false
                    start += 1
                    continue
                }
                if byte == 10 { nextLine += 1 }
                append(byte)
                start += 1
                continue
            }
            switch byte {
            case delimiter:
                closeField()
                fieldStart = true
                quotedField = false
            case 10:
                nextLine += 1
                start += 1
                if !quotedField, copyCount > starts[fieldCount], copy[copyCount - 1] == 13 { copyCount -= 1 }
                closeField()
                base = copy
                return true
            case 13 where quotedField:
                break  // the CR of a CRLF after a closing quote
            case 34:
                guard fieldStart else {
                    throw IngestError(
                        file: name, line: line, column: "field \(fieldCount + 1)", rule: .unbalancedQuote,
                        message: quotedField
                            ? "text follows the closing quote of a quoted field"
                            : "a quote appears inside an unquoted field; quote the whole field and double the quote")
                }
                inQuotes = true
                quotedField = true
                fieldStart = false
            default:
                if quotedField {
                    throw IngestError(
                        file: name, line: line, column: "field \(fieldCount + 1)", rule: .unbalancedQuote,
                        message: "text follows the closing quote of a quoted field")
                }
                fieldStart = false
                append(byte)
            }
            start += 1
        }
    }

    @inline(__always)
    private func append(_ byte: UInt8) {
        if copyCount == copyCapacity {
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: copyCapacity * 2)
            larger.update(from: copy, count: copyCount)
            copy.deallocate()
            copy = larger
            copyCapacity *= 2
        }
        copy[copyCount] = byte
        copyCount += 1
    }

    private func growFields() {
        let newCapacity = fieldCapacity * 2
        let newStarts = UnsafeMutablePointer<Int>.allocate(capacity: newCapacity)
        let newEnds = UnsafeMutablePointer<Int>.allocate(capacity: newCapacity)
        newStarts.update(from: starts, count: fieldCapacity)
        newEnds.update(from: ends, count: fieldCapacity)
        starts.deallocate()
        ends.deallocate()
        starts = newStarts
        ends = newEnds
        fieldCapacity = newCapacity
    }

    private func tooLong() -> IngestError {
        IngestError(
            file: name, line: line, rule: .recordTooLong,
            message:
                "the record starting on line \(line) is longer than \(maxRecordBytes >> 20) MiB (no submission's line is; is this a CSV file, or is a quote left open?)"
        )
    }

    private func skipByteOrderMark() throws(IngestError) {
        while end - start < 3, !atEOF { try refill() }
        if end - start >= 3, buffer[start] == 0xEF, buffer[start + 1] == 0xBB, buffer[start + 2] == 0xBF {
            start += 3
            maskBase = -1
        }
    }

    /// Moves unread bytes to the front and reads more; grows the buffer only when it is full.
    private func refill() throws(IngestError) {
        guard !atEOF else { return }
        maskBase = -1
        if start > 0 {
            let remaining = end - start
            if remaining > 0 { buffer.update(from: buffer + start, count: remaining) }
            start = 0
            end = remaining
        }
        if end == capacity {
            if capacity >= maxRecordBytes { throw tooLong() }
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            larger.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = larger
            capacity *= 2
        }
        let count = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + end, count: capacity - end))
        if count == 0 { atEOF = true }
        end += count
    }
}

extension CSVReader {
    /// The separator: for SDMX-CSV the character after `DATAFLOW` or `STRUCTURE` (or `STRUCTURE[;]`);
    /// otherwise a comma, or a semicolon or tab when the header line has no comma.
    static func delimiter(sniffing sniffed: ArraySlice<UInt8>) -> UInt8 {
        let headerLine = sniffed.prefix { $0 != 10 && $0 != 13 }
        let upper = headerLine.map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }
        for keyword in ["DATAFLOW", "STRUCTURE"] {
            let bytes = Array(keyword.utf8)
            guard upper.starts(with: bytes) else { continue }
            var rest = upper.dropFirst(bytes.count)
            if rest.first == UInt8(ascii: "["), let close = rest.firstIndex(of: UInt8(ascii: "]")) { rest = rest[(close + 1)...] }
            if let separator = rest.first { return separator }
        }
        if headerLine.contains(UInt8(ascii: ",")) { return UInt8(ascii: ",") }
        if headerLine.contains(UInt8(ascii: ";")) { return UInt8(ascii: ";") }
        if headerLine.contains(9) { return 9 }
        return UInt8(ascii: ",")
    }
}
