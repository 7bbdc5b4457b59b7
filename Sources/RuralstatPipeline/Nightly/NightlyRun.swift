import Foundation
import Logging
import RuralstatAggregate
import RuralstatAssessment
import RuralstatIngest
import RuralstatModel
import RuralstatRules
import RuralstatQuality
import RuralstatReport
import RuralstatStore
import RuralstatSystem

/// `ruralstat run SPEC`: new submissions → rollup of the partitions they touched → quality checks →
/// reports, in one process, for the bureau's unattended nightly job.
///
/// - **Idempotent**: a file is applied at most once (by content hash); each stage keeps a watermark —
///   the newest submission it has taken in — so a run with nothing new does nothing and says so.
/// - **Crash-safe**: each file is one transaction; rollups, findings and reports are replaced whole
///   and their watermark moves only after; a killed run leaves watermarks behind, and the next run
///   redoes exactly the unfinished stages (the ledger marks the killed run failed).
/// - **One at a time**: an exclusive lock on the store (``StoreLock``).
public struct NightlyRun {
    public var spec: PipelineSpec
    public var specPath: String
    public var workers = ProcessInfo.activeProcessors
    /// Seconds to wait for another run's lock.
    public var wait = 0.0
    public var logger: Logger
    public var progress: RunProgress

    public init(spec: PipelineSpec, specPath: String, logger: Logger, progress: RunProgress = RunProgress()) {
        self.spec = spec
        self.specPath = specPath
        self.logger = logger
        self.progress = progress
    }

    public struct Summary: Sendable {
        public var runID: Int64 = 0
        public var filesFound = 0
        public var filesApplied = 0
        public var filesRejected = 0
        public var filesAlreadySeen = 0
        public var rowsNew = 0
        public var rowsRevised = 0
        public var rowsRejected = 0
        public var rollups = 0
        public var findings: [Severity: Int] = [:]
        public var outputs: [String] = []
        public var stages: [RunManifest.Stage] = []
        /// Runs that were killed before this one, whose work this one finished.
        public var resumedRuns: [Int64] = []
        /// Rows and files those killed runs rejected: they stand, and count as this run's.
        public var rejectedByResumedRuns = 0
        /// Error-level findings first found by this run (or a killed run it finished).
        public var newErrorFindings = 0
        /// Why the exit status is 1, by the spec's exit policy (empty: 0).
        public var exitReasons: [String] = []
        /// Things the operator should know that are not failures (a source with no files).
        public var notes: [String] = []
        /// Seconds each file took, by its ledger id.
        public var fileSeconds: [Int64: Double] = [:]
        public var referenceChanged = false
        public var exitStatus: Int32 = 0

        /// Nothing new came in and no stage had anything to do.
        public var noNewWork: Bool { stages.allSatisfy { !$0.ran } }
    }

    /// A stage failed after the run started (and was logged and recorded as failed).
    public struct StageFailure: Error, CustomStringConvertible {
        public let underlying: any Error
        public var description: String { "\(underlying)" }
    }

    /// A point where the test of crash safety kills the run (`RURALSTAT_CRASH_AT`); no effect otherwise.
    static func crashPoint(_ name: String) {
        if ProcessInfo.processInfo.environment["RURALSTAT_CRASH_AT"] == name { kill(getpid(), SIGKILL) }
    }

    public func run() throws -> Summary {
        let startedAt = Date()
        var summary = Summary()
        // References first: a bad registry, catalog or rules file stops the run before it touches the store.
        let registry = try ReferenceFiles.loadRegistry(paths: spec.registry, edition: spec.registryEdition)
        let catalog = try ReferenceFiles.loadCatalog(path: spec.catalog)
        try spec.checkIndicators(against: catalog, specPath: specPath)
        let rules = try spec.rules.map { try RuleSet(contentsOfFile: $0, knownIndicators: Set(catalog.codes)) }
        let assessment = try spec.assessment.map { try AssessmentSpec(contentsOfFile: $0, catalog: catalog) }
        let (store, lock) = try StoreOpening.openForWriting(spec.store, command: "run", wait: wait, creating: true)
        defer { withExtendedLifetime(lock) {} }
        let runID = try store.beginRun(command: "run", parameters: ["spec": specPath, "name": spec.name])
        summary.runID = runID
        var log = logger
        log[metadataKey: "run"] = "\(runID)"
        summary.resumedRuns = try store.unfinishedRuns().map(\.id).filter { $0 < runID }
        try store.closeUnfinishedRuns(before: runID)
        if !summary.resumedRuns.isEmpty {
            log.notice("earlier runs did not finish; this one completes their work", metadata: ["runs": "\(summary.resumedRuns)"])
        }
        do {
            try runStages(
                store: store, registry: registry, catalog: catalog, rules: rules, assessment: assessment, runID: runID, logger: log, summary: &summary,
                startedAt: startedAt)
        } catch {
            log.error("the run failed", metadata: ["error": "\(error)"])
            try? store.finishRun(runID, status: .failed, exitCode: 2)
            var failed = summary
            (failed.exitStatus, failed.exitReasons) = (2, ["the run failed: \(error)"])
            try? recordHistory(failed, store: store, startedAt: startedAt)
            throw StageFailure(underlying: error)
        }
        try store.finishRun(runID, status: .succeeded, exitCode: summary.exitStatus)
        try recordHistory(summary, store: store, startedAt: startedAt)
        return summary
    }

    /// The run in the reports folder's history (`runs/N/`, `index.html`).
    private func recordHistory(_ summary: Summary, store: any IndicatorStore, startedAt: Date) throws {
        let byRule = try store.findingCountsByRule(newIn: summary.runID)
        let counts = try store.findingCounts()
        let time = ISO8601DateFormatter()
        let record = RunRecord(
            run: summary.runID, name: spec.name, startedAt: time.string(from: startedAt), finishedAt: time.string(from: Date()),
            filesFound: summary.filesFound, filesApplied: summary.filesApplied, filesRejected: summary.filesRejected,
            filesAlreadySeen: summary.filesAlreadySeen, rowsNew: summary.rowsNew, rowsRevised: summary.rowsRevised, rowsRejected: summary.rowsRejected,
            rollups: summary.rollups, findings: Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }),
            findingsByRule: byRule.mapValues(\.findings), newFindingsByRule: byRule.mapValues(\.new).filter { $0.value > 0 },
            exitStatus: summary.exitStatus, exitReasons: summary.exitReasons,
            wroteReport: summary.stages.contains { $0.name == PipelineSpec.Stage.report.rawValue && $0.ran })
        try RunHistory.record(record, in: spec.reports.folder)
    }

    private func runStages(
        store: any IndicatorStore, registry: RegionRegistry, catalog: IndicatorCatalog, rules: RuleSet?, assessment: AssessmentSpec?, runID: Int64,
        logger: Logger,
        summary: inout Summary, startedAt: Date
    ) throws {
        let references = try referenceHashes()
        var state = NightlyState(
            store: store, registry: registry, catalog: catalog, rules: rules, assessment: assessment, runID: runID, logger: logger,
            startedAt: startedAt, references: references, summary: summary)
        try loadChangedReferences(&state)
        for stage in stages {
            let started = Date()
            state.latestSubmission = try store.latestSubmission()
            var outcome = StageOutcome(ran: false, detail: "")
            if spec.stages.contains(stage.kind), try stage.isDue(state) {
                progress.stage(stage.kind.rawValue, stage.progressDetail)
                outcome = try stage.perform(&state)
                releaseFreedMemory()
            }
            if !outcome.ran { outcome.detail = try stage.idleDetail(state) }
            state.summary.stages.append(record(stage.kind.rawValue, ran: outcome.ran, since: started, outcome.detail, logger))
            if outcome.ran {
                state.ran.insert(stage.kind)
                try stage.afterRecording?(&state)
            }
        }
        summary = state.summary
        try settleExitStatus(&summary, store: store, runID: runID)
        if summary.noNewWork { logger.notice("no new work: no new submissions, and every stage is up to date") }
    }

    /// A changed registry, catalog or rule set is loaded, and every stage's watermark reset so that
    /// everything downstream is recomputed.
    private func loadChangedReferences(_ state: inout NightlyState) throws {
        let combined = state.references.combined
        guard try state.store.setting("reference_hash") != combined else { return }
        try state.store.saveRegistry(state.registry)
        try state.store.saveCatalog(state.catalog)
        for mark in ["rollup_watermark", "quality_watermark", "assessment_watermark", "report_watermark"] { try state.store.setWatermark(mark, 0) }
        try state.store.setSetting("reference_hash", combined)
        state.summary.referenceChanged = true
        state.logger.notice("registry, catalog or rules changed: loaded, and all stages will run", metadata: ["hash": "\(combined.prefix(12))"])
    }

    /// The exit status tells about this run (and the killed runs whose work it finished), by the
    /// spec's policy.
    private func settleExitStatus(_ summary: inout Summary, store: any IndicatorStore, runID: Int64) throws {
        let counts = try store.findingCounts()
        summary.findings = counts
        let runs = summary.resumedRuns + [runID]
        let rejected = try store.rejectCount(runs: runs)
        summary.rejectedByResumedRuns = try store.rejectCount(runs: summary.resumedRuns)
        summary.newErrorFindings = try store.newErrorFindings(runs: runs)
        let policy = spec.exitPolicy
        if policy.rejects == .new, summary.filesRejected > 0 || rejected > 0 {
            summary.exitReasons.append(
                "data were rejected"
                    + (summary.rejectedByResumedRuns > 0
                        ? " (\(summary.rejectedByResumedRuns) by killed run \(summary.resumedRuns.map(String.init).joined(separator: ", ")), whose work this run finished)"
                        : ""))
        }
        switch policy.errorFindings {
        case .new where summary.newErrorFindings > 0: summary.exitReasons.append("\(summary.newErrorFindings) new error-level findings")
        case .open where (counts[.error] ?? 0) > 0: summary.exitReasons.append("\(counts[.error] ?? 0) error-level findings stand")
        default: break
        }
        summary.exitStatus = summary.exitReasons.isEmpty ? 0 : 1
    }

    private func record(_ name: String, ran: Bool, since started: Date, _ detail: String, _ logger: Logger) -> RunManifest.Stage {
        let seconds = Date().timeIntervalSince(started)
        if ran {
            progress.done(name, seconds: seconds, detail)
            logger.info("stage", metadata: ["stage": "\(name)", "seconds": "\(seconds)", "detail": "\(detail)"])
        }
        return RunManifest.Stage(name: name, ran: ran, seconds: seconds, detail: detail)
    }

    private func referenceHashes() throws -> ReferenceHashes {
        ReferenceHashes(
            spec: try ContentHash.sha256(of: specPath),
            registry: try spec.registry.map { try ContentHash.sha256(of: $0) }.joined(separator: "+"),
            catalog: try ContentHash.sha256(of: spec.catalog), rules: try spec.rules.map { try ContentHash.sha256(of: $0) },
            assessment: try spec.assessment.map { try ContentHash.sha256(of: $0) })
    }

    /// `manifest.json`: what went in (references with their hashes, every submission), the
    /// parameters, the stages and what came out, with sizes and hashes.
    func writeManifest(_ path: String, state: NightlyState, outputs: some Collection<String>) throws {
        let (store, catalog, registry, rules, references) = (state.store, state.catalog, state.registry, state.rules, state.references)
        let seconds = state.summary.fileSeconds
        let iso = ISO8601DateFormatter()
        let inputs = try store.ledger().map { entry in
            var entry = entry
            entry.seconds = seconds[entry.id]
            return entry
        }
        let files = try outputs.map { file -> RunManifest.Output in
            let size = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.intValue ?? 0
            return RunManifest.Output(file: file, bytes: size, sha256: try ContentHash.sha256(of: file))
        }
        var parameters: [String: String] = [
            "coverage.publish_at": "\(spec.coverage.publishAt)", "coverage.withhold_below": "\(spec.coverage.withholdBelow)",
            "workers": "\(workers)", "report.levels": spec.reports.levels.map(\.description).joined(separator: ","),
        ]
        let q = spec.quality
        for (key, value) in [
            ("peer_outlier_threshold", q.peerOutliers.threshold),
            ("minimum_coverage", q.coverage.minimumCoverage), ("history_max_decrease", q.history.maxDecrease),
            ("history_max_increase", q.history.maxIncrease), ("balance_relative_tolerance", q.balance.relativeTolerance),
            ("benford_fdr", q.benford.falseDiscoveryRate), ("heaping_fdr", q.heaping.falseDiscoveryRate),
            ("constant_series_fdr", q.constantSeries.falseDiscoveryRate),
        ] {
            parameters["quality.\(key)"] = "\(value)"
        }
        parameters["quality.period_over_period"] = q.period.manifestText
        for (code, settings) in q.periodByIndicator { parameters["quality.period_over_period.\(code)"] = settings.manifestText }
        parameters["quality.benford_min_values"] = "\(q.benford.minimumValues) pooled, \(q.benford.minimumValuesPerIndicator) per indicator"
        parameters["quality.heaping_min_values"] = "\(q.heaping.minimumValues)"
        parameters["quality.constant_series_min_periods"] = "\(q.constantSeries.minimumPeriods)"
        parameters["quality.deadline_days"] = q.coverage.deadlineDays.map(String.init) ?? "none"
        // The assessment's choices, seed and weights, as stored with each level and year.
        for settings in try store.storedAssessmentSettings() {
            parameters["assessment.\(settings.framework).\(settings.level).\(settings.year)"] = settings.json
        }
        let manifest = RunManifest(
            software: "ruralstat \(RuralstatVersion.current)", run: state.runID, startedAt: iso.string(from: state.startedAt),
            finishedAt: iso.string(from: Date()),
            spec: .init(files: [specPath], version: spec.name, sha256: references.spec),
            catalog: .init(files: [spec.catalog], version: catalog.version, sha256: references.catalog),
            registry: .init(files: spec.registry, version: "\(registry.edition)", sha256: references.registry),
            rules: spec.rules.map { .init(files: [$0], version: rules?.version ?? "", sha256: references.rules ?? "") },
            assessment: spec.assessment.map {
                .init(files: [$0], version: state.assessment?.uncertainty.map { "seed \($0.seed)" } ?? "", sha256: references.assessment ?? "")
            },
            parameters: parameters, inputs: inputs, stages: state.summary.stages, outputs: files)
        try manifest.json().write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
