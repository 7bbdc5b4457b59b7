import ArgumentParser
import Foundation
import RuralstatIngest
import RuralstatModel
import RuralstatPipeline
import RuralstatStore

/// `ruralstat ingest`: validate submissions and apply them to the store.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Validate submission files and apply them to the store, each whole or not at all.",
        discussion: """
        Each file is one transaction. A file whose content was offered before is skipped and says so; a changed
        file is a revision (earlier values stay in the history). Rejected rows go to the rejects table and to the
        rejects CSV. Exit status 0 when everything was applied, 1 when rows or files were rejected, 2 on failure.
        """
    )

    @Argument(help: "Submission files or folders.")
    var paths: [String]

    @Option(help: ArgumentHelp("The store to apply to (created by 'ruralstat init').", valueName: "path"))
    var store = "reports/ruralstat.sqlite"

    @Option(help: ArgumentHelp("Where to write the rejects CSV.", valueName: "path"))
    var rejects = "reports/rejects.csv"

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var ingest: IngestArguments
    @OptionGroup var lock: LockOptions

    func run() throws {
        let (sqlite, held) = try StoreAccess.openForWriting(store, command: "ingest", wait: lock.wait)
        defer { withExtendedLifetime(held) {} }
        guard let registry = try sqlite.loadRegistry(edition: nil) else {
            throw ExitStatus.Classified(exitStatus: .invalidInput, description: "the store \(store) holds no registry; create it with 'ruralstat init'")
        }
        let catalog = try catalog.loadCatalog()
        let files = try SubmissionIngestor.expand(paths, emptyIsError: true)
        let run = try sqlite.beginRun(command: "ingest", parameters: ["files": String(files.count), "store": store])
        let log = try RejectsCSV(path: rejects)
        let ingestor = SubmissionIngestor(store: sqlite, registries: RegistryEditions([registry]), catalog: catalog,
                                          options: try ingest.options(), runID: run, rejectsLog: log)
        let results: [SubmissionIngestor.FileResult]
        do {
            results = try ingestor.ingest(files) { print(IngestSummary.line($0)) }
            try log.close()
        } catch {
            try? sqlite.finishRun(run, status: .failed, exitCode: ExitStatus.failure.rawValue)
            throw error
        }
        print(IngestSummary.totals(results, rejectsPath: log.count > 0 ? rejects : nil))
        let status: ExitStatus = results.contains(where: \.hasRejections) ? .invalidInput : .ok
        try sqlite.finishRun(run, status: .succeeded, exitCode: status.rawValue)
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}
