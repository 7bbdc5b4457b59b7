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

    @OptionGroup var rejects: RejectsOption
    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var ingest: IngestArguments
    @OptionGroup var lock: LockOptions

    func run() throws {
        let (sqlite, held) = try StoreAccess.openForWriting(store, command: "ingest", wait: lock.wait)
        defer { withExtendedLifetime(held) {} }
        let files = try SubmissionIngestor.expand(paths, emptyIsError: true)
        let catalog = try catalog.loadCatalog()
        let status = try IngestRun(
            store: sqlite, storePath: store, command: "ingest", catalog: catalog, options: try ingest.options(catalog: catalog),
            rejectsPath: rejects.rejects
        )
        .run(files, parameters: ["files": String(files.count)], printTotals: true)
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}
