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

    init(capacity: Int = 8, problemCapacity: Int = 4_096, place: DispatchSemaphore? = nil) {
        self.capacity = capacity
        self.problemCapacity = problemCapacity
        self.place = place
    }

    /// Adds an event; a batch waits while `capacity` batches are queued, problems while `problemCapacity` problems are.
    func push(_ event: SubmissionEvent) {
        condition.lock()
        switch event {
        case .batch:
            while batchesQueued >= capacity { condition.wait() }
            batchesQueued += 1
        case .problems(let chunk):
            while problemsQueued > 0, problemsQueued + chunk.count > problemCapacity { condition.wait() }
            problemsQueued += chunk.count
        case .finished, .failed:
            break
        }
        events.append(event)
        condition.broadcast()
        condition.unlock()
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
    static func startReading(
        _ paths: [String], registries: RegistryEditions?, catalog: IndicatorCatalog, options: IngestOptions,
        readers: Int
    ) -> [SubmissionStream] {
        // Made at 0 and signalled up to their counts: libdispatch traps when a semaphore goes away below
        // the value it was made with, as `ahead` does when a consumer stops early (a file that cannot be
        // read ends `rollup --from`, leaving later files' places taken).
        let ahead = DispatchSemaphore(value: 0), slots = DispatchSemaphore(value: 0)
        for _ in 0..<(max(1, readers) * 4 + 1) { ahead.signal() }
        for _ in 0..<max(1, readers) { slots.signal() }
        let streams = paths.map { _ in SubmissionStream(place: ahead) }
        let dispatcher = Thread {
            for (path, stream) in zip(paths, streams) {
                ahead.wait()
                slots.wait()
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
        return streams
    }

    /// Reads one file into this stream: its batches, its problems in chunks, then its report or error.
    private func read(_ path: String, registries: RegistryEditions?, catalog: IndicatorCatalog, options: IngestOptions) {
        var pending: [ValidationProblem] = []
        func flush() {
            if !pending.isEmpty { push(.problems(pending)) }
            pending.removeAll(keepingCapacity: true)
        }
        do {
            let report = try SubmissionReader.read(
                path, registries: registries, catalog: catalog, options: options,
                emit: { batch in
                    flush()
                    self.push(.batch(batch))
                },
                reject: { problem in
                    pending.append(problem)
                    if pending.count >= 1_024 { flush() }
                })
            flush()
            push(.finished(report))
        } catch let error as IngestError {
            flush()
            push(.failed(error))
        } catch {
            flush()
            push(.failed(IngestError(file: path, rule: .unreadable, message: "\(error)")))
        }
    }
}
