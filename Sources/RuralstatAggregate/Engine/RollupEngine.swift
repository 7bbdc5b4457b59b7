import Foundation
import Dispatch
import RuralstatModel

/// Computes every indicator's rollups at every level, from the units that report it up to the
/// nation, with the rule the catalog gives.
///
/// Work is split by partition (period, province) over `DispatchQueue.concurrentPerform`; each
/// partition is walked once in region order, so the groups of every level are runs of rows and no
/// lock is taken. Province totals are merged into the national ones in partition order, and sums are
/// compensated, so the result is the same, bit for bit, for any number of workers.
public struct RollupEngine: Sendable {
    /// The indicator definitions, which say how each indicator rolls up and at which levels units report it.
    public let catalog: IndicatorCatalog
    /// Expected units by base level, from the registry (empty without one: coverage unknown).
    public let expected: [RegionLevel: ExpectedUnits]
    /// The coverage thresholds that make a rollup published, partial or withheld.
    public let policy: CoveragePolicy
    /// Per base level, the units whose code names a higher level but that stand for the base level
    /// too (东莞 441900, a prefecture city without counties, reports as a county): their rows are
    /// units, not aggregates.
    let spanning: [RegionLevel: Set<Int64>]

    /// Creates the engine; without a registry, coverage is unknown and every rollup is published.
    public init(catalog: IndicatorCatalog, registry: RegionRegistry?, policy: CoveragePolicy = CoveragePolicy()) {
        self.catalog = catalog
        self.policy = policy
        var expected: [RegionLevel: ExpectedUnits] = [:]
        var spanning: [RegionLevel: Set<Int64>] = [:]
        if let registry {
            let bases = Set(catalog.definitions.compactMap { $0.reportedLevels.max() } + [.village])
            for level in bases where level > .national {
                expected[level] = ExpectedUnits(registry: registry, baseLevel: level)
                let spans = registry.units(at: level).filter { $0.level < level }.map(\.rawValue)
                if !spans.isEmpty { spanning[level] = Set(spans) }
            }
        }
        self.expected = expected
        self.spanning = spanning
    }

    /// All rollups of the table, in a fixed order (partition by partition, then national).
    public func rollups(of table: ObservationTable, workers: Int = ProcessInfo.activeProcessors) -> [Rollup] {
        let plans = table.periods.map { period in catalog.codes.compactMap { plan(table, code: $0, period: period) } }
        var results = table.mapPartitions(workers: workers) { partition in
            self.compute(partition, table: table, plans: plans[partition.period])
        }
        let national = national(table, plans: plans, results: results)
        var rollups: [Rollup] = []
        rollups.reserveCapacity(results.reduce(0) { $0 + $1.rollups.count } + national.count)
        for index in results.indices {
            rollups.append(contentsOf: results[index].rollups)
            results[index].rollups = []  // one copy at a time: a million rollups are 100 MB
        }
        rollups.append(contentsOf: national)
        return rollups
    }

    // MARK: Plans

    /// How one indicator is computed in one period: its definition, the columns it reads, its base level.
    struct Plan {
        var definition: Indicator
        var baseLevel: RegionLevel
        /// The table columns the rule reads.
        var first: Int
        var second: Int?
        /// The indicator's own column, where units may have reported the aggregate themselves.
        var own: Int?
    }

    /// The plan of a catalog indicator in a period, or nil when it has no rule, no definition in
    /// force, or none of the data it reads.
    private func plan(_ table: ObservationTable, code: String, period: Period) -> Plan? {
        guard let definition = catalog.definition(code, year: period.year) else { return nil }
        let own = table.indicatorIndex(code)
        let base = baseLevel(of: definition, year: period.year)
        switch definition.aggregation {
        case .none:
            return nil
        case .sum, .mean, .min, .max, .median:
            guard let own else { return nil }
            return Plan(definition: definition, baseLevel: base, first: own, own: own)
        case .weightedMean(let weight):
            guard let own, let second = table.indicatorIndex(weight) else { return nil }
            return Plan(definition: definition, baseLevel: base, first: own, second: second, own: own)
        case .ratio(let numerator, let denominator):
            guard let first = table.indicatorIndex(numerator), let second = table.indicatorIndex(denominator) else { return nil }
            return Plan(definition: definition, baseLevel: base, first: first, second: second, own: own)
        case .shareOfUnits(let condition):
            guard let first = table.indicatorIndex(condition.indicator) else { return nil }
            return Plan(definition: definition, baseLevel: base, first: first, own: own)
        }
    }

    private func stream(_ plan: Plan, _ partition: RegionPartition) -> UnitStream {
        let first = partition.columns[plan.first]
        let base = UnitStream.BaseLevel(level: plan.baseLevel, spanning: spanning[plan.baseLevel] ?? [])
        switch plan.definition.aggregation {
        case .weightedMean:
            return UnitStream.joined(first, partition.columns[plan.second!], at: base) { ($0 * $1, $1) }
        case .ratio:
            return UnitStream.joined(first, partition.columns[plan.second!], at: base) { ($0, $1) }
        case .shareOfUnits(let condition):
            var stream = UnitStream.values(first, at: base)
            for index in 0..<stream.count { stream.a[index] = condition.holds(for: stream.a[index]) ? 1 : 0 }
            return stream
        default:
            return UnitStream.values(first, at: base)
        }
    }

    // MARK: One partition

    struct PartitionResult {
        var rollups: [Rollup] = []
        /// Per plan: the province totals (and, for a median, the province's values) for the national merge.
        var provinceTotals: [Int: GroupTotals] = [:]
        var provinceValues: [Int: [Double]] = [:]
    }

    private func compute(_ partition: RegionPartition, table: ObservationTable, plans: [Plan]) -> PartitionResult {
        var result = PartitionResult()
        let period = table.periods[partition.period]
        var scratch: [Double] = []
        for (indicator, plan) in plans.enumerated() {
            let units = stream(plan, partition)
            guard units.count > 0 else { continue }
            // Rows above the base level are aggregates units reported themselves; a column of base rows only has none.
            let reported =
                plan.own.flatMap { own in
                    units.isWholeColumn && plan.first == own
                        ? nil
                        : reportedValues(partition.columns[own], below: plan.baseLevel, spanning: spanning[plan.baseLevel] ?? [])
                } ?? [:]
            let isMedian = plan.definition.aggregation == .median
            let levels = (RegionLevel.province.rawValue..<plan.baseLevel.rawValue).reversed()  // e.g. township … province
            var keys = [Int64](repeating: -1, count: 6)
            // Rows are sorted, so a group lasts while the region stays below its end: one comparison
            // per row and level, and a division only when a group starts.
            var ends = [Int64](repeating: -1, count: 6)
            var totals = [GroupTotals](repeating: GroupTotals(), count: 6)
            var starts = [Int](repeating: 0, count: 6)
            func emit(_ level: Int, upTo end: Int) {
                let median = isMedian ? medianOf(units.a, starts[level]..<end, &scratch) : .nan
                let region = keys[level]
                result.rollups.append(
                    rollup(
                        plan, level: RegionLevel(rawValue: level)!, region: region, period: period,
                        totals: totals[level], median: median,
                        reported: reported[Key(level: level, region: region)]))
            }
            // Each row goes into the deepest level only; a group that ends is merged into its parent, so
            // the work per row does not grow with the number of levels.
            let hasWeights = !units.b.isEmpty
            let deepest = levels.first
            func close(_ level: Int, upTo end: Int) {
                emit(level, upTo: end)
                if level > RegionLevel.province.rawValue { totals[level - 1].merge(totals[level]) }
            }
            for index in 0..<units.count {
                let region = units.regions[index]
                if let deepest, region >= ends[deepest] {
                    // Deepest first, so that a parent has all its children when it closes.
                    for level in levels where region >= ends[level] && keys[level] >= 0 { close(level, upTo: index) }
                    for level in levels where region >= ends[level] {
                        keys[level] = Hierarchy.ancestor(region, level)
                        ends[level] = keys[level] + Hierarchy.divisors[level]
                        totals[level] = GroupTotals()
                        starts[level] = index
                    }
                }
                let a = units.a[index], b = hasWeights ? units.b[index] : 1
                if let deepest { totals.withUnsafeMutableBufferPointer { $0[deepest].add(a, b) } }
            }
            for level in levels where keys[level] >= 0 { close(level, upTo: units.count) }
            // The province total for the nation: the province group's, or the units' own when provinces report.
            var province = GroupTotals()
            if levels.isEmpty {
                for index in 0..<units.count { province.add(units.a[index], units.second(index)) }
            } else {
                province = totals[RegionLevel.province.rawValue]
            }
            result.provinceTotals[indicator] = province.rounded
            if isMedian { result.provinceValues[indicator] = units.a }
        }
        return result
    }

    struct Key: Hashable { var level: Int; var region: Int64 }

    /// Values an indicator's own column holds above its base level: aggregates units reported themselves.
    private func reportedValues(_ column: IndicatorColumn, below baseLevel: RegionLevel, spanning: Set<Int64>) -> [Key: Double] {
        var reported: [Key: Double] = [:]
        for index in 0..<column.count {
            let level = Hierarchy.level(of: column.regions[index])
            if level < baseLevel, !spanning.contains(column.regions[index]) {
                reported[Key(level: level.rawValue, region: column.regions[index])] = column.values[index]
            }
        }
        return reported
    }

    private func medianOf(_ values: [Double], _ range: Range<Int>, _ scratch: inout [Double]) -> Double {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: values[range])
        return scratch.withUnsafeMutableBufferPointer { OrderStatistics.median($0) }
    }

    /// The rollup of one group by the indicator's rule.
    private func rollup(
        _ plan: Plan, level: RegionLevel, region: Int64, period: Period, totals: GroupTotals, median: Double,
        reported: Double?
    ) -> Rollup {
        let definition = plan.definition
        let a = totals.sumA.value, b = totals.sumB.value, n = Double(totals.count)
        let value: Double =
            switch definition.aggregation {
            case .sum: a
            case .mean: a / n
            case .weightedMean: b == 0 ? .nan : a / b
            case .ratio: b == 0 ? .nan : a / b * (definition.kind == .rate ? 100 : 1)
            case .shareOfUnits: 100 * a / n
            case .min: totals.minA
            case .max: totals.maxA
            case .median: median
            case .none: .nan
            }
        let expectedUnits = expected[plan.baseLevel].map { $0.count(level, region) }
        let coverage = expectedUnits.map { $0 == 0 ? 0 : Double(totals.count) / Double($0) }
        return Rollup(
            level: level, region: RegionCode(uncheckedRawValue: region), indicator: definition.code, period: period,
            value: value, numerator: a, denominator: b, contributing: totals.count, expected: expectedUnits,
            publication: policy.publication(coverage), reported: reported)
    }

    // MARK: The nation

    /// Whether the nation of an indicator can be merged from stored province rollups (an incremental
    /// run relies on it): not for a median, and not when provinces are the reporting units.
    public func mergesFromProvinces(_ code: String, year: Int) -> Bool {
        guard let definition = catalog.definition(code, year: year) else { return true }
        return definition.aggregation != .median && baseLevel(of: definition, year: year) > .province
    }

    /// The level of the units a rule reads: the deepest reporting level of the indicator itself, or
    /// of the numerator or condition it is computed from.
    private func baseLevel(of definition: Indicator, year: Int) -> RegionLevel {
        let source: Indicator? =
            switch definition.aggregation {
            case .ratio(let numerator, _): catalog.definition(numerator, year: year)
            case .shareOfUnits(let condition): catalog.definition(condition.indicator, year: year)
            default: definition
            }
        return source?.reportedLevels.max() ?? .village
    }

    /// The national rollups merged from province rollups (listed in province order), exactly as a
    /// full run merges them; for the indicators of which ``mergesFromProvinces(_:year:)`` holds.
    public func nationalRollups(fromProvinces provinces: [Rollup]) -> [Rollup] {
        var groups: [String: (plan: Plan, period: Period, totals: GroupTotals)] = [:]
        var order: [String] = []
        for row in provinces where row.level == .province {
            let key = "\(row.indicator)|\(row.period)"
            if groups[key] == nil {
                guard let definition = catalog.definition(row.indicator, year: row.period.year) else { continue }
                let plan = Plan(definition: definition, baseLevel: baseLevel(of: definition, year: row.period.year), first: 0)
                groups[key] = (plan, row.period, GroupTotals())
                order.append(key)
            }
            groups[key]!.totals.merge(GroupTotals(stored: row))
        }
        return order.map { key in
            let group = groups[key]!
            return rollup(group.plan, level: .national, region: 0, period: group.period, totals: group.totals, median: .nan, reported: nil)
        }
    }

    private func national(_ table: ObservationTable, plans: [[Plan]], results: [PartitionResult]) -> [Rollup] {
        var rollups: [Rollup] = []
        for (periodIndex, period) in table.periods.enumerated() {
            for (indicator, plan) in plans[periodIndex].enumerated() {
                var totals = GroupTotals()
                var values: [Double] = []
                var any = false
                for (position, partition) in table.partitions.enumerated() where partition.period == periodIndex {
                    guard let partial = results[position].provinceTotals[indicator] else { continue }
                    totals.merge(partial)
                    values.append(contentsOf: results[position].provinceValues[indicator] ?? [])
                    any = true
                }
                guard any else { continue }
                var median = Double.nan
                if plan.definition.aggregation == .median, !values.isEmpty {
                    median = values.withUnsafeMutableBufferPointer { OrderStatistics.median($0) }
                }
                rollups.append(rollup(plan, level: .national, region: 0, period: period, totals: totals, median: median, reported: nil))
            }
        }
        return rollups
    }
}

extension ProcessInfo {
    /// The cores to use for the data-parallel core.
    public static var activeProcessors: Int { ProcessInfo.processInfo.activeProcessorCount }
}
