import Foundation
import RuralstatAggregate
import RuralstatModel

/// What every quality check may read: the partitions the rollups were computed from, the rollups
/// themselves, earlier rollups for their history, and the registry and catalog.
public struct QualityInput: Sendable {
    /// The current observations in (period, province) partitions, as the rollups were computed from them.
    public var table: ObservationTable
    /// This run's rollups at every level (``RollupEngine``'s output), read by the balance, coverage and history checks.
    public var rollups: [Rollup]
    /// Rollups of earlier periods (from the store), for the history of aggregates.
    public var history: [Rollup]
    /// When each sender's submissions for a period arrived, for lateness.
    public var arrivals: [SubmissionArrival]
    /// The indicator definitions (kind, aggregation, reported levels) by code and year.
    public var catalog: IndicatorCatalog
    /// The division registry, for expected units and names in explanations; nil: units go unnamed and expected counts unknown.
    public var registry: RegionRegistry?
    /// Threads each check may use; findings and tallies are identical for any number of workers.
    public var workers: Int
    /// What part of the country this input holds (see ``QualityScope``): all of it, or one pass of a
    /// run that goes province by province so that memory holds one province at a time.
    public var scope: QualityScope = .whole

    /// Creates the input; `workers` defaults to the machine's active processor count.
    public init(
        table: ObservationTable, rollups: [Rollup], history: [Rollup] = [], arrivals: [SubmissionArrival] = [],
        catalog: IndicatorCatalog, registry: RegionRegistry?, workers: Int = ProcessInfo.activeProcessors
    ) {
        self.table = table
        self.rollups = rollups
        self.history = history
        self.arrivals = arrivals
        self.catalog = catalog
        self.registry = registry
        self.workers = workers
    }
}

/// The part of the country a ``QualityInput`` holds. A run that goes province by province gives
/// each province's observations and rollups in turn, then the nation's own: checks that judge a unit
/// among its province's (outliers, edit rules, period-over-period) run in every pass; those that
/// compare units across the whole country (Benford's peers, the false-discovery rate over every
/// test) gather in each pass into ``NationwideEvidence`` and conclude in the nation's pass, and the
/// submissions' timeliness is judged there once. The findings and tallies equal those of one pass
/// over the whole country.
public enum QualityScope: Sendable {
    /// The whole country in one input.
    case whole
    /// One province's observations and rollups (not the nation's).
    case province(NationwideEvidence)
    /// The nation's own observations and rollups, after every province; `periods` are the whole run's.
    case nation(NationwideEvidence, periods: [Period])
}

/// What checks that compare units across the country gather province by province, kept by rule
/// until the nation's pass concludes; one per run.
public final class NationwideEvidence: @unchecked Sendable {
    private let lock = NSLock()
    private var gathered: [String: [any Sendable]] = [:]

    /// Empty evidence, for one run.
    public init() {}

    /// Keeps one pass's evidence of `rule`.
    func add(_ evidence: any Sendable, rule: String) { lock.withLock { gathered[rule, default: []].append(evidence) } }

    /// Every pass's evidence of `rule`, in the order the passes gave it.
    func all<T>(_ rule: String, as type: T.Type) -> [T] { lock.withLock { (gathered[rule] ?? []).compactMap { $0 as? T } } }
}

/// A quality check: reads the input, returns findings and tallies in a fixed order.
public protocol QualityCheck: Sendable {
    /// The rule id its findings carry (a check with several rules names its family).
    var ruleID: String { get }
    /// Runs the check, returning its findings and tallies in an order that does not depend on `input.workers`.
    func run(_ input: QualityInput) -> QualityResults
    /// About how much work the check is beside the others on a night's data (on 10M observations,
    /// roughly its hundredths of a second on one core); 1 by default. ``QualitySuite`` starts the
    /// heaviest first, so that no core waits at the end on a long check that started last.
    var relativeCost: Int { get }
}

extension QualityCheck {
    /// 1: a check that says nothing of its cost is started after those that do.
    public var relativeCost: Int { 1 }
}

extension ObservationTable {
    /// Runs `body` on every partition over `workers` threads and appends the results in partition
    /// order, so a check's findings and tallies do not depend on the number of threads.
    func qualityResults(workers: Int, _ body: @Sendable (RegionPartition) -> QualityResults) -> QualityResults {
        var results = QualityResults()
        for part in mapPartitions(workers: workers, body) { results.append(part) }
        return results
    }

    /// A check of one column at a time: `body` gets every non-empty column of every partition
    /// with its indicator code, period and definition, and the check's tally; the findings and
    /// tallies come in partition order, as ``qualityResults(workers:_:)`` gives them.
    func columnResults(
        ruleID: String, catalog: IndicatorCatalog, workers: Int,
        _ body:
            @Sendable (
                _ column: IndicatorColumn, _ indicator: String, _ period: Period, _ definition: Indicator?,
                _ tally: inout TallyCounter
            ) -> [Finding]
    ) -> QualityResults {
        qualityResults(workers: workers) { partition in
            var tally = TallyCounter(ruleID)
            var found: [Finding] = []
            let period = periods[partition.period]
            for (index, column) in partition.columns.enumerated() where !column.isEmpty {
                found += body(column, indicators[index], period, catalog.definition(indicators[index], year: period.year), &tally)
            }
            return QualityResults(findings: found, tallies: tally.rows)
        }
    }
}

extension ObservationTable {
    /// A partition's non-empty columns of additive indicators (counts and amounts that add up), with
    /// their indicator indices: the figures a unit's return is compared by. Flags and rates coincide
    /// between honest units.
    func additiveColumns(of partition: RegionPartition, catalog: IndicatorCatalog) -> (indices: [Int], columns: [IndicatorColumn]) {
        let year = periods[partition.period].year
        let indices = partition.columns.indices.filter { index in
            !partition.columns[index].isEmpty && (catalog.definition(indicators[index], year: year)?.kind.isAdditive ?? false)
        }
        return (indices, indices.map { partition.columns[$0] })
    }
}

extension IndicatorColumn {
    /// The levels the column has rows of, from the top down.
    var levels: [RegionLevel] {
        var bits = 0
        for region in regions { bits |= RegionCode(uncheckedRawValue: region).level.bit }
        return RegionLevel.allCases.filter { bits & $0.bit != 0 }
    }

    /// The level of the column's deepest units (its reporting units); village when it is empty. The
    /// first village ends the scan: a county's row comes before its villages', so that is at once.
    var deepestLevel: RegionLevel {
        var deepest = RegionLevel.national
        for region in regions {
            let level = RegionCode(uncheckedRawValue: region).level
            if level == .village { return .village }
            deepest = max(deepest, level)
        }
        return regions.isEmpty ? .village : deepest
    }
}

/// Counts of one rule's items per level and province, kept while a check walks a partition. Checks
/// count every unit they look at, so this is on the hot path: a province's six levels sit in an
/// array, and the province of the previous call is remembered (a partition is one province).
struct TallyCounter {
    let ruleID: String
    private var provinces: [Int64] = []
    /// Per province, per level: passed, failed, not applicable.
    private var counts: [[SIMD4<Int64>]] = []
    private var current = -1

    init(_ ruleID: String) { self.ruleID = ruleID }

    @inline(__always)
    private mutating func add(_ region: Int64, level: RegionLevel, _ delta: SIMD4<Int64>) {
        let province = region / 10_000_000_000 * 10_000_000_000
        if current < 0 || provinces[current] != province {
            if let index = provinces.firstIndex(of: province) {
                current = index
            } else {
                provinces.append(province)
                counts.append([SIMD4<Int64>](repeating: .zero, count: 6))
                current = provinces.count - 1
            }
        }
        counts[current][level.rawValue] &+= delta
    }

    mutating func pass(_ region: Int64) { add(region, level: RegionCode(uncheckedRawValue: region).level, SIMD4(1, 0, 0, 0)) }
    mutating func fail(_ region: Int64) { add(region, level: RegionCode(uncheckedRawValue: region).level, SIMD4(0, 1, 0, 0)) }
    mutating func notApplicable(_ region: Int64) { add(region, level: RegionCode(uncheckedRawValue: region).level, SIMD4(0, 0, 1, 0)) }

    /// Adds passes and units without the data, counted in bulk, of `level` in the province of `region`
    /// (checks that look at a whole column count them and tally once).
    mutating func add(province region: Int64, level: RegionLevel, passed: Int, notApplicable: Int) {
        add(region, level: level, SIMD4(Int64(passed), 0, Int64(notApplicable), 0))
    }

    /// Adds another counter's counts (of the same rule), e.g. an earlier pass's.
    mutating func add(_ other: TallyCounter) {
        for (index, province) in other.provinces.enumerated() {
            for (level, value) in other.counts[index].enumerated() where value != .zero {
                add(province, level: RegionLevel(rawValue: level)!, value)
            }
        }
    }

    var rows: [RuleTally] {
        var rows: [RuleTally] = []
        for (index, province) in provinces.enumerated() {
            for (level, value) in counts[index].enumerated() where value != .zero {
                rows.append(
                    RuleTally(
                        ruleID: ruleID, level: RegionLevel(rawValue: level)!, province: RegionCode(uncheckedRawValue: province),
                        passed: Int(value[0]), failed: Int(value[1]), notApplicable: Int(value[2])))
            }
        }
        return rows
    }
}
