import ArgumentParser
import Foundation
import RuralstatPipeline
import RuralstatSampleData

extension SampleDataGenerator.Profile: ExpressibleByArgument {}

/// `ruralstat sample-data generate`: realistic submissions with planted anomalies.
struct SampleDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample-data",
        abstract: "Generate realistic sample submissions with known anomalies.",
        subcommands: [Generate.self, Evaluate.self]
    )

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a registry, a year's submission per county in every supported format, and the ground truth.",
            discussion: """
                Everything follows from the seed: run twice with the same options, the files are the same. Villages report
                23 figures a year, townships and counties their totals, counties their own economic figures; formats rotate
                over CSV long and wide, SDMX-CSV 1.0 and 2.0, SDMX-ML 2.1 generic and structure-specific and 3.0
                structure-specific, some gzip, one GB18030. Planted anomalies of every kind (edit-rule violations, peer
                outliers, period jumps, imbalances, coverage gaps, late submissions, Benford and heaping fabrication,
                repeated values, constant series, aggregate jumps) are listed in ground_truth.csv.
                """
        )

        @Option(help: ArgumentHelp("Where the files go.", valueName: "folder"))
        var out = "sample-data"

        @OptionGroup var shape: Shape

        func run() throws {
            var options = shape.options
            options.rejectedRows = withRejectsAndRevision
            options.revision = withRejectsAndRevision
            let started = Date()
            let summary: SampleDataGenerator.Summary
            do { summary = try SampleDataGenerator(options: options).generate(into: out, force: force) } catch let error as SampleDataGenerator.FolderError {
                throw ExitStatus.Classified(exitStatus: .invalidInput, description: error.description)
            }
            print(
                String(
                    format: "%d villages under %d reporting counties: %d files, %d observations (%.2f s)", summary.villages, summary.reporters,
                    summary.files.count, summary.observations, Date().timeIntervalSince(started)))
            print("  registry: \(summary.registryPath)")
            print(
                "  ground truth: \(summary.truthPath) ("
                    + summary.anomalies.sorted { $0.key.rawValue < $1.key.rawValue }
                    .map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ") + ")")
        }

        @Flag(help: "Add a few rows the ingest must reject, and a revision file.")
        var withRejectsAndRevision = false

        @Flag(help: "Write into a folder that is not empty and that the generator did not write (its submissions are replaced).")
        var force = false
    }

    /// What a generated data set looks like: its size, years and anomaly rates.
    struct Shape: ParsableArguments {
        @Option(help: "The seed.")
        var seed: UInt64 = 2_023

        @Option(help: "About this many villages.")
        var villages = 700

        @Option(help: "The first reporting year.")
        var firstYear = 2023

        @Option(help: "How many reporting years.")
        var years = 2

        @Option(help: "Share of villages given each village anomaly.")
        var villageRate = 0.02

        @Option(help: "Share of township-years with a coverage gap.")
        var coverageRate = 0.03

        @Option(help: "Share of counties given a county anomaly.")
        var countyRate = 0.5

        @Option(
            help: ArgumentHelp(
                "blatant: steady figures and blatant anomalies; realistic: figures that move 10–20 % a year, rounding habits and repeats, and anomalies of realistic strength besides.",
                valueName: "profile"))
        var profile = SampleDataGenerator.Profile.blatant

        var options: SampleDataGenerator.Options {
            var options = SampleDataGenerator.Options()
            options.seed = seed
            options.villages = villages
            options.firstYear = firstYear
            options.years = years
            options.villageRate = villageRate
            options.coverageRate = coverageRate
            options.countyRate = countyRate
            options.profile = profile
            return options
        }
    }

    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a data set, run every quality check over it, and print precision and recall per anomaly kind.",
            discussion:
                "Recall: planted anomalies that the checks meant for their kind found. Precision: findings of those checks that a planted anomaly explains. "
                + "Strict: only an anomaly of a kind the finding's method is meant for, on the same unit (or one above it), indicator and period, explains it; "
                + "lenient: any anomaly in the unit's subtree or above, on any indicator of the unit."
        )

        @Option(help: ArgumentHelp("A scratch folder for the generated files.", valueName: "folder"))
        var out = "reports/evaluation"

        @OptionGroup var shape: Shape
        @OptionGroup var catalog: CatalogOptions
        @OptionGroup var rules: RulesOptions

        @Option(help: ArgumentHelp("Also list up to this many findings per method that no anomaly strictly explains, and anomalies missed.", valueName: "n"))
        var show = 0

        func run() throws {
            let definitions = try catalog.loadCatalog()
            let evaluation = SampleDataEvaluation(generator: shape.options, catalog: definitions, rules: try rules.loadRules(catalog: definitions))
            let outcome = try evaluation.run(in: out)
            print(
                String(
                    format: "%d observations, %d findings (quality checks %.2f s)", outcome.observations, outcome.findings.count,
                    outcome.secondsQuality))
            print("                              ------- strict -------   ------- lenient ------")
            print("kind                 planted   recall precision findings   recall precision")
            for score in outcome.scores where score.planted > 0 || score.findings > 0 {
                print(
                    (score.kind.rawValue + (score.kind.isSubtle ? " *" : "")).padding(toLength: 20, withPad: " ", startingAt: 0)
                        + String(
                            format: " %7d %8.3f %9.3f %8d %8.3f %9.3f", score.planted, score.strictRecall, score.strictPrecision,
                            score.findings, score.recall, score.precision))
            }
            print("* subtle: realistic strength (×1.5–2 or ×0.5–0.7, a total shaded by 3 %)")
            guard show > 0 else { return }
            for (method, findings) in Dictionary(grouping: outcome.unexplained, by: { $0.method == "edit_rule" ? "edit_rule" : $0.ruleID }).sorted(by: {
                $0.key < $1.key
            }) {
                print("\nunexplained \(method) (\(findings.count)):")
                for finding in findings.prefix(show) { print("  \(finding.explanation)") }
            }
            for (kind, anomalies) in Dictionary(grouping: outcome.missed, by: \.kind.rawValue).sorted(by: { $0.key < $1.key }) {
                print("\nmissed \(kind) (\(anomalies.count)):")
                for anomaly in anomalies.prefix(show) {
                    print("  \(anomaly.region) \(anomaly.indicator ?? "-") \(anomaly.period.map { "\($0)" } ?? "-"): \(anomaly.detail)")
                }
            }
        }
    }
}
