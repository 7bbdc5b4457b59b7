import ArgumentParser
import Foundation
import RuralstatAggregate
import RuralstatIngest
import RuralstatModel
import RuralstatPipeline

extension StorelessRollup.Layout: ExpressibleByArgument {}

/// `ruralstat rollup`: regional rollups at every level.
struct RollupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollup",
        abstract: "Roll indicators up from the reporting units to every level, with coverage.",
        discussion: """
        With --from, submissions are read, validated and rolled up in memory, without a store, and the tables are
        written to --out: rollups.csv (every level, region, indicator and period, with the numbers behind the value:
        numerator, denominator, contributing and expected units, coverage, publication, reported value and imbalance)
        and rejects.csv. --layout w1 writes the benchmark workload W1's rollup.csv and flags.csv instead.
        """
    )

    @Option(name: .customLong("from"), parsing: .upToNextOption, help: ArgumentHelp("Submission files or folders to roll up without a store.", valueName: "file"))
    var sources: [String] = []

    @Option(help: ArgumentHelp("Where the tables go.", valueName: "folder"))
    var out = "reports/rollup"

    @Option(help: "Output layout: ruralstat (rollups.csv, rejects.csv) or w1 (the benchmark's rollup.csv, flags.csv).")
    var layout: StorelessRollup.Layout = .ruralstat

    @Flag(help: "Check region codes by their digits only, without a registry (no coverage then).")
    var withoutRegistry = false

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var ingest: IngestArguments

    @Option(help: "Worker threads of the rollup (default: the cores).")
    var workers = ProcessInfo.activeProcessors

    func run() throws {
        guard !sources.isEmpty else {
            throw ValidationError("give the submissions with --from FILE... (rolling up from the store comes with the pipeline)")
        }
        var runner = StorelessRollup(registry: withoutRegistry ? nil : try registry.loadRegistry(), catalog: try catalog.loadCatalog(),
                                     options: try ingest.options())
        runner.workers = workers
        let summary = try runner.run(files: try SubmissionIngestor.expand(sources), outDirectory: out, layout: layout)
        print(String(format: "%d files, %d rows read, %d rolled up, %d rejected → %d rollups%@ (reading %.2f s, rollup %.2f s, writing %.2f s)",
                     summary.files, summary.rowsRead, summary.rowsAccepted, summary.rowsRejected, summary.rollups,
                     layout == .w1 ? ", \(summary.flags) flags" : "", summary.secondsReading, summary.secondsRollup, summary.secondsWriting))
        for output in summary.outputs { print("  \(output)") }
        if summary.rowsRejected > 0 { throw ExitCode(ExitStatus.invalidInput.rawValue) }
    }
}
