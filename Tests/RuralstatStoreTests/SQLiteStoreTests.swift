import Foundation
import GRDB
import Testing
import RuralstatIngest
import RuralstatModel
@testable import RuralstatStore
import TestSupport

@Suite("SQLiteStore")
struct SQLiteStoreTests {
    final class Folder {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ruralstat-store-\(UUID().uuidString)")
        init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(at: url) }
        var store: String { url.appendingPathComponent("store.sqlite").path }
    }

    static let registryRows = """
        110000000000,北京市,
        110100000000,市辖区,110000000000
        110101000000,东城区,110100000000
        440000000000,广东省,
        441900000000,东莞市,440000000000
        441900000000,东莞市,441900000000
        441900003000,东城街道,441900000000
        441900003201,东城村,441900003000,220
        """.split(separator: "\n").enumerated().map { index, line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return RegionRow(
                code: f[0], name: f[1], parentCode: f[2], urbanRuralClass: f.count > 3 ? f[3] : "",
                location: SourceLocation(file: "t.csv", line: index + 1))
        }

    static let catalog = try! IndicatorCatalog(
        version: "t1",
        definitions: [
            Indicator(
                code: "HOUSEHOLDS", validFrom: 2016, nameZh: "户数", nameEn: "Households", unit: "户", kind: .count,
                validRange: 0...50_000, reportedLevels: [.village], aggregation: .sum),
            Indicator(
                code: "HH_TAP_WATER", validFrom: 2016, nameZh: "自来水户数", nameEn: "Tap", unit: "户", kind: .count,
                reportedLevels: [.village], aggregation: .sum),
            Indicator(
                code: "TAP_RATE", validFrom: 2016, nameZh: "普及率", nameEn: "Rate", unit: "%", kind: .rate,
                reportedLevels: [], aggregation: .ratio(numerator: "HH_TAP_WATER", denominator: "HOUSEHOLDS"),
                direction: .higher, nature: .indicative, targets: [2022: Target(comparator: .greater, value: 85)]),
        ])

    @Test func migratesAnEmptyDatabase() throws {
        let folder = try Folder()
        let store = try SQLiteStore(creatingAt: folder.store)
        #expect(
            try store.appliedMigrations() == [
                "v1-foundation", "v2-quality-summary", "v3-rollup-changes", "v4-submission-decisions", "v5-typed-finding-parameters", "v6-assessment",
                "v7-analyst-views", "v8-compact-values",
            ])
        let tables = try store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")
        }
        for table in [
            "current_observations", "findings", "indicator_targets", "indicators", "meta", "observations",
            "regions", "rejects", "rollup_table", "rollups", "runs", "submissions", "current_indicators", "current_values",
            "superseded_values", "indicator_keys", "period_keys", "submission_partitions",
        ] {
            #expect(tables.contains(table), "missing \(table)")
        }
        let journal = try store.pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
        let summary = try store.summary()
        #expect(summary.schemaVersion == "v8-compact-values")
        #expect(summary.registryEditions.isEmpty && summary.runs == 0)
    }

    @Test func reopeningAnExistingStoreKeepsItsData() throws {
        let folder = try Folder()
        do {
            let store = try SQLiteStore(creatingAt: folder.store)
            try store.saveRegistry(try RegionRegistry(edition: 2023, rows: Self.registryRows))
            try store.saveCatalog(Self.catalog)
            let run = try store.beginRun(command: "init", parameters: ["a": "1"])
            try store.finishRun(run, status: .succeeded, exitCode: 0)
        }
        let reopened = try SQLiteStore(creatingAt: folder.store)
        #expect(
            try reopened.appliedMigrations() == [
                "v1-foundation", "v2-quality-summary", "v3-rollup-changes", "v4-submission-decisions", "v5-typed-finding-parameters", "v6-assessment",
                "v7-analyst-views", "v8-compact-values",
            ])
        let summary = try reopened.summary()
        #expect(summary.registryEditions == [2023: 7])
        #expect(summary.catalogVersion == "t1")
        #expect(summary.indicatorDefinitions == 3)
        #expect(summary.runs == 1)
        let run = try reopened.pool.read { try Row.fetchOne($0, sql: "SELECT command, status, exit_code, parameters FROM runs") }
        #expect(run?["status"] == "succeeded")
        #expect(run?["parameters"] == #"{"a":"1"}"#)
        let target = try reopened.pool.read { try Row.fetchOne($0, sql: "SELECT target, comparator, value FROM indicator_targets") }
        #expect(target?["target"] == ">85")
        #expect(target?["value"] == 85.0)
    }

    @Test func registryRoundTripsWithItsIrregularities() throws {
        let folder = try Folder()
        let store = try SQLiteStore(creatingAt: folder.store)
        let registry = try RegionRegistry(edition: 2023, rows: Self.registryRows)
        try store.saveRegistry(registry)
        try store.saveRegistry(try RegionRegistry(edition: 2021, rows: Array(Self.registryRows.prefix(3))))
        let loaded = try #require(try store.loadRegistry(edition: 2023))
        #expect(loaded.allUnits == registry.allUnits)
        #expect(try store.loadRegistry(edition: nil)?.edition == 2023)
        #expect(try store.loadRegistry(edition: 2021)?.count == 3)
        #expect(try store.loadRegistry(edition: 2019) == nil)
        // Saving an edition again replaces it rather than adding to it.
        try store.saveRegistry(registry)
        #expect(try store.summary().registryEditions == [2021: 3, 2023: 7])
        let view = try store.pool.read { try String.fetchOne($0, sql: "SELECT code_text FROM regions WHERE code = 441900003201") }
        #expect(view == "441900003201")
    }

    @Test func aStoreFromANewerVersionIsRefused() throws {
        let folder = try Folder()
        _ = try SQLiteStore(creatingAt: folder.store)
        let queue = try DatabaseQueue(path: folder.store)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-future')") }
        #expect {
            _ = try SQLiteStore(creatingAt: folder.store)
        } throws: { error in
            (error as? StoreError)?.message.contains("written by a newer ruralstat") == true
        }
    }

    @Test func aFileThatIsNotADatabaseIsAClearError() throws {
        let folder = try Folder()
        try Data("not a database at all, just text that is long enough".utf8).write(to: URL(fileURLWithPath: folder.store))
        #expect(throws: StoreError.self) { try SQLiteStore(creatingAt: folder.store) }
    }
}
