import Foundation
import Testing
import TestSupport
@testable import RuralstatPipeline
import RuralstatAggregate
import RuralstatIngest
import RuralstatModel
import RuralstatReport
import RuralstatStore

/// `rollup --from` settles revisions, repeats and deletes as ingest into the store does, and so gives
/// the store's rollups: on the bundled sample, and on random messages.
@Suite("Store-less rollups settle like the store")
struct StorelessSettlementTests {
    static let root = IngestIntoStoreTests.projectRoot
    static let catalog = IngestIntoStoreTests.catalog
    static let registry = IngestIntoStoreTests.registry

    /// The rollups as text, values by their bits.
    static func text(_ rollups: [Rollup]) -> [String] {
        rollups.map {
            "\($0.level) \($0.region) \($0.indicator) \($0.period) \($0.value.bitPattern) \($0.numerator.bitPattern) \($0.denominator.bitPattern) \($0.contributing) \($0.expected.map(String.init) ?? "-") \($0.publication)"
        }.sorted()
    }

    /// Ingests `files` in order into a new store and rolls it up whole.
    static func storeRollups(_ files: [String], folder: TemporaryFolder, options: IngestOptions) throws -> (rollups: [Rollup], rejects: Int) {
        let store = try SQLiteStore(creatingAt: folder.path("store-\(UUID().uuidString).sqlite"))
        try store.saveRegistry(registry)
        let ingestor = SubmissionIngestor(
            store: store, registries: RegistryEditions([registry]), catalog: catalog, options: options, runID: nil, rejectsLog: nil)
        _ = try ingestor.ingest(files)
        _ = try StoreRollup(store: store, catalog: catalog, registry: registry).run(runID: try store.beginRun(command: "t", parameters: [:]))
        return (try store.storedRollups(), try store.summary().rejects)
    }

    static func storelessRollups(_ files: [String], folder: TemporaryFolder, options: IngestOptions) throws -> (rollups: [Rollup], rejects: String) {
        let runner = StorelessRollup(registry: registry, catalog: catalog, options: options)
        let rejects = try RejectsCSV(path: folder.path("rejects-\(UUID().uuidString).csv"))
        let reading = try runner.read(files: files, rejects: rejects)
        try rejects.close()
        let rollups = RollupEngine(catalog: catalog, registry: registry).rollups(of: reading.table)
        return (rollups, try String(contentsOfFile: rejects.path, encoding: .utf8))
    }

    @Test func theBundledSampleRollsUpAsTheStoreHasIt() throws {
        let folder = try TemporaryFolder()
        let files = try SubmissionIngestor.expand([Self.root.appendingPathComponent("sample-data/submissions").path])
        var options = IngestOptions()
        options.senderFromFileName = "^(CN_[0-9]+)_"
        let stored = try Self.storeRollups(files, folder: folder, options: options)
        let storeless = try Self.storelessRollups(files, folder: folder, options: options)
        #expect(Self.text(storeless.rollups) == Self.text(stored.rollups))
        // The revision file of the sample revises, instead of making its keys vanish.
        #expect(!storeless.rollups.isEmpty)
    }

    @Test func contradictionsWithinAMessageAreRejectedAndReported() throws {
        let folder = try TemporaryFolder()
        var options = IngestOptions()
        options.defaultSender = Jurisdiction(sender: "CN", root: .national)
        let first = try folder.write("a.csv", "region,indicator,period,value\n130121101201,HOUSEHOLDS,2024,100\n130121101202,HOUSEHOLDS,2024,200\n")
        let second = try folder.write(
            "b.csv", "region,indicator,period,value\n130121101201,HOUSEHOLDS,2024,110\n130121101201,HOUSEHOLDS,2024,120\n130121101202,HOUSEHOLDS,2024,210\n")
        let result = try Self.storelessRollups([first, second], folder: folder, options: options)
        // 101201 keeps the first file's 100 (the second's two values contradict); 101202 is revised to 210.
        let township = try #require(result.rollups.first { $0.level == .township && $0.indicator == "HOUSEHOLDS" })
        #expect(township.value == 310)
        #expect(
            result.rejects.contains(
                "b.csv,,,,130121101201|HOUSEHOLDS|2024,duplicate_contradictory,error,110 | 120,\"the message gives 2 different values for this key (110, 120); all are rejected\""
            ))
        #expect(Self.text(result.rollups) == Self.text(try Self.storeRollups([first, second], folder: folder, options: options).rollups))
    }

    /// Random messages of upserts, agreeing and disagreeing repeats, missing values, keyed and wildcard
    /// deletes: the store and the store-less path agree on every rollup.
    @Test func randomMessagesSettleAsInTheStore() throws {
        let villages = Self.registry.allUnits.filter { $0.level == .village && $0.code.description.hasPrefix("1301") }.prefix(6).map(\.code.description)
        let indicators = ["HOUSEHOLDS", "POPULATION"]
        var options = IngestOptions()
        options.defaultSender = Jurisdiction(sender: "CN", root: .national)
        for seed in UInt64(1)...25 {
            var random = SplitMix64(seed: seed)
            let folder = try TemporaryFolder()
            var files: [String] = []
            for message in 0..<Int.random(in: 2...4, using: &random) {
                var lines = ["STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_STATUS"]
                for _ in 0..<Int.random(in: 3...14, using: &random) {
                    let village = villages.randomElement(using: &random)!, indicator = indicators.randomElement(using: &random)!
                    switch Int.random(in: 0..<10, using: &random) {
                    case 0: lines.append("dataflow,X,D,\(village),\(indicator),2024,,")
                    case 1: lines.append("dataflow,X,D,\(village),,2024,,")  // every indicator of the village
                    case 2: lines.append("dataflow,X,M,\(village),\(indicator),2024,NaN,M")
                    default:
                        let value = 100 + Int.random(in: 0..<3, using: &random)
                        let status = ["", "A", "E"].randomElement(using: &random)!
                        lines.append("dataflow,X,\(["M", "R", "I"].randomElement(using: &random)!),\(village),\(indicator),2024,\(value),\(status)")
                    }
                }
                files.append(try folder.write("m\(message).csv", lines.joined(separator: "\n") + "\n"))
            }
            let stored = try Self.storeRollups(files, folder: folder, options: options)
            let storeless = try Self.storelessRollups(files, folder: folder, options: options)
            #expect(Self.text(storeless.rollups) == Self.text(stored.rollups), "seed \(seed)")
        }
    }

    /// Long messages, so that the store applies them many rows to a statement, with stretches of
    /// Merge, Replace and Information rows, repeats across the message, deletes between them and two
    /// periods: the store and the store-less path still agree on every rollup.
    @Test func longRandomMessagesSettleAsInTheStore() throws {
        let villages = Self.registry.allUnits.filter { $0.level == .village && $0.code.description.hasPrefix("1301") }.prefix(80).map(\.code.description)
        let indicators = ["HOUSEHOLDS", "POPULATION", "HH_TAP_WATER"]
        var options = IngestOptions()
        options.defaultSender = Jurisdiction(sender: "CN", root: .national)
        for seed in UInt64(1)...6 {
            var random = SplitMix64(seed: seed)
            let folder = try TemporaryFolder()
            var files: [String] = []
            for message in 0..<3 {
                var lines = ["STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_STATUS"]
                var action = "M"
                for row in 0..<Int.random(in: 300...700, using: &random) {
                    if row % 60 == 0 { action = ["M", "R", "I"].randomElement(using: &random)! }
                    let village = villages.randomElement(using: &random)!, indicator = indicators.randomElement(using: &random)!
                    let period = ["2023", "2024"].randomElement(using: &random)!
                    switch Int.random(in: 0..<100, using: &random) {
                    case 0: lines.append("dataflow,X,D,\(village),\(indicator),\(period),,")
                    case 1: lines.append("dataflow,X,D,\(village),,\(period),,")
                    default:
                        let value = 100 + Int.random(in: 0..<4, using: &random)
                        let status = ["", "A", "E"].randomElement(using: &random)!
                        lines.append("dataflow,X,\(action),\(village),\(indicator),\(period),\(value),\(status)")
                    }
                }
                files.append(try folder.write("m\(message).csv", lines.joined(separator: "\n") + "\n"))
            }
            let stored = try Self.storeRollups(files, folder: folder, options: options)
            let storeless = try Self.storelessRollups(files, folder: folder, options: options)
            #expect(Self.text(storeless.rollups) == Self.text(stored.rollups), "seed \(seed)")
        }
    }
}
