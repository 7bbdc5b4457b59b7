import Foundation

/// The thread on which the server store's asynchronous work runs for its synchronous callers.
///
/// The store's interface (``RuralstatStore/IndicatorStore``) is synchronous, as SQLite's is, and
/// postgres-nio is asynchronous. A caller blocks while the work runs here; the work itself only
/// awaits replies that arrive on SwiftNIO's event loops. It never runs on Swift's cooperative pool,
/// which the blocked caller may be part of: on a two-core machine two blocked callers would otherwise
/// leave no pool thread to finish their work.
@available(macOS 15, *)
package final class ServerThread: TaskExecutor, @unchecked Sendable {
    /// One for the process: the work is short steps between replies, never a wait of its own.
    package static let shared = ServerThread()

    private let condition = NSCondition()
    /// Jobs waiting, oldest first from `next` (guarded by `condition`).
    private var jobs: [UnownedJob] = []
    private var next = 0

    private init() {
        let thread = Thread { [unowned self] in self.serve() }
        thread.name = "ruralstat.server-store"
        thread.start()
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func serve() {
        while true {
            condition.lock()
            while next == jobs.count { condition.wait() }
            let job = jobs[next]
            next += 1
            if next == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                next = 0
            }
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }

    /// Runs `work` here and waits for it; returns its result or throws its error. Called from any
    /// thread but this one.
    package func wait<Result: Sendable>(_ work: @escaping @Sendable () async throws -> Result) throws -> Result {
        let outcome = Outcome<Result>()
        Task(executorPreference: self) {
            do { outcome.settle(.success(try await work())) } catch { outcome.settle(.failure(error)) }
        }
        return try outcome.value()
    }

    /// A result handed from the work to the waiting caller.
    private final class Outcome<Value: Sendable>: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var result: Swift.Result<Value, any Error>?

        func settle(_ result: Swift.Result<Value, any Error>) {
            self.result = result
            done.signal()
        }

        func value() throws -> Value {
            done.wait()
            return try result!.get()
        }
    }
}
