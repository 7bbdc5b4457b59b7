import ArgumentParser
import Logging
import RuralstatIngest
import RuralstatModel
import RuralstatPipeline
import RuralstatStore

/// `ruralstat init`: create (or bring up to date) a store with a registry and a catalog.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an indicator store from a division registry and an indicator catalog.",
        discussion: """
            Creates the store if it does not exist and migrates it to the current schema. The registry edition
            and the catalog are loaded and checked first; nothing is written unless both are valid. Running
            init again replaces that edition of the registry and the catalog, and keeps everything else.
            """
    )

    @Option(help: ArgumentHelp("The store (an SQLite file) to create or update.", valueName: "path"))
    var store = "reports/ruralstat.opened"

    @Option(
        name: .customLong("registry"), parsing: .upToNextOption,
        help: ArgumentHelp("Division lists in the NBS layout.", valueName: "file"))
    var registryFiles: [String]

    @Option(help: "The registry edition year (default: the year in the file names).")
    var edition: Int?

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var lock: LockOptions

    func run() throws {
        let registry = try ReferenceFiles.loadRegistry(paths: registryFiles, edition: edition)
        let catalog = try catalog.loadCatalog()
        let (opened, held) = try StoreOpening.openForWriting(store, command: "init", wait: lock.wait, creating: true)
        defer { withExtendedLifetime(held) {} }
        let run = try opened.beginRun(
            command: "init",
            parameters: [
                "registry": registryFiles.joined(separator: " "), "edition": String(registry.edition), "catalog": self.catalog.catalogFile,
            ])
        do {
            try opened.saveRegistry(registry)
            try opened.saveCatalog(catalog)
            try opened.finishRun(run, status: .succeeded, exitCode: 0)
        } catch {
            try? opened.finishRun(run, status: .failed, exitCode: ExitStatus.failure.rawValue)
            throw error
        }
        Logger(label: "ruralstat.init").info("store initialised", metadata: ["store": "\(store)", "run": "\(run)"])
        let summary = try opened.summary()
        print("store \(store) (schema \(summary.schemaVersion))")
        print("  registry edition \(registry.edition): \(registry.count) units  " + RegistryReport.levelCounts(registry))
        print("  catalog \(catalog.version): \(catalog.codes.count) indicators, \(catalog.definitions.count) definitions")
    }
}
