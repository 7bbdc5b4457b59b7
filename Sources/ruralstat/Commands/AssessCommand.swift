import ArgumentParser
import Foundation
import RuralstatAssessment
import RuralstatIngest
import RuralstatModel
import RuralstatPipeline
import RuralstatReport
import RuralstatStore

/// Where the assessment commands find their spec.
struct AssessmentSpecOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The assessment spec (YAML).", valueName: "file"))
    var spec = "pipelines/assessment.yaml"

    @Option(help: ArgumentHelp("The store.", valueName: "path"))
    var store = "reports/ruralstat.sqlite"

    @OptionGroup var catalog: CatalogOptions

    /// The spec, its hash and the catalog it was checked against.
    func load() throws -> (spec: AssessmentSpec, sha256: String, catalog: IndicatorCatalog) {
        let catalog = try catalog.loadCatalog()
        let spec = try AssessmentSpec(contentsOfFile: spec, catalog: catalog)
        return (spec, try ContentHash.sha256(of: self.spec), catalog)
    }
}

/// `ruralstat assess`: the yearly assessment of the store's rollups.
struct AssessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess",
        abstract: "Assess regions by a composite index: by class, with rank intervals and progress (Art. 19, 23).",
        discussion: """
            For each level the spec names (or --level), the framework's indicators from the stored rollups of the year
            (the latest unless --year), treated, normalised, weighted and aggregated as the spec says; ranked overall and
            within classes; with each region's 5–95 % rank interval from a seeded Monte Carlo over the uncertain choices,
            and its change since the previous year and the baseline. Results are stored and written to --out as
            assessment.csv, assessment.xlsx and assessment.json (the settings: spec hash, seed, weights, sensitivity).
            """
    )

    @OptionGroup var options: AssessmentSpecOptions

    @Option(name: .customLong("level"), help: "Assess these levels instead of the spec's (county, prefecture, province); repeatable.")
    var levels: [String] = []

    @Option(help: "The year to assess (default: the spec's, else the latest with rollups).")
    var year: Int?

    @Option(help: ArgumentHelp("The folder for the outputs.", valueName: "dir"))
    var out = "reports/assessment"

    @Option(help: "Workers for the uncertainty analysis (the result does not depend on it).")
    var workers = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup var lock: LockOptions

    func run() throws {
        var (spec, sha256, catalog) = try options.load()
        if let year { spec.year = year }
        var levels: [RegionLevel] = []
        for name in self.levels {
            let level = try FilterArguments.level(name)
            guard AssessmentSpec.assessableLevels.contains(level) else {
                throw ValidationError("--level \(name): only \(AssessmentSpec.assessableLevels.map(\.description).joined(separator: ", ")) can be assessed")
            }
            guard !levels.contains(level) else { throw ValidationError("--level \(name) is given twice") }
            levels.append(level)
        }
        let (database, held) = try StoreAccess.openForWriting(options.store, command: "assess", wait: lock.wait)
        defer { withExtendedLifetime(held) {} }
        let registry = try database.loadRegistry(edition: nil)
        let runID = try database.beginRun(command: "assess", parameters: ["spec": options.spec, "out": out])
        let started = Date()
        do {
            var assessment = StoreAssessment(store: database, catalog: catalog, registry: registry, spec: spec, specSHA256: sha256)
            assessment.workers = max(1, workers)
            let outcome = try assessment.run(runID: runID, levels: levels.isEmpty ? nil : levels)
            let files = try StoreAssessment.write(outcome, to: out)
            try database.finishRun(runID, status: .succeeded, exitCode: 0)
            for level in outcome.levels {
                let runs = level.uncertainty.map { ", \($0.runs) Monte Carlo runs" } ?? ""
                print(
                    "\(level.level) \(level.year): \(level.result.units.count) regions assessed\(runs)"
                        + (level.result.screenedOut.isEmpty ? "" : ", \(level.result.screenedOut.count) with too few indicators")
                        + (level.dropped.isEmpty ? "" : "; not measured at this level: \(level.dropped.joined(separator: ", "))"))
                for row in level.rows.prefix(3) { print("  " + row.sentence) }
            }
            print(String(format: "written in %.2f s: %@", Date().timeIntervalSince(started), files.joined(separator: ", ")))
        } catch {
            try? database.finishRun(runID, status: .failed, exitCode: ExitStatus.failure.rawValue)
            throw error
        }
    }
}

/// `ruralstat spot-check`: the villages for unannounced field verification.
struct SpotCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spot-check",
        abstract: "Draw villages for unannounced field verification (暗访抽查), weighted by their findings' risk.",
        discussion: """
            In each county, --per-county villages (the spec's by default): most drawn with probability proportional to a
            risk score from their findings (severity and rule weights, plus a floor so every village can be drawn), a
            stated share purely at random. The seed is published: the same seed draws the same list. Each village is
            written with its inclusion probability and the findings behind its risk, so that the error rate found in the
            field estimates the county's (Horvitz–Thompson).
            """
    )

    @OptionGroup var options: AssessmentSpecOptions

    @Option(help: "The seed (default: the spec's).")
    var seed: UInt64?

    @Option(help: "Villages per county (default: the spec's).")
    var perCounty: Int?

    @Option(help: ArgumentHelp("The list to write.", valueName: "file"))
    var out = "reports/assessment/spot_check.csv"

    func run() throws {
        var (spec, sha256, catalog) = try options.load()
        if let seed { spec.spotCheck.seed = seed }
        if let perCounty {
            guard perCounty >= 1 else { throw ValidationError("--per-county needs at least 1") }
            spec.spotCheck.perCounty = perCounty
        }
        let database = try StoreAccess.open(options.store)
        let assessment = StoreAssessment(store: database, catalog: catalog, registry: try database.loadRegistry(edition: nil), spec: spec, specSHA256: sha256)
        let rows = try assessment.spotCheck()
        try FileManager.default.createDirectory(
            atPath: (out as NSString).deletingLastPathComponent.isEmpty ? "." : (out as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true)
        try AssessmentTables.writeSpotCheckCSV(rows, seed: spec.spotCheck.seed, to: out)
        let counties = Set(rows.map(\.county)).count
        print(
            "\(rows.count) villages in \(counties) counties (seed \(spec.spotCheck.seed); \(rows.count { $0.drawnAtRandom }) drawn purely at random) → \(out)")
    }
}
