import Foundation
import RuralstatAggregate
import RuralstatModel
import RuralstatQuality
import RuralstatStore

/// The quality checks over the whole store, one province at a time: each province's current
/// observations and stored rollups are loaded, checked and let go, then the nation's own (see
/// ``QualityScope``), so that memory holds one province, not the country. The findings and tallies
/// equal those of one pass over the whole store; they replace the stored ones, so a rerun on
/// unchanged data changes nothing.
public struct StoreQuality {
    public var store: any IndicatorStore
    public var catalog: IndicatorCatalog
    public var registry: RegionRegistry?
    public var suite: QualitySuite
    public var workers = ProcessInfo.activeProcessors

    public init(store: any IndicatorStore, catalog: IndicatorCatalog, registry: RegionRegistry?, suite: QualitySuite = .standard()) {
        self.store = store
        self.catalog = catalog
        self.registry = registry
        self.suite = suite
    }

    public struct Summary: Sendable {
        public var observations = 0
        public var findings: [Severity: Int] = [:]
        public var seconds = 0.0
    }

    /// Checks the whole store, province by province and then the nation.
    public func run(runID: Int64) throws -> Summary {
        let started = Date()
        let results = try check()
        try store.replaceFindings(results.results, runID: runID)
        var summary = Summary(observations: results.observations)
        for finding in results.results.findings { summary.findings[finding.severity, default: 0] += 1 }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    /// The findings and tallies of every province's pass and the nation's, and the observations checked.
    func check() throws -> (results: QualityResults, observations: Int) {
        let arrivals = try store.submissionArrivals()
        let partitions = try store.partitionsTouched(since: 0)
        let periods = Set(partitions.map(\.period)).compactMap { try? Period($0) }.sorted()
        let evidence = NationwideEvidence()
        var results = QualityResults()
        var observations = 0
        // Province 0 holds the nation's own figures: its pass comes last, when every province's evidence is in.
        let passes: [(province: Int, scope: QualityScope)] =
            Set(partitions.map(\.province)).subtracting([0]).sorted().map { ($0, .province(evidence)) } + [(0, .nation(evidence, periods: periods))]
        for pass in passes {
            let builder = ObservationTableBuilder()
            try store.currentObservations(ObservationFilter(provinces: [pass.province])) { builder.add($0) }
            let table = builder.build(workers: workers)
            observations += table.rowCount
            let rollups = try store.storedRollups(regions: pass.province == 0 ? .nation : .within([pass.province]), levels: nil)
            var input = QualityInput(table: table, rollups: rollups, arrivals: arrivals, catalog: catalog, registry: registry, workers: workers)
            input.scope = pass.scope
            results.append(suite.run(input))
        }
        return (results, observations)
    }
}
