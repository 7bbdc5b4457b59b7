import Foundation
import RuralstatAggregate
import RuralstatModel
import RuralstatQuality
import RuralstatStore

/// The quality checks over the whole store: every current observation in partitions, every stored
/// rollup (each period's history is the periods before it), and the submissions' arrival times.
/// Their findings and tallies replace the stored ones, so a rerun on unchanged data changes nothing.
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

    /// Checks the whole store; `loaded` is the table and rollups a full rollup just had in memory
    /// (the same the store holds), which spares loading them again.
    public func run(runID: Int64, loaded: (table: ObservationTable, rollups: [Rollup])? = nil) throws -> Summary {
        let started = Date()
        let table: ObservationTable
        if let loaded {
            table = loaded.table
        } else {
            let builder = ObservationTableBuilder()
            try store.currentObservations(ObservationFilter()) { builder.add($0) }
            table = builder.build(workers: workers)
        }
        let input = QualityInput(
            table: table, rollups: try loaded?.rollups ?? store.storedRollups(), arrivals: try store.submissionArrivals(),
            catalog: catalog, registry: registry, workers: workers)
        let results = suite.run(input)
        try store.replaceFindings(results, runID: runID)
        var summary = Summary(observations: table.rowCount)
        for finding in results.findings { summary.findings[finding.severity, default: 0] += 1 }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }
}
