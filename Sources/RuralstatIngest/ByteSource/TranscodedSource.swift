import RuralstatSystem

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

    /// What messages call the encoding, with why it was chosen.
    private let label: String

    init(_ inner: any ByteSource, from encoding: String, label: String? = nil) throws(IngestError) {
        self.inner = inner
        self.label = label ?? encoding
        converter = iconv_open("UTF-8", encoding)
        guard converter != iconv_t(bitPattern: -1) else {
            throw IngestError(file: inner.name, rule: .encoding, message: "the character set \(encoding) is not available")
        }
    }

    deinit { iconv_close(converter) }

    /// Whether `bytes` read as `encoding` without an error (a character cut off at the end is fine).
    static func converts(_ bytes: [UInt8], from encoding: String) -> Bool {
        let converter = iconv_open("UTF-8", encoding)
        guard converter != iconv_t(bitPattern: -1) else { return false }
        defer { iconv_close(converter) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: bytes.count * 4 + 16)
        var inLeft = input.count, outLeft = output.count
        let status = input.withUnsafeMutableBytes { inBytes in
            output.withUnsafeMutableBytes { outBytes in
                var inPointer: UnsafeMutablePointer<CChar>? = inBytes.baseAddress?.assumingMemoryBound(to: CChar.self)
                var outPointer: UnsafeMutablePointer<CChar>? = outBytes.baseAddress?.assumingMemoryBound(to: CChar.self)
                return iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
            }
        }
        return status != -1 || errno == EINVAL
    }

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
                throw IngestError(
                    file: name, rule: .encoding,
                    message: "the text is not valid \(label) near byte \(inner.bytesConsumed - (input.count - inputStart))")
            }
        }
    }
}

/// The character set of a text file, told from its first bytes.
enum TextEncoding: Equatable {
    case utf8
    /// Not UTF-8 (the reason says where), so read as GB18030, what Excel in a Chinese office writes.
    case gb18030(notUTF8: String)
    /// UTF-16 (with a byte-order mark, or without one by its zero bytes) or UTF-32 (with a mark): `iconv` is the
    /// name iconv knows, `label` the one messages use.
    case unicode(iconv: String, label: String)
    /// UTF-8 up to a byte that cannot be: a file cut or re-saved in another encoding.
    case brokenUTF8(offset: Int, byte: UInt8)

    /// Tells the encoding from the first bytes of a file.
    static func detect(_ bytes: ArraySlice<UInt8>) -> TextEncoding {
        let start = bytes.startIndex
        func starts(_ prefix: [UInt8]) -> Bool { bytes.starts(with: prefix) }
        if starts([0xFF, 0xFE, 0, 0]) { return .unicode(iconv: "UTF-32", label: "UTF-32LE (byte-order mark FF FE 00 00)") }
        if starts([0, 0, 0xFE, 0xFF]) { return .unicode(iconv: "UTF-32", label: "UTF-32BE (byte-order mark 00 00 FE FF)") }
        if starts([0xFF, 0xFE]) { return .unicode(iconv: "UTF-16", label: "UTF-16LE (byte-order mark FF FE)") }
        if starts([0xFE, 0xFF]) { return .unicode(iconv: "UTF-16", label: "UTF-16BE (byte-order mark FE FF)") }
        // Without a mark, UTF-16 shows as a zero in every other byte of ASCII text.
        let sample = bytes.prefix(512)
        if sample.count >= 8 {
            var evenZeros = 0, oddZeros = 0
            for (offset, byte) in sample.enumerated() where byte == 0 {
                if offset % 2 == 0 { evenZeros += 1 } else { oddZeros += 1 }
            }
            let half = sample.count / 2
            if oddZeros * 3 >= half, evenZeros * 10 < half { return .unicode(iconv: "UTF-16LE", label: "UTF-16LE (no byte-order mark)") }
            if evenZeros * 3 >= half, oddZeros * 10 < half { return .unicode(iconv: "UTF-16BE", label: "UTF-16BE (no byte-order mark)") }
        }
        var index = start
        var multiByte = 0
        while index < bytes.endIndex {
            let byte = bytes[index]
            let length: Int
            switch byte {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return verdict(multiByte, index - start, byte)
            }
            if index + length > bytes.endIndex { return .utf8 }  // a character cut off by the peek
            for next in bytes[(index + 1)..<(index + length)] where next & 0xC0 != 0x80 { return verdict(multiByte, index - start, byte) }
            if length > 1 { multiByte += 1 }
            index += length
        }
        return .utf8
    }

    /// After valid multi-byte UTF-8 characters, a bad byte means broken UTF-8; before any, another encoding.
    private static func verdict(_ multiByte: Int, _ offset: Int, _ byte: UInt8) -> TextEncoding {
        let hex = String(byte, radix: 16, uppercase: true)
        if multiByte >= 2 { return .brokenUTF8(offset: offset, byte: byte) }
        return .gb18030(notUTF8: "byte 0x\(hex.count == 1 ? "0" : "")\(hex) at offset \(offset) is not UTF-8")
    }
}
