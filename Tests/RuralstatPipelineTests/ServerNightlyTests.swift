import Foundation
import Logging
import RuralstatModel
@testable import RuralstatPipeline
import RuralstatStore
import Testing
import TestSupport

/// The nightly run on the bundled sample, into a SQLite store and into a PostgreSQL one: the same
/// rollups, findings, assessment, rejects and ledger, bit for bit, and the same report files.
@Suite(
    "Nightly run into either store",
    .enabled(if: StoreBackend.serverURL != nil, "\(StoreBackend.serverMissing); the SQLite-against-PostgreSQL nightly was skipped"),
    .serialized)
struct ServerNightlyTests {
    /// The bundled sample (pipelines/ and sample-data/) copied into a folder of its own, whose
    /// reports go into its own reports/.
    static func workspace() throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        for part in ["pipelines", "sample-data"] {
            try FileManager.default.copyItem(at: NightlyRunTests.root.appendingPathComponent(part), to: folder.url.appendingPathComponent(part))
        }
        return folder
    }

    static func run(_ folder: TemporaryFolder, store: String?) throws -> NightlyRun.Summary {
        let specPath = folder.path("pipelines/nightly.yaml")
        var spec = try PipelineSpec.load(specPath)
        if let store { spec.store = store }
        var runner = NightlyRun(
            spec: spec, specPath: specPath, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, progress: RunProgress(enabled: false))
        runner.workers = 2
        return try runner.run()
    }

    /// What a store holds, as text: values by their bits, times left out (each store stamps its own),
    /// file paths relative to the workspace `root`.
    static func contents(_ store: any IndicatorStore, root: TemporaryFolder) throws -> [String: [String]] {
        func bits(_ value: Double?) -> String { value.map { String($0.bitPattern, radix: 16) } ?? "-" }
        let parts: [String: [String]] = [
            "rollups": try store.storedRollups().map {
                "\($0.level) \($0.region) \($0.indicator) \($0.period) \(bits($0.value)) \(bits($0.numerator)) \(bits($0.denominator)) \($0.contributing) \($0.expected ?? -1) \($0.publication) \(bits($0.reported))"
            },
            "findings": try store.findings().map {
                "\($0.ruleID) \($0.method) \($0.severity) \($0.level) \($0.region) \($0.indicator ?? "-") \($0.period?.description ?? "-") \(bits($0.observed)) \(bits($0.expected)) \(bits($0.lowerBound)) \(bits($0.upperBound)) \(bits($0.statistic)) \($0.parameters) \($0.peerGroup?.description ?? "-") \($0.peerSize ?? -1) \($0.explanation)"
            },
            "tallies": try store.findingTallies().map { "\($0)" },
            "assessment": try store.storedAssessment(level: nil, year: nil).map {
                "\($0.framework) \($0.level) \($0.year) \($0.region) \(bits($0.index)) \($0.rank) \($0.classRank) \($0.rankLow ?? -1) \($0.rankHigh ?? -1) \($0.sentence)"
            },
            "rejects": try store.storedRejects().map { "\($0.location) \($0.key) \($0.rule) \($0.severity) \($0.value) \($0.message)" },
            "ledger": try store.ledger().map {
                "\($0.id) \($0.fileName) \($0.sender ?? "-") \($0.status) \($0.rowsRead) \($0.rowsNew) \($0.rowsRevised) \($0.rowsUnchanged) \($0.rowsRejected) \($0.reason ?? "-")"
            },
            "periods": try store.periods(of: nil).sorted(),
        ]
        return parts.mapValues { $0.map { $0.replacingOccurrences(of: root.url.path, with: "WORKSPACE") } }
    }

    @Test func theBundledSampleGivesTheSameStoreAndReportsInSQLiteAndPostgreSQL() throws {
        let (local, served) = (try Self.workspace(), try Self.workspace())
        let server = try ScratchStore(.postgresql)
        let sqliteRun = try Self.run(local, store: nil)
        let serverRun = try Self.run(served, store: server.location)
        #expect(sqliteRun.exitStatus == serverRun.exitStatus && sqliteRun.exitReasons == serverRun.exitReasons)
        let sqlite = try SQLiteStore(path: local.path("reports/ruralstat.sqlite"))
        let expected = try Self.contents(sqlite, root: local), got = try Self.contents(server.store, root: served)
        #expect(expected["rollups"]!.count == 3660 && expected["findings"]!.count == 241)
        for (part, lines) in expected {
            #expect(got[part] == lines, "\(part): \(got[part]?.count ?? 0) lines against \(lines.count)")
        }
        // The reports that hold figures and findings are the same files.
        for file in ["quality/findings.csv", "quality/findings_summary.csv", "rejects.csv", "tables/indicators_long.csv", "tables/indicators_county.csv"] {
            let a = try String(contentsOf: local.url.appendingPathComponent("reports/\(file)"), encoding: .utf8)
            let b = try String(contentsOf: served.url.appendingPathComponent("reports/\(file)"), encoding: .utf8)
            #expect(
                a.replacingOccurrences(of: local.url.path, with: "") == b.replacingOccurrences(of: served.url.path, with: ""), "reports/\(file)")
        }
        // A second run into the server store has nothing to do, and changes nothing.
        let again = try Self.run(served, store: server.location)
        #expect(again.exitStatus == 0)
        #expect(try Self.contents(server.store, root: served) == got)
    }

    /// A run into the server store killed at any point is finished by the next, as one into SQLite
    /// is: the same store afterwards as a run never killed (into SQLite), the killed run's rejects said.
    @Test("killed at any point, the next run into the server store finishes the work", arguments: ["after-file-2", "after-rollup", "during-report"])
    func killAndResume(point: String) throws {
        try #require(FileManager.default.fileExists(atPath: NightlyRunTests.executable), "build the executable first (swift build)")
        let reference = try NightlyRunTests.Workspace(villages: 150)
        #expect(try reference.runProcess() == 1)
        let server = try ScratchStore(.postgresql)
        let crashed = try NightlyRunTests.Workspace(villages: 150, store: server.location)
        #expect(try crashed.runProcess(crashAt: point) == -9)  // SIGKILL
        let killedRejects = try server.store.rejectCount(runs: [1])
        let resumed = try crashed.run()
        #expect(resumed.exitStatus == 1 && resumed.resumedRuns == [1])
        #expect(resumed.rejectedByResumedRuns == killedRejects)
        #expect(try crashed.snapshot() == reference.snapshot())
        #expect(try crashed.run().noNewWork)
    }

    /// Two runs never write one server store at once: the second waits, then says who holds it.
    @Test func twoRunsNeverShareAServerStore() throws {
        let server = try ScratchStore(.postgresql)
        let workspace = try NightlyRunTests.Workspace(villages: 100, store: server.location)
        do {
            let holder = try StoreOpening.openForWriting(server.location, command: "ingest", wait: 0)
            #expect {
                try workspace.run(wait: 0.3)
            } throws: { error in
                (error as? StoreLock.Busy)?.description.contains("ruralstat ingest, pid") == true
            }
            withExtendedLifetime(holder) {}
        }
        // Released when its connection closes.
        #expect(try workspace.run().exitStatus == 1)
    }
}
