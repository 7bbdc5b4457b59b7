import ArgumentParser
import Foundation
import RuralstatIngest
import RuralstatModel
import RuralstatReport
import RuralstatPipeline
import RuralstatStore

/// Where a command that ingests writes its rejects log.
struct RejectsOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Where to write the rejects CSV, when there are rejects (default: rejects/run-<run>.csv beside the store, or in the current folder for a server store; one file a run, so that no report's rejects.csv is overwritten).",
            valueName: "path"))
    var rejects: String?
}

/// Files ingested into a store as one recorded run (`ingest`, `submissions retry`): the store's registry,
/// a line per file as it is done, the rejects log, and the run's outcome in the ledger of runs.
struct IngestRun {
    let store: any IndicatorStore
    let storePath: String
    let command: String
    let catalog: IndicatorCatalog
    let options: IngestOptions
    /// The rejects log; nil: `rejects/run-<run>.csv` beside the store.
    let rejectsPath: String?

    /// Ingests `files`; `before` and `after` run inside the recorded run (a failure in them fails it).
    /// Returns the exit status: 1 when anything was rejected.
    /// `retryRejected`: files rejected before under the same conditions are read again (a retry).
    /// `undo` runs when the run fails after `before`.
    func run(
        _ files: [String], parameters: [String: String], printTotals: Bool, retryRejected: Bool = false,
        before: (Int64) throws -> Void = { _ in }, after: (Int64, [SubmissionIngestor.FileResult]) throws -> Void = { _, _ in },
        undo: () -> Void = {}
    ) throws -> ExitStatus {
        guard let registry = try store.loadRegistry(edition: nil) else {
            throw ExitStatus.Classified(exitStatus: .invalidInput, description: "the store \(storePath) holds no registry; create it with 'ruralstat init'")
        }
        let runID = try store.beginRun(command: command, parameters: parameters.merging(["store": storePath]) { $1 })
        let results: [SubmissionIngestor.FileResult]
        let log: RejectsCSV
        do {
            try before(runID)
            // Beside a SQLite store; a server store has no folder, so the current one.
            let folder = StoreOpening.isServer(storePath) ? "" : (storePath as NSString).deletingLastPathComponent
            log = try RejectsCSV(path: rejectsPath ?? (folder.isEmpty ? "" : folder + "/") + "rejects/run-\(runID).csv", lazily: true)
            let ingestor = SubmissionIngestor(
                store: store, registries: RegistryEditions([registry]), catalog: catalog, options: options,
                runID: runID, rejectsLog: log)
            ingestor.retryRejected = retryRejected
            results = try ingestor.ingest(files) { print(IngestSummary.line($0)) }
            try log.close()
            try after(runID, results)
        } catch {
            undo()
            try? store.finishRun(runID, status: .failed, exitCode: ExitStatus.failure.rawValue)
            throw error
        }
        if printTotals { print(IngestSummary.totals(results, rejectsPath: log.count > 0 ? log.path : nil)) }
        let status: ExitStatus = results.contains(where: \.hasRejections) ? .invalidInput : .ok
        try store.finishRun(runID, status: .succeeded, exitCode: status.rawValue)
        return status
    }
}
