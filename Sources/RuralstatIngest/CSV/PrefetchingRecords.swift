import Foundation

/// Splits a CSV file into records on a thread of its own, so that the validator on the reading
/// thread only checks rows: inflating a gzip file and splitting its records take a third of a
/// large file's reading, and they overlap with the checks on the other core.
///
/// The splitting thread copies each record's fields into a chunk (a few thousand records) and
/// queues it; at most `depth` chunks wait, so memory stays a few megabytes whatever the file's
/// size (a chunk that a very long record grew is let go, not filled again). An error (a broken
/// quote, a corrupt gzip member) travels after the records read before it, so the reading thread
/// meets it at the same record as it would reading directly.
final class PrefetchingRecords: CSVRecords {
    let name: String
    private let queue: HandOffQueue<RecordChunk>
    private let recycled: RecycledChunks
    private var chunk: RecordChunk?
    private var record = -1
    private var fieldBase = 0
    // The current chunk's bytes and field bounds, held here so that a field costs two loads.
    private var bytes: UnsafeMutablePointer<UInt8>?
    private var bounds: UnsafeMutablePointer<Int32>?
    private(set) var line = 0
    private(set) var fieldCount = 0

    /// Hands `reader` (and its source) to a splitting thread that keeps up to `depth` chunks ready
    /// (at least 1).
    init(_ reader: CSVReader, depth: Int = 4) {
        name = reader.name
        queue = HandOffQueue(depth: depth)
        recycled = RecycledChunks()
        let (queue, recycled) = (self.queue, self.recycled)
        nonisolated(unsafe) let reader = reader  // owned by the splitting thread from here on
        let thread = Thread {
            var finished = false
            while !finished {
                let chunk = recycled.take()
                do throws(IngestError) {
                    while !chunk.isFull {
                        guard try reader.next() else {
                            finished = true
                            break
                        }
                        chunk.append(reader)
                    }
                } catch {
                    chunk.failure = error
                    finished = true
                }
                guard queue.put(chunk, last: finished) else { return }
            }
        }
        thread.name = "ruralstat.split"
        thread.start()
    }

    deinit { queue.cancel() }

    @inline(__always)
    func field(_ index: Int) -> FieldBytes {
        let bounds = bounds.unsafelyUnwrapped + 2 * (fieldBase + index)
        let lower = Int(bounds[0])
        return FieldBytes(start: bytes.unsafelyUnwrapped + lower, count: Int(bounds[1]) - lower)
    }

    func next() throws(IngestError) -> Bool {
        while true {
            if let chunk, record + 1 < chunk.count {
                record += 1
                fieldBase = Int(chunk.recordFields[record])
                fieldCount = Int(chunk.recordFields[record + 1]) - fieldBase
                line = chunk.lines[record]
                return true
            }
            if let failure = chunk?.failure { throw failure }
            if let used = chunk { recycled.give(used) }
            chunk = queue.take()
            record = -1
            guard let chunk else { return false }
            (bytes, bounds) = (chunk.bytes.base, chunk.bounds.base)
        }
    }

    /// Emptied chunks on their way back to the splitting thread, to be filled again.
    private final class RecycledChunks: @unchecked Sendable {
        private let lock = NSLock()
        private var chunks: [RecordChunk] = []

        /// An emptied chunk when there is one, else a new one.
        func take() -> RecordChunk { lock.withLock { chunks.popLast() }.map { $0.reset() } ?? RecordChunk() }

        /// Keeps `chunk` for refilling, unless a long record grew it: that memory goes back at once.
        func give(_ chunk: RecordChunk) {
            guard !chunk.isOversized else { return }
            lock.withLock { chunks.append(chunk) }
        }
    }
}

/// Records copied out of a reader's buffer: their fields' bytes end to end, where each field
/// starts and ends, and each record's line. Filled on one thread, then read on another (through
/// pointers: the reading thread's per-field cost is two loads).
final class RecordChunk: @unchecked Sendable {
    /// Enough for a few thousand rows of a long file, and few hand-overs between the threads.
    private static let targetBytes = 1 << 19, targetRecords = 8192

    /// Room for the last record past the target, so that a chunk grows only for a very long one.
    private(set) var bytes = GrowingBuffer<UInt8>(capacity: 2 * RecordChunk.targetBytes)
    /// Field k of the chunk is `bytes[bounds[2k] ..< bounds[2k + 1]]`.
    private(set) var bounds = GrowingBuffer<Int32>(capacity: RecordChunk.targetRecords * 12)
    /// Record r's fields are fields `recordFields[r] ..< recordFields[r + 1]` of the chunk.
    private(set) var recordFields = GrowingBuffer<Int32>(capacity: RecordChunk.targetRecords + 1)
    private(set) var lines = GrowingBuffer<Int>(capacity: RecordChunk.targetRecords)
    /// The error that ended the reading, after the chunk's records.
    var failure: IngestError?

    var count: Int { lines.count }
    /// Whether a record longer than a chunk grew it beyond its usual size.
    var isOversized: Bool { bytes.capacity > 2 * RecordChunk.targetBytes }
    var isFull: Bool { bytes.count >= RecordChunk.targetBytes || lines.count >= RecordChunk.targetRecords }

    init() { _ = reset() }

    deinit {
        bytes.deallocate()
        bounds.deallocate()
        recordFields.deallocate()
        lines.deallocate()
    }

    func reset() -> RecordChunk {
        bytes.count = 0
        bounds.count = 0
        recordFields.count = 0
        recordFields.append(0)
        lines.count = 0
        failure = nil
        return self
    }

    /// Copies the reader's current record: its bytes in one move (its fields lie in order in the
    /// reader's buffer), then where each field starts and ends among them.
    func append(_ reader: CSVReader) {
        let count = reader.fieldCount, starts = reader.starts, ends = reader.ends
        let first = starts[0], offset = bytes.count - first
        bytes.append(contentsOf: UnsafeBufferPointer(start: reader.base + first, count: ends[count - 1] - first))
        for index in 0..<count {
            bounds.append(Int32(starts[index] + offset))
            bounds.append(Int32(ends[index] + offset))
        }
        recordFields.append(Int32(bounds.count / 2))
        lines.append(reader.line)
    }
}

/// An array of plain values held by pointer, for a chunk that one thread fills and another reads.
struct GrowingBuffer<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    func deallocate() { base.deallocate() }

    @inline(__always)
    subscript(index: Int) -> Element { base[index] }

    @inline(__always)
    mutating func append(_ element: Element) {
        if count == capacity { grow(to: count + 1) }
        base[count] = element
        count += 1
    }

    mutating func append(contentsOf elements: UnsafeBufferPointer<Element>) {
        guard let start = elements.baseAddress, elements.count > 0 else { return }
        if count + elements.count > capacity { grow(to: count + elements.count) }
        (base + count).update(from: start, count: elements.count)
        count += elements.count
    }

    private mutating func grow(to needed: Int) {
        capacity = max(capacity * 2, needed)
        let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
        larger.update(from: base, count: count)
        base.deallocate()
        base = larger
    }
}
