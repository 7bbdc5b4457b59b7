import Dispatch
import Foundation

/// Runs `body` for every index in `0..<count` over `workers` threads (`concurrentPerform`), and
/// returns the results in index order: each result has a slot of its own, so the output does not
/// depend on how the work was shared out.
///
/// Work is handed out one index at a time to whichever thread is free, the costliest first when
/// `cost` is given: partitions differ in size by a factor of fifty (a province of 20 000 villages
/// against one of 400), and a fixed share per thread would leave one idle while the other works.
public func concurrentMap<Result>(_ count: Int, workers: Int, cost: ((Int) -> Int)? = nil, _ body: @Sendable (Int) -> Result) -> [Result] {
    let slots = UnsafeMutableBufferPointer<Result?>.allocate(capacity: count)
    slots.initialize(repeating: nil)
    defer {
        slots.deinitialize()
        slots.deallocate()
    }
    nonisolated(unsafe) let output = slots
    let order = cost.map { cost in (0..<count).map { ($0, cost($0)) }.sorted { ($0.1, $1.0) > ($1.1, $0.0) }.map(\.0) } ?? Array(0..<count)
    let queue = WorkQueue(count)
    DispatchQueue.concurrentPerform(iterations: max(1, min(workers, count))) { _ in
        while let next = queue.take() {
            let index = order[next]
            output[index] = body(index)
        }
    }
    return slots.map { $0! }
}

/// The next index to work on, taken under a lock (a few dozen takes per run).
private final class WorkQueue: @unchecked Sendable {
    private let count: Int
    private var next = 0
    private let lock = NSLock()

    init(_ count: Int) { self.count = count }

    func take() -> Int? {
        lock.withLock {
            guard next < count else { return nil }
            next += 1
            return next - 1
        }
    }
}

extension ObservationTable {
    /// Runs `body` on every partition over `workers` threads, the largest first; results in partition order.
    public func mapPartitions<Result>(workers: Int, _ body: @Sendable (RegionPartition) -> Result) -> [Result] {
        let partitions = self.partitions
        return concurrentMap(partitions.count, workers: workers, cost: { partitions[$0].rowCount }) { body(partitions[$0]) }
    }
}
