import Foundation
import RuralstatAssessment
import RuralstatIngest
import RuralstatModel
import RuralstatReport
import RuralstatStore

/// The assessment of a store (`ruralstat assess` and the nightly run's assess stage): the spec's
/// levels over the stored rollups and error-level findings, stored, and written for evaluators as
/// `assessment.csv`, `assessment.xlsx` and `assessment.json` (the settings: spec hash, seed, weights,
/// sensitivity, what was dropped or screened out, and why).
public struct StoreAssessment {
    /// The store read and written.
    public var store: any IndicatorStore
    /// The catalog (directions, targets, ranges).
    public var catalog: IndicatorCatalog
    /// The registry, for names.
    public var registry: RegionRegistry?
    /// The spec.
    public var spec: AssessmentSpec
    /// SHA-256 of the spec file.
    public var specSHA256: String
    /// Workers for the uncertainty analysis.
    public var workers = ProcessInfo.processInfo.activeProcessorCount

    /// An assessment of a store by a spec.
    public init(store: any IndicatorStore, catalog: IndicatorCatalog, registry: RegionRegistry?, spec: AssessmentSpec, specSHA256: String) {
        self.store = store
        self.catalog = catalog
        self.registry = registry
        self.spec = spec
        self.specSHA256 = specSHA256
    }

    /// What was assessed.
    public struct Outcome: Sendable {
        /// One assessment per level.
        public var levels: [LevelAssessment]
        /// Their rows, level by level.
        public var rows: [AssessmentRow] { levels.flatMap(\.rows) }
        /// The settings of each level, as stored.
        public var settings: [AssessmentSettings]
    }

    /// Assesses the levels (the spec's unless given) and stores the results under `runID`.
    public func run(runID: Int64, levels: [RegionLevel]? = nil) throws -> Outcome {
        let rollups = try store.storedRollups()
        let errorKeys = Set(
            try store.findings(FindingFilter(minimumSeverity: .error)).compactMap { finding -> String? in
                guard let indicator = finding.indicator, let period = finding.period else { return nil }
                return Assessment.key(region: finding.region, indicator: indicator, period: period)
            })
        let assessment = Assessment(spec: spec, catalog: catalog, registry: registry)
        var assessed: [LevelAssessment] = []
        for level in levels ?? spec.levels {
            assessed.append(try assessment.assess(level: level, rollups: rollups, errorKeys: errorKeys, workers: workers))
        }
        let settings = try assessed.map {
            AssessmentSettings(framework: $0.framework.name, level: $0.level, year: $0.year, specSHA256: specSHA256, json: try settingsJSON($0))
        }
        let outcome = Outcome(levels: assessed, settings: settings)
        try store.replaceAssessment(outcome.rows, settings: settings, runID: runID)
        return outcome
    }

    /// The settings of one level: choices, seed, weights, sensitivity, what was left out.
    func settingsJSON(_ level: LevelAssessment) throws -> String {
        let index = spec.index
        var object: [String: Any] = [
            "level": level.level.description, "year": level.year, "spec_sha256": specSHA256, "framework": level.framework.name,
            "normalisation": index.normalisation.name, "indicator_weighting": index.indicatorWeighting.name,
            "dimension_weighting": index.dimensionWeighting.name, "indicator_aggregation": index.indicatorAggregation.name,
            "dimension_aggregation": index.dimensionAggregation.name, "minimum_coverage": index.minimumCoverage,
            "treatment": index.treatment == nil ? "none" : "coinr", "log_transformed": index.logTransformed.sorted(),
            "dropped_indicators": level.dropped,
            "screened_out": level.result.screenedOut.map { ["region": $0.unit.description, "coverage": $0.coverage] },
            "partial": spec.partial.rawValue, "error_findings": spec.errorFindings.rawValue,
        ]
        object["weights"] = Dictionary(
            uniqueKeysWithValues: level.framework.dimensions.enumerated().map { d, dimension in
                (
                    dimension.name,
                    [
                        "weight": level.result.dimensionWeights[d],
                        "indicators": Dictionary(uniqueKeysWithValues: zip(dimension.indicators, level.result.indicatorWeights[d]).map { ($0, $1) }),
                    ] as [String: Any]
                )
            })
        object["treated"] = level.result.treated.compactMapValues { outcome -> String? in
            switch outcome {
            case .untreated: nil
            case .winsorised(let high, let low): "winsorised \(high) high, \(low) low"
            case .logTransformed: "log_CT"
            }
        }
        if let analysis = spec.uncertainty, let result = level.uncertainty {
            object["uncertainty"] =
                [
                    "seed": analysis.seed, "replications": analysis.replications, "runs": result.runs, "weight_noise": analysis.weightNoise,
                    "normalisations": analysis.normalisationAlternatives(index).map(\.name),
                    "aggregations": analysis.aggregationAlternatives(index).map { "\($0.indicators.name)/\($0.dimensions.name)" },
                    "sensitivity": result.sensitivity.map { ["factor": $0.factor.rawValue, "first_order": $0.firstOrder, "total": $0.total] },
                ] as [String: Any]
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes `assessment.csv`, `assessment.xlsx` and `assessment.json` into `folder`; returns their paths.
    public static func write(_ outcome: Outcome, to folder: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let csv = (folder as NSString).appendingPathComponent("assessment.csv")
        let xlsx = (folder as NSString).appendingPathComponent("assessment.xlsx")
        let json = (folder as NSString).appendingPathComponent("assessment.json")
        try AssessmentTables.writeCSV(outcome.rows, to: csv)
        try AssessmentTables.spreadsheet(outcome.rows, created: Date()).write(to: xlsx)
        try AssessmentTables.settingsJSON(outcome.settings).write(toFile: json, atomically: true, encoding: .utf8)
        return [csv, xlsx, json]
    }

    /// The spot-check list of every county's villages, drawn from the store's findings.
    public func spotCheck() throws -> [AssessmentTables.SpotCheckRow] {
        guard let registry else { throw AssessmentError("the spot check needs the registry's villages; load a registry into the store") }
        // A rule weight for a rule the store has never run is a typo, not a rule without findings.
        let known = try store.ruleIDs()
        for rule in spec.spotCheck.ruleWeights.keys.sorted() where !known.contains(rule) {
            throw AssessmentError("spot_check.rule_weights: '\(rule)' is not a rule the store's quality checks ran" + Suggestion.text(rule, among: known))
        }
        let villages = registry.units(at: .village)
        let findings = try store.findings(FindingFilter(levels: [.village]))
        return try spec.spotCheck.draw(villages: villages, findings: findings).map { selection in
            AssessmentTables.SpotCheckRow(
                county: selection.county, village: selection.village, name: registry.unit(selection.village)?.name ?? "", risk: selection.risk,
                inclusionProbability: selection.inclusionProbability, drawnAtRandom: selection.drawnAtRandom,
                findings: selection.findings.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " "))
        }
    }
}
