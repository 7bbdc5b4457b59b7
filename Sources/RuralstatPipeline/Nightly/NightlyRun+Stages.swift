import Foundation
import RuralstatModel
import RuralstatReport
import RuralstatStore

extension NightlyRun {
    /// The stages in the order they run: each takes in what the one before it left.
    var stages: [NightlyStage] { [ingestStage, rollupStage, qualityStage, assessStage, reportStage] }

    /// New submissions from every source into the store, each file whole or not at all.
    var ingestStage: NightlyStage {
        NightlyStage(
            kind: .ingest, isDue: { _ in true },
            perform: { state in
                var position = 0
                for source in spec.sources {
                    let files = try SubmissionIngestor.expand(source.paths)
                    state.summary.filesFound += files.count
                    if files.isEmpty {
                        // A quiet night is normal, but it is said.
                        state.summary.notes.append("source '\(source.name)' found no files in \(source.paths.joined(separator: ", "))")
                        state.logger.notice("no files", metadata: ["source": "\(source.name)", "paths": "\(source.paths)"])
                    }
                    let ingestor = SubmissionIngestor(
                        store: state.store, registries: RegistryEditions([state.registry]), catalog: state.catalog,
                        options: spec.options(for: source), runID: state.runID, rejectsLog: nil)
                    let logger = state.logger
                    let results = try ingestor.ingest(files, readers: workers) { result in
                        position += 1
                        if case .applied = result.kind { Self.crashPoint("after-file-\(position)") }
                        let rows = result.outcome.map { $0.rowsNew + $0.rowsRevised + $0.rowsUnchanged } ?? 0
                        progress.file(position, of: files.count, result.file, rows: rows, seconds: result.seconds, outcome: IngestSummary.word(result.kind))
                        logger.info(
                            "file",
                            metadata: [
                                "file": "\(result.file)", "outcome": "\(IngestSummary.word(result.kind))",
                                "rows_new": "\(result.outcome?.rowsNew ?? 0)", "rows_rejected": "\(result.outcome?.rowsRejected ?? 0)",
                                "seconds": "\(result.seconds)",
                            ])
                    }
                    for result in results { state.summary.count(result) }
                }
                let s = state.summary
                return StageOutcome(ran: s.filesApplied + s.filesRejected > 0, detail: s.ingestLine)
            }, idleDetail: { $0.summary.ingestLine })
    }

    /// The rollups of the partitions that submissions past the rollup watermark touched.
    var rollupStage: NightlyStage {
        NightlyStage(
            kind: .rollup, isDue: { state in try state.store.rollupWatermark() < state.latestSubmission },
            perform: { state in
                var rollup = StoreRollup(store: state.store, catalog: state.catalog, registry: state.registry)
                rollup.policy = spec.coverage
                rollup.workers = workers
                // A full rollup reads each province once: the quality checks' province pass runs on it there.
                let quality = qualityChecks(state)
                let passes = StoreQuality.Passes(runID: state.runID)
                rollup.onProvince = { province, table in try quality.pass(province: province, table: table, into: passes) }
                state.qualityPasses = passes
                let done = try rollup.runIncremental(runID: state.runID)
                state.summary.rollups = done.rollups
                Self.crashPoint("after-rollup")
                return StageOutcome(detail: "\(done.rollups) rollups recomputed")
            }, idleDetail: { _ in "0 rollups recomputed" })
    }

    /// The quality checks as the spec sets them.
    private func qualityChecks(_ state: NightlyState) -> StoreQuality {
        var quality = StoreQuality(store: state.store, catalog: state.catalog, registry: state.registry, suite: spec.quality.suite(rules: state.rules))
        quality.workers = workers
        return quality
    }

    /// The quality checks over every partition, one province at a time (those the full rollup passed already, not again).
    var qualityStage: NightlyStage {
        NightlyStage(
            kind: .quality,
            isDue: { state in
                try state.ran.contains(.rollup) || state.store.watermark("quality_watermark") < state.latestSubmission
            },
            perform: { state in
                _ = try qualityChecks(state).run(runID: state.runID, done: state.qualityPasses)
                state.qualityPasses = nil
                Self.crashPoint("after-quality")
                try state.store.setWatermark("quality_watermark", state.latestSubmission)
                return StageOutcome(detail: try Self.findingLine(state.store))
            }, idleDetail: { state in try Self.findingLine(state.store) })
    }

    /// The yearly assessment of the spec's levels, stored for the reports; due when the quality
    /// checks ran, new submissions came in, or the assessment spec changed.
    var assessStage: NightlyStage {
        NightlyStage(
            kind: .assess,
            isDue: { state in
                guard state.assessment != nil else { return false }
                return try state.ran.contains(.quality) || state.store.watermark("assessment_watermark") < state.latestSubmission
                    || state.store.setting("assessment_spec_hash") != state.references.assessment
            },
            perform: { state in
                var assessment = StoreAssessment(
                    store: state.store, catalog: state.catalog, registry: state.registry, spec: state.assessment!,
                    specSHA256: state.references.assessment ?? "")
                assessment.workers = workers
                let outcome = try assessment.run(runID: state.runID)
                Self.crashPoint("after-assess")
                try state.store.setWatermark("assessment_watermark", state.latestSubmission)
                try state.store.setSetting("assessment_spec_hash", state.references.assessment ?? "")
                let levels = outcome.levels.map { "\($0.result.units.count) \($0.level) \($0.year)" }.joined(separator: ", ")
                return StageOutcome(detail: "regions assessed: \(levels)")
            }, idleDetail: { state in state.assessment == nil ? "no assessment spec" : "the assessment is up to date" })
    }

    /// The reports and the manifest; the run's own outputs for evaluators, findings and rejects, are
    /// always written (its summary names them).
    var reportStage: NightlyStage {
        let folder = spec.reports.folder
        let manifestPath = (folder as NSString).appendingPathComponent("manifest.json")
        return NightlyStage(
            kind: .report, progressDetail: folder,
            isDue: { state in
                try state.ran.contains(.quality) || state.ran.contains(.assess) || state.store.watermark("report_watermark") < state.latestSubmission
                    || !FileManager.default.fileExists(atPath: manifestPath)
            },
            perform: { state in
                var settings = spec.reports
                settings.formats.formUnion([.findings, .rejects])
                (settings.coveragePublishAt, settings.coverageWithholdBelow) = (spec.coverage.publishAt, spec.coverage.withholdBelow)
                let written = try ReportWriter(store: state.store, catalog: state.catalog, registry: state.registry, settings: settings, runID: state.runID)
                    .write()
                Self.crashPoint("during-report")
                state.summary.outputs = written.files + [manifestPath]
                return StageOutcome(detail: "\(written.files.count + 1) files in \(folder)")
            }, idleDetail: { _ in "reports are up to date" },
            afterRecording: { state in
                try writeManifest(manifestPath, state: state, outputs: state.summary.outputs.dropLast())
                try state.store.setWatermark("report_watermark", state.latestSubmission)
            })
    }

    private static func findingLine(_ store: any IndicatorStore) throws -> String {
        let counts = try store.findingCounts()
        return "\(counts[.error] ?? 0) errors, \(counts[.warning] ?? 0) warnings, \(counts[.info] ?? 0) notes"
    }
}

extension NightlyRun.Summary {
    /// Adds one ingested file to the counts.
    mutating func count(_ result: SubmissionIngestor.FileResult) {
        if let id = result.submissionID { fileSeconds[id] = result.seconds }
        switch result.kind {
        case .alreadySeen: filesAlreadySeen += 1
        case .applied, .test: filesApplied += 1
        case .rejected, .unreadable, .refused: filesRejected += 1
        }
        rowsNew += result.outcome?.rowsNew ?? 0
        rowsRevised += result.outcome?.rowsRevised ?? 0
        rowsRejected += result.outcome?.rowsRejected ?? 0
    }

    /// The ingest stage's line.
    var ingestLine: String {
        "\(filesApplied) files applied, \(filesRejected) rejected, \(filesAlreadySeen) seen before; "
            + "\(rowsNew) new rows, \(rowsRevised) revised, \(rowsRejected) rejected"
    }
}
