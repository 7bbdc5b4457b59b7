import ArgumentParser
import Foundation
import RuralstatModel
import RuralstatPipeline
import RuralstatReport
import RuralstatStore

extension Severity: ExpressibleByArgument {}

/// `ruralstat flags`: the stored quality findings, filtered, as CSV or JSON.
struct FlagsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flags",
        abstract: "List the quality findings of the store, with the numbers that explain each.",
        discussion: """
        Findings are written by 'ruralstat rollup' (and the nightly run): edit rules, peer outliers, period-over-period
        outliers (Hidiroglou-Berthelot, sigma-gap), hierarchy balance, coverage and timeliness, aggregate history and
        fabrication signals. Each row names the rule, method, severity (and Banff's FTI/FTE tier), the region, indicator
        and period, the observed and expected values, the bounds, the statistic and a one-line explanation.
        --summary lists items checked, passed, failed and not applicable per rule, level and province instead.
        """
    )

    @Option(help: ArgumentHelp("The store.", valueName: "path"))
    var store = "reports/ruralstat.sqlite"

    @Option(name: .customLong("rule"), help: "Only these rules; repeatable.")
    var rules: [String] = []

    @Option(help: "Only this severity and above: info, warning or error.")
    var severity: Severity?

    @Option(name: .customLong("level"), help: "Only these levels (village, township, county, prefecture, province, national); repeatable.")
    var levels: [String] = []

    @Option(help: "Only the subtree of this region.")
    var region: String?

    @Option(name: .customLong("indicator"), help: "Only these indicators; repeatable.")
    var indicators: [String] = []

    @Option(name: .customLong("period"), help: "Only these periods; repeatable.")
    var periods: [String] = []

    @Option(help: "csv or json.")
    var format: OutputFormat = .csv

    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var out: String?

    @Flag(help: "The tallies per rule, level and province instead of the findings.")
    var summary = false

    enum OutputFormat: String, ExpressibleByArgument { case csv, json }

    func run() throws {
        let database = try StoreAccess.open(store)
        let levelSet = try levels.map { name in
            guard let level = RegionLevel(name: name) else { throw ValidationError("unknown level '\(name)'") }
            return level
        }
        let filter = FindingFilter(rules: rules.isEmpty ? nil : Set(rules), minimumSeverity: severity,
                                   levels: levelSet.isEmpty ? nil : Set(levelSet), region: try region.map { try RegionCode($0) },
                                   indicators: indicators.isEmpty ? nil : Set(indicators),
                                   periods: periods.isEmpty ? nil : Set(try periods.map { try Period($0).description }))
        let registry = try database.loadRegistry(edition: nil)
        let target = out ?? FileManager.default.temporaryDirectory.appendingPathComponent("ruralstat-flags-\(getpid())").path
        defer { if out == nil { try? FileManager.default.removeItem(atPath: target) } }
        if summary {
            try FindingTables.writeSummaryCSV(try database.findingTallies(), to: target)
        } else {
            let findings = try database.findings(filter)
            switch format {
            case .csv: try FindingTables.writeCSV(findings, registry: registry, to: target)
            case .json: try FindingTables.json(findings, registry: registry).write(to: URL(fileURLWithPath: target))
            }
        }
        if out == nil { FileHandle.standardOutput.write(try Data(contentsOf: URL(fileURLWithPath: target))) }
    }
}
