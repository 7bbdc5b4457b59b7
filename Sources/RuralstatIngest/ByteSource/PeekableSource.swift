/// A source whose first bytes have been read ahead (to sniff the format and the encoding) and are
/// served again before the rest.
final class PeekableSource: ByteSource {
    private let inner: any ByteSource
    private(set) var prefix: [UInt8]
    private var served = 0

    var name: String { inner.name }
    var bytesConsumed: Int { inner.bytesConsumed }

    /// Reads up to `count` bytes ahead.
    init(_ inner: any ByteSource, peek count: Int = 1 << 16) throws(IngestError) {
        self.inner = inner
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
        defer { buffer.deallocate() }
        var filled = 0
        while filled < count {
            let got = try inner.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if got == 0 { break }
            filled += got
        }
        prefix = Array(buffer.prefix(filled))
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        if served < prefix.count {
            let count = min(buffer.count, prefix.count - served)
            prefix.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + served, byteCount: count) }
            served += count
            if served == prefix.count { prefix = []; served = Int.max }
            return count
        }
        return try inner.read(into: buffer)
    }

    /// Removes all but the first of the UTF-8 byte-order marks a file starts with (a file saved twice
    /// with a mark); returns how many there were.
    func dropExtraByteOrderMarks() -> Int {
        let mark: [UInt8] = [0xEF, 0xBB, 0xBF]
        var count = 0
        while prefix[(count * 3)...].starts(with: mark) { count += 1 }
        if count > 1 { prefix.removeSubrange(3..<(count * 3)) }
        return count
    }

    /// Whether a UTF-16 or UTF-32 text starts with `<` (an XML message that libxml2 decodes itself).
    func isUnicodeMarkup(_ encoding: TextEncoding) -> Bool {
        guard case .unicode(let name, _) = encoding else { return false }
        var bytes = prefix[...]
        let width = name.hasPrefix("UTF-32") ? 4 : 2
        if name == "UTF-16" || name == "UTF-32" { bytes = bytes.dropFirst(width) }  // the byte-order mark
        while bytes.count >= width {
            let unit = bytes.prefix(width)
            let nonZero = unit.filter { $0 != 0 }
            guard nonZero.count == 1, let byte = nonZero.first else { return false }
            if byte == 32 || byte == 9 || byte == 10 || byte == 13 { bytes = bytes.dropFirst(width); continue }
            return byte == UInt8(ascii: "<")
        }
        return false
    }

    /// The first bytes without a UTF-8 byte-order mark and leading white space.
    var sniffBytes: ArraySlice<UInt8> {
        var slice = prefix[...]
        if slice.starts(with: [0xEF, 0xBB, 0xBF]) { slice = slice.dropFirst(3) }
        while let first = slice.first, first == 32 || first == 9 || first == 10 || first == 13 { slice = slice.dropFirst() }
        return slice
    }
}
