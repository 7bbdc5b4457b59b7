import Foundation

/// Reads ahead on a thread of its own, so that inflating a gzip file on one core overlaps with
/// parsing on the other (zlib alone takes about as long as parsing a CSV).
///
/// The inner source belongs to the reading thread from the start; the consumer only takes filled
/// chunks from a small bounded queue, so memory stays at a few chunks whatever the file size.
final class PrefetchingSource: ByteSource {
    let name: String
    private let state: State
    private var current: [UInt8] = []
    private var offset = 0
    private(set) var bytesConsumed = 0

    /// The queue shared with the reading thread, guarded by its condition.
    private final class State: @unchecked Sendable {
        let condition = NSCondition()
        var chunks: [[UInt8]] = []
        var finished = false
        var failure: IngestError?
        var cancelled = false
        let depth: Int
        init(depth: Int) { self.depth = depth }
    }

    /// Hands `inner` to a reading thread that keeps up to `depth` chunks of `chunkSize` bytes ready.
    init(_ inner: any ByteSource, chunkSize: Int = 1 << 20, depth: Int = 4) {
        name = inner.name
        state = State(depth: depth)
        let state = self.state
        nonisolated(unsafe) let source = inner  // owned by the reading thread from here on
        let thread = Thread {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
            defer { buffer.deallocate() }
            while true {
                let chunk: [UInt8]
                do throws(IngestError) {
                    let count = try source.read(into: buffer)
                    chunk = Array(buffer.prefix(count))
                } catch {
                    state.condition.lock()
                    state.failure = error
                    state.condition.broadcast()
                    state.condition.unlock()
                    return
                }
                state.condition.lock()
                while state.chunks.count >= state.depth, !state.cancelled { state.condition.wait() }
                if state.cancelled {
                    state.condition.unlock()
                    return
                }
                if chunk.isEmpty { state.finished = true } else { state.chunks.append(chunk) }
                state.condition.broadcast()
                state.condition.unlock()
                if chunk.isEmpty { return }
            }
        }
        thread.name = "ruralstat.prefetch"
        thread.start()
    }

    deinit {
        state.condition.lock()
        state.cancelled = true
        state.condition.broadcast()
        state.condition.unlock()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        if offset == current.count {
            state.condition.lock()
            while state.chunks.isEmpty, !state.finished, state.failure == nil { state.condition.wait() }
            if state.chunks.isEmpty {
                let failure = state.failure
                state.condition.unlock()
                if let failure { throw failure }
                return 0
            }
            current = state.chunks.removeFirst()
            state.condition.broadcast()
            state.condition.unlock()
            offset = 0
        }
        let count = min(buffer.count, current.count - offset)
        current.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: count) }
        offset += count
        bytesConsumed += count
        return count
    }
}
