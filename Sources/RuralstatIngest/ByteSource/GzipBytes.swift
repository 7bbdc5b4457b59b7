import CIgzip

/// Streaming gzip inflate through ISA-L's igzip (about four times zlib's speed; see Package.swift):
/// multi-member files, each member's CRC-32 checked, a bomb guard, and errors that name the
/// compressed byte offset where a file is truncated or corrupt.
public final class GzipBytes: ByteSource {
    public var name: String { file.name }
    public var bytesConsumed: Int { file.bytesConsumed - Int(state.pointee.avail_in) }
    private let file: FileBytes
    private let limits: DecompressionLimits
    /// About 100 KB (its window and tables), so on the heap.
    private let state: UnsafeMutablePointer<inflate_state>
    private var input: UnsafeMutableRawBufferPointer
    private var produced = 0
    private var memberEnded = false
    private var finished = false
    private var inputEnded = false

    init(file: FileBytes, limits: DecompressionLimits) throws(IngestError) {
        self.file = file
        self.limits = limits
        input = .allocate(byteCount: 1 << 18, alignment: 16)
        state = .allocate(capacity: 1)
        Self.start(state)
    }

    deinit {
        state.deallocate()
        input.deallocate()
    }

    /// A fresh member: its gzip header read and skipped, its trailer's CRC-32 and length checked.
    private static func start(_ state: UnsafeMutablePointer<inflate_state>) {
        isal_inflate_init(state)
        state.pointee.crc_flag = UInt32(ISAL_GZIP)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        guard !finished, buffer.count > 0 else { return 0 }
        let capacity = min(buffer.count, Int(UInt32.max))
        state.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        state.pointee.avail_out = UInt32(capacity)
        while state.pointee.avail_out > 0 {
            if state.pointee.avail_in == 0, !inputEnded {
                let count = try file.read(into: input)
                if count == 0 {
                    inputEnded = true
                } else {
                    state.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    state.pointee.avail_in = UInt32(count)
                }
            }
            if memberEnded {
                if state.pointee.avail_in == 0 {
                    guard inputEnded else { continue }
                    finished = true
                    break
                }
                // What follows a complete member must be another member (as `cat a.gz b.gz` makes), or
                // zero padding (which gzip too ignores); anything else is damage, said as such.
                let next = state.pointee.next_in[0]
                if next == 0 {
                    state.pointee.next_in += 1
                    state.pointee.avail_in -= 1
                    continue
                }
                if next != 0x1f || (state.pointee.avail_in >= 2 && state.pointee.next_in[1] != 0x8b) {
                    throw IngestError(
                        file: name, rule: .corruptCompression,
                        message:
                            "the gzip stream is complete at compressed byte \(bytesConsumed), but more bytes follow that are not another gzip member (starting 0x\(String(next, radix: 16, uppercase: true))): trailing garbage; the file was damaged or joined wrongly"
                    )
                }
                memberEnded = false
                let (nextIn, availableIn) = (state.pointee.next_in, state.pointee.avail_in)
                let (nextOut, availableOut) = (state.pointee.next_out, state.pointee.avail_out)
                Self.start(state)
                (state.pointee.next_in, state.pointee.avail_in) = (nextIn, availableIn)
                (state.pointee.next_out, state.pointee.avail_out) = (nextOut, availableOut)
            }
            let before = state.pointee.avail_out, inputBefore = state.pointee.avail_in
            let status = isal_inflate(state)
            produced += Int(before - state.pointee.avail_out)
            guard status >= ISAL_DECOMP_OK else {
                throw IngestError(
                    file: name, rule: .corruptCompression, message: "gzip data is corrupt at compressed byte \(bytesConsumed): \(Self.reason(status))")
            }
            if state.pointee.block_state == ISAL_BLOCK_FINISH {
                memberEnded = true
            } else if inputEnded, state.pointee.avail_out > 0, state.pointee.avail_in == inputBefore, before == state.pointee.avail_out {
                // No more input, and igzip took nothing and made nothing (it may still hold bits and
                // output of its own, which it gives while it can): the member cannot end.
                throw IngestError(
                    file: name, rule: .truncatedCompression,
                    message: "gzip stream ends early at compressed byte \(file.bytesConsumed) (the file is truncated)")
            }
            try checkLimits()
        }
        return capacity - Int(state.pointee.avail_out)
    }

    /// igzip's error codes in words.
    private static func reason(_ status: Int32) -> String {
        switch status {
        case ISAL_INVALID_BLOCK: "invalid deflate block"
        case ISAL_INVALID_SYMBOL: "invalid deflate code"
        case ISAL_INVALID_LOOKBACK: "invalid distance too far back"
        case ISAL_INVALID_WRAPPER: "not a gzip header"
        case ISAL_UNSUPPORTED_METHOD: "unknown compression method"
        case ISAL_INCORRECT_CHECKSUM: "the CRC-32 or length in the trailer does not match the data"
        default: "igzip error \(status)"
        }
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
