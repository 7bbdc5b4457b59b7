import Foundation
import RuralstatIngest
import RuralstatModel
import RuralstatRules
import RuralstatQuality
import RuralstatSampleData

/// How well the quality checks find what the generator planted: generate a data set, run the
/// store-less rollup with every check over it, and score the findings against the ground truth.
public struct SampleDataEvaluation {
    public var generator: SampleDataGenerator.Options
    public var catalog: IndicatorCatalog
    public var rules: RuleSet?

    public init(generator: SampleDataGenerator.Options, catalog: IndicatorCatalog, rules: RuleSet?) {
        self.generator = generator
        self.catalog = catalog
        self.rules = rules
    }

    public struct Outcome: Sendable {
        public var scores: [GroundTruth.KindScore]
        public var findings: [Finding]
        public var observations: Int
        public var secondsQuality: Double
        /// Counted findings no planted anomaly strictly explains.
        public var unexplained: [Finding] = []
        /// Planted anomalies no finding of a method meant for them strictly catches.
        public var missed: [PlantedAnomaly] = []
    }

    public func run(in folder: String) throws -> Outcome {
        let generated = try SampleDataGenerator(options: generator).generate(into: folder)
        let registry = try ReferenceFiles.loadRegistry(paths: [generated.registryPath])
        var options = IngestOptions()
        options.defaultSender = Jurisdiction(sender: "national", root: .national)
        var rollup = StorelessRollup(registry: registry, catalog: catalog, options: options)
        rollup.quality = .standard(rules: rules)
        let out = (folder as NSString).appendingPathComponent("out")
        let summary = try rollup.run(
            files: try SubmissionIngestor.expand([(folder as NSString).appendingPathComponent("submissions")]),
            outDirectory: out)
        let truth = generated.truth
        var derived: [String: Set<String>] = [:]
        for definition in catalog.definitions {
            for (_, reference) in definition.aggregation.references { derived[reference, default: []].insert(definition.code) }
        }
        let misses = truth.strictMisses(summary.findingRows, derived: derived)
        return Outcome(
            scores: truth.score(summary.findingRows, derived: derived), findings: summary.findingRows, observations: summary.rowsAccepted,
            secondsQuality: summary.secondsQuality, unexplained: misses.unexplained, missed: misses.missed)
    }
}
