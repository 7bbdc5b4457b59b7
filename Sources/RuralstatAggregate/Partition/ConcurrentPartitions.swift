import Dispatch

/// Runs `body` for every index in `0..<count` over `workers` threads (`concurrentPerform`), and
/// returns the results in index order: each result has a slot of its own, so no lock is taken and
/// the output does not depend on how the work was shared out.
func concurrentMap<Result>(_ count: Int, workers: Int, _ body: @Sendable (Int) -> Result) -> [Result] {
    let slots = UnsafeMutableBufferPointer<Result?>.allocate(capacity: count)
    slots.initialize(repeating: nil)
    defer {
        slots.deinitialize()
        slots.deallocate()
    }
    nonisolated(unsafe) let output = slots
    let chunks = max(1, min(workers, count))
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        // Worker `chunk` takes every chunks-th index.
        var index = chunk
        while index < count {
            output[index] = body(index)
            index += chunks
        }
    }
    return slots.map { $0! }
}

extension ObservationTable {
    /// Runs `body` on every partition over `workers` threads, results in partition order.
    public func mapPartitions<Result>(workers: Int, _ body: @Sendable (RegionPartition) -> Result) -> [Result] {
        let partitions = self.partitions
        return concurrentMap(partitions.count, workers: workers) { body(partitions[$0]) }
    }
}
