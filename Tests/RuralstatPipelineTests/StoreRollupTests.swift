import Foundation
import Testing
@testable import RuralstatPipeline
import RuralstatIngest
import RuralstatModel
import RuralstatStore

/// Rollups from the store: an incremental run gives the same table as a full one.
@Suite("Rollups from the store")
struct StoreRollupTests {
    static let catalog = IngestIntoStoreTests.catalog
    static let registry = IngestIntoStoreTests.registry

    static func villages(_ province: String) -> [String] {
        registry.allUnits.filter { $0.level == .village && $0.code.description.hasPrefix(province) }.prefix(30).map(\.code.description)
    }

    /// Households, tap water and waste treatment for villages of two provinces.
    static func file(_ province: String, seed: Int) -> String {
        var lines = ["region,indicator,period,value"]
        for (index, village) in villages(province).enumerated() {
            let households = 100 + (index * 37 + seed * 11) % 400
            lines.append("\(village),HOUSEHOLDS,2024,\(households)")
            lines.append("\(village),HH_TAP_WATER,2024,\(households - (index + seed) % 50)")
            lines.append("\(village),VILLAGE_WASTE_TREATED,2024,\((index + seed) % 3 == 0 ? 0 : 1)")
            lines.append("\(village),RURAL_INCOME_PER_CAPITA,2024,\(15000 + (index * 977 + seed) % 9000).5")
            lines.append("\(village),POPULATION,2024,\(households * 3 + index)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func store(_ folder: URL, _ name: String) throws -> (SQLiteStore, SubmissionIngestor) {
        let store = try SQLiteStore(creatingAt: folder.appendingPathComponent(name).path)
        try store.saveRegistry(Self.registry)
        var options = IngestOptions()
        options.defaultSender = Jurisdiction(sender: "CN", root: .national)
        return (store, SubmissionIngestor(store: store, registries: RegistryEditions([Self.registry]), catalog: Self.catalog,
                                          options: options, runID: nil, rejectsLog: nil))
    }

    @Test func incrementalEqualsFull() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ruralstat-rollup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try [("hebei.csv", Self.file("13", seed: 1)), ("guangdong.csv", Self.file("44", seed: 2)),
                         ("hebei-revised.csv", Self.file("13", seed: 3))].map { name, text in
            let path = folder.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return path
        }

        // Incremental: roll up after the first two files, then again after the revision.
        let (incremental, ingestA) = try store(folder, "a.sqlite")
        _ = try ingestA.ingest(Array(files.prefix(2)))
        let first = try StoreRollup(store: incremental, catalog: Self.catalog, registry: Self.registry).runIncremental(runID: try incremental.beginRun(command: "rollup", parameters: [:]))
        #expect(first.rollups > 0)
        _ = try ingestA.ingest([files[2]])
        let second = try StoreRollup(store: incremental, catalog: Self.catalog, registry: Self.registry).runIncremental(runID: try incremental.beginRun(command: "rollup", parameters: [:]))
        // Only Hebei was recomputed (and the nation merged).
        #expect(second.rollups < first.rollups)
        let nothing = try StoreRollup(store: incremental, catalog: Self.catalog, registry: Self.registry).runIncremental(runID: try incremental.beginRun(command: "rollup", parameters: [:]))
        #expect(nothing.rollups == 0)

        // Full: the same submissions, one rollup at the end.
        let (full, ingestB) = try store(folder, "b.sqlite")
        _ = try ingestB.ingest(files)
        _ = try StoreRollup(store: full, catalog: Self.catalog, registry: Self.registry).run(runID: try full.beginRun(command: "rollup", parameters: [:]))

        let a = try incremental.storedRollups(), b = try full.storedRollups()
        #expect(a.count == b.count)
        #expect(a == b)
        #expect(zip(a, b).allSatisfy { $0.value.bitPattern == $1.value.bitPattern || ($0.value.isNaN && $1.value.isNaN) })
        // The revision did change Hebei and the nation.
        let national = try #require(a.first { $0.indicator == "HOUSEHOLDS" && $0.level == .national })
        #expect(national.contributing == 60)
        #expect(a.contains { $0.indicator == "RURAL_TAP_WATER_RATE" && $0.level == .province && $0.region.description == "130000000000" })
        #expect(a.contains { $0.indicator == "VILLAGE_WASTE_TREATMENT_SHARE" && $0.level == .national })
    }
}
