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
            if served == prefix.count { prefix = [] ; served = Int.max }
            return count
        }
        return try inner.read(into: buffer)
    }

    /// The first bytes without a UTF-8 byte-order mark and leading white space.
    var sniffBytes: ArraySlice<UInt8> {
        var slice = prefix[...]
        if slice.starts(with: [0xEF, 0xBB, 0xBF]) { slice = slice.dropFirst(3) }
        while let first = slice.first, first == 32 || first == 9 || first == 10 || first == 13 { slice = slice.dropFirst() }
        return slice
    }
}
