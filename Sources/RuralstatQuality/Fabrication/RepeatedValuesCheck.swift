import Foundation
import RuralstatAggregate
import RuralstatModel

/// The same figure reported by many units of one reporter for one indicator and period — copied
/// rather than measured. Zeros and small whole numbers repeat naturally and are left out.
public struct RepeatedValuesCheck: QualityCheck {
    /// The level of the reporter whose units' figures are compared (the county by default).
    public var reporterLevel = RegionLevel.county
    /// A value shared by at least this many units …
    public var minimumRepeats = 5
    /// … and by at least this share of the reporter's units is a finding.
    public var minimumShare = 0.1
    /// Values below this (in absolute terms) are not considered.
    public var smallestValue = 100.0

    /// `repeated_values`, tallied once per reporter, indicator and period.
    public var ruleID: String { BuiltInRule.repeatedValues }

    /// ``QualityCheck/relativeCost``: the values of every township and indicator counted.
    public var relativeCost: Int { 3 }

    /// The check with the defaults above (set a property to change one).
    public init() {}

    /// Findings for each reporter, additive indicator and period where one figure is shared by too many of its units.
    public func run(_ input: QualityInput) -> QualityResults {
        input.table.columnResults(ruleID: ruleID, catalog: input.catalog, workers: input.workers) { column, code, period, definition, tally in
            guard let definition, definition.kind.isAdditive else { return [] }
            var found: [Finding] = []
            var counter = EqualValues()
            Hierarchy.forEachRun(column.regions, level: reporterLevel) { run, reporter in
                let (start, end) = (run.lowerBound, run.upperBound)
                counter.reset(for: end - start)
                for row in start..<end where abs(column.values[row]) >= smallestValue { counter.add(column.values[row]) }
                let units = end - start
                if let (value, repeats) = counter.mostRepeated,
                    repeats >= minimumRepeats, Double(repeats) >= minimumShare * Double(units)
                {
                    tally.fail(reporter)
                    let region = RegionCode(uncheckedRawValue: reporter)
                    let examples = (start..<end).filter { column.values[$0] == value }.prefix(5).map { "\(RegionCode(uncheckedRawValue: column.regions[$0]))" }
                    let explanation =
                        "\(FindingText.unit(region, registry: input.registry)): \(repeats) of its \(units) units reported "
                        + "\(FindingText.indicator(code, definition)) \(FindingText.amount(value, definition)) exactly for \(period) "
                        + "(e.g. \(examples.joined(separator: ", "))); at most \(minimumRepeats - 1) or \(Int(100 * minimumShare)) % would be chance"
                    found.append(
                        Finding(
                            ruleID: ruleID, method: "identical_values", severity: .warning, level: region.level, region: region,
                            indicator: code, period: period, observed: value, statisticName: "repeats", statistic: Double(repeats),
                            parameters: [
                                "minimum_repeats": .integer(minimumRepeats), "minimum_share": .number(minimumShare), "smallest_value": .number(smallestValue),
                            ],
                            peerSize: units, explanation: FindingText.tidy(explanation)))
                } else {
                    tally.pass(reporter)
                }
            }
            return found
        }
    }
}

/// Counts of equal values among one reporter's figures, by open addressing over raw buffers that
/// are reused run after run (a generation number marks a slot taken in the current run, so nothing
/// is cleared): the check hashes every amount of the table, and this is several times cheaper than
/// ``PackedKeyTable``'s arrays. The most repeated value is kept as values come.
private struct EqualValues: ~Copyable {
    private var keys = UnsafeMutablePointer<UInt64>.allocate(capacity: 0)
    private var counts = UnsafeMutablePointer<Int>.allocate(capacity: 0)
    private var generations = UnsafeMutablePointer<UInt32>.allocate(capacity: 0)
    private var capacity = 0, shift: UInt64 = 64
    private var generation: UInt32 = 0
    private var best: (value: Double, repeats: Int)?

    deinit {
        keys.deallocate()
        counts.deallocate()
        generations.deallocate()
    }

    /// Empties the table for a run of at most `count` values.
    mutating func reset(for count: Int) {
        best = nil
        var needed = 16
        while needed < 2 * count { needed *= 2 }
        if needed > capacity {
            keys.deallocate()
            counts.deallocate()
            generations.deallocate()
            keys = .allocate(capacity: needed)
            counts = .allocate(capacity: needed)
            generations = .allocate(capacity: needed)
            generations.initialize(repeating: 0, count: needed)
            capacity = needed
            shift = UInt64(64 - needed.trailingZeroBitCount)
            generation = 0
        }
        generation &+= 1
        if generation == 0 {  // after 2³² runs: start the marks again
            generations.update(repeating: 0, count: capacity)
            generation = 1
        }
    }

    /// Counts one value (not NaN).
    @inline(__always)
    mutating func add(_ value: Double) {
        let value = value + 0  // −0 + 0 is +0: equal values, equal bits
        let key = value.bitPattern
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)  // Fibonacci hashing
        while generations[slot] == generation && keys[slot] != key { slot = (slot + 1) & (capacity - 1) }
        var count = 1
        if generations[slot] == generation {
            count = counts[slot] + 1
        } else {
            generations[slot] = generation
            keys[slot] = key
        }
        counts[slot] = count
        // The smallest of equally repeated values, so that the choice does not depend on the order.
        if let current = best, count < current.repeats || (count == current.repeats && value >= current.value) { return }
        best = (value, count)
    }

    /// The most repeated value and its count; the smallest of equally repeated ones.
    var mostRepeated: (value: Double, repeats: Int)? { best }
}
