import ArgumentParser
import Foundation
import RuralstatModel
import RuralstatReport
import RuralstatPipeline
import RuralstatStore

/// `ruralstat report`: the reports of a store, on demand.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write indicator tables, the HTML report, findings and SDMX output from the store.",
        discussion: """
            Writes into --out (default reports/): tables/ (indicators_<level>.csv wide, indicators_long.csv with coverage,
            publication, targets and attainment; indicators.md; indicators.xlsx), report.html (self-contained, charts as
            inline SVG, the data-quality section), quality/ (findings.csv, findings.json, findings_summary.csv),
            rejects.csv, and sdmx/ (SDMX-ML 2.1 structure-specific and generic, 3.0 structure-specific, SDMX-CSV 1.0 and
            2.0; --sdmx-delta-since RUN adds a Delete plus a Replace of what changed after that run).
            """
    )

    @Option(help: ArgumentHelp("The store.", valueName: "path"))
    var store = "reports/ruralstat.sqlite"

    @Option(help: ArgumentHelp("Where the reports go.", valueName: "folder"))
    var out = "reports"

    @Option(name: .customLong("level"), help: "Table levels (province, prefecture, county, …); repeatable (default: province, prefecture, county).")
    var levels: [String] = []

    @Option(name: .customLong("period"), help: "Only these periods; repeatable.")
    var periods: [String] = []

    @Option(help: "Only the subtree of this region (a code or a name); everything written — tables, findings, rejects, counts — keeps to it.")
    var region: String?

    @Option(name: .customLong("format"), help: "csv, markdown, xlsx, html, sdmx, findings, rejects; repeatable (default: all).")
    var formats: [String] = []

    @Option(help: "The sender id the SDMX output names.")
    var sender = "CN_NBS"

    @Option(help: ArgumentHelp("Also an SDMX delta of what changed in the rollups after this run.", valueName: "run"))
    var sdmxDeltaSince: Int64?

    @Flag(help: "Gzip the SDMX files.")
    var gzip = false

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var lock: LockOptions

    func run() throws {
        let (database, held) = try StoreAccess.openForWriting(store, command: "report", wait: lock.wait)
        defer { withExtendedLifetime(held) {} }
        let registry = try database.loadRegistry(edition: nil)
        var settings = ReportSettings()
        settings.folder = out
        settings.sender = sender
        settings.sdmxGzip = gzip
        settings.deltaSince = sdmxDeltaSince
        if !levels.isEmpty { settings.levels = try levels.map(FilterArguments.level) }
        if !formats.isEmpty {
            settings.formats = Set(
                try formats.map { name in
                    guard let format = ReportFormat(rawValue: name) else {
                        throw ValidationError(
                            "unknown format '\(EchoText.quote(name))' (\(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")))"
                                + Suggestion.text(name, among: ReportFormat.allCases.map(\.rawValue)))
                    }
                    return format
                })
        }
        if !periods.isEmpty {
            let held = try database.periods(of: nil)
            settings.periods = Set(
                try periods.map { text in
                    let period = try Period(text)
                    guard held.contains(period.description) else {
                        throw ValidationError("the store holds no rollups for period \(period) (it holds \(held.sorted().joined(separator: ", ")))")
                    }
                    return period
                })
        }
        if let region { settings.region = try FilterArguments.region(region, registry: registry) }
        if let since = sdmxDeltaSince, try !database.runExists(since) {
            throw ValidationError("--sdmx-delta-since \(since): the store has no run \(since)")
        }
        let run = try database.beginRun(command: "report", parameters: ["out": out, "region": settings.region.description])
        let written: ReportWriter.Written
        do {
            written = try ReportWriter(store: database, catalog: try catalog.loadCatalog(), registry: registry, settings: settings, runID: run).write()
        } catch {
            try? database.finishRun(run, status: .failed, exitCode: ExitStatus.failure.rawValue)
            throw error
        }
        try database.finishRun(run, status: .succeeded, exitCode: 0)
        print("\(written.files.count) files in \(out): \(written.tables) table rows, \(written.findings) findings")
        if written.tables == 0 {
            FileHandle.standardError.write(Data("ruralstat: warning: no rollups lie in the scope asked for; the tables are empty\n".utf8))
        }
        for file in written.files { print("  \(file)") }
    }
}
