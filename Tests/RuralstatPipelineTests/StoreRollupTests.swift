import Foundation
import Testing
@testable import RuralstatPipeline
import RuralstatIngest
import RuralstatModel
import RuralstatStore
import TestSupport

/// Rollups from the store: an incremental run gives the same table as a full one. The incremental
/// and partial runs go on each backend; the full one, the reference, on SQLite.
@Suite("Rollups from the store")
struct StoreRollupTests {
    static let catalog = IngestIntoStoreTests.catalog
    static let registry = IngestIntoStoreTests.registry

    static func villages(_ province: String) -> [String] {
        registry.allUnits.filter { $0.level == .village && $0.code.description.hasPrefix(province) }.prefix(30).map(\.code.description)
    }

    /// Households, tap water and waste treatment for villages of two provinces.
    static func file(
        _ province: String, seed: Int, period: String = "2024", only: Set<String>? = nil,
        villages chosen: [String]? = nil
    ) -> String {
        var lines = ["region,indicator,period,value"]
        for (index, village) in (chosen ?? villages(province)).enumerated() {
            let households = 100 + (index * 37 + seed * 11) % 400
            let rows = [
                ("HOUSEHOLDS", "\(households)"), ("HH_TAP_WATER", "\(households - (index + seed) % 50)"),
                ("VILLAGE_WASTE_TREATED", "\((index + seed) % 3 == 0 ? 0 : 1)"),
                ("RURAL_INCOME_PER_CAPITA", "\(15000 + (index * 977 + seed) % 9000).5"), ("POPULATION", "\(households * 3 + index)"),
            ]
            for (indicator, value) in rows where only?.contains(indicator) ?? true {
                lines.append("\(village),\(indicator),\(period),\(value)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A new store of `backend` with the registry, and an ingestor for the whole country; the scratch store holds it.
    func store(_ backend: StoreBackend) throws -> (ScratchStore, any IndicatorStore, SubmissionIngestor) {
        let scratch = try ScratchStore(backend)
        let store = scratch.store
        try store.saveRegistry(Self.registry)
        var options = IngestOptions()
        options.defaultSender = Jurisdiction(sender: "CN", root: .national)
        return (
            scratch, store,
            SubmissionIngestor(
                store: store, registries: RegistryEditions([Self.registry]), catalog: Self.catalog,
                options: options, runID: nil, rejectsLog: nil)
        )
    }

    @Test(arguments: StoreBackend.available)
    func incrementalEqualsFull(backend: StoreBackend) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ruralstat-rollup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try [
            ("hebei.csv", Self.file("13", seed: 1)), ("guangdong.csv", Self.file("44", seed: 2)),
            ("hebei-revised.csv", Self.file("13", seed: 3)),
        ].map { name, text in
            let path = folder.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return path
        }

        // Incremental: roll up after the first two files, then again after the revision.
        let (scratchA, incremental, ingestA) = try store(backend)
        defer { withExtendedLifetime(scratchA) {} }
        _ = try ingestA.ingest(Array(files.prefix(2)))
        let first = try StoreRollup(store: incremental, catalog: Self.catalog, registry: Self.registry).runIncremental(
            runID: try incremental.beginRun(command: "rollup", parameters: [:]))
        #expect(first.rollups > 0)
        _ = try ingestA.ingest([files[2]])
        let second = try StoreRollup(store: incremental, catalog: Self.catalog, registry: Self.registry).runIncremental(
            runID: try incremental.beginRun(command: "rollup", parameters: [:]))
        // Only Hebei was recomputed (and the nation merged).
        #expect(second.rollups < first.rollups)
        let nothing = try StoreRollup(store: incremental, catalog: Self.catalog, registry: Self.registry).runIncremental(
            runID: try incremental.beginRun(command: "rollup", parameters: [:]))
        #expect(nothing.rollups == 0)

        // Full: the same submissions, one rollup at the end.
        let (scratchB, full, ingestB) = try store(.sqlite)
        defer { withExtendedLifetime(scratchB) {} }
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

    /// The rollup table as text, values by their bits, for an exact comparison.
    static func table(_ store: any IndicatorStore) throws -> [String] {
        try store.storedRollups().map {
            "\($0.level) \($0.region) \($0.indicator) \($0.period) \($0.value.bitPattern) \($0.numerator.bitPattern) \($0.denominator.bitPattern) \($0.contributing) \($0.expected.map(String.init) ?? "-") \($0.publication)"
        }
    }

    enum Scope: String, CaseIterable, Sendable { case region, indicator, period }

    /// A partial recompute after a revision inside its scope leaves the table a full recompute makes,
    /// bit for bit — in particular the nation and the rest of the province are kept or merged, never
    /// dropped — and on a store already up to date it changes nothing at all.
    @Test("a partial recompute equals a full one", arguments: StoreBackend.available, Scope.allCases)
    func partialEqualsFull(backend: StoreBackend, scope: Scope) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ruralstat-rollup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func write(_ name: String, _ text: String) throws -> String {
            let path = folder.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return path
        }
        let hebei = Self.villages("13")
        let prefecture = try RegionCode(String(hebei[0].prefix(4)))
        let base = try [
            ("h24.csv", Self.file("13", seed: 1)), ("g24.csv", Self.file("44", seed: 2)),
            ("h23.csv", Self.file("13", seed: 4, period: "2023")), ("g23.csv", Self.file("44", seed: 5, period: "2023")),
        ]
        .map { try write($0.0, $0.1) }
        // A revision inside the scope only.
        let revision: String
        var request: StoreRollup.Request
        switch scope {
        case .region:
            revision = Self.file("13", seed: 9, villages: hebei.filter { $0.hasPrefix(prefecture.shortDescription) })
            request = StoreRollup.Request(region: prefecture)
        case .indicator:
            revision =
                Self.file("13", seed: 9, only: ["HOUSEHOLDS"])
                + Self.file("44", seed: 9, only: ["HOUSEHOLDS"]).split(separator: "\n").dropFirst().joined(separator: "\n") + "\n"
            request = StoreRollup.Request(indicators: ["HOUSEHOLDS"])
        case .period:
            revision = Self.file("44", seed: 9, period: "2023")
            request = StoreRollup.Request(periods: ["2023"])
        }
        let revised = try write("revision.csv", revision)

        let (scratchA, partial, ingestA) = try store(backend)
        defer { withExtendedLifetime(scratchA) {} }
        _ = try ingestA.ingest(base)
        let rollupA = StoreRollup(store: partial, catalog: Self.catalog, registry: Self.registry)
        _ = try rollupA.run(runID: try partial.beginRun(command: "rollup", parameters: [:]))
        let upToDate = try Self.table(partial)
        // Up to date: a partial recompute changes nothing, and records no change.
        let noop = try partial.beginRun(command: "rollup", parameters: [:])
        _ = try rollupA.run(request, runID: noop)
        #expect(try Self.table(partial) == upToDate)
        #expect(try partial.rollupChanges(since: noop - 1).changed.isEmpty)

        _ = try ingestA.ingest([revised])
        let summary = try rollupA.run(request, runID: try partial.beginRun(command: "rollup", parameters: [:]))
        if scope == .indicator { #expect(summary.indicators.contains("RURAL_TAP_WATER_RATE")) }

        let (scratchB, full, ingestB) = try store(.sqlite)
        defer { withExtendedLifetime(scratchB) {} }
        _ = try ingestB.ingest(base + [revised])
        _ = try StoreRollup(store: full, catalog: Self.catalog, registry: Self.registry).run(runID: try full.beginRun(command: "rollup", parameters: [:]))
        let expected = try Self.table(full)
        #expect(try Self.table(partial) == expected)
        #expect(expected != upToDate)  // the revision mattered
        #expect(expected.contains { $0.hasPrefix("national 000000000000 HOUSEHOLDS 2023") })
    }

    @Test(arguments: StoreBackend.available)
    func unknownCodesInAPartialRecomputeAreErrors(backend: StoreBackend) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ruralstat-rollup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("h.csv").path
        try Data(Self.file("13", seed: 1).utf8).write(to: URL(fileURLWithPath: path))
        let (scratch, store, ingest) = try store(backend)
        defer { withExtendedLifetime(scratch) {} }
        _ = try ingest.ingest(path)
        let rollup = StoreRollup(store: store, catalog: Self.catalog, registry: Self.registry)
        let run = try store.beginRun(command: "rollup", parameters: [:])
        _ = try rollup.run(runID: run)
        let before = try Self.table(store)
        for (request, message) in [
            (StoreRollup.Request(indicators: ["HOUSEHOLD"]), "did you mean HOUSEHOLDS"),
            (StoreRollup.Request(periods: ["2099"]), "no observations or rollups for period 2099"),
            (StoreRollup.Request(region: try RegionCode("4418")), "not in the 2023 division registry"),
        ] {
            #expect {
                _ = try rollup.run(request, runID: run)
            } throws: { error in
                (error as? StoreRollup.ScopeError)?.description.contains(message) == true
            }
        }
        #expect(try Self.table(store) == before)
    }
}
