import Foundation
import RuralstatAggregate
import RuralstatModel
import RuralstatStore

/// `ruralstat rollup` from the store: the current observations are loaded into partitions, rolled
/// up, and the rollups of the partitions covered replace the stored ones, with the run that made them.
public struct StoreRollup {
    public var store: SQLiteStore
    public var catalog: IndicatorCatalog
    public var registry: RegionRegistry?
    public var policy = CoveragePolicy()
    public var workers = ProcessInfo.activeProcessors

    public init(store: SQLiteStore, catalog: IndicatorCatalog, registry: RegionRegistry?) {
        self.store = store
        self.catalog = catalog
        self.registry = registry
    }

    public struct Summary: Sendable {
        public var observations = 0
        public var rollups = 0
        public var secondsLoading = 0.0
        public var secondsRollup = 0.0
        public var secondsWriting = 0.0
        /// After a full rollup: every current observation and every rollup, as the store now holds
        /// them — so that the quality checks need not load them again.
        public var everything: (table: ObservationTable, rollups: [Rollup])?
    }

    /// Rolls up the indicators (with what their rules read), periods and province of the filter.
    public func run(indicators: Set<String>? = nil, periods: Set<String>? = nil, region: RegionCode? = nil, runID: Int64) throws -> Summary {
        var summary = Summary()
        var started = Date()
        let everything = indicators == nil && periods == nil && region == nil
        let latest = try store.latestSubmission()
        let wanted = indicators.map(closure)
        let provinces = region.flatMap { $0 == .national ? nil : Set([$0.digits(at: .province)]) }
        let table = try load(indicators: wanted, periods: periods, provinces: provinces)
        summary.observations = table.rowCount
        summary.secondsLoading = Date().timeIntervalSince(started)

        started = Date()
        var rollups = RollupEngine(catalog: catalog, registry: registry, policy: policy).rollups(of: table, workers: workers)
        if let indicators { rollups.removeAll { !indicators.contains($0.indicator) } }
        if let region, region != .national, provinces != nil {
            // Only the subtree: the province's rows below the root; the nation is not complete from one province.
            rollups.removeAll { $0.level < region.level || !$0.region.isWithin(region) }
        }
        summary.rollups = rollups.count
        summary.secondsRollup = Date().timeIntervalSince(started)

        started = Date()
        let scope = RollupScope(indicators: indicators ?? Set(catalog.codes), periods: Set(table.periods.map(\.description)),
                                provinces: provinces)
        try store.replaceRollups(rollups, scope: scope, runID: runID)
        if everything {
            try store.setRollupWatermark(latest)
            summary.everything = (table, rollups)
        }
        summary.secondsWriting = Date().timeIntervalSince(started)
        return summary
    }

    /// Recomputes only what submissions applied since the last rollup touched: the (indicator, period,
    /// province) partitions they changed, the indicators whose rules read those, and the nation merged
    /// from the stored province rollups; the table ends up the same as after a full rollup. The first
    /// rollup of a store is a full one.
    public func runIncremental(runID: Int64) throws -> Summary {
        let watermark = try store.rollupWatermark()
        let latest = try store.latestSubmission()
        guard watermark > 0 else { return try run(runID: runID) }
        let touched = try store.partitionsTouched(since: watermark)
        var summary = Summary()
        let engine = RollupEngine(catalog: catalog, registry: registry, policy: policy)
        for period in Set(touched.map(\.period)).sorted() {
            let inPeriod = touched.filter { $0.period == period }
            let year = try Period(period).year
            let affected = dependents(of: Set(inPeriod.map(\.indicator))).filter { catalog.definition($0, year: year) != nil }
            let local = affected.filter { engine.mergesFromProvinces($0, year: year) }
            let global = affected.subtracting(local)
            let provinces = Set(inPeriod.map(\.province))
            if !local.isEmpty {
                let started = Date()
                let table = try load(indicators: closure(local), periods: [period], provinces: provinces)
                summary.observations += table.rowCount
                let fresh = engine.rollups(of: table, workers: workers).filter { local.contains($0.indicator) && $0.level != .national }
                let kept = try store.storedProvinceRollups(indicators: local, period: period)
                    .filter { !provinces.contains($0.region.digits(at: .province)) }
                let provinceRows = (kept + fresh.filter { $0.level == .province }).sorted { ($0.indicator, $0.region) < ($1.indicator, $1.region) }
                let rows = fresh + engine.nationalRollups(fromProvinces: provinceRows)
                summary.secondsRollup += Date().timeIntervalSince(started)
                try store.replaceRollups(rows, scope: RollupScope(indicators: local, periods: [period], provinces: provinces), runID: runID)
                summary.rollups += rows.count
            }
            if !global.isEmpty {
                let table = try load(indicators: closure(global), periods: [period], provinces: nil)
                summary.observations += table.rowCount
                let rows = engine.rollups(of: table, workers: workers).filter { global.contains($0.indicator) }
                try store.replaceRollups(rows, scope: RollupScope(indicators: global, periods: [period], provinces: nil), runID: runID)
                summary.rollups += rows.count
            }
        }
        // Only now: a rollup that failed or was killed half-way is redone by the next run.
        try store.setRollupWatermark(latest)
        return summary
    }

    private func load(indicators: Set<String>?, periods: Set<String>?, provinces: Set<Int>?) throws -> ObservationTable {
        let builder = ObservationTableBuilder()
        try store.currentObservations(ObservationFilter(indicators: indicators, periods: periods, provinces: provinces)) { builder.add($0) }
        return builder.build()
    }

    /// The indicators and every indicator whose rule reads one of them, transitively.
    private func dependents(of codes: Set<String>) -> Set<String> {
        var result = codes
        var changed = true
        while changed {
            changed = false
            for definition in catalog.definitions where !result.contains(definition.code) {
                if definition.aggregation.references.contains(where: { result.contains($0.code) }) {
                    result.insert(definition.code)
                    changed = true
                }
            }
        }
        return result
    }

    /// The indicators and every indicator their rules read, transitively.
    private func closure(_ codes: Set<String>) -> Set<String> {
        var result = codes
        var pending = Array(codes)
        while let code = pending.popLast() {
            for definition in catalog.definitions(of: code) {
                for (_, reference) in definition.aggregation.references where result.insert(reference).inserted {
                    pending.append(reference)
                }
            }
        }
        return result
    }
}
