import Foundation

/// Reads ahead on a thread of its own, so that inflating a gzip SDMX-ML message on one core overlaps
/// with libxml2's parsing on the other (a CSV file goes further: ``PrefetchingRecords``).
///
/// The inner source belongs to the reading thread from the start; the consumer only takes filled
/// chunks from a small bounded queue, so memory stays at a few chunks whatever the file size.
final class PrefetchingSource: ByteSource {
    let name: String
    private let queue: HandOffQueue<Result<[UInt8], IngestError>>
    private var current: [UInt8] = []
    private var offset = 0
    /// The error that ended the reading: every read after it throws it again.
    private var failure: IngestError?
    private(set) var bytesConsumed = 0

    /// Hands `inner` to a reading thread that keeps up to `depth` chunks of `chunkSize` bytes ready.
    init(_ inner: any ByteSource, chunkSize: Int = 1 << 20, depth: Int = 4) {
        name = inner.name
        queue = HandOffQueue(depth: depth)
        let queue = self.queue
        nonisolated(unsafe) let source = inner  // owned by the reading thread from here on
        let thread = Thread {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
            defer { buffer.deallocate() }
            while true {
                do throws(IngestError) {
                    let count = try source.read(into: buffer)
                    guard count > 0 else { return queue.finish() }
                    guard queue.put(.success(Array(buffer.prefix(count)))) else { return }
                } catch {
                    _ = queue.put(.failure(error), last: true)
                    return
                }
            }
        }
        thread.name = "ruralstat.prefetch"
        thread.start()
    }

    deinit { queue.cancel() }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        if let failure { throw failure }
        if offset == current.count {
            switch queue.take() {
            case nil:
                return 0
            case .failure(let error)?:
                failure = error
                throw error
            case .success(let chunk)?:
                current = chunk
                offset = 0
            }
        }
        let count = min(buffer.count, current.count - offset)
        current.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: count) }
        offset += count
        bytesConsumed += count
        return count
    }
}
