import Foundation
import Testing
import TestSupport
@testable import RuralstatPipeline
import RuralstatIngest
import RuralstatModel
import RuralstatReport
import RuralstatStore

/// `--sdmx-delta-since RUN`: what changed in the rollups after a run, as a Delete dataset of the keys
/// removed and a Replace dataset of the rollups new or changed, alike in every SDMX format with actions.
@Suite("SDMX delta")
struct SDMXDeltaTests {
    @Test(arguments: StoreBackend.available)
    func theDeltaSaysTheSameInEveryFormatAndMatchesTheStore(backend: StoreBackend) throws {
        let (scratch, store, ingestor) = try StoreRollupTests().store(backend)
        let folder = scratch.folder
        let rollup = StoreRollup(store: store, catalog: StoreRollupTests.catalog, registry: StoreRollupTests.registry)
        _ = try ingestor.ingest([
            try folder.write("a.csv", StoreRollupTests.file("13", seed: 1)), try folder.write("b.csv", StoreRollupTests.file("44", seed: 2)),
        ])
        let before = try store.beginRun(command: "rollup", parameters: [:])
        _ = try rollup.run(runID: before)
        // After that run: Hebei's figures revised, and every indicator of one Guangdong county's villages deleted.
        let county = StoreRollupTests.villages("44")[0].prefix(6)
        let deletes = StoreRollupTests.villages("44").filter { $0.hasPrefix(county) }.map { "dataflow,X,D,\($0),,2024,," }
        _ = try ingestor.ingest([
            try folder.write("c.csv", StoreRollupTests.file("13", seed: 5)),
            try folder.write(
                "d.csv", (["STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_STATUS"] + deletes).joined(separator: "\n") + "\n"),
        ])
        _ = try rollup.runIncremental(runID: try store.beginRun(command: "rollup", parameters: [:]))
        var settings = ReportSettings()
        settings.folder = folder.path("reports")
        settings.formats = [.sdmx]
        settings.levels = [.township, .county, .province]  // 30 villages a county: its townships are published, the rest withheld
        settings.deltaSince = before
        let run = try store.beginRun(command: "report", parameters: [:])
        _ = try ReportWriter(store: store, catalog: StoreRollupTests.catalog, registry: StoreRollupTests.registry, settings: settings, runID: run)
            .write()

        // What the store says changed, at the report's levels.
        let (changed, removed) = try store.rollupChanges(since: before)
        let levels = Set(settings.levels)
        let expectedDeletes = removed.filter { levels.contains(RegionLevel(name: $0.level)!) }
            .map { "\(RegionCode(uncheckedRawValue: $0.region))|\($0.indicator)|\($0.period)" }.sorted()
        let expectedReplaces = changed.filter { levels.contains($0.level) && $0.publication != .withheld && $0.value.isFinite }
            .map { "\($0.region)|\($0.indicator)|\($0.period)|\(NumberText.shortest($0.value))" }.sorted()
        #expect(!expectedDeletes.isEmpty && !expectedReplaces.isEmpty)
        #expect(expectedReplaces.contains { $0.hasPrefix("13") })

        // Read back as a level above would. The reader holds rollups of computed indicators to the
        // catalog's reporting levels and refuses them (by key): every key is then either read or refused.
        var options = IngestOptions()
        options.senders = ["CN_NBS": .national]
        options.defaultSender = Jurisdiction(sender: "CN_NBS", root: .national)  // SDMX-CSV names no sender
        let expectedKeys = (expectedDeletes + expectedReplaces.map { $0.split(separator: "|").prefix(3).joined(separator: "|") }).sorted()
        for name in ["ss21.xml", "generic21.xml", "ss30.xml", "sdmx20.csv"] {
            let path = folder.path("reports/sdmx/rollups.delta-since-run\(before).\(name)")
            var rows: [ObservationRow] = []
            var rejects: [ValidationProblem] = []
            _ = try SubmissionReader.read(
                path, registries: nil, catalog: StoreRollupTests.catalog, options: options,
                emit: { rows.append(contentsOf: $0.rows) }, reject: { rejects.append($0) })
            #expect(rejects.allSatisfy { $0.rule == .levelNotReported }, "\(name): \(rejects.prefix(2))")
            let deleted = rows.filter { $0.action == .delete }.map { "\($0.region!)|\($0.indicator!)|\($0.period!)" }
            let replaced = rows.filter { $0.action == .replace }.map { "\($0.region!)|\($0.indicator!)|\($0.period!)|\(NumberText.shortest($0.value))" }
            #expect(deleted.allSatisfy(expectedDeletes.contains) && replaced.allSatisfy(expectedReplaces.contains), "\(name)")
            #expect(!deleted.isEmpty && !replaced.isEmpty, "\(name)")
            let keys = deleted + replaced.map { $0.split(separator: "|").prefix(3).joined(separator: "|") } + rejects.map(\.key)
            #expect(keys.sorted() == expectedKeys, "\(name)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path("reports/sdmx/rollups.delta-since-run\(before).sdmx10.csv")))
    }
}
