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
        #expect(Set(summary.anomalies.keys) == Set(AnomalyKind.allCases).subtracting([.constantSeries]))  // two years: no 3-year runs
    }

    /// The checks find what was planted: recall ≥ 0.9 and precision ≥ 0.8 for every kind, on fixed seeds.
    @Test("precision and recall per anomaly kind", arguments: [UInt64(1), 2])
    func qualityChecksRecoverThePlantedAnomalies(seed: UInt64) throws {
        let folder = try TemporaryFolder()
        var options = SampleDataGenerator.Options()
        options.seed = seed
        options.villages = 4_000
        options.years = 3
        options.countyRate = 0.8
        let outcome = try SampleDataEvaluation(generator: options, catalog: Self.catalog, rules: Self.rules).run(in: folder.path("evaluation"))
        for score in outcome.scores {
            #expect(score.planted > 0, "\(score.kind) was not planted")
            #expect(score.recall >= 0.9, "\(score.kind): recall \(score.recall) (\(score.caught) of \(score.planted))")
            #expect(score.precision >= 0.8, "\(score.kind): precision \(score.precision) (\(score.explained) of \(score.findings))")
        }
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
        for rule in [BuiltInRule.peerOutlier, BuiltInRule.periodOverPeriod, BuiltInRule.hierarchyBalance, BuiltInRule.aggregateHistory] {
            let count = outcome.findings.filter { $0.ruleID == rule }.count
            #expect(Double(count) <= 0.0005 * Double(outcome.observations), "\(rule): \(count) findings in \(outcome.observations) values")
        }
    }
}
