import Foundation
import RuralstatModel

/// `pipelines/assessment.yaml`: what the yearly assessment computes and how — the framework, the
/// levels and year, how doubtful data are used, every construction choice, the classes, the
/// uncertainty analysis and the spot-check draw. Validated like the nightly spec: every problem,
/// with its line and key path, at once.
public struct AssessmentSpec: Sendable {
    /// How a rollup the data rules single out is used.
    public enum DataUse: String, Sendable, CaseIterable {
        /// As it is.
        case use
        /// As it is, and counted against the region in the outputs.
        case mark
        /// As missing.
        case missing
    }

    /// Where a region's class (分类考核) comes from.
    public enum Classes: Sendable, Equatable {
        /// No classes: regions are ranked overall only.
        case none
        /// The NBS economic region of the unit's province: 东部, 中部, 西部, 东北.
        case economicRegion
        /// A CSV file of `region,class` rows.
        case file(String)
    }

    /// The framework (default: the plan's, from the catalog).
    public var framework: AssessmentFramework
    /// The levels assessed (default: county and province).
    public var levels: [RegionLevel] = [.county, .province]
    /// The year assessed (default: the latest with rollups).
    public var year: Int?
    /// The baseline year progress is measured from (default: the first with rollups).
    public var baselineYear: Int?
    /// How partial rollups (coverage below the publication threshold) are used.
    public var partial = DataUse.use
    /// How rollups with an error-level finding are used.
    public var errorFindings = DataUse.mark
    /// The composite index's construction choices (its framework is ``framework``).
    public var index: CompositeIndex
    /// Goalposts by indicator (else the catalog's valid range).
    public var goalposts: [String: ClosedRange<Double>] = [:]
    /// Where classes come from.
    public var classes = Classes.economicRegion
    /// The uncertainty analysis (nil: none).
    public var uncertainty: UncertaintyAnalysis? = UncertaintyAnalysis()
    /// The spot-check draw.
    public var spotCheck = SpotCheckDraw()

    /// The levels an assessment can rank: their regions are few enough (about 2,850 counties) for the
    /// uncertainty analysis's rank histograms (regions² counts a worker).
    public static let assessableLevels: [RegionLevel] = [.province, .prefecture, .county]

    /// The defaults over the catalog's plan framework.
    public init(catalog: IndicatorCatalog) {
        framework = .plan(from: catalog)
        index = CompositeIndex(framework: framework)
    }

    /// Reads a spec; relative paths are relative to the spec's folder. Indicators are checked against the catalog.
    public init(yaml: String, file: String, catalog: IndicatorCatalog) throws(SpecError) {
        self.init(catalog: catalog)
        let (root, sink) = YAMLFields.document(yaml)
        guard let root else { throw SpecError(file: file, document: "assessment spec", problems: sink.problems) }
        if let version = root.int("version"), version != 1 { root.problem("version", "this ruralstat reads version 1 assessment specs, not \(version)") }
        if let section = root.mapping("framework", required: false) { framework = Self.framework(section, catalog: catalog) }
        if let names = root.strings("levels", required: false) {
            levels = []
            for name in names {
                guard let level = RegionLevel(name: name), Self.assessableLevels.contains(level) else {
                    root.problem(
                        "levels", "'\(name)' is not a level that can be assessed (\(Self.assessableLevels.map(\.description).joined(separator: ", ")))")
                    continue
                }
                if levels.contains(level) { root.problem("levels", "'\(name)' is named twice") } else { levels.append(level) }
            }
        }
        year = root.int("year", required: false)
        baselineYear = root.int("baseline_year", required: false)
        index = CompositeIndex(framework: framework)
        if let data = root.mapping("data", required: false) {
            partial = data.choice("partial", DataUse.self, required: false) ?? partial
            errorFindings = data.choice("error_findings", DataUse.self, required: false) ?? errorFindings
            if let share = data.double("minimum_coverage", required: false) {
                if (0...1).contains(share) { index.minimumCoverage = share } else { data.problem("minimum_coverage", "must lie in [0, 1]") }
            }
            data.rejectUnknownKeys()
        }
        if let text = root.string("treatment", required: false) {
            if text == "none" { index.treatment = nil } else if text != "coinr" { root.problem("treatment", "'\(text)' is not a treatment (coinr, none)") }
        }
        if let codes = root.strings("log_transform", required: false) {
            for code in codes where !framework.indicators.contains(code) {
                root.problem("log_transform", "'\(code)' is not an indicator of the framework" + Suggestion.text(code, among: framework.indicators))
            }
            index.logTransformed = Set(codes)
        }
        if let section = root.mapping("normalisation", required: false) { Self.normalisation(section, into: &self) }
        if let section = root.mapping("weights", required: false) {
            index.indicatorWeighting = Self.weighting(section, "indicators") ?? index.indicatorWeighting
            index.dimensionWeighting = Self.weighting(section, "dimensions") ?? index.dimensionWeighting
            section.rejectUnknownKeys()
        }
        if let section = root.mapping("aggregation", required: false) {
            var shift = section.double("shift", required: false) ?? 0.01
            if !(shift > 0 && shift.isFinite) {
                section.problem("shift", "the geometric mean's shift must be a finite number above 0, not \(shift)")
                shift = 0.01
            }
            index.indicatorAggregation = Self.aggregation(section, "indicators", shift: shift) ?? index.indicatorAggregation
            index.dimensionAggregation = Self.aggregation(section, "dimensions", shift: shift) ?? index.dimensionAggregation
            section.rejectUnknownKeys()
        }
        if let text = root.string("classes", required: false) {
            switch text {
            case "none": classes = .none
            case "economic_region": classes = .economicRegion
            default:
                guard text.hasPrefix("file:") else {
                    root.problem("classes", "'\(text)' is not a source of classes (none, economic_region, file:PATH)")
                    break
                }
                classes = .file(
                    SpecPath.resolve(String(text.dropFirst(5)).trimmingCharacters(in: .whitespaces), in: (file as NSString).deletingLastPathComponent))
            }
        }
        if framework.dimensions.contains(where: { !$0.weights.isEmpty }) && index.indicatorWeighting != .policy {
            root.problem("weights", "the framework gives indicator weights, which only 'indicators: policy' uses (here: \(index.indicatorWeighting.name))")
        }
        if !framework.dimensionWeights.isEmpty && index.dimensionWeighting != .policy {
            root.problem("weights", "the framework gives dimension weights, which only 'dimensions: policy' uses (here: \(index.dimensionWeighting.name))")
        }
        if let section = root.mapping("uncertainty", required: false) { uncertainty = Self.uncertainty(section, index: index) }
        if let section = root.mapping("spot_check", required: false) { Self.spotCheck(section, into: &spotCheck, catalog: catalog) }
        root.rejectUnknownKeys()
        do { try index.validate() } catch { root.problem("normalisation", error.description) }
        guard sink.problems.isEmpty else { throw SpecError(file: file, document: "assessment spec", problems: sink.problems) }
    }

    /// Reads the spec in the file at `path` (UTF-8 YAML).
    public init(contentsOfFile path: String, catalog: IndicatorCatalog) throws(SpecError) {
        try self.init(yaml: SpecError.text(ofSpecAt: path, document: "assessment spec"), file: path, catalog: catalog)
    }

    static func framework(_ f: YAMLFields, catalog: IndicatorCatalog) -> AssessmentFramework {
        let known = Set(catalog.codes)
        var dimensions: [AssessmentFramework.Dimension] = []
        var seen: Set<String> = []
        for d in f.mappings("dimensions") ?? [] {
            let name = d.string("name") ?? ""
            if dimensions.contains(where: { $0.name == name }) { d.problem("name", "'\(name)' is already the name of a dimension") }
            let codes = d.strings("indicators") ?? []
            for code in codes where !known.contains(code) {
                d.problem("indicators", "'\(code)' is not in the catalog" + Suggestion.text(code, among: catalog.codes))
            }
            for code in codes where !seen.insert(code).inserted { d.problem("indicators", "'\(code)' is already in another dimension") }
            if codes.isEmpty { d.problem("indicators", "a dimension needs at least one indicator") }
            let weights = positiveWeights(d, "weights", of: Set(codes), "an indicator of this dimension")
            d.rejectUnknownKeys()
            dimensions.append(.init(name: name, indicators: codes, weights: weights))
        }
        let dimensionWeights = positiveWeights(f, "dimension_weights", of: Set(dimensions.map(\.name)), "a dimension of the framework")
        let name = f.string("name", required: false) ?? "custom"
        f.rejectUnknownKeys()
        return AssessmentFramework(name: name, dimensions: dimensions, dimensionWeights: dimensionWeights)
    }

    /// A mapping of names to weights above 0; a name outside `known` is a problem, said as not being `what`.
    static func positiveWeights(_ f: YAMLFields, _ key: String, of known: Set<String>, _ what: String) -> [String: Double] {
        var weights: [String: Double] = [:]
        for (name, text) in f.pairs(key, required: false) ?? [] {
            guard known.contains(name) else {
                f.problem(key, "'\(name)' is not \(what)")
                continue
            }
            guard let weight = Double(text), weight > 0, weight.isFinite else {
                f.problem(key, "the weight of \(name), '\(text)', is not a finite number above 0")
                continue
            }
            weights[name] = weight
        }
        return weights
    }

    static func normalisationMethod(_ f: YAMLFields, _ text: String, key: String) -> Normalisation? {
        switch text {
        case "min_max":
            let (lower, upper) = (f.double("lower", required: false) ?? 0, f.double("upper", required: false) ?? 1)
            guard lower < upper else {
                f.problem("upper", "min–max needs lower < upper (\(lower) ≥ \(upper) would turn every indicator around)")
                return nil
            }
            return .minMax(lower: lower, upper: upper)
        case "z_score":
            let (mean, sd) = (f.double("mean", required: false) ?? 10, f.double("sd", required: false) ?? 2)
            guard sd > 0 else {
                f.problem("sd", "the z-score's spread must be above 0, not \(sd)")
                return nil
            }
            return .zScore(mean: mean, sd: sd)
        case "rank": return .rank
        case "goalposts": return .goalposts
        case "distance_to_target": return .distanceToTarget
        default:
            f.problem(key, "'\(text)' is not a normalisation (min_max, z_score, rank, goalposts, distance_to_target)")
            return nil
        }
    }

    static func normalisation(_ f: YAMLFields, into spec: inout AssessmentSpec) {
        if let text = f.string("method"), let method = normalisationMethod(f, text, key: "method") { spec.index.normalisation = method }
        if let bounds = f.mapping("goalposts", required: false) {
            for code in spec.framework.indicators {
                guard let pair = bounds.strings(code, required: false) else { continue }
                guard pair.count == 2, let low = Double(pair[0]), let high = Double(pair[1]), low < high else {
                    bounds.problem(code, "goalposts are [L, U] with L < U")
                    continue
                }
                spec.goalposts[code] = low...high
            }
            bounds.rejectUnknownKeys()
        }
        f.rejectUnknownKeys()
    }

    static func weighting(_ f: YAMLFields, _ key: String) -> Weighting? {
        guard let text = f.string(key, required: false) else { return nil }
        let all: [Weighting] = [.equal, .policy, .entropy, .critic]
        guard let weighting = all.first(where: { $0.name == text }) else {
            f.problem(key, "'\(text)' is not a weighting (equal, policy, entropy, critic)")
            return nil
        }
        return weighting
    }

    static func aggregation(_ f: YAMLFields, _ key: String, shift: Double) -> Aggregation? {
        guard let text = f.string(key, required: false) else { return nil }
        switch text {
        case "arithmetic": return .arithmetic
        case "geometric": return .geometric(shift: shift)
        default:
            f.problem(key, "'\(text)' is not an aggregation (arithmetic, geometric)")
            return nil
        }
    }

    static func uncertainty(_ f: YAMLFields, index: CompositeIndex) -> UncertaintyAnalysis? {
        if f.bool("enabled", required: false) == false {
            f.rejectUnknownKeys()
            return nil
        }
        var analysis = UncertaintyAnalysis()
        if let n = f.int("replications", required: false) {
            if n >= 2 { analysis.replications = n } else { f.problem("replications", "needs at least 2") }
        }
        if let seed = f.int("seed", required: false) {
            if seed >= 0 { analysis.seed = UInt64(seed) } else { f.problem("seed", "a seed is a whole number ≥ 0") }
        }
        if let noise = f.double("weight_noise", required: false) {
            if (0..<1).contains(noise) { analysis.weightNoise = noise } else { f.problem("weight_noise", "must lie in [0, 1)") }
        }
        analysis.varyTreatment = f.bool("vary_treatment", required: false) ?? analysis.varyTreatment
        analysis.normalisations = (f.strings("normalisations", required: false) ?? []).compactMap { normalisationMethod(f, $0, key: "normalisations") }
        for choice in f.mappings("aggregations", required: false) ?? [] {
            let shift = choice.double("shift", required: false) ?? 0.01
            if let i = aggregation(choice, "indicators", shift: shift), let d = aggregation(choice, "dimensions", shift: shift) {
                analysis.aggregations.append(.init(indicators: i, dimensions: d))
            }
            choice.rejectUnknownKeys()
        }
        // Every combination the Monte Carlo may draw must be buildable: said now, not after the nominal index.
        for n in analysis.normalisationAlternatives(index) {
            for a in analysis.aggregationAlternatives(index) {
                var variant = index
                (variant.normalisation, variant.indicatorAggregation, variant.dimensionAggregation) = (n, a.indicators, a.dimensions)
                do { try variant.validate() } catch { f.problem("aggregations", "\(n.name) with \(a.indicators.name)/\(a.dimensions.name): \(error)") }
            }
        }
        f.rejectUnknownKeys()
        return analysis
    }

    static func spotCheck(_ f: YAMLFields, into draw: inout SpotCheckDraw, catalog: IndicatorCatalog) {
        if let n = f.int("per_county", required: false) {
            if n >= 1 { draw.perCounty = n } else { f.problem("per_county", "needs at least 1") }
        }
        if let share = f.double("random_share", required: false) {
            if (0...1).contains(share) { draw.randomShare = share } else { f.problem("random_share", "must lie in [0, 1]") }
        }
        if let floor = f.double("floor", required: false) {
            if floor > 0 { draw.floor = floor } else { f.problem("floor", "must be above 0, so that every village can be drawn") }
        }
        if let seed = f.int("seed", required: false) {
            if seed >= 0 { draw.seed = UInt64(seed) } else { f.problem("seed", "a seed is a whole number ≥ 0") }
        }
        for (name, text) in f.pairs("severity_weights", required: false) ?? [] {
            guard let severity = Severity(rawValue: name) else {
                f.problem("severity_weights", "'\(name)' is not a severity (error, warning, info)")
                continue
            }
            guard let weight = Double(text), weight >= 0, weight.isFinite else {
                f.problem("severity_weights", "the weight of \(name), '\(text)', is not a finite number ≥ 0")
                continue
            }
            draw.severityWeights[severity] = weight
        }
        for (rule, text) in f.pairs("rule_weights", required: false) ?? [] {
            guard let weight = Double(text), weight >= 0, weight.isFinite else {
                f.problem("rule_weights", "the weight of \(rule), '\(text)', is not a finite number ≥ 0")
                continue
            }
            draw.ruleWeights[rule] = weight
        }
        f.rejectUnknownKeys()
    }
}
