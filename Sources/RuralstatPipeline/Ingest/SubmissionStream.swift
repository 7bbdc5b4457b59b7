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

    init(capacity: Int = 8, problemCapacity: Int = 4_096) {
        self.capacity = capacity
        self.problemCapacity = problemCapacity
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
        case .finished, .failed: break
        }
        condition.broadcast()
        condition.unlock()
        return event
    }

    /// Starts a thread that reads `path` into the stream, once one of `slots` is free.
    static func startReading(_ path: String, registries: RegistryEditions?, catalog: IndicatorCatalog, options: IngestOptions,
                             slots: DispatchSemaphore) -> SubmissionStream {
        let stream = SubmissionStream()
        let thread = Thread {
            slots.wait()
            defer { slots.signal() }
            var pending: [ValidationProblem] = []
            func flush() {
                if !pending.isEmpty { stream.push(.problems(pending)) }
                pending.removeAll(keepingCapacity: true)
            }
            do {
                let report = try SubmissionReader.read(path, registries: registries, catalog: catalog, options: options,
                                                       emit: { batch in
                                                           flush()
                                                           stream.push(.batch(batch))
                                                       },
                                                       reject: { problem in
                                                           pending.append(problem)
                                                           if pending.count >= 1_024 { flush() }
                                                       })
                flush()
                stream.push(.finished(report))
            } catch let error as IngestError {
                flush()
                stream.push(.failed(error))
            } catch {
                flush()
                stream.push(.failed(IngestError(file: path, rule: .unreadable, message: "\(error)")))
            }
        }
        thread.name = "ruralstat.read"
        thread.start()
        return stream
    }
}
