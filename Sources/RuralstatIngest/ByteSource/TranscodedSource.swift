#if canImport(Glibc)
import Glibc
#endif

/// Text in another character set (GB18030/GBK, as Excel in a Chinese office saves CSV) converted
/// to UTF-8 on the fly with the C library's iconv, in chunks.
final class TranscodedSource: ByteSource {
    private let inner: any ByteSource
    private let converter: iconv_t
    private var input: [UInt8] = []
    private var inputStart = 0
    private var atEnd = false

    var name: String { inner.name }
    var bytesConsumed: Int { inner.bytesConsumed }

    init(_ inner: any ByteSource, from encoding: String) throws(IngestError) {
        self.inner = inner
        converter = iconv_open("UTF-8", encoding)
        guard converter != iconv_t(bitPattern: -1) else {
            throw IngestError(file: inner.name, rule: .encoding, message: "the character set \(encoding) is not available")
        }
    }

    deinit { iconv_close(converter) }

    private var output = [UInt8](repeating: 0, count: 1 << 16)
    private var outputStart = 0
    private var outputEnd = 0

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        if outputStart == outputEnd {
            outputStart = 0
            outputEnd = try convert()
            if outputEnd == 0 { return 0 }
        }
        let count = min(buffer.count, outputEnd - outputStart)
        output.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + outputStart, byteCount: count) }
        outputStart += count
        return count
    }

    /// Converts the next stretch of input into `output`; 0 at the end.
    private func convert() throws(IngestError) -> Int {
        while true {
            if input.count - inputStart < 8, !atEnd {
                // Keep a partial multi-byte character and read more behind it.
                input.removeFirst(inputStart)
                inputStart = 0
                let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
                defer { chunk.deallocate() }
                let count = try inner.read(into: chunk)
                if count == 0 { atEnd = true } else { input.append(contentsOf: chunk.prefix(count)) }
            }
            if inputStart == input.count { return 0 }
            var inLeft = input.count - inputStart
            var outLeft = output.count
            let start = inputStart
            let (result, consumed, produced): (Int, Int, Int) = input.withUnsafeMutableBytes { bytes in
                output.withUnsafeMutableBytes { out in
                    var inPointer: UnsafeMutablePointer<CChar>? = bytes.baseAddress!.advanced(by: start).assumingMemoryBound(to: CChar.self)
                    var outPointer: UnsafeMutablePointer<CChar>? = out.baseAddress!.assumingMemoryBound(to: CChar.self)
                    let before = inLeft
                    let status = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                    return (status, before - inLeft, out.count - outLeft)
                }
            }
            inputStart += consumed
            if produced > 0 { return produced }
            if result == -1 {
                if errno == EINVAL, !atEnd { continue }  // an incomplete character at the end of the chunk: read more
                throw IngestError(file: name, rule: .encoding,
                                  message: "the text is not valid GB18030 near byte \(inner.bytesConsumed - (input.count - inputStart))")
            }
        }
    }
}

enum TextEncoding {
    /// Whether `bytes` are valid UTF-8, allowing a character cut off at the end.
    static func looksLikeUTF8(_ bytes: ArraySlice<UInt8>) -> Bool {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            let length: Int
            switch byte {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return false
            }
            if index + length > bytes.endIndex { return true }
            for next in bytes[(index + 1)..<(index + length)] where next & 0xC0 != 0x80 { return false }
            index += length
        }
        return true
    }
}
