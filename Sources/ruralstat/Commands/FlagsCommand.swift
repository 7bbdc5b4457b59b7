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

    @Option(help: "Only the subtree of this region (a code or a name).")
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
        let registry = try database.loadRegistry(edition: nil)
        let knownRules = try database.ruleIDs()
        for rule in rules where !knownRules.contains(rule) {
            throw ValidationError(
                "no rule '\(EchoText.quote(rule))' was checked in this store (\(knownRules.sorted().joined(separator: ", ")))"
                    + Suggestion.text(rule, among: knownRules))
        }
        let knownIndicators = try database.indicatorCodes()
        for code in indicators where !knownIndicators.contains(code) {
            throw ValidationError("indicator '\(EchoText.quote(code))' is not in the store's catalog" + Suggestion.text(code, among: knownIndicators))
        }
        let heldPeriods = try database.periods(of: nil)
        let periodTexts = try periods.map { text in
            let period = try Period(text).description
            guard heldPeriods.contains(period) else {
                throw ValidationError("the store holds nothing for period \(period) (it holds \(heldPeriods.sorted().joined(separator: ", ")))")
            }
            return period
        }
        let filter = FindingFilter(
            rules: rules.isEmpty ? nil : Set(rules), minimumSeverity: severity,
            levels: levels.isEmpty ? nil : Set(try levels.map(FilterArguments.level)),
            region: try region.map { try FilterArguments.region($0, registry: registry) },
            indicators: indicators.isEmpty ? nil : Set(indicators),
            periods: periodTexts.isEmpty ? nil : Set(periodTexts))
        let target = out ?? FileManager.default.temporaryDirectory.appendingPathComponent("ruralstat-flags-\(getpid())").path
        defer { if out == nil { try? FileManager.default.removeItem(atPath: target) } }
        if summary {
            try FindingTables.writeSummaryCSV(try database.findingTallies(), to: target)
        } else {
            let findings = try database.findings(filter)
            if findings.isEmpty { FileHandle.standardError.write(Data("ruralstat: no finding matches the filter\n".utf8)) }
            switch format {
            case .csv: try FindingTables.writeCSV(findings, registry: registry, to: target)
            case .json: try FindingTables.writeJSON(findings, registry: registry, to: target)
            }
        }
        if out == nil { FileHandle.standardOutput.write(try Data(contentsOf: URL(fileURLWithPath: target))) }
    }
}
