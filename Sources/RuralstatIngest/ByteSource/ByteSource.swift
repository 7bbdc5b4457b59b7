/// A stream of bytes from a submission: a plain file or a gzip file, told apart by magic bytes.
///
/// Readers pull bytes in chunks through ``read(into:)``, so memory does not grow with file size.
public protocol ByteSource: AnyObject {
    /// The file name used in error messages.
    var name: String { get }
    /// Fills up to `buffer.count` bytes and returns how many; 0 means the end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int
    /// Bytes of the underlying file consumed so far (compressed bytes for gzip).
    var bytesConsumed: Int { get }
}

/// Limits on what an untrusted compressed file may expand to.
public struct DecompressionLimits: Sendable, Hashable {
    /// The largest total expansion in bytes.
    public var maxBytes: Int
    /// The largest ratio of expanded to compressed bytes, checked once `ratioGraceBytes` have come out.
    public var maxRatio: Int
    /// Expanded bytes allowed before the ratio is enforced (small files compress very well).
    public var ratioGraceBytes: Int

    public init(maxBytes: Int = 64 << 30, maxRatio: Int = 200, ratioGraceBytes: Int = 64 << 20) {
        self.maxBytes = maxBytes
        self.maxRatio = maxRatio
        self.ratioGraceBytes = ratioGraceBytes
    }
}

public enum ByteSources {
    /// Opens `path`, detecting gzip by its magic bytes (1f 8b), not by the file name. A gzip file
    /// is inflated on a thread of its own (``PrefetchingSource``) unless `readAhead` is false, for a
    /// caller that reads it on a thread of its own anyway.
    public static func open(
        _ path: String, limits: DecompressionLimits = DecompressionLimits(), readAhead: Bool = true
    ) throws(IngestError) -> any ByteSource {
        let file = try FileBytes(path: path)
        let magic = UnsafeMutableRawBufferPointer.allocate(byteCount: 2, alignment: 1)
        defer { magic.deallocate() }
        let count = try file.peek(into: magic)
        if count == 2, magic[0] == 0x1f, magic[1] == 0x8b {
            let inflated = try GzipBytes(file: file, limits: limits)
            return readAhead ? PrefetchingSource(inflated) : inflated
        }
        return file
    }

    /// Reads a whole (small, trusted-size) file through the same detection, e.g. a catalog.
    public static func readAll(_ path: String, limits: DecompressionLimits = DecompressionLimits()) throws(IngestError) -> [UInt8] {
        let source = try open(path, limits: limits)
        var result: [UInt8] = []
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let count = try source.read(into: chunk)
            if count == 0 { return result }
            result.append(contentsOf: chunk[0..<count])
        }
    }
}
