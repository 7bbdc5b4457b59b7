import Foundation
import GRDB
import Testing
@testable import RuralstatPipeline
import RuralstatIngest
import RuralstatModel
@testable import RuralstatStore

/// A store written by the previous release (schema v7, `Tests/Fixtures/stores/v7`) opens in this one
/// with every version of every value, its ledger and its rollups, and goes on working.
@Suite("Store migration from the previous release")
final class StoreMigrationTests {
    static let fixture = IngestIntoStoreTests.projectRoot.appendingPathComponent("Tests/Fixtures/stores/v7")
    let folder: URL
    let path: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ruralstat-migrate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appendingPathComponent("store.sqlite").path
        try FileManager.default.copyItem(atPath: Self.fixture.appendingPathComponent("v7-store.sqlite").path, toPath: path)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// Every version as the v7 store held it, from the CSV written before the migration.
    static func versionsBefore() throws -> [String] {
        let text = try String(contentsOf: fixture.appendingPathComponent("observations-v7.csv"), encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).dropFirst().map(String.init).sorted()
    }

    @Test func everyVersionOfEveryValueSurvivesTheMigration() throws {
        let store = try SQLiteStore(path: path)
        #expect(try store.appliedMigrations().suffix(2) == ["v7-analyst-views", "v8-compact-values"])
        let after = try store.pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT region, indicator, period, value, status, submission_id, source_line, superseded_by FROM observations"
            ).map { row in
                [
                    "\(row["region"] as Int64)", row["indicator"] as String, row["period"] as String,
                    (row["value"] as Double?).map { "\($0)" } ?? "", row["status"] as String? ?? "",
                    "\(row["submission_id"] as Int64)", (row["source_line"] as Int64?).map { "\($0)" } ?? "",
                    (row["superseded_by"] as Int64?).map { "\($0)" } ?? "",
                ].joined(separator: ",")
            }.sorted()
        }
        #expect(after == (try Self.versionsBefore()))
        #expect(after.count == 8)
        let summary = try store.summary()
        #expect(summary.currentObservations == 6 && summary.supersededObservations == 2)
        #expect(summary.submissions == 4 && summary.rollups == 15)
        // The partitions each submission changed are derived from the history: the revision (2)
        // and the delete (3) touched HOUSEHOLDS 2024 in province 13 only.
        #expect(try store.partitionsTouched(since: 1) == [TouchedPartition(indicator: "HOUSEHOLDS", period: "2024", province: 13)])
        #expect(try store.partitionsTouched(since: 0).count == 3)
    }

    @Test func aMigratedStoreTakesRevisionsAndRollsUpAsBefore() throws {
        let store = try SQLiteStore(path: path)
        let registry = try #require(try store.loadRegistry(edition: nil))
        let catalog = IngestIntoStoreTests.catalog
        let stored = try store.storedRollups()
        // A full recompute from the migrated values gives the rollups v7 computed.
        let recomputed = try StoreRollup(store: store, catalog: catalog, registry: registry)
            .run(runID: try store.beginRun(command: "t", parameters: [:]))
        #expect(recomputed.observations == 6)
        #expect(try store.storedRollups() == stored)
        var options = IngestOptions()
        options.defaultSender = Jurisdiction(sender: "CN_130121", root: try RegionCode("130121"))
        let ingestor = SubmissionIngestor(
            store: store, registries: RegistryEditions([registry]), catalog: catalog, options: options, runID: nil, rejectsLog: nil)
        let file = folder.appendingPathComponent("e.csv").path
        try Data("region,indicator,period,value,status\n130121101201,HOUSEHOLDS,2024,420,A\n130121101202,HOUSEHOLDS,2024,388,A\n".utf8)
            .write(to: URL(fileURLWithPath: file))
        let outcome = try #require(try ingestor.ingest(file).outcome)
        #expect(outcome.rowsRevised == 1 && outcome.rowsUnchanged == 1 && outcome.rowsNew == 0)
        let history = try store.pool.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT value, submission_id, superseded_by FROM observations WHERE region = 130121101201 AND indicator = 'HOUSEHOLDS' ORDER BY submission_id"
            ).map { "\($0["value"] as Double) \($0["submission_id"] as Int) \(($0["superseded_by"] as Int?).map(String.init) ?? "current")" }
        }
        #expect(history == ["412.0 1 2", "415.0 2 \(outcome.submissionID)", "420.0 \(outcome.submissionID) current"])
    }
}
