import ArgumentParser
import Foundation
import RuralstatIngest
import RuralstatModel
import RuralstatPipeline

/// `ruralstat check`: the dry run a reporting unit makes before it sends a file.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check submission files without applying them.",
        discussion: """
            Reads each file (SDMX-ML 2.1/3.0, SDMX-CSV 1.0/2.0, long or wide CSV, plain or gzip) exactly as ingest would,
            checks every row against the registry and the catalog, and prints every problem with file, line or element,
            column, rule and value. Nothing is written. Exit status 1 when any file has an error.
            """
    )

    @Argument(help: "Submission files or folders.")
    var paths: [String]

    @OptionGroup var registry: RegistryOptions
    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var ingest: IngestArguments

    @Option(help: "Output format: text or json.")
    var format: Output = .text

    enum Output: String, ExpressibleByArgument { case text, json }

    func run() throws {
        let registries = RegistryEditions([try registry.loadRegistry()])
        let catalog = try catalog.loadCatalog()
        let options = try ingest.options(catalog: catalog)
        var reports: [ValidationReport] = []
        for path in try SubmissionIngestor.expand(paths, emptyIsError: true) {
            do {
                reports.append(try SubmissionReader.read(path, registries: registries, catalog: catalog, options: options, emit: { _ in }))
            } catch let error as IngestError {
                var report = ValidationReport(file: path)
                report.fatal = error
                report.shouldApply = false
                reports.append(report)
            }
        }
        switch format {
        case .text: print(CheckReport.text(reports), terminator: "")
        case .json: print(try CheckReport.json(reports))
        }
        if reports.contains(where: \.hasErrors) { throw ExitCode(ExitStatus.invalidInput.rawValue) }
    }
}
