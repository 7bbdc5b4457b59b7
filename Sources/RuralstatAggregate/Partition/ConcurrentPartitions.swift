import Dispatch

extension ObservationTable {
    /// Runs `body` on every partition over `workers` threads (`concurrentPerform`), and returns the
    /// results in partition order: each result has a slot of its own, so no lock is taken and the
    /// output does not depend on how the partitions were shared out.
    public func mapPartitions<Result>(workers: Int, _ body: @Sendable (RegionPartition) -> Result) -> [Result] {
        let partitions = self.partitions
        let slots = UnsafeMutableBufferPointer<Result?>.allocate(capacity: partitions.count)
        _ = slots.initialize(repeating: nil)
        defer {
            slots.deinitialize()
            slots.deallocate()
        }
        nonisolated(unsafe) let output = slots
        let chunks = max(1, min(workers, partitions.count))
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            // Worker `chunk` takes every chunks-th partition.
            var index = chunk
            while index < partitions.count {
                output[index] = body(partitions[index])
                index += chunks
            }
        }
        return slots.map { $0! }
    }
}
