import SystemZlib

/// Streaming gzip inflate through zlib: multi-member files, a bomb guard, and errors that name the
/// compressed byte offset where a file is truncated or corrupt.
public final class GzipBytes: ByteSource {
    public var name: String { file.name }
    public var bytesConsumed: Int { file.bytesConsumed - Int(stream.avail_in) }
    private let file: FileBytes
    private let limits: DecompressionLimits
    private var stream = z_stream()
    private var input: UnsafeMutableRawBufferPointer
    private var produced = 0
    private var memberEnded = false
    private var finished = false

    init(file: FileBytes, limits: DecompressionLimits) throws(IngestError) {
        self.file = file
        self.limits = limits
        input = .allocate(byteCount: 1 << 18, alignment: 16)
        // 15 + 16: a gzip wrapper with the largest window.
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            input.deallocate()
            throw IngestError(file: file.name, rule: .corruptCompression, message: "zlib could not be initialised")
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        guard !finished, buffer.count > 0 else { return 0 }
        stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
        while stream.avail_out > 0 {
            if stream.avail_in == 0 {
                let count = try file.read(into: input)
                if count == 0 {
                    if memberEnded {
                        finished = true
                        break
                    }
                    throw IngestError(
                        file: name, rule: .truncatedCompression,
                        message: "gzip stream ends early at compressed byte \(file.bytesConsumed) (the file is truncated)")
                }
                stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = UInt32(count)
            }
            if memberEnded {
                // What follows a complete member must be another member (as `cat a.gz b.gz` makes), or
                // zero padding (which gzip too ignores); anything else is damage, said as such.
                let next = stream.next_in[0]
                if next == 0 {
                    stream.next_in += 1
                    stream.avail_in -= 1
                    continue
                }
                if next != 0x1f || (stream.avail_in >= 2 && stream.next_in[1] != 0x8b) {
                    throw IngestError(
                        file: name, rule: .corruptCompression,
                        message:
                            "the gzip stream is complete at compressed byte \(bytesConsumed), but more bytes follow that are not another gzip member (starting 0x\(String(next, radix: 16, uppercase: true))): trailing garbage; the file was damaged or joined wrongly"
                    )
                }
                memberEnded = false
                inflateReset(&stream)
            }
            let before = stream.avail_out
            let status = inflate(&stream, Z_NO_FLUSH)
            produced += Int(before - stream.avail_out)
            switch status {
            case Z_OK, Z_BUF_ERROR:
                break
            case Z_STREAM_END:
                memberEnded = true
            default:
                let reason = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                throw IngestError(
                    file: name, rule: .corruptCompression,
                    message: "gzip data is corrupt at compressed byte \(bytesConsumed): \(reason)")
            }
            try checkLimits()
        }
        return buffer.count - Int(stream.avail_out)
    }

    private func checkLimits() throws(IngestError) {
        if produced > limits.maxBytes {
            throw IngestError(
                file: name, rule: .decompressionBomb,
                message: "expands beyond the limit of \(limits.maxBytes) bytes (from \(bytesConsumed) compressed bytes); refused as a possible gzip bomb")
        }
        if produced > limits.ratioGraceBytes, produced / max(bytesConsumed, 1) > limits.maxRatio {
            throw IngestError(
                file: name, rule: .decompressionBomb,
                message:
                    "expands \(produced / max(bytesConsumed, 1))× (\(produced) bytes from \(bytesConsumed)), above the limit of \(limits.maxRatio)×; refused as a possible gzip bomb"
            )
        }
    }
}
