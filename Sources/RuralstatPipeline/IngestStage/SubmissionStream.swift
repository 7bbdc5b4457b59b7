import Foundation
import RuralstatIngest
import RuralstatModel

/// What a reading thread hands to the thread that applies: batches and problems as they come, then
/// the report (or the error that stopped the file).
enum SubmissionEvent: Sendable {
    case batch(ObservationBatch)
    /// Problems in the order they were found, handed over in chunks (one hand-over per problem
    /// would cost a thread wake-up per rejected row).
    case problems([ValidationProblem])
    case finished(ValidationReport)
    case failed(IngestError)
}

/// A bounded queue between the thread that reads one file and the thread that applies it, so that
/// reading file n+1 overlaps applying file n while memory stays at a few batches and a few thousand
/// problems per file, however many rows a file rejects. Taking an event is O(1) (a head index into
/// the array, compacted now and then), so a million rejected rows cost a million steps, not their square.
final class SubmissionStream: @unchecked Sendable {
    private let condition = NSCondition()
    /// Taken events are cleared at once (a taken chunk of problems must not stay alive until the
    /// array is compacted).
    private var events: [SubmissionEvent?] = []
    private var head = 0
    private var batchesQueued = 0
    private var problemsQueued = 0
    private let capacity: Int
    private let problemCapacity: Int
    /// Given back when the file's last event is taken: a file keeps its place among those read ahead
    /// until the consumer is done with it, not only until it is read.
    private let place: DispatchSemaphore?
    /// Set when the consumer has stopped: nothing more is queued, and a reader waiting for room stops.
    private var stopped = false

    init(capacity: Int = 8, problemCapacity: Int = 4_096, place: DispatchSemaphore? = nil) {
        self.capacity = capacity
        self.problemCapacity = problemCapacity
        self.place = place
    }

    /// Adds an event; a batch waits while `capacity` batches are queued, problems while
    /// `problemCapacity` problems are. Returns false, dropping the event, once the consumer has stopped.
    @discardableResult
    func push(_ event: SubmissionEvent) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        switch event {
        case .batch:
            while batchesQueued >= capacity, !stopped { condition.wait() }
        case .problems(let chunk):
            while problemsQueued > 0, problemsQueued + chunk.count > problemCapacity, !stopped { condition.wait() }
        case .finished, .failed:
            break
        }
        guard !stopped else { return false }
        switch event {
        case .batch: batchesQueued += 1
        case .problems(let chunk): problemsQueued += chunk.count
        case .finished, .failed: break
        }
        events.append(event)
        condition.broadcast()
        return true
    }

    /// The consumer will take nothing more: what is queued is let go, and the reader stops at its next event.
    func stop() {
        condition.withLock {
            stopped = true
            events.removeAll()
            head = 0
            condition.broadcast()
        }
    }

    /// Events waiting to be taken.
    var queued: Int { condition.withLock { events.count - head } }

    /// Takes the next event, waiting for one.
    func pop() -> SubmissionEvent {
        condition.lock()
        while head == events.count { condition.wait() }
        let event = events[head]!
        events[head] = nil
        head += 1
        if head == events.count {
            events.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 4_096, head * 2 >= events.count {
            events.removeFirst(head)
            head = 0
        }
        switch event {
        case .batch: batchesQueued -= 1
        case .problems(let chunk): problemsQueued -= chunk.count
        case .finished, .failed: place?.signal()
        }
        condition.broadcast()
        condition.unlock()
        return event
    }

    /// Reads `paths` into streams, each on a thread of its own: at most `readers` files at once, and
    /// at most `4 × readers` files ahead of the one the consumer is taking. A file keeps its place
    /// ahead until the consumer has taken its last event, so memory stays at a few batches per place
    /// however much faster reading is than applying (freed when reading ended, it let a 30M-row night
    /// read every file ahead and hold it: +330 MB). A few small files ahead keep the applying thread
    /// fed (the 10M ingest: 11.3 s, against 12.9 s with one file ahead per reader). Files get their
    /// turn in order (a dispatcher waits for a free place before it starts the next file), so the file
    /// the consumer waits on has always started.
    ///
    /// A consumer that stops before the last file calls ``Reading/stop()``: the readers stop at their
    /// next event and no further file starts.
    static func startReading(
        _ paths: [String], registries: RegistryEditions?, catalog: IndicatorCatalog, options: IngestOptions,
        readers: Int
    ) -> Reading {
        // Made at 0 and signalled up to their counts: libdispatch traps when a semaphore goes away below
        // the value it was made with, as `ahead` does when a consumer stops early (a file that cannot be
        // read ends `rollup --from`, leaving later files' places taken).
        let ahead = DispatchSemaphore(value: 0), slots = DispatchSemaphore(value: 0)
        for _ in 0..<(max(1, readers) * 4 + 1) { ahead.signal() }
        for _ in 0..<max(1, readers) { slots.signal() }
        let streams = paths.map { _ in SubmissionStream(place: ahead) }
        let reading = Reading(streams: streams, ahead: ahead)
        let dispatcher = Thread {
            defer { reading.dispatched() }
            for (path, stream) in zip(paths, streams) {
                ahead.wait()
                slots.wait()
                guard !reading.isStopped else { return }
                let thread = Thread {
                    defer { slots.signal() }
                    stream.read(path, registries: registries, catalog: catalog, options: options)
                }
                thread.name = "ruralstat.read"
                thread.start()
            }
        }
        dispatcher.name = "ruralstat.read-dispatch"
        dispatcher.start()
        return reading
    }

    /// The streams of one call to ``startReading(_:registries:catalog:options:readers:)``, in the
    /// order of its paths, and the way to stop reading them.
    final class Reading: @unchecked Sendable {
        let streams: [SubmissionStream]
        private let ahead: DispatchSemaphore
        private let lock = NSLock()
        private var stopped = false
        private var dispatching = true

        init(streams: [SubmissionStream], ahead: DispatchSemaphore) {
            self.streams = streams
            self.ahead = ahead
        }

        var isStopped: Bool { lock.withLock { stopped } }

        /// Whether files may still be started (the thread that starts them has not ended).
        var isDispatching: Bool { lock.withLock { dispatching } }

        fileprivate func dispatched() { lock.withLock { dispatching = false } }

        /// Stops every reader at its next event and starts no further file; calling it after the
        /// last file was taken changes nothing.
        func stop() {
            let first = lock.withLock {
                defer { stopped = true }
                return !stopped
            }
            guard first else { return }
            for stream in streams { stream.stop() }
            ahead.signal()  // the dispatcher may wait for a place: it wakes, sees the stop and ends
        }
    }

    /// Reads one file into this stream: its batches, its problems in chunks, then its report or error.
    private func read(_ path: String, registries: RegistryEditions?, catalog: IndicatorCatalog, options: IngestOptions) {
        var pending: [ValidationProblem] = []
        func flush() throws {
            if !pending.isEmpty, !push(.problems(pending)) { throw StoppedReading() }
            pending.removeAll(keepingCapacity: true)
        }
        do {
            let report = try SubmissionReader.read(
                path, registries: registries, catalog: catalog, options: options,
                emit: { batch in
                    try flush()
                    guard self.push(.batch(batch)) else { throw StoppedReading() }
                },
                reject: { problem in
                    pending.append(problem)
                    if pending.count >= 1_024 { try flush() }
                })
            try flush()
            push(.finished(report))
        } catch let error as IngestError {
            try? flush()
            push(.failed(error))
        } catch is StoppedReading {
            return  // the consumer has stopped: nothing is waiting for this file
        } catch {
            try? flush()
            push(.failed(IngestError(file: path, rule: .unreadable, message: "\(error)")))
        }
    }

    /// Thrown into a reader whose consumer has stopped, to end its file early.
    private struct StoppedReading: Error {}
}
