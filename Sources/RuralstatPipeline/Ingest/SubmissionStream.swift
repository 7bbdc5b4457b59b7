import Foundation
import RuralstatIngest
import RuralstatModel

/// What a reading thread hands to the thread that applies: batches and problems as they come, then
/// the report (or the error that stopped the file).
enum SubmissionEvent: Sendable {
    case batch(ObservationBatch)
    case problem(ValidationProblem)
    case finished(ValidationReport)
    case failed(IngestError)
}

/// A bounded queue between the thread that reads one file and the thread that applies it, so that
/// reading file n+1 overlaps applying file n while memory stays at a few batches per file.
final class SubmissionStream: @unchecked Sendable {
    private let condition = NSCondition()
    private var events: [SubmissionEvent] = []
    private var batchesQueued = 0
    private let capacity: Int

    init(capacity: Int = 8) { self.capacity = capacity }

    /// Adds an event; a batch waits while `capacity` batches are already queued.
    func push(_ event: SubmissionEvent) {
        condition.lock()
        if case .batch = event {
            while batchesQueued >= capacity { condition.wait() }
            batchesQueued += 1
        }
        events.append(event)
        condition.broadcast()
        condition.unlock()
    }

    /// Takes the next event, waiting for one.
    func pop() -> SubmissionEvent {
        condition.lock()
        while events.isEmpty { condition.wait() }
        let event = events.removeFirst()
        if case .batch = event { batchesQueued -= 1 }
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
            do {
                let report = try SubmissionReader.read(path, registries: registries, catalog: catalog, options: options,
                                                       emit: { stream.push(.batch($0)) }, reject: { stream.push(.problem($0)) })
                stream.push(.finished(report))
            } catch let error as IngestError {
                stream.push(.failed(error))
            } catch {
                stream.push(.failed(IngestError(file: path, rule: .unreadable, message: "\(error)")))
            }
        }
        thread.name = "ruralstat.read"
        thread.start()
        return stream
    }
}
