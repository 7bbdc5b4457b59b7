import Foundation
import SystemZlib

/// Where a writer's bytes go: a file, or a gzip stream into a file. Writers buffer and hand over
/// large blocks, so a sink is called rarely.
public protocol ByteSink: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
    func close() throws
}

extension ByteSink {
    public func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }
}

/// An output file that cannot be written.
public struct OutputError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let message: String
    public var description: String { "cannot write \(path): \(message)" }

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// What the system said, in words (a Foundation error's POSIX cause, such as "No space left on device").
    public static func reason(_ error: any Error) -> String {
        if let output = error as? OutputError { return output.message }
        var nsError = error as NSError
        while true {
            if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
            guard let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError else { break }
            nsError = underlying
        }
        if let cocoa = error as? CocoaError {
            switch cocoa.code {
            case .fileWriteOutOfSpace: return "No space left on device"
            case .fileWriteNoPermission: return "Permission denied"
            case .fileWriteVolumeReadOnly: return "Read-only file system"
            case .fileWriteFileExists: return "a file is in the way"
            default: break
            }
        }
        return error.localizedDescription
    }
}

/// Opens an output file: gzip-compressed when its name ends in `.gz`.
public enum OutputFile {
    public static func open(_ path: String) throws -> any ByteSink {
        let file = try FileSink(path: path)
        return path.hasSuffix(".gz") ? try GzipSink(file) : file
    }
}

/// A file, created or truncated.
public final class FileSink: ByteSink {
    private let handle: FileHandle
    public let path: String

    public init(path: String) throws {
        self.path = path
        // Opened in place (created or truncated), so the error says why it cannot be, in the system's words.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw OutputError(path: path, message: String(cString: strerror(errno))) }
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        do { try handle.write(contentsOf: Data(bytes)) } catch { throw OutputError(path: path, message: OutputError.reason(error)) }
    }

    public func close() throws {
        do { try handle.close() } catch { throw OutputError(path: path, message: OutputError.reason(error)) }
    }
}

/// A gzip member (RFC 1952) deflated with zlib into another sink.
public final class GzipSink: ByteSink {
    private let target: FileSink
    private var stream = z_stream()
    private var output = [UInt8](repeating: 0, count: 1 << 16)

    public init(_ target: FileSink, level: Int32 = 6) throws {
        self.target = target
        // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw OutputError(path: target.path, message: "zlib could not start")
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(bytes.count)
        try pump(Z_NO_FLUSH)
    }

    private func pump(_ flush: Int32) throws {
        var status: Int32 = Z_OK
        repeat {
            let produced: Int = output.withUnsafeMutableBufferPointer { buffer in
                stream.next_out = buffer.baseAddress
                stream.avail_out = uInt(buffer.count)
                status = deflate(&stream, flush)
                return buffer.count - Int(stream.avail_out)
            }
            guard status != Z_STREAM_ERROR else { throw OutputError(path: target.path, message: "zlib failed") }
            if produced > 0 { try output.withUnsafeBytes { try target.write(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) } }
        } while stream.avail_out == 0 || (flush == Z_FINISH && status != Z_STREAM_END)
    }

    public func close() throws {
        try pump(Z_FINISH)
        deflateEnd(&stream)
        try target.close()
    }
}
