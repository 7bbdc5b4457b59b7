import RuralstatModel

/// Accumulates accepted rows in fixed column buffers and hands them out as an ``ObservationBatch``.
///
/// Appending to seven `Array`s per row costs a uniqueness check each; writing into preallocated
/// buffers and copying them once per batch does not.
struct BatchBuilder: ~Copyable {
    let capacity: Int
    private(set) var count = 0
    private let regions: UnsafeMutablePointer<Int64>
    private let indicators: UnsafeMutablePointer<UInt16>
    private let periods: UnsafeMutablePointer<UInt16>
    private let values: UnsafeMutablePointer<Double>
    private let statuses: UnsafeMutablePointer<UInt8>
    private let actions: UnsafeMutablePointer<UInt8>
    private let lines: UnsafeMutablePointer<Int32>

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        regions = .allocate(capacity: self.capacity)
        indicators = .allocate(capacity: self.capacity)
        periods = .allocate(capacity: self.capacity)
        values = .allocate(capacity: self.capacity)
        statuses = .allocate(capacity: self.capacity)
        actions = .allocate(capacity: self.capacity)
        lines = .allocate(capacity: self.capacity)
    }

    deinit {
        regions.deallocate()
        indicators.deallocate()
        periods.deallocate()
        values.deallocate()
        statuses.deallocate()
        actions.deallocate()
        lines.deallocate()
    }

    var isFull: Bool { count == capacity }

    @inline(__always)
    mutating func append(region: Int64, indicator: UInt16, period: UInt16, value: Double, status: UInt8, action: Action, line: Int32) {
        regions[count] = region
        indicators[count] = indicator
        periods[count] = period
        values[count] = value
        statuses[count] = status
        actions[count] = action.effective.rawValue
        lines[count] = line
        count += 1
    }

    /// The rows so far as a batch with the given tables; the builder starts empty again.
    mutating func take(indicatorCodes: [String], periodTable: [Period]) -> ObservationBatch {
        var batch = ObservationBatch(indicatorCodes: indicatorCodes, periodTable: periodTable)
        batch.regions = Array(UnsafeBufferPointer(start: regions, count: count))
        batch.indicators = Array(UnsafeBufferPointer(start: indicators, count: count))
        batch.periods = Array(UnsafeBufferPointer(start: periods, count: count))
        batch.values = Array(UnsafeBufferPointer(start: values, count: count))
        batch.statuses = Array(UnsafeBufferPointer(start: statuses, count: count))
        batch.actions = Array(UnsafeBufferPointer(start: actions, count: count))
        batch.lines = Array(UnsafeBufferPointer(start: lines, count: count))
        count = 0
        return batch
    }
}
