import Foundation
import Logging
import Testing
import TestSupport
import RuralstatAggregate
import RuralstatIngest
import RuralstatModel
import RuralstatQuality
import RuralstatReport
import RuralstatRules
@testable import RuralstatPipeline
import RuralstatSampleData
import RuralstatStore

/// The nightly run: a bad spec, idempotence, revisions, killing and resuming, the lock, exit codes.
@Suite("Nightly run", .serialized)
struct NightlyRunTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// The ruralstat executable beside the test bundle (`swift build` makes it).
    static let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ruralstat").path

    /// A workspace: generated submissions, a spec with absolute paths, a store and reports of its own.
    struct Workspace {
        let folder: TemporaryFolder
        let specPath: String
        var reports: String { folder.path("reports") }
        /// The store: a SQLite file in the reports folder, or the server store given.
        let store: String

        init(villages: Int = 200, anomalies: Bool = true, rejects: Bool = true, store server: String? = nil) throws {
            folder = try TemporaryFolder()
            store = server ?? folder.path("reports/ruralstat.sqlite")
            var options = SampleDataGenerator.Options()
            options.villages = villages
            options.rejectedRows = rejects
            options.revision = false
            if !anomalies { (options.villageRate, options.coverageRate, options.countyRate) = (0, 0, 0) }
            _ = try SampleDataGenerator(options: options).generate(into: folder.path("data"))
            let assessment = try folder.write("assessment.yaml", "version: 1\nuncertainty: {replications: 40, seed: 5}\n")
            specPath = try folder.write(
                "nightly.yaml",
                """
                version: 1
                store: "\(store)"
                registry: [\(folder.path("data/registry/regions_2023.csv"))]
                catalog: \(NightlyRunTests.root.appendingPathComponent("pipelines/indicators.yaml").path)
                rules: \(NightlyRunTests.root.appendingPathComponent("pipelines/rules.yaml").path)
                assessment: \(assessment)
                sources:
                  - name: counties
                    paths: [\(folder.path("data/submissions"))]
                    sender_from_file_name: "^(CN_[0-9]+)_"
                reports:
                  folder: \(folder.path("reports"))
                """)
        }

        func run(wait: Double = 0) throws -> NightlyRun.Summary {
            let spec = try PipelineSpec.load(specPath)
            var runner = NightlyRun(
                spec: spec, specPath: specPath, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
                progress: RunProgress(enabled: false))
            runner.wait = wait
            return try runner.run()
        }

        /// The store's lasting content: current observations, rollups and findings, as text.
        func snapshot() throws -> [String] {
            let store = try StoreOpening.open(store)
            let rollups = try store.storedRollups().map {
                "\($0.level) \($0.region) \($0.indicator) \($0.period) \($0.value) \($0.contributing) \($0.publication)"
            }
            let findings = try store.findings().map {
                "\($0.ruleID) \($0.region) \($0.indicator ?? "") \($0.period?.description ?? "") \($0.statistic ?? .nan)"
            }
            let assessed = try store.storedAssessment(level: nil, year: nil).map {
                "\($0.level) \($0.year) \($0.region) \($0.index) \($0.rank) \($0.rankLow ?? 0)-\($0.rankHigh ?? 0) \($0.sentence)"
            }
            let summary = try store.summary()
            return [
                "observations \(summary.currentObservations) superseded \(summary.supersededObservations) submissions \(summary.submissions) rejects \(summary.rejects)"
            ]
                + rollups + findings.sorted() + assessed
        }

        /// Runs the real executable, as the bureau's scheduler does.
        func runProcess(crashAt: String? = nil) throws -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: NightlyRunTests.executable)
            process.arguments = ["run", specPath]
            var environment = ProcessInfo.processInfo.environment
            if let crashAt { environment["RURALSTAT_CRASH_AT"] = crashAt }
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus
        }
    }

    /// Sigma-gap can be chosen, and every HB and sigma-gap parameter set, from the spec; Banff's rules
    /// for them are checked there.
    @Test func theOutlierMethodAndItsParametersComeFromTheSpec() throws {
        let base = "version: 1\nstore: s.sqlite\nregistry: [r.csv]\ncatalog: c.yaml\nsources:\n  - {name: a, paths: [x], sender: national}\n"
        let spec = try PipelineSpec(
            yaml: base + """
                quality:
                  period_over_period_method: sigma_gap
                  sg_beta_i: 3
                  sg_beta_e: 1.5
                  sg_sigma: std
                  sg_start_centile: 60
                  sg_side: right
                  sg_min_obs: 8
                  hb_mdm: 0.1
                  hb_side: left
                  constant_series_fdr: 0.01
                  constant_series_min_periods: 4
                  period_over_period_by_indicator:
                    GRAIN_OUTPUT: {period_over_period_method: hidiroglou_berthelot, hb_min_change: 0, hb_mii: 30, hb_mei: 15}
                    HOUSEHOLDS: {sg_beta_i: 4, sg_beta_e: 2}
                """, file: "p.yaml")
        let suite = spec.quality.suite(rules: nil)
        let sg = SigmaGap.Parameters(betaI: 3, betaE: 1.5, deviation: .std, startCentile: 60, side: .right, minimumObservations: 8)
        let check = try #require(suite.checks.compactMap { $0 as? PeriodOverPeriodCheck }.first)
        #expect(check.method == .sigmaGap(sg))
        #expect(spec.quality.period.hb.mdm == 0.1 && spec.quality.period.hb.side == .left)
        let constant = try #require(suite.checks.compactMap { $0 as? ConstantSeriesCheck }.first)
        #expect(constant.falseDiscoveryRate == 0.01 && constant.minimumPeriods == 4)
        // Per indicator: starting from the quality section's settings, with the entry's on top.
        #expect(
            check.byIndicator["GRAIN_OUTPUT"]
                == .init(method: .hidiroglouBerthelot(.init(mii: 30, mei: 15, mdm: 0.1, exponent: 0, side: .left)), minimumChange: 0))
        var households = sg
        (households.betaI, households.betaE) = (4, 2)
        #expect(check.byIndicator["HOUSEHOLDS"] == .init(method: .sigmaGap(households), minimumChange: 0.2))
        #expect {
            try PipelineSpec(yaml: base + "quality:\n  period_over_period_by_indicator:\n    GRAIN_OUTPUT: {hb_mdm: 2, hb_foo: 1}\n", file: "p.yaml")
        } throws: { error in
            let text = "\(error)"
            return text.contains("quality.period_over_period_by_indicator.GRAIN_OUTPUT.hb_mdm: must lie between 0 and 1")
                && text.contains("quality.period_over_period_by_indicator.GRAIN_OUTPUT.hb_foo: unknown key")
        }
        // A code the catalog does not know is refused when the run loads the catalog, never ignored.
        let catalog = try ReferenceFiles.loadCatalog(path: Self.root.appendingPathComponent("pipelines/indicators.yaml").path)
        try spec.checkIndicators(against: catalog, specPath: "p.yaml")
        let typo = try PipelineSpec(yaml: base + "quality:\n  period_over_period_by_indicator:\n    GRAIN_OUTPT: {hb_mdm: 0.2}\n", file: "p.yaml")
        #expect {
            try typo.checkIndicators(against: catalog, specPath: "p.yaml")
        } throws: { error in
            "\(error)".contains("quality.period_over_period_by_indicator.GRAIN_OUTPT: is not an indicator of the catalog \(catalog.version)")
        }
        #expect {
            try PipelineSpec(
                yaml: base
                    + "quality:\n  sg_beta_i: 1\n  sg_beta_e: 2\n  sg_min_obs: 3\n  hb_mdm: 1.5\n  period_over_period_method: gap\n  constant_series_fdr: 1\n  constant_series_min_periods: 2\n",
                file: "p.yaml")
        } throws: { error in
            let text = "\(error)"
            return text.contains("sg_beta_e: must be below sg_beta_i") && text.contains("sg_min_obs: must be at least 5")
                && text.contains("constant_series_fdr: must lie between 0 and 1") && text.contains("constant_series_min_periods: must be at least 3")
                && text.contains("hb_mdm: must lie between 0 and 1") && text.contains("period_over_period_method: 'gap' is not one of")
        }
    }

    /// A source names its senders' structure mapping; the run reads the source's files through it, and a
    /// mapping that is missing or names codes the catalog lacks stops the spec, not the rows.
    @Test func aSourceReadsThroughItsMapping() throws {
        let mappings = Self.root.appendingPathComponent("Tests/Fixtures/mappings").path
        let yaml =
            "version: 1\nstore: s.sqlite\nregistry: [r.csv]\ncatalog: c.yaml\nsources:\n  - {name: gd, paths: [x], sender: \"44\", mapping: cn44-rural.yaml}\n"
        let spec = try PipelineSpec(yaml: yaml, file: mappings + "/nightly.yaml")
        let options = spec.options(for: spec.sources[0])
        #expect(options.mapping?.indicators["HH_TOT"] == "HOUSEHOLDS" && options.components.role(of: "GEO") == .region)
        let catalog = try ReferenceFiles.loadCatalog(path: Self.root.appendingPathComponent("pipelines/indicators.yaml").path)
        try spec.checkIndicators(against: catalog, specPath: "nightly.yaml")
        #expect {
            try PipelineSpec(yaml: yaml.replacingOccurrences(of: "cn44-rural.yaml", with: "missing.yaml"), file: mappings + "/nightly.yaml")
        } throws: { error in
            "\(error)".contains("missing.yaml") && "\(error)".contains("cannot be read")
        }
    }

    @Test func aBadSpecNamesTheKeyAndTheReason() {
        let yaml = """
            version: 1
            store: s.sqlite
            catalog: c.yaml
            sources:
              - name: a
                paths: [x]
                sender_from_file_name: "CN_[0-9]+"
                sender: "13x"
            stages: [ingest, publish]
            quality:
              hb_mii: 4
              hb_mei: 7
            reports:
              formats: [pdf]
            owner: me
            """
        do {
            _ = try PipelineSpec(yaml: yaml, file: "nightly.yaml")
            Issue.record("the spec should be refused")
        } catch {
            #expect(
                error.problems.map(\.description) == [
                    "line 1: registry: is required",
                    "line 1: registry: give at least one division list",
                    "line 7: sources[0].sender_from_file_name: the pattern needs a group ( … ) around the sender",
                    "line 8: sources[0].sender: '13x' is neither a region code nor 'national'",
                    "line 9: stages: 'publish' is not a stage (ingest, rollup, quality, assess, report)",
                    "line 12: quality.hb_mei: must be below hb_mii (4.0), as Banff requires",
                    "line 14: reports.formats: 'pdf' is not a report format (csv, markdown, xlsx, html, sdmx, findings, rejects, assessment)",
                    "line 15: owner: unknown key (known here: assessment, catalog, coverage, exit_status, name, quality, registry, registry_edition, reports, rules, sources, stages, store, version)",
                ])
        }
    }

    /// The quality stage goes province by province (memory holds one province), yet finds exactly what
    /// one pass over the whole store finds: every finding with its numbers, every tally. Benford's
    /// peers and the false-discovery rates span the country; timeliness is judged once.
    @Test(arguments: [200, 900])
    func qualityProvinceByProvinceEqualsTheWholeStore(villages: Int) throws {
        let workspace = try Workspace(villages: villages)
        _ = try workspace.run()
        let store = try SQLiteStore(path: workspace.store)
        let registry = try ReferenceFiles.loadRegistry(paths: [workspace.folder.path("data/registry/regions_2023.csv")])
        let catalog = try ReferenceFiles.loadCatalog(path: Self.root.appendingPathComponent("pipelines/indicators.yaml").path)
        let rules = try RuleSet(contentsOfFile: Self.root.appendingPathComponent("pipelines/rules.yaml").path, knownIndicators: Set(catalog.codes))
        let suite = QualitySuite.standard(rules: rules)
        let builder = ObservationTableBuilder()
        try store.currentObservations(ObservationFilter()) { builder.add($0) }
        let whole = suite.run(
            QualityInput(
                table: builder.build(), rollups: try store.storedRollups(), arrivals: try store.submissionArrivals(), catalog: catalog, registry: registry))
        // Checked again province by province, each pass's findings staged in the store, then put in place.
        _ = try StoreQuality(store: store, catalog: catalog, registry: registry, suite: suite).run(runID: try store.beginRun(command: "test", parameters: [:]))
        func lines(_ findings: [Finding]) -> [String] {
            findings.map {
                "\($0.ruleID) \($0.method) \($0.severity) \($0.level) \($0.region) \($0.indicator ?? "") \($0.period?.description ?? "") \($0.statistic ?? .nan) "
                    + "\($0.parameters) \($0.explanation)"
            }.sorted()
        }
        if villages == 900 {  // the larger store has findings of every kind that spans the country
            #expect(Set(whole.findings.map(\.ruleID)).isSuperset(of: ["benford_first_digit", "digit_heaping", "submission_timeliness", "peer_outlier"]))
        }
        #expect(lines(try store.findings()) == lines(whole.findings))
        func tallies(_ rows: [RuleTally]) -> [String] { rows.map { "\($0)" }.sorted() }
        #expect(tallies(try store.findingTallies()) == tallies(whole.mergedTallies))
    }

    /// Every run is kept in the reports folder's history: its record, and its report when it wrote one;
    /// the index lists the runs, what changed since the previous one, and each rule's findings over the runs.
    @Test func theHistoryKeepsEveryRun() throws {
        let workspace = try Workspace()
        let first = try workspace.run()
        _ = try workspace.run()
        let reports = workspace.folder.path("reports")
        let records = RunHistory.records(in: reports)
        #expect(records.map(\.run) == [first.runID, first.runID + 1])
        #expect(records[0].wroteReport && !records[1].wroteReport && records[1].filesAlreadySeen == first.filesFound && records[1].exitStatus == 0)
        #expect(records[0].findings["error"] == first.findings[.error] && records[0].findingsByRule == records[1].findingsByRule)
        #expect(records[0].newFindingsByRule.values.reduce(0, +) == records[0].findingsByRule.values.reduce(0, +) && records[1].newFindingsByRule.isEmpty)
        #expect(FileManager.default.fileExists(atPath: "\(reports)/runs/\(first.runID)/report.html"))
        #expect(!FileManager.default.fileExists(atPath: "\(reports)/runs/\(first.runID + 1)/report.html"))
        let index = try String(contentsOfFile: "\(reports)/index.html", encoding: .utf8)
        #expect(index.contains("<a href=\"runs/\(first.runID)/report.html\">report</a>") && index.contains("nothing new"))
        #expect(index.contains("against run \(first.runID)") && index.contains("<td class=\"l\">period_over_period</td>"))
        #expect(!index.contains("<script"))
    }

    /// The index is made from the records: counts, changes with their sign, and text escaped.
    @Test func theHistoryIndexShowsChangesAndEscapesText() {
        func record(_ run: Int64, _ counts: [String: Int], name: String = "nightly") -> RunRecord {
            RunRecord(
                run: run, name: name, startedAt: "s", finishedAt: "2026-11-0\(run)", filesFound: 3, filesApplied: 1, filesRejected: 0, filesAlreadySeen: 2,
                rowsNew: 10, rowsRevised: 1, rowsRejected: 0, rollups: 5, findings: ["error": 1], findingsByRule: counts, newFindingsByRule: [:],
                exitStatus: run == 3 ? 2 : 0, exitReasons: run == 3 ? ["the run failed: <disk full>"] : [], wroteReport: run != 2)
        }
        let index = RunHistory.index([
            record(1, ["peer_outlier": 4, "coverage": 1]), record(2, ["peer_outlier": 6]), record(3, ["peer_outlier": 2, "benford": 1], name: "<b>night</b>"),
        ])
        #expect(index.contains("<td class=\"l\">peer_outlier</td><td>6</td><td>2</td><td class=\"down\">-4</td>"))
        #expect(index.contains("<td class=\"l\">benford</td><td>0</td><td>1</td><td class=\"up\">+1</td>"))
        #expect(index.contains("&lt;b&gt;night&lt;/b&gt;") && !index.contains("<b>night") && index.contains("&lt;disk full&gt;"))
        #expect(index.contains("<title>4, 6, 2</title>"))  // peer_outlier's line over the three runs
        #expect(RunHistory.index([]).contains("No run has been recorded yet."))
    }

    @Test func aSecondRunChangesNothingAndARevisionIsApplied() throws {
        let workspace = try Workspace()
        let first = try workspace.run()
        #expect(first.filesApplied > 0 && first.filesFound == first.filesApplied && first.rowsRejected == 3)
        #expect(first.exitStatus == 1)  // the planted rejected rows
        // The manifest traces the outputs back: every input with its hash and counts, the references, the stages.
        let manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: workspace.folder.path("reports/manifest.json")))) as? [String: Any])
        let inputs = try #require(manifest["inputs"] as? [[String: Any]])
        #expect(inputs.count == first.filesFound && inputs.allSatisfy { ($0["content_hash"] as? String)?.count == 64 && $0["rows_read"] is Int })
        #expect((manifest["stages"] as? [[String: Any]])?.map { $0["name"] as? String } == ["ingest", "rollup", "quality", "assess", "report"])
        let outputs = try #require(manifest["outputs"] as? [[String: Any]])
        #expect(outputs.contains { ($0["file"] as? String)?.hasSuffix("report.html") == true && ($0["bytes"] as? Int ?? 0) > 0 })
        #expect((manifest["catalog"] as? [String: Any])?["version"] as? String == "2025.1")
        #expect(manifest["software"] as? String == "ruralstat \(RuralstatVersion.current)")
        let before = try workspace.snapshot()
        let second = try workspace.run()
        #expect(second.noNewWork && second.filesAlreadySeen == first.filesFound && second.filesApplied == 0)
        #expect(try workspace.snapshot() == before)
        // A corrected file for a county: a revision, not a duplicate.
        let village = try #require(
            try String(contentsOfFile: workspace.folder.path("data/registry/regions_2023.csv"), encoding: .utf8)
                .split(separator: "\n").first { $0.hasPrefix("1301211012") }?.prefix(12))
        _ = try workspace.folder.write("data/submissions/2024/CN_130121_2024_fix.csv", "region,indicator,period,value\n\(village),HOUSEHOLDS,2024,777\n")
        let third = try workspace.run()
        #expect(third.filesApplied == 1 && third.rowsRevised == 1 && !third.noNewWork)
        let store = try SQLiteStore(path: workspace.store)
        #expect(try store.summary().supersededObservations == 1)
    }

    @Test("killed at any point, the next run finishes the work", arguments: ["after-file-2", "after-rollup", "after-quality", "after-assess", "during-report"])
    func killAndResume(point: String) throws {
        try #require(FileManager.default.fileExists(atPath: Self.executable), "build the executable first (swift build)")
        let reference = try Workspace(villages: 150)
        #expect(try reference.runProcess() == 1)
        let crashed = try Workspace(villages: 150)
        #expect(try crashed.runProcess(crashAt: point) == -9)  // SIGKILL
        let killedRejects = try SQLiteStore(path: crashed.store).rejectCount(runs: [1])
        let resumed = try crashed.run()
        #expect(resumed.exitStatus == 1 && resumed.resumedRuns == [1])
        // The killed run's rejects stand and are said, not a "clean" summary.
        #expect(resumed.rejectedByResumedRuns == killedRejects)
        if killedRejects > 0 { #expect(resumed.exitReasons.first?.contains("by killed run 1") == true) }
        #expect(try crashed.snapshot() == reference.snapshot())
        // The reports are all there, and a third run has nothing to do.
        for name in [
            "tables/indicators_county.csv", "quality/findings.csv", "sdmx/rollups.ss21.xml", "report.html", "tables/indicators.xlsx", "manifest.json",
            "assessment/assessment.csv",
        ] {
            #expect(FileManager.default.fileExists(atPath: crashed.folder.path("reports/\(name)")), "\(name)")
        }
        #expect(try crashed.run().noNewWork)
    }

    @Test func twoRunsNeverShareAStore() throws {
        let workspace = try Workspace(villages: 100)
        try FileManager.default.createDirectory(atPath: workspace.reports, withIntermediateDirectories: true)
        let held = try StoreLock(store: workspace.store)
        #expect(throws: StoreLock.Busy.self) { try workspace.run(wait: 0.3) }
        withExtendedLifetime(held) {}
    }

    @Test func exitStatusSaysHowTheNightWent() throws {
        try #require(FileManager.default.fileExists(atPath: Self.executable), "build the executable first (swift build)")
        let clean = try Workspace(villages: 100, anomalies: false, rejects: false)
        #expect(try clean.runProcess() == 0)
        let rejected = try Workspace(villages: 100, anomalies: false, rejects: true)
        #expect(try rejected.runProcess() == 1)
        // The next night brings nothing new: the old rejects and findings stand, but this run is clean.
        #expect(try rejected.runProcess() == 0)
        // Standing error findings count when the spec says so.
        let anomalies = try Workspace(villages: 700, anomalies: true, rejects: false)
        #expect(try anomalies.runProcess() == 1)
        #expect(try anomalies.runProcess() == 0)
        let spec = try String(contentsOfFile: anomalies.specPath, encoding: .utf8)
        _ = try anomalies.folder.write("nightly.yaml", spec + "exit_status:\n  on_error_findings: open\n")
        #expect(try anomalies.runProcess() == 1)
        // A spec that is not valid is invalid input (1), and the run's log says so.
        _ = try clean.folder.write("nightly.yaml", "version: 1\nstore: x\nreports:\n  folder: \(clean.reports)\n")
        #expect(try clean.runProcess() == 1)
        let log = try String(contentsOfFile: clean.folder.path("reports/logs/runs.jsonl"), encoding: .utf8)
        #expect(log.split(separator: "\n").last?.contains("the run did not start: the spec is invalid") == true)
    }
}

@Suite("Submission paths")
struct SubmissionPathTests {
    @Test func globsMatchAtAnyDepth() throws {
        let folder = try TemporaryFolder()
        for name in ["in/2023/CN_130121_2023.csv", "in/2023/CN_440121_2023.xml", "in/2024/CN_130121_2024.csv.gz", "in/2024/.hidden.csv", "in/notes.txt"] {
            try FileManager.default.createDirectory(atPath: (folder.path(name) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try folder.write(name, "x")
        }
        let base = folder.path("in")
        #expect(try SubmissionIngestor.expand([base + "/**/*.csv*"]) == [base + "/2023/CN_130121_2023.csv", base + "/2024/CN_130121_2024.csv.gz"])
        #expect(try SubmissionIngestor.expand([base + "/*/CN_44*"]) == [base + "/2023/CN_440121_2023.xml"])
        #expect(try SubmissionIngestor.expand([base]).count == 4)  // the folder: every file but the hidden one
        #expect(try SubmissionIngestor.expand([base + "/none-*.csv"]).isEmpty)
    }
}
