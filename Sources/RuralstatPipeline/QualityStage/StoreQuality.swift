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

    /// The province passes a run has made so far: their tallies and finding counts (their findings
    /// are staged in the store as each pass ends, so that memory does not hold the country's), the
    /// evidence they gathered for the nation's pass, and the observations they checked. A full
    /// rollup, which reads each province once, makes them with the table it has just read
    /// (``pass(province:table:into:)``), so that the quality stage reads no province again.
    /// The first pass's findings replace whatever was staged before.
    public final class Passes: @unchecked Sendable {
        let runID: Int64
        var tallies: [RuleTally] = []
        var findings: [Severity: Int] = [:]
        let evidence = NationwideEvidence()
        var provinces: Set<Int> = []
        var observations = 0
        private var staged = false
        /// No pass made yet by run `runID`.
        public init(runID: Int64) { self.runID = runID }

        func add(_ results: QualityResults, from store: any IndicatorStore) throws {
            try store.stageFindings(results.findings, runID: runID, afresh: !staged)
            staged = true
            for finding in results.findings { findings[finding.severity, default: 0] += 1 }
            tallies += results.tallies
        }
    }

    /// Checks the whole store, province by province and then the nation; provinces `done` has passed
    /// already are not read again.
    public func run(runID: Int64, done: Passes? = nil) throws -> Summary {
        let started = Date()
        let passes = try check(done: done ?? Passes(runID: runID))
        try store.replaceFindings(stagedBy: runID, tallies: QualityResults(tallies: passes.tallies).mergedTallies)
        var summary = Summary(observations: passes.observations)
        summary.findings = passes.findings
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    /// One province's pass, on its table (every period and indicator) and its stored rollups. The
    /// submissions' arrivals are read for the nation's pass alone, where timeliness is judged.
    public func pass(province: Int, table: ObservationTable, into passes: Passes) throws {
        let rollups = try store.storedRollups(regions: .within([province]), levels: nil)
        var input = QualityInput(table: table, rollups: rollups, arrivals: [], catalog: catalog, registry: registry, workers: workers)
        input.scope = .province(passes.evidence)
        try passes.add(suite.run(input), from: store)
        passes.provinces.insert(province)
        passes.observations += table.rowCount
    }

    /// Every province's pass that `passes` lacks, then the nation's (province 0 holds the nation's own
    /// figures; its pass comes last, when every province's evidence is in).
    func check(done passes: Passes) throws -> Passes {
        let partitions = try store.partitionsTouched(since: 0)
        for province in Set(partitions.map(\.province)).subtracting(passes.provinces).subtracting([0]).sorted() {
            try pass(province: province, table: store.partitionedObservations(ObservationFilter(provinces: [province]), workers: workers), into: passes)
        }
        let nation = try store.partitionedObservations(ObservationFilter(provinces: [0]), workers: workers)
        let periods = Set(partitions.map(\.period)).compactMap { try? Period($0) }.sorted()
        var input = QualityInput(
            table: nation, rollups: try store.storedRollups(regions: .nation, levels: nil), arrivals: try store.submissionArrivals(), catalog: catalog,
            registry: registry, workers: workers)
        input.scope = .nation(passes.evidence, periods: periods)
        try passes.add(suite.run(input), from: store)
        passes.observations += nation.rowCount
        return passes
    }

}
