import RuralstatSystem

/// A plain file read with POSIX `read`, no buffering of its own (readers bring their buffers).
public final class FileBytes: ByteSource {
    public let name: String
    private let descriptor: Int32
    private var peeked: [UInt8] = []
    public private(set) var bytesConsumed = 0
    /// The file's size in bytes when it was opened.
    public let size: Int

    public init(path: String) throws(IngestError) {
        self.name = path
        descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw IngestError(file: path, rule: .unreadable, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        var status = stat()
        if fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
            close(descriptor)
            throw IngestError(file: path, rule: .unreadable, message: "is a directory, not a file")
        }
        size = Int(status.st_size)
    }

    deinit { close(descriptor) }

    /// Reads the first bytes without consuming them.
    func peek(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        let count = try read(into: buffer)
        peeked = Array(buffer.prefix(count))
        bytesConsumed -= count
        return count
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        guard buffer.count > 0 else { return 0 }
        if !peeked.isEmpty {
            let count = min(peeked.count, buffer.count)
            buffer.copyBytes(from: peeked[0..<count])
            peeked.removeFirst(count)
            bytesConsumed += count
            return count + (try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[count...])))
        }
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 {
                bytesConsumed += count
                return count
            }
            if errno == EINTR { continue }
            throw IngestError(file: name, rule: .unreadable, message: "read failed at byte \(bytesConsumed): \(String(cString: strerror(errno)))")
        }
    }
}
