import Foundation
import RuralstatAggregate
import RuralstatModel
import RuralstatStore

/// `ruralstat rollup` from the store: the current observations are loaded into partitions, rolled
/// up, and the rollups of the scope replace the stored ones, with the run that made them.
///
/// Three ways, one table: a **full** recompute; an **incremental** one (what submissions changed
/// since the last rollup); and a **partial** one that a person asks for (indicators, periods, a
/// region's subtree). A partial or incremental recompute touches only its scope and what is made from
/// it — the indicators computed from its indicators, the ancestors of its region up to the nation,
/// recomputed from stored parts — so the table afterwards equals a full recompute, bit for bit.
public struct StoreRollup {
    public var store: any IndicatorStore
    public var catalog: IndicatorCatalog
    public var registry: RegionRegistry?
    public var policy = CoveragePolicy()
    public var workers = ProcessInfo.activeProcessors
    /// Called by a full rollup with each province's table (every period and indicator) once its
    /// rollups are stored: the quality checks' province pass, which then need not read it again.
    public var onProvince: ((_ province: Int, _ table: ObservationTable) throws -> Void)?

    public init(store: any IndicatorStore, catalog: IndicatorCatalog, registry: RegionRegistry?) {
        self.store = store
        self.catalog = catalog
        self.registry = registry
    }

    /// What a person asks to recompute; `nil` is "all".
    public struct Request: Sendable {
        public var indicators: Set<String>?
        public var periods: Set<String>?
        public var region: RegionCode?

        public init(indicators: Set<String>? = nil, periods: Set<String>? = nil, region: RegionCode? = nil) {
            self.indicators = indicators
            self.periods = periods
            self.region = region == .national ? nil : region
        }

        public var isEverything: Bool { indicators == nil && periods == nil && region == nil }
    }

    /// A request that names what the catalog, the registry or the store does not know.
    public struct ScopeError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public struct Summary: Sendable {
        public var observations = 0
        public var rollups = 0
        /// The indicators recomputed: those asked for and those computed from them.
        public var indicators: [String] = []
        public var periods: [String] = []
        public var secondsLoading = 0.0
        public var secondsRollup = 0.0
        public var secondsWriting = 0.0
    }

    /// Recomputes what `request` names (everything when it names nothing).
    public func run(_ request: Request = Request(), runID: Int64) throws -> Summary {
        if request.isEverything { return try runFull(runID: runID) }
        try check(request)
        let indicators = dependents(of: request.indicators ?? Set(catalog.codes))
        let periods = try request.periods ?? store.periods(of: indicators)
        var summary = Summary()
        summary.indicators = indicators.sorted()
        summary.periods = periods.sorted()
        let provinces = request.region.map { Set([$0.digits(at: .province)]) }
        for period in periods.sorted() {
            try recompute(
                period: period, indicators: indicators, provinces: provinces,
                regions: request.region.map { .subtree($0) } ?? .all, runID: runID, into: &summary)
        }
        return summary
    }

    /// Every rollup, from every current observation, one province at a time (memory holds one
    /// province, not the country): first the few indicators that need the whole country (a median,
    /// province figures), a period at a time; then each province's table, read once, gives its
    /// rollups of every period (and goes to ``onProvince``); then the nation, merged from the
    /// provinces. Rollups of periods or indicators the store no longer has go. The watermark is
    /// cleared first, so that a full rollup killed half-way is done again whole.
    private func runFull(runID: Int64) throws -> Summary {
        var summary = Summary()
        let latest = try store.latestSubmission()
        try store.setRollupWatermark(0)
        let touched = try store.partitionsTouched(since: 0)
        let periods = Set(touched.map(\.period)).sorted()
        let stalePeriods = try store.periods(of: nil).subtracting(periods)
        if !stalePeriods.isEmpty { try write([], scope: RollupScope(indicators: nil, periods: stalePeriods, regions: .all), runID: runID, into: &summary) }
        let staleIndicators = try store.rollupIndicators().subtracting(catalog.codes)
        if !staleIndicators.isEmpty {
            try write([], scope: RollupScope(indicators: staleIndicators, periods: nil, regions: .all), runID: runID, into: &summary)
        }
        let engine = RollupEngine(catalog: catalog, registry: registry, policy: policy)
        var local: [String: Set<String>] = [:]
        for period in periods {
            let year = try Period(period).year
            local[period] = Set(catalog.codes.filter { catalog.definition($0, year: year) != nil && engine.mergesFromProvinces($0, year: year) })
            // An indicator without a definition that year still has its stale rollups removed (it is "global").
            let global = Set(catalog.codes).subtracting(local[period]!)
            if !global.isEmpty { try recompute(period: period, indicators: global, provinces: nil, regions: .all, runID: runID, into: &summary) }
        }
        var provinceRows: [String: [Rollup]] = [:]
        for province in Set(touched.map(\.province)).subtracting([0]).sorted() {
            var started = Date()
            let table = try load(indicators: nil, periods: nil, provinces: [province])
            summary.observations += table.rowCount
            summary.secondsLoading += Date().timeIntervalSince(started)
            started = Date()
            let rows = engine.rollups(of: table, workers: workers).filter { $0.level != .national }
            summary.secondsRollup += Date().timeIntervalSince(started)
            for period in periods {
                // A period's rows picked straight from the province's (a grouped copy of them all cost 40 MB at 30M rows).
                let wanted = try Period(period), indicators = local[period]!
                let mine = rows.filter { $0.period == wanted && indicators.contains($0.indicator) }
                try write(mine, scope: RollupScope(indicators: indicators, periods: [period], regions: .within([province])), runID: runID, into: &summary)
                provinceRows[period, default: []] += mine.filter { $0.level == .province }
            }
            try onProvince?(province, table)
        }
        for period in periods {
            try writeNation(fromProvinces: provinceRows[period] ?? [], indicators: local[period]!, period: period, engine: engine, runID: runID, into: &summary)
        }
        try store.setRollupWatermark(latest)
        summary.indicators = catalog.codes
        summary.periods = periods
        return summary
    }

    /// Recomputes only what submissions applied since the last rollup touched: the (indicator, period,
    /// province) partitions they changed, the indicators whose rules read those, and the nation merged
    /// from the stored province rollups; the table ends up the same as after a full rollup. The first
    /// rollup of a store is a full one.
    public func runIncremental(runID: Int64) throws -> Summary {
        let watermark = try store.rollupWatermark()
        let latest = try store.latestSubmission()
        guard watermark > 0 else { return try runFull(runID: runID) }
        let touched = try store.partitionsTouched(since: watermark)
        var summary = Summary()
        for period in Set(touched.map(\.period)).sorted() {
            let inPeriod = touched.filter { $0.period == period }
            let provinces = Set(inPeriod.map(\.province))
            try recompute(
                period: period, indicators: dependents(of: Set(inPeriod.map(\.indicator))), provinces: provinces,
                regions: .provinces(provinces), runID: runID, into: &summary)
        }
        // Only now: a rollup that failed or was killed half-way is redone by the next run.
        try store.setRollupWatermark(latest)
        return summary
    }

    /// Recomputes `indicators` in one period. With `provinces`, the indicators whose nation merges
    /// from provinces are recomputed in those provinces only and the nation is merged from the stored
    /// provinces; the others (a median, province-level figures) from every province. Only the rows
    /// in `regions` are written.
    private func recompute(
        period: String, indicators: Set<String>, provinces: Set<Int>?, regions: RollupScope.Regions,
        runID: Int64, into summary: inout Summary
    ) throws {
        let engine = RollupEngine(catalog: catalog, registry: registry, policy: policy)
        let year = try Period(period).year
        // An indicator without a definition that year still has its stale rollups removed.
        let defined = indicators.filter { catalog.definition($0, year: year) != nil }
        let local: Set<String> = provinces == nil ? [] : defined.filter { engine.mergesFromProvinces($0, year: year) }
        let global = indicators.subtracting(local)
        if let provinces, !local.isEmpty {
            // One province at a time (its rollups depend on its own units alone), each written within
            // the scope's part of it; then the nation, merged from every province's rollups.
            var fresh: [Rollup] = []
            for province in provinces.sorted() {
                var started = Date()
                let table = try load(indicators: closure(local), periods: [period], provinces: [province])
                summary.observations += table.rowCount
                summary.secondsLoading += Date().timeIntervalSince(started)
                started = Date()
                let rows = engine.rollups(of: table, workers: workers).filter { local.contains($0.indicator) && $0.level != .national }
                summary.secondsRollup += Date().timeIntervalSince(started)
                let part = regions.within(province: province)
                try write(rows, scope: RollupScope(indicators: local, periods: [period], regions: part), runID: runID, into: &summary)
                fresh += rows.filter { $0.level == .province }
            }
            if regions.contains(.national) {
                let kept = try store.storedProvinceRollups(indicators: local, period: period)
                    .filter { !provinces.contains($0.region.digits(at: .province)) }
                try writeNation(fromProvinces: kept + fresh, indicators: local, period: period, engine: engine, runID: runID, into: &summary)
            }
        }
        if !global.isEmpty {
            var started = Date()
            let table = try load(indicators: closure(global), periods: [period], provinces: nil)
            summary.observations += table.rowCount
            summary.secondsLoading += Date().timeIntervalSince(started)
            started = Date()
            let rows = engine.rollups(of: table, workers: workers).filter { global.contains($0.indicator) }
            summary.secondsRollup += Date().timeIntervalSince(started)
            try write(rows, scope: RollupScope(indicators: global, periods: [period], regions: regions), runID: runID, into: &summary)
        }
    }

    /// The nation's rollups of `indicators` in a period, merged from its provinces' (given in any order), stored.
    private func writeNation(
        fromProvinces rows: [Rollup], indicators: Set<String>, period: String, engine: RollupEngine, runID: Int64, into summary: inout Summary
    ) throws {
        let provinces = rows.sorted { ($0.indicator, $0.region) < ($1.indicator, $1.region) }
        try write(
            engine.nationalRollups(fromProvinces: provinces), scope: RollupScope(indicators: indicators, periods: [period], regions: .nation), runID: runID,
            into: &summary)
    }

    private func write(_ rows: [Rollup], scope: RollupScope, runID: Int64, into summary: inout Summary) throws {
        let started = Date()
        try store.replaceRollups(rows, scope: scope, runID: runID)
        summary.rollups += rows.count { scope.regions.contains($0.region) }
        summary.secondsWriting += Date().timeIntervalSince(started)
    }

    /// Every code of the request must be known: a typo is an error, never an empty recompute.
    private func check(_ request: Request) throws {
        for code in (request.indicators ?? []).sorted() where catalog.definitions(of: code).isEmpty {
            throw ScopeError(
                description: "indicator '\(EchoText.quote(code))' is not in the catalog \(catalog.version)" + Suggestion.text(code, among: catalog.codes))
        }
        if let periods = request.periods {
            let held = try store.periods(of: nil)
            for period in periods.sorted() where !held.contains(period) {
                throw ScopeError(
                    description: "the store holds no observations or rollups for period \(period) (it holds \(held.sorted().joined(separator: ", ")))")
            }
        }
        if let region = request.region, let registry, !registry.contains(region) {
            throw ScopeError(description: "region \(region) is not in the \(registry.edition) division registry")
        }
    }

    private func load(indicators: Set<String>?, periods: Set<String>?, provinces: Set<Int>?) throws -> ObservationTable {
        try store.partitionedObservations(ObservationFilter(indicators: indicators, periods: periods, provinces: provinces), workers: workers)
    }

    /// The indicators and every indicator whose rule reads one of them, transitively.
    func dependents(of codes: Set<String>) -> Set<String> {
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

extension RollupStore {
    /// The current observations a filter selects, in partitions: what the rollups and the quality
    /// checks read from a store.
    func partitionedObservations(_ filter: ObservationFilter, workers: Int) throws -> ObservationTable {
        let builder = ObservationTableBuilder()
        try currentObservations(filter) { builder.add($0) }
        return builder.build(workers: workers)
    }
}
