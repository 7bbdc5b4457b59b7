import RuralstatModel

/// The current observations and the rollups computed from them.
///
/// One facet of ``IndicatorStore``.
public protocol RollupStore: Sendable {
    /// Streams the current observations in batches, ordered by indicator, period and region.
    func currentObservations(_ filter: ObservationFilter, batchSize: Int, _ body: (ObservationBatch) throws -> Void) throws
    /// Replaces the stored rollups of the scope with `rollups` (those of them that lie in the scope),
    /// recording the run that made them and, in `rollup_changes`, which rollups it added, changed or
    /// removed. Nothing outside the scope is touched.
    func replaceRollups(_ rollups: [Rollup], scope: RollupScope, runID: Int64) throws
    /// The periods the store holds observations or rollups for, of these indicators (nil: all).
    func periods(of indicators: Set<String>?) throws -> Set<String>
    /// What changed in the rollups after run `run`: the rollups added or changed since (as they are
    /// now), and the keys removed since and not added back.
    func rollupChanges(since run: Int64) throws -> (changed: [Rollup], removed: [RollupKey])
    /// The stored rollups, in (indicator, period, level, region) order, for reports and tests.
    func storedRollups() throws -> [Rollup]
    /// The stored rollups of some regions (a province's, the nation's) and, when given, levels, in
    /// (indicator, period, level, region) order: what a pass over one province reads.
    func storedRollups(regions: RollupScope.Regions, levels: Set<RegionLevel>?) throws -> [Rollup]
    /// The indicator codes the stored rollups hold.
    func rollupIndicators() throws -> Set<String>
    /// The newest submission the stored rollups include (0 before any rollup).
    func rollupWatermark() throws -> Int64
    /// Records that the rollups now include every submission up to `submission`.
    func setRollupWatermark(_ submission: Int64) throws
    /// The partitions whose observations submissions after `watermark` added, revised or deleted.
    func partitionsTouched(since watermark: Int64) throws -> Set<TouchedPartition>
    /// The stored province rollups of some indicators in a period, in province order.
    func storedProvinceRollups(indicators: Set<String>, period: String) throws -> [Rollup]
    /// The rollups a query selects, as analysts read them (names, unit, parts, coverage, publication,
    /// findings), in (indicator, period, level, region) order: what `ruralstat query` lists.
    func rollupTable(_ query: RollupQuery) throws -> [RollupTableRow]
    /// The current observations (reported figures) a query selects, with names, unit, sender, file
    /// and findings, in (indicator, period, region) order: `ruralstat query --values`.
    func observationTable(_ query: RollupQuery) throws -> [ObservationTableRow]
}

extension RollupStore {
    /// The rollups changed and the keys removed, from the last change of each key (`upsert` or
    /// `delete`): what ``rollupChanges(since:)`` returns, for every backend.
    package func settledChanges(_ last: [RollupKey: String]) throws -> (changed: [Rollup], removed: [RollupKey]) {
        let removed = last.filter { $0.value == "delete" }.map(\.key)
        let changed = Set(last.filter { $0.value == "upsert" }.map(\.key))
        let current = try storedRollups().filter {
            changed.contains(RollupKey(level: $0.level.description, region: $0.region.rawValue, indicator: $0.indicator, period: $0.period.description))
        }
        return (current, removed.sorted { ($0.region, $0.indicator, $0.period, $0.level) < ($1.region, $1.indicator, $1.period, $1.level) })
    }

    /// The current observations (all, or those `filter` selects) in batches of 65,536 rows.
    public func currentObservations(_ filter: ObservationFilter = ObservationFilter(), _ body: (ObservationBatch) throws -> Void) throws {
        try currentObservations(filter, batchSize: 65_536, body)
    }
}

/// A rollup's key as stored (a removed rollup is known only by its key).
public struct RollupKey: Hashable, Sendable {
    public var level: String
    public var region: Int64
    public var indicator: String
    public var period: String

    package init(level: String, region: Int64, indicator: String, period: String) {
        self.level = level
        self.region = region
        self.indicator = indicator
        self.period = period
    }
}
