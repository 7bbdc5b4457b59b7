import Foundation
import Yams
import RuralstatAggregate
import RuralstatIngest
import RuralstatModel
import RuralstatReport
import RuralstatRules
import RuralstatQuality

/// A pipeline spec (`pipelines/nightly.yaml`): where the submissions come from and who sent them,
/// the reference files, the store, the stages to run, the thresholds, the exit-status policy and the
/// outputs. Relative paths are relative to the folder the spec is in, so a spec means the same
/// files whatever folder the run starts in.
///
/// A spec is validated whole before anything runs: every problem names the line, the key path and
/// the reason (``SpecError``).
public struct PipelineSpec: Sendable {
    /// One place submissions arrive, with the rule that says who sent each file.
    public struct Source: Sendable {
        public var name: String
        /// Files or folders (searched recursively).
        public var paths: [String]
        /// The sender of every file of the source (a region code, or `national`)…
        public var sender: String?
        /// …or a pattern whose first group, on the file name, gives it (files that name their sender
        /// in their SDMX header use that).
        public var senderFromFileName: String?
        public var encoding: IngestOptions.Encoding
        /// Reject a whole file when more than this share of its rows is rejected (nil: reject rows only).
        public var maxErrorRate: Double?
        /// The file of the senders' structure mapping (`mapping:`), and the mapping read from it.
        public var mappingFile: String?
        public var mapping: StructureMapping?
    }

    public enum Stage: String, Sendable, Hashable, CaseIterable {
        case ingest, rollup, quality, assess, report
    }

    public var name: String
    public var store: String
    public var registry: [String]
    /// The registry edition (nil: the year in the file names).
    public var registryEdition: Int?
    public var catalog: String
    public var rules: String?
    /// The assessment spec (nil: no assess stage).
    public var assessment: String?
    public var sources: [Source]
    public var stages: [Stage]
    public var coverage: CoveragePolicy
    public var quality: QualitySettings
    public var reports: ReportSettings
    public var exitPolicy: ExitPolicy

    /// What makes a run exit 1 ("done, but look"), so that a scheduler alerts on what this run found.
    public struct ExitPolicy: Sendable, Equatable {
        public enum Rejects: String, Sendable, CaseIterable {
            /// Rows or files rejected by this run (or by a killed run it finished).
            case new
            /// Never: rejects are read in the reports only.
            case never
        }
        public enum ErrorFindings: String, Sendable, CaseIterable {
            /// Error-level findings this run found that the previous quality check had not.
            case new
            /// Any error-level finding that stands, new or old (every run alerts until they are resolved).
            case open
            /// Never.
            case never
        }
        public var rejects = Rejects.new
        public var errorFindings = ErrorFindings.new
        public init() {}
    }

    /// The period-over-period outlier method a spec chooses (`period_over_period_method`).
    public enum PeriodMethod: String, Sendable, CaseIterable {
        case hidiroglouBerthelot = "hidiroglou_berthelot"
        case sigmaGap = "sigma_gap"
    }

    /// The period-over-period method and its parameters, for all indicators or for one.
    public struct PeriodSettings: Sendable, Hashable {
        /// The period-over-period method: Hidiroglou-Berthelot (the default) or sigma-gap.
        public var method = PeriodMethod.hidiroglouBerthelot
        public var hb = PeriodOverPeriodCheck.defaultParameters
        /// HB's guard against collapsed spread (``PeriodOverPeriodCheck/minimumChange``); 0 is Banff-exact.
        public var hbMinimumChange = PeriodOverPeriodCheck().minimumChange
        public var sigmaGap = SigmaGap.Parameters()

        public init() {}

        /// The check's method with these parameters.
        public var checkMethod: PeriodOverPeriodCheck.Method { method == .sigmaGap ? .sigmaGap(sigmaGap) : .hidiroglouBerthelot(hb) }

        /// The parameters as the run manifest records them: `method=… mii=… …`.
        public var manifestText: String {
            switch method {
            case .hidiroglouBerthelot:
                return "method=\(method.rawValue) mii=\(hb.mii.map { "\($0)" } ?? "none") mei=\(hb.mei.map { "\($0)" } ?? "none") "
                    + "exponent=\(hb.exponent) mdm=\(hb.mdm) side=\(hb.side.rawValue) min_obs=\(hb.minimumObservations) min_change=\(hbMinimumChange)"
            case .sigmaGap:
                let sg = sigmaGap
                return "method=\(method.rawValue) beta_i=\(sg.betaI.map { "\($0)" } ?? "none") beta_e=\(sg.betaE.map { "\($0)" } ?? "none") "
                    + "sigma=\(sg.deviation.rawValue) start_centile=\(sg.startCentile.map { "\($0)" } ?? "default") side=\(sg.side.rawValue) min_obs=\(sg.minimumObservations)"
            }
        }
    }

    /// The quality checks' parameters the spec may set (the rest keep their defaults).
    public struct QualitySettings: Sendable {
        public var peerOutliers = PeerOutlierCheck()
        /// The period-over-period method and parameters for every indicator…
        public var period = PeriodSettings()
        /// …but these, which have their own (`period_over_period_by_indicator`), starting from `period`.
        public var periodByIndicator: [String: PeriodSettings] = [:]
        public var balance = BalanceCheck()
        public var coverage = CoverageCheck()
        public var history = AggregateHistoryCheck()
        public var benford = BenfordCheck()
        public var heaping = DigitHeapingCheck()
        public var constantSeries = ConstantSeriesCheck()

        public init() {}

        /// The checks with these parameters (edit rules first when there are any).
        public func suite(rules: RuleSet?) -> QualitySuite {
            var periodOverPeriod = PeriodOverPeriodCheck(method: period.checkMethod)
            periodOverPeriod.minimumChange = period.hbMinimumChange
            periodOverPeriod.byIndicator = periodByIndicator.mapValues { .init(method: $0.checkMethod, minimumChange: $0.hbMinimumChange) }
            return QualitySuite(
                rules: rules, peerOutliers: peerOutliers, periodOverPeriod: periodOverPeriod, balance: balance, coverage: coverage,
                history: history, benford: benford, heaping: heaping, constantSeries: constantSeries)
        }
    }
}

extension PipelineSpec {
    /// Reads and validates a spec.
    public init(yaml: String, file: String) throws(SpecError) {
        let (root, sink) = YAMLFields.document(yaml)
        guard let root else { throw SpecError(file: file, document: "pipeline spec", problems: sink.problems) }
        if let version = root.int("version"), version != 1 { root.problem("version", "this ruralstat reads version 1 specs, not \(version)") }
        name = root.string("name", required: false) ?? (file as NSString).lastPathComponent
        store = root.string("store") ?? ""
        registry = root.strings("registry") ?? []
        if registry.isEmpty { root.problem("registry", "give at least one division list") }
        registryEdition = root.int("registry_edition", required: false)
        if let edition = registryEdition, !(1949...9999).contains(edition) { root.problem("registry_edition", "'\(edition)' is not an edition year") }
        catalog = root.string("catalog") ?? ""
        rules = root.string("rules", required: false)
        assessment = root.string("assessment", required: false)
        sources = (root.mappings("sources") ?? []).compactMap(Self.source)
        if sources.isEmpty { root.problem("sources", "give at least one source of submissions") }
        stages = []
        for text in root.strings("stages", required: false) ?? Stage.allCases.map(\.rawValue) {
            guard let stage = Stage(rawValue: text) else {
                root.problem("stages", "'\(text)' is not a stage (\(Stage.allCases.map(\.rawValue).joined(separator: ", ")))")
                continue
            }
            stages.append(stage)
        }
        coverage = CoveragePolicy()
        if let section = root.mapping("coverage", required: false) {
            coverage.publishAt = Self.share(section, "publish_at") ?? coverage.publishAt
            coverage.withholdBelow = Self.share(section, "withhold_below") ?? coverage.withholdBelow
            if coverage.withholdBelow > coverage.publishAt { section.problem("withhold_below", "must not be above publish_at") }
            section.rejectUnknownKeys()
        }
        quality = QualitySettings()
        if let section = root.mapping("quality", required: false) { Self.read(section, into: &quality) }
        reports = ReportSettings()
        if let section = root.mapping("reports", required: false) {
            reports.folder = section.string("folder", required: false) ?? reports.folder
            reports.sender = section.string("sender", required: false) ?? reports.sender
            reports.sdmxGzip = section.bool("sdmx_gzip", required: false) ?? reports.sdmxGzip
            if let levels = section.strings("levels", required: false) {
                reports.levels = levels.compactMap { name in
                    guard let level = RegionLevel(name: name) else {
                        section.problem("levels", "'\(name)' is not a level")
                        return nil
                    }
                    return level
                }
            }
            if let formats = section.strings("formats", required: false) {
                reports.formats = Set(
                    formats.compactMap { name in
                        guard let format = ReportFormat(rawValue: name) else {
                            section.problem("formats", "'\(name)' is not a report format (\(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
                            return nil
                        }
                        return format
                    })
            }
            section.rejectUnknownKeys()
        }
        exitPolicy = ExitPolicy()
        if let section = root.mapping("exit_status", required: false) {
            exitPolicy.rejects = section.choice("on_rejects", ExitPolicy.Rejects.self, required: false) ?? exitPolicy.rejects
            exitPolicy.errorFindings = section.choice("on_error_findings", ExitPolicy.ErrorFindings.self, required: false) ?? exitPolicy.errorFindings
            section.rejectUnknownKeys()
        }
        root.rejectUnknownKeys()
        guard sink.problems.isEmpty else { throw SpecError(file: file, document: "pipeline spec", problems: sink.problems) }
        // Relative paths are the spec folder's.
        let folder = (file as NSString).deletingLastPathComponent
        // A server store is a URL, not a path.
        if !StoreOpening.isServer(store) { store = SpecPath.resolve(store, in: folder) }
        registry = registry.map { SpecPath.resolve($0, in: folder) }
        catalog = SpecPath.resolve(catalog, in: folder)
        rules = rules.map { SpecPath.resolve($0, in: folder) }
        assessment = assessment.map { SpecPath.resolve($0, in: folder) }
        for index in sources.indices {
            sources[index].paths = sources[index].paths.map { SpecPath.resolve($0, in: folder) }
            if let mappingFile = sources[index].mappingFile {
                sources[index].mappingFile = SpecPath.resolve(mappingFile, in: folder)
                sources[index].mapping = try StructureMapping(contentsOfFile: sources[index].mappingFile!)
            }
        }
        reports.folder = SpecPath.resolve(reports.folder, in: folder)
    }

    /// Where a spec's reports (and its run log) go, read leniently so that a run whose spec is not
    /// valid can still log that: the spec's `reports.folder` if it can be read, else `reports`, both
    /// relative to the spec's folder as when the spec is valid.
    public static func reportsFolder(ofSpecAt path: String) -> String {
        let text = try? String(contentsOfFile: path, encoding: .utf8)
        let root = text.flatMap { (try? Yams.load(yaml: $0)) as? [String: Any] }
        let folder = (root?["reports"] as? [String: Any])?["folder"] as? String
        return SpecPath.resolve(folder ?? ReportSettings().folder, in: (path as NSString).deletingLastPathComponent)
    }

    /// Reads a spec file.
    public static func load(_ path: String) throws -> PipelineSpec {
        try PipelineSpec(yaml: SpecError.text(ofSpecAt: path, document: "pipeline spec"), file: path)
    }

    private static func source(_ f: YAMLFields) -> Source? {
        let name = f.string("name") ?? ""
        let paths = f.strings("paths") ?? []
        let sender = f.string("sender", required: false)
        let pattern = f.string("sender_from_file_name", required: false)
        if let pattern {
            if let expression = try? NSRegularExpression(pattern: pattern) {
                if expression.numberOfCaptureGroups < 1 { f.problem("sender_from_file_name", "the pattern needs a group ( … ) around the sender") }
            } else {
                f.problem("sender_from_file_name", "'\(pattern)' is not a regular expression")
            }
        }
        if let sender, sender != "national", (try? RegionCode(sender)) == nil {
            f.problem("sender", "'\(sender)' is neither a region code nor 'national'")
        }
        let encoding = f.choice("encoding", IngestOptions.Encoding.self, required: false) ?? .auto
        let rate = f.double("max_error_rate", required: false)
        if let rate, !(0...1).contains(rate) { f.problem("max_error_rate", "must lie between 0 and 1, not \(rate)") }
        let mapping = f.string("mapping", required: false)
        f.rejectUnknownKeys()
        return Source(
            name: name, paths: paths, sender: sender, senderFromFileName: pattern, encoding: encoding, maxErrorRate: rate, mappingFile: mapping)
    }

    private static func share(_ f: YAMLFields, _ key: String) -> Double? {
        guard let value = f.double(key, required: false) else { return nil }
        if !(0...1).contains(value) { f.problem(key, "must lie between 0 and 1, not \(value)") }
        return value
    }

    /// A number above 0 at `key`, if given (a problem otherwise).
    private static func positive(_ f: YAMLFields, _ key: String) -> Double? {
        guard let value = f.double(key, required: false) else { return nil }
        if value <= 0 { f.problem(key, "must be above 0, not \(value)") }
        return value
    }

    private static func read(_ f: YAMLFields, into q: inout QualitySettings) {
        func positive(_ key: String) -> Double? { Self.positive(f, key) }
        q.peerOutliers.threshold = positive("peer_outlier_threshold") ?? q.peerOutliers.threshold
        q.peerOutliers.minimumPeers = f.int("minimum_peers", required: false) ?? q.peerOutliers.minimumPeers
        readPeriod(f, into: &q.period)
        if let byIndicator = f.mapping("period_over_period_by_indicator", required: false) {
            for code in byIndicator.keys {
                guard let fields = byIndicator.mapping(code) else { continue }
                var settings = q.period
                readPeriod(fields, into: &settings)
                fields.rejectUnknownKeys()
                q.periodByIndicator[code] = settings
            }
        }
        q.balance.relativeTolerance = Self.share(f, "balance_relative_tolerance") ?? q.balance.relativeTolerance
        q.balance.mode = f.choice("balance_missing_children", BalanceCheck.MissingChildren.self, required: false) ?? q.balance.mode
        q.coverage.minimumCoverage = Self.share(f, "minimum_coverage") ?? q.coverage.minimumCoverage
        q.coverage.deadlineDays = f.int("deadline_days", required: false) ?? q.coverage.deadlineDays
        q.coverage.expectedSenders = f.strings("expected_senders", required: false) ?? q.coverage.expectedSenders
        q.history.maxDecrease = positive("history_max_decrease") ?? q.history.maxDecrease
        q.history.maxIncrease = positive("history_max_increase") ?? q.history.maxIncrease
        // The digit screens: false-discovery rates (Benjamini–Hochberg) and how many values a test needs.
        func rate(_ key: String) -> Double? {
            guard let value = f.double(key, required: false) else { return nil }
            if !(value > 0 && value < 1) { f.problem(key, "must lie between 0 and 1 (exclusive), not \(value)") }
            return value
        }
        func count(_ key: String, atLeast least: Int) -> Int? {
            guard let value = f.int(key, required: false) else { return nil }
            if value < least { f.problem(key, "must be at least \(least), not \(value)") }
            return value
        }
        q.benford.falseDiscoveryRate = rate("benford_fdr") ?? q.benford.falseDiscoveryRate
        q.benford.minimumValues = count("benford_min_values", atLeast: 50) ?? q.benford.minimumValues
        q.benford.minimumValuesPerIndicator = count("benford_min_values_per_indicator", atLeast: 50) ?? q.benford.minimumValuesPerIndicator
        q.heaping.falseDiscoveryRate = rate("heaping_fdr") ?? q.heaping.falseDiscoveryRate
        q.heaping.minimumValues = count("heaping_min_values", atLeast: 50) ?? q.heaping.minimumValues
        q.constantSeries.falseDiscoveryRate = rate("constant_series_fdr") ?? q.constantSeries.falseDiscoveryRate
        q.constantSeries.minimumPeriods = count("constant_series_min_periods", atLeast: 3) ?? q.constantSeries.minimumPeriods
        f.rejectUnknownKeys()
    }

    /// The period-over-period keys of a mapping (the quality section, or one indicator's entry), over
    /// the settings given; Banff's rules for each parameter are checked.
    private static func readPeriod(_ f: YAMLFields, into p: inout PeriodSettings) {
        func positive(_ key: String) -> Double? { Self.positive(f, key) }
        p.hb.mii = positive("hb_mii") ?? p.hb.mii
        p.hb.mei = positive("hb_mei") ?? p.hb.mei
        if let mii = p.hb.mii, let mei = p.hb.mei, mei >= mii { f.problem("hb_mei", "must be below hb_mii (\(mii)), as Banff requires") }
        if let exponent = f.double("hb_exponent", required: false) {
            if !(0...1).contains(exponent) { f.problem("hb_exponent", "must lie between 0 and 1, not \(exponent)") }
            p.hb.exponent = exponent
        }
        p.hb.minimumObservations = f.int("hb_min_obs", required: false) ?? p.hb.minimumObservations
        if p.hb.minimumObservations < 3 { f.problem("hb_min_obs", "must be at least 3, as Banff requires") }
        if let mdm = f.double("hb_mdm", required: false) {
            if !(mdm > 0 && mdm < 1) { f.problem("hb_mdm", "must lie between 0 and 1 (exclusive), not \(mdm)") }
            p.hb.mdm = mdm
        }
        p.hb.side = f.choice("hb_side", OutlierSide.self, required: false) ?? p.hb.side
        if let change = f.double("hb_min_change", required: false) {
            if !(change >= 0 && change < 1) { f.problem("hb_min_change", "must lie in [0, 1) (0: Banff-exact), not \(change)") }
            p.hbMinimumChange = change
        }
        // Sigma-gap, chosen with period_over_period_method: sigma_gap; Banff's rules for its parameters.
        p.method = f.choice("period_over_period_method", PeriodMethod.self, required: false) ?? p.method
        let betaI = positive("sg_beta_i"), betaE = positive("sg_beta_e")
        if betaI != nil || betaE != nil { (p.sigmaGap.betaI, p.sigmaGap.betaE) = (betaI, betaE) }
        if let i = p.sigmaGap.betaI, let e = p.sigmaGap.betaE, e >= i { f.problem("sg_beta_e", "must be below sg_beta_i (\(i)), as Banff requires") }
        p.sigmaGap.deviation = f.choice("sg_sigma", SigmaGap.Deviation.self, required: false) ?? p.sigmaGap.deviation
        if let centile = f.double("sg_start_centile", required: false) {
            if !(0...100).contains(centile) { f.problem("sg_start_centile", "must lie between 0 and 100, not \(centile)") }
            p.sigmaGap.startCentile = centile
        }
        p.sigmaGap.side = f.choice("sg_side", OutlierSide.self, required: false) ?? p.sigmaGap.side
        p.sigmaGap.minimumObservations = f.int("sg_min_obs", required: false) ?? p.sigmaGap.minimumObservations
        if p.sigmaGap.minimumObservations < 5 { f.problem("sg_min_obs", "must be at least 5, as Banff requires") }
    }

    /// Refuses indicator codes the spec names that the catalog does not know (a filter never
    /// silently matches nothing).
    func checkIndicators(against catalog: IndicatorCatalog, specPath: String) throws(SpecError) {
        for source in sources { try source.mapping?.check(against: catalog) }
        let known = Set(catalog.codes)
        let unknown = quality.periodByIndicator.keys.filter { !known.contains($0) }.sorted()
        guard !unknown.isEmpty else { return }
        throw SpecError(
            file: specPath, document: "pipeline spec",
            problems: unknown.map {
                YAMLProblem(line: nil, path: "quality.period_over_period_by_indicator.\($0)", message: "is not an indicator of the catalog \(catalog.version)")
            })
    }

    /// The ingest options of one source.
    func options(for source: Source) -> IngestOptions {
        var options = IngestOptions()
        options.encoding = source.encoding
        options.senderFromFileName = source.senderFromFileName
        if let sender = source.sender {
            options.defaultSender = Jurisdiction(sender: sender, root: sender == "national" ? .national : (try? RegionCode(sender)) ?? .national)
        }
        if let rate = source.maxErrorRate { options.policy = .submissionAbove(errorRate: rate) }
        options.mapping = source.mapping
        return options
    }
}
