import Foundation
import RuralstatAggregate
import RuralstatModel

/// The digits of the figures each reporter stands behind: every unit under one region at `level`
/// (the county that compiles and sends its villages' figures), over the indicators and periods of
/// the table that `include` admits. Fabrication screens look at a reporter's figures together, and
/// need only counts: first and last digits and the decades the values span, not the values.
struct ReporterDigits {
    /// A reporter's counts in one flat buffer: first digits 1…9 (slots 0…8), last digits 0…9 of
    /// whole numbers of at least three digits (``DigitHeapingCheck/smallestTested``, slots 9…18),
    /// positive values per decade ⌊log₁₀ x⌋ + 12 (10⁻¹² … 10¹⁵, slots 19…46); a pass fills the slots
    /// of its ``Digits`` (the last digits, or the rest), the others stay 0. Counted through a raw
    /// pointer: this runs for every amount of the table. 32-bit counts: the nation's pass keeps every
    /// reporter's counts of every province (tens of thousands of them).
    struct Counts {
        var storage = [Int32](repeating: 0, count: 47)

        /// First significant digits 1…9 of positive values.
        var first: [Int] { storage[0..<9].map(Int.init) }
        /// Last digits 0…9 of whole numbers of at least three digits.
        var last: [Int] { storage[9..<19].map(Int.init) }
        /// Positive values per decade, ⌊log₁₀ x⌋ + 12.
        var decades: ArraySlice<Int32> { storage[19..<47] }

        var positive: Int { storage[0..<9].reduce(0) { $0 + Int($1) } }
        var wholeNumbers: Int { storage[9..<19].reduce(0) { $0 + Int($1) } }

        /// Counts one value's `digits` into `counts` (a ``Counts`` buffer); `powers` is ``powersOfTen``.
        @inline(__always)
        static func add(_ value: Double, into counts: UnsafeMutablePointer<Int32>, powers: UnsafePointer<Double>, digits: Digits) {
            guard value.isFinite, value > 0 else { return }
            guard digits == .first else {
                guard value >= DigitHeapingCheck.smallestTested, value < 1e15 else { return }
                let whole = Int64(value)  // exact below 2⁵³: the remainder of a whole number, as fmod would give
                if Double(whole) == value { counts[9 + Int(whole % 10)] += 1 }
                return
            }
            // The decade from the binary exponent (log₁₀ 2 per binary digit: no logarithm), corrected
            // by the power of ten it lands next to; then the first digit from the mantissa.
            var decade = Swift.min(15, Swift.max(-12, Int((Double(value.exponent) * 0.301_029_995_663_981_2).rounded(.down))))
            var mantissa = value / powers[decade + 12]
            while mantissa >= 10, decade < 15 {
                decade += 1
                mantissa = value / powers[decade + 12]
            }
            while mantissa < 1, decade > -12 {
                decade -= 1
                mantissa = value / powers[decade + 12]
            }
            counts[Swift.min(9, Swift.max(1, Int(mantissa))) - 1] += 1
            counts[19 + Swift.min(27, decade + 12)] += 1
        }

        /// 10⁻¹² … 10¹⁵.
        static let powersOfTen: [Double] = (-12...15).map { pow(10, Double($0)) }

        mutating func add(_ other: Counts) {
            for slot in storage.indices { storage[slot] += other.storage[slot] }
        }

        /// How many decades apart the 1st and 99th percentiles of the positive values lie.
        var decadeSpan: Int {
            let n = positive
            guard n > 0 else { return 0 }
            var seen = 0, low = -1, high = 0
            for (decade, count) in decades.enumerated() where count > 0 {  // offsets from 0
                seen += Int(count)
                if low < 0, seen * 100 > n { low = decade }
                if seen * 100 >= n * 99 {
                    high = decade
                    break
                }
            }
            return high - Swift.max(low, 0)
        }
    }

    /// One reporter's counts, pooled and per indicator.
    struct Reporter {
        var region: Int64
        /// Over every admitted indicator and period.
        var pooled: Counts
        /// Per indicator code (over periods), in code order.
        var byIndicator: [(indicator: String, counts: Counts)]
    }

    /// Reporters in region order.
    var reporters: [Reporter]

    /// Which digits a pass counts: each screen needs its own only, and this runs for every value.
    enum Digits {
        /// First digits and decades (Benford's law).
        case first
        /// Last digits of whole numbers of at least three digits (digit heaping).
        case last
    }

    /// Counts `digits` of the values `include` admits. Partitions are counted concurrently and
    /// merged; counts add up, so the order does not matter.
    init(
        _ table: ObservationTable, level: RegionLevel, catalog: IndicatorCatalog, workers: Int, digits: Digits,
        include: @escaping @Sendable (Indicator) -> Bool
    ) {
        struct Key: Hashable {
            var reporter: Int64
            var indicator: Int
        }
        let parts = table.mapPartitions(workers: workers) { partition -> [Key: Counts] in
            var counts: [Key: Counts] = [:]
            let period = table.periods[partition.period]
            for (column, values) in partition.columns.enumerated() where !values.isEmpty {
                guard let definition = catalog.definition(table.indicators[column], year: period.year), include(definition) else { continue }
                // Rows are sorted: a reporter's units are a run.
                Hierarchy.forEachRun(values.regions, level: level) { run, reporter in
                    var tally = Counts()
                    tally.storage.withUnsafeMutableBufferPointer { counts in
                        Counts.powersOfTen.withUnsafeBufferPointer { powers in
                            values.regions.withUnsafeBufferPointer { regions in
                                values.values.withUnsafeBufferPointer { figures in
                                    // Every unit of the run lies below the reporter but the reporter's own row.
                                    for row in run where regions[row] != reporter {
                                        Counts.add(figures[row], into: counts.baseAddress!, powers: powers.baseAddress!, digits: digits)
                                    }
                                }
                            }
                        }
                    }
                    counts[Key(reporter: reporter, indicator: column), default: Counts()].add(tally)
                }
            }
            return counts
        }
        var merged: [Key: Counts] = [:]
        for part in parts {
            for (key, counts) in part { merged[key, default: Counts()].add(counts) }
        }
        var byReporter: [Int64: [(String, Counts)]] = [:]
        for (key, counts) in merged { byReporter[key.reporter, default: []].append((table.indicators[key.indicator], counts)) }
        reporters = byReporter.sorted { $0.key < $1.key }.map { region, indicators in
            var pooled = Counts()
            for (_, counts) in indicators { pooled.add(counts) }
            return Reporter(region: region, pooled: pooled, byIndicator: indicators.sorted { $0.0 < $1.0 }.map { ($0.0, $0.1) })
        }
    }
}
