import Foundation
import Testing
import TestSupport
import RuralstatIngest
import RuralstatModel
import RuralstatRules
import RuralstatPipeline
@testable import RuralstatSampleData

@Suite("Sample data")
struct SampleDataTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let catalog = try! ReferenceFiles.loadCatalog(path: root.appendingPathComponent("pipelines/indicators.yaml").path)
    static let rules = try! RuleSet(
        yaml: String(contentsOf: root.appendingPathComponent("pipelines/rules.yaml"), encoding: .utf8),
        file: "rules.yaml", knownIndicators: Set(catalog.codes))

    static func sample(_ folder: TemporaryFolder, seed: UInt64 = 7) throws -> SampleDataGenerator.Summary {
        var options = SampleDataGenerator.Options()
        options.seed = seed
        options.rejectedRows = true
        options.revision = true
        return try SampleDataGenerator(options: options).generate(into: folder.path("sample"))
    }

    @Test func theSameSeedWritesTheSameFiles() throws {
        let (first, second) = (try TemporaryFolder(), try TemporaryFolder())
        let a = try Self.sample(first), b = try Self.sample(second)
        #expect(a.files.count == b.files.count && a.observations == b.observations)
        for (left, right) in zip(a.files + [a.registryPath, a.truthPath], b.files + [b.registryPath, b.truthPath]) {
            #expect(try Data(contentsOf: URL(fileURLWithPath: left)) == Data(contentsOf: URL(fileURLWithPath: right)), "\(left)")
        }
        let other = try TemporaryFolder()
        #expect(try Data(contentsOf: URL(fileURLWithPath: Self.sample(other, seed: 8).truthPath)) != Data(contentsOf: URL(fileURLWithPath: a.truthPath)))
    }

    @Test func everyFormatIsWrittenAndReadsBackWithOnlyThePlantedRejects() throws {
        let folder = try TemporaryFolder()
        let summary = try Self.sample(folder)
        let registry = try ReferenceFiles.loadRegistry(paths: [summary.registryPath])
        #expect(summary.villages > 600 && summary.villages < 800)
        // The irregular branches: a prefecture city without counties and a municipality's placeholders.
        #expect(registry.unit(try RegionCode("441900"))?.lowestLevel == .county)
        #expect(registry.unit(try RegionCode("500100"))?.kind.isPlaceholder == true)
        var formats: Set<SubmissionFormat> = []
        var rejected: [ValidationProblem] = []
        var rows = 0
        for file in summary.files {
            let report = try SubmissionReader.read(
                file, registries: RegistryEditions([registry]), catalog: Self.catalog,
                options: {
                    var o = IngestOptions(); o.defaultSender = Jurisdiction(sender: "t", root: .national); return o
                }(),
                emit: { rows += $0.rows.count }, reject: { rejected.append($0) })
            if let format = report.format { formats.insert(format) }
        }
        #expect(formats == Set(SubmissionFormat.allCases))
        #expect(summary.files.contains { $0.hasSuffix(".gz") } && summary.files.contains { $0.contains("gb18030") })
        #expect(summary.files.contains { $0.contains("_revised") })
        #expect(rejected.map(\.rule).sorted { $0.rawValue < $1.rawValue } == [.unknownIndicator, .unknownRegion, .valueOutOfRange])
        #expect(rows == summary.observations)
        #expect(Set(summary.anomalies.keys) == SampleDataGenerator.Profile.blatant.kinds.subtracting([.constantSeries]))  // two years: no 3-year runs
    }

    /// Generates three years of `villages` villages, a county anomaly in four counties of five, and scores every check.
    static func evaluate(seed: UInt64, villages: Int, years: Int = 3, profile: SampleDataGenerator.Profile) throws -> SampleDataEvaluation.Outcome {
        let folder = try TemporaryFolder()
        var options = SampleDataGenerator.Options()
        options.seed = seed
        options.villages = villages
        options.years = years
        options.countyRate = 0.8
        options.profile = profile
        return try SampleDataEvaluation(generator: options, catalog: Self.catalog, rules: Self.rules).run(in: folder.path("evaluation"))
    }

    /// The checks find what was planted: recall ≥ 0.9 and precision ≥ 0.8 for every kind, on fixed seeds.
    @Test("precision and recall per anomaly kind", arguments: [UInt64(1), 2])
    func qualityChecksRecoverThePlantedAnomalies(seed: UInt64) throws {
        let outcome = try Self.evaluate(seed: seed, villages: 4_000, profile: .blatant)
        for score in outcome.scores where SampleDataGenerator.Profile.blatant.kinds.contains(score.kind) {
            #expect(score.planted > 0, "\(score.kind) was not planted")
            #expect(score.recall >= 0.9, "\(score.kind): recall \(score.recall) (\(score.caught) of \(score.planted))")
            #expect(score.precision >= 0.8, "\(score.kind): precision \(score.precision) (\(score.explained) of \(score.findings))")
            // Blatant anomalies are caught strictly too.
            #expect(score.strictRecall >= 0.9, "\(score.kind): strict recall \(score.strictRecall)")
            #expect(score.strictPrecision >= 0.8, "\(score.kind): strict precision \(score.strictPrecision)")
        }
    }

    /// Realistic data (year-on-year changes of 10–20 %, rounding habits, repeats) with anomalies of
    /// realistic strength besides the blatant ones, judged strictly: a finding counts only when an
    /// anomaly of a kind its method is meant for, on its unit, indicator and period, explains it.
    /// Precision ≥ 0.8 for every kind; recall ≥ 0.9, and ≥ 0.7 for the subtle kinds (×1.5–2 or
    /// ×0.5–0.7; a total shaded by 3 %). Four years: over three, a figure copied forward is a run of
    /// three, which an honest village makes too when it repeats last year's figure once (one year
    /// in twelve) and the next figure falls on it by chance; over four, the copy is a run of four.
    @Test("strict precision and recall on realistic data", arguments: [UInt64(1), 2])
    func strictScoresOnRealisticData(seed: UInt64) throws {
        let outcome = try Self.evaluate(seed: seed, villages: 8_000, years: 4, profile: .realistic)
        for score in outcome.scores {
            #expect(score.planted > 0, "\(score.kind) was not planted")
            let recall = score.kind.isSubtle ? 0.7 : 0.9
            #expect(score.strictRecall >= recall, "\(score.kind): strict recall \(score.strictRecall) (\(score.strictCaught) of \(score.planted))")
            #expect(
                score.strictPrecision >= 0.8, "\(score.kind): strict precision \(score.strictPrecision) (\(score.strictExplained) of \(score.findings))")
        }
    }

    /// The strict judgement on hand-made cases.
    @Test func strictJudgement() throws {
        func finding(_ rule: String, method: String? = nil, _ region: String, _ indicator: String?, _ period: String?, rule text: String? = nil) throws
            -> Finding
        {
            Finding(
                ruleID: rule, method: method ?? rule, severity: .warning, level: try RegionCode(region).level, region: try RegionCode(region),
                indicator: indicator, period: try period.map { try Period($0) }, observed: nil, parameters: text.map { ["rule": .text($0)] } ?? [:],
                explanation: "e")
        }
        let scaled = PlantedAnomaly(
            kind: .scaledValue, region: try RegionCode("130121101201"), indicator: "GRAIN_OUTPUT", period: try Period("2024"), detail: "")
        let hb = BuiltInRule.periodOverPeriod
        #expect(GroundTruth.strictlyExplains(scaled, try finding(hb, "130121101201", "GRAIN_OUTPUT", "2024")))
        // The change out of the wrong figure, a year on.
        #expect(GroundTruth.strictlyExplains(scaled, try finding(hb, "130121101201", "GRAIN_OUTPUT", "2025")))
        #expect(!GroundTruth.strictlyExplains(scaled, try finding(hb, "130121101201", "GRAIN_OUTPUT", "2023")))
        #expect(!GroundTruth.strictlyExplains(scaled, try finding(hb, "130121101202", "GRAIN_OUTPUT", "2024")))
        #expect(!GroundTruth.strictlyExplains(scaled, try finding(hb, "130121101201", "COLLECTIVE_INCOME", "2024")))
        // A method not meant for the kind.
        #expect(!GroundTruth.strictlyExplains(scaled, try finding(BuiltInRule.repeatedValues, "130121101201", "GRAIN_OUTPUT", "2024")))
        // An edit rule's finding is about every field its rule reads.
        let yield = try finding(
            "grain_yield_plausible", method: BuiltInRule.editRuleMethod, "130121101201", "GRAIN_SOWN_AREA", "2024",
            rule: "GRAIN_OUTPUT / GRAIN_SOWN_AREA <= 15")
        #expect(GroundTruth.strictlyExplains(scaled, yield))
        // A county's copied figure (repeats) explains a village's outlier there, but catching it is
        // the repeated-values check's job.
        let repeats = PlantedAnomaly(kind: .repeats, region: try RegionCode("130121000000"), indicator: "GRAIN_OUTPUT", period: try Period("2024"), detail: "")
        let outlier = try finding(BuiltInRule.peerOutlier, "130121101201", "GRAIN_OUTPUT", "2024")
        #expect(GroundTruth.strictlyExplains(repeats, outlier))
        #expect(!GroundTruth.strictlyExplains(repeats, outlier, asCatch: true))
        #expect(GroundTruth.strictlyExplains(repeats, try finding(BuiltInRule.repeatedValues, "130121000000", "GRAIN_OUTPUT", "2024"), asCatch: true))
    }

    /// Clean data (no anomaly planted) of about 200 counties: the screens that judge a county flag at
    /// most 1 % of them, at their stated levels (Benford's and heaping's false-discovery rate 0.01);
    /// the unit-level methods flag at most 0.05 % of the values they look at.
    @Test func cleanDataRaisesFewFlags() throws {
        let folder = try TemporaryFolder()
        var options = SampleDataGenerator.Options()
        options.seed = 5
        options.villages = 32_000
        options.villageRate = 0
        options.coverageRate = 0
        options.countyRate = 0
        let outcome = try SampleDataEvaluation(generator: options, catalog: Self.catalog, rules: Self.rules).run(in: folder.path("clean"))
        let counties = SampleRegistry(villages: options.villages, seed: options.seed).reporters.count
        #expect(counties >= 200)
        var flagged: [String: Set<String>] = [:]
        for finding in outcome.findings { flagged[finding.ruleID, default: []].insert(String(finding.region.description.prefix(6))) }
        for rule in [BuiltInRule.benfordFirstDigit, BuiltInRule.digitHeaping, BuiltInRule.repeatedValues, BuiltInRule.constantSeries] {
            let share = Double(flagged[rule]?.count ?? 0) / Double(counties)
            #expect(share <= 0.01, "\(rule) flags \(flagged[rule]?.count ?? 0) of \(counties) counties")
        }
        for rule in [
            BuiltInRule.peerOutlier, BuiltInRule.periodOverPeriod, BuiltInRule.hierarchyBalance, BuiltInRule.aggregateHistory, BuiltInRule.duplicateRecords,
        ] {
            let count = outcome.findings.filter { $0.ruleID == rule }.count
            #expect(Double(count) <= 0.0005 * Double(outcome.observations), "\(rule): \(count) findings in \(outcome.observations) values")
        }
    }
}
