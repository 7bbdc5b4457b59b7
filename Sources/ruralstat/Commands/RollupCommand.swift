import ArgumentParser
import Foundation
import RuralstatAggregate
import RuralstatIngest
import RuralstatModel
import RuralstatPipeline
import RuralstatStore

/// `ruralstat rollup`: regional rollups at every level.
struct RollupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollup",
        abstract: "Roll indicators up from the reporting units to every level, with coverage.",
        discussion: """
            Without --from, the store's current observations are rolled up into the rollups table, recorded with the run
            that made it. By default only the (indicator, period, province) partitions changed by submissions applied since
            the last rollup are recomputed (the nation is merged from the stored provinces); --full recomputes everything,
            and --indicator, --period and --region recompute just that.

            With --from, submissions are read, validated and rolled up in memory, without a store, and the tables are
            written to --out: rollups.csv (every level, region, indicator and period, with the numbers behind the value:
            numerator, denominator, contributing and expected units, coverage, publication, reported value and imbalance),
            findings.csv (every quality check's findings, each with its numbers and a readable explanation),
            findings_summary.csv (items checked, passed and failed per rule, level and province) and rejects.csv.
            """
    )

    @Option(
        name: .customLong("from"), parsing: .upToNextOption, help: ArgumentHelp("Submission files or folders to roll up without a store.", valueName: "file"))
    var sources: [String] = []

    @Option(help: ArgumentHelp("Where the tables go.", valueName: "folder"))
    var out = "reports/rollup"

    @Flag(help: "Check region codes by their digits only, without a registry (no coverage then).")
    var withoutRegistry = false

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var rules: RulesOptions
    @OptionGroup var ingest: IngestArguments

    @Option(help: "Worker threads of the rollup (default: the cores).")
    var workers = ProcessInfo.activeProcessors

    @Option(name: .customLong("indicator"), help: "Only these indicators (with what their rules read); repeatable.")
    var indicators: [String] = []

    @Option(name: .customLong("period"), help: "Only these periods; repeatable.")
    var periods: [String] = []

    @Option(help: "Only the subtree of this region (its province is recomputed).")
    var region: String?

    @Flag(help: "Recompute everything, not only the partitions that submissions changed since the last rollup.")
    var full = false

    @Flag(help: "Skip the quality checks that follow a rollup of the store.")
    var noChecks = false

    @OptionGroup var lock: LockOptions

    func run() throws {
        guard !sources.isEmpty else {
            try rollUpStore()
            return
        }
        let definitions = try catalog.loadCatalog()
        var runner = StorelessRollup(
            registry: withoutRegistry ? nil : try registry.loadRegistry(), catalog: definitions,
            options: try ingest.options(catalog: definitions))
        runner.workers = workers
        runner.quality = .standard(rules: try rules.loadRules(catalog: definitions))
        let summary = try runner.run(files: try SubmissionIngestor.expand(sources, emptyIsError: true), outDirectory: out)
        print(
            String(
                format:
                    "%d files, %d rows read, %d rolled up, %d rejected → %d rollups, %d findings (reading %.2f s, rollup %.2f s, quality checks %.2f s, writing %.2f s)",
                summary.files, summary.rowsRead, summary.rowsAccepted, summary.rowsRejected, summary.rollups, summary.findings,
                summary.secondsReading, summary.secondsRollup, summary.secondsQuality, summary.secondsWriting))
        if !summary.checkTimings.isEmpty {
            print(
                "  checks, side by side (each its own wall time): "
                    + summary.checkTimings.map { String(format: "%@ %.2f s", $0.check, $0.seconds) }.joined(separator: ", "))
        }
        for output in summary.outputs { print("  \(output)") }
        if summary.rowsRejected > 0 { throw ExitCode(ExitStatus.invalidInput.rawValue) }
    }

    private func rollUpStore() throws {
        guard let path = registry.store else { throw ValidationError("give --store PATH (or --from FILE... for a store-less rollup)") }
        let (store, held) = try StoreAccess.openForWriting(path, command: "rollup", wait: lock.wait)
        defer { withExtendedLifetime(held) {} }
        let registryInForce = try store.loadRegistry(edition: registry.edition)
        var runner = StoreRollup(store: store, catalog: try catalog.loadCatalog(), registry: registryInForce)
        runner.workers = workers
        let normalizedPeriods = try periods.map { try Period($0).description }
        let root = try region.map { try FilterArguments.region($0, registry: registryInForce) }
        let request = StoreRollup.Request(
            indicators: indicators.isEmpty ? nil : Set(indicators),
            periods: normalizedPeriods.isEmpty ? nil : Set(normalizedPeriods), region: root)
        let run = try store.beginRun(
            command: "rollup",
            parameters: [
                "indicators": indicators.joined(separator: ","), "periods": normalizedPeriods.joined(separator: ","), "region": root?.description ?? "",
                "full": String(full),
            ])
        var errorFindings = 0
        do {
            let summary = full || !request.isEverything ? try runner.run(request, runID: run) : try runner.runIncremental(runID: run)
            if !request.isEverything {
                var scope = "recomputed \(summary.indicators.count) indicator\(summary.indicators.count == 1 ? "" : "s")"
                if let asked = request.indicators, Set(summary.indicators) != asked {
                    scope +=
                        " (\(asked.sorted().joined(separator: ", ")) and what is computed from them: \(Set(summary.indicators).subtracting(asked).sorted().joined(separator: ", ")))"
                }
                scope += " in \(summary.periods.joined(separator: ", "))"
                if let root { scope += ", for \(root) and its subtree, and its ancestors up to the nation" }
                print(scope)
            }
            print(
                String(
                    format: "%d observations → %d rollups written to %@ (loading %.2f s, rollup %.2f s, writing %.2f s)",
                    summary.observations, summary.rollups, path, summary.secondsLoading, summary.secondsRollup, summary.secondsWriting))
            var errors = 0
            if !noChecks {
                var quality = StoreQuality(
                    store: store, catalog: runner.catalog, registry: registryInForce,
                    suite: .standard(rules: try rules.loadRules(catalog: runner.catalog)))
                quality.workers = workers
                let checked = try quality.run(runID: run)
                errors = checked.findings[.error] ?? 0
                print(
                    String(
                        format: "quality: %d errors, %d warnings, %d notes over %d observations (%.2f s); list them with 'ruralstat flags --store %@'",
                        errors, checked.findings[.warning] ?? 0, checked.findings[.info] ?? 0, checked.observations, checked.seconds, path))
            }
            try store.finishRun(run, status: .succeeded, exitCode: errors > 0 ? 1 : 0)
            errorFindings = errors
        } catch let error as StoreRollup.ScopeError {
            try? store.finishRun(run, status: .failed, exitCode: ExitStatus.invalidInput.rawValue)
            throw ExitStatus.Classified(exitStatus: .invalidInput, description: error.description)
        } catch {
            try? store.finishRun(run, status: .failed, exitCode: ExitStatus.failure.rawValue)
            throw error
        }
        // Error-level findings: the run succeeded, but the data need attention.
        if errorFindings > 0 { throw ExitCode(ExitStatus.invalidInput.rawValue) }
    }
}
