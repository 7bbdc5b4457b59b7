import Foundation
import GRDB
import Testing
import TestSupport
import RuralstatModel
@testable import RuralstatStore

/// The real executable, as operators and analysts run it.
enum CLI {
    static let executable = NightlyRunTests.executable
    static let root = NightlyRunTests.root

    struct Result {
        var status: Int32
        var output: String
        var error: String
        var all: String { output + error }
    }

    static func run(_ arguments: [String], in directory: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Read both pipes while the process runs, so a full pipe never blocks it.
        final class Box: @unchecked Sendable { var data = Data() }
        let errorData = Box()
        let done = DispatchSemaphore(value: 0)
        let reader = Thread {
            errorData.data = error.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
        reader.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        done.wait()
        return Result(
            status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
            error: String(decoding: errorData.data, as: UTF8.self))
    }

    /// A copy of the bundled sample run into a scratch folder: `folder/reports/ruralstat.sqlite` and the reports.
    static func sampleStore() throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        let spec = try String(contentsOfFile: root.appendingPathComponent("pipelines/nightly.yaml").path, encoding: .utf8)
            .replacingOccurrences(of: "../reports", with: folder.path("reports"))
            .replacingOccurrences(of: "../sample-data", with: root.appendingPathComponent("sample-data").path)
            .replacingOccurrences(of: "catalog: indicators.yaml", with: "catalog: \(root.appendingPathComponent("pipelines/indicators.yaml").path)")
            .replacingOccurrences(of: "rules: rules.yaml", with: "rules: \(root.appendingPathComponent("pipelines/rules.yaml").path)")
            .replacingOccurrences(of: "assessment: assessment.yaml", with: "assessment: \(root.appendingPathComponent("pipelines/assessment.yaml").path)")
        let path = try folder.write("nightly.yaml", spec)
        let result = try run(["run", path])
        #expect(result.status == 1, "\(result.all)")
        return folder
    }
}

@Suite("Commands keep to their scope and refuse what they do not know", .serialized)
struct CommandLineTests {
    static let catalog = CLI.root.appendingPathComponent("pipelines/indicators.yaml").path
    static let registry = CLI.root.appendingPathComponent("sample-data/registry/regions_2023.csv").path

    /// `ruralstat query`: the rollups of an indicator (by code or by name) in a region and the level
    /// below it, a period range, a level; an unknown indicator is an error with a suggestion.
    @Test func queryListsRollupsOfARegionToADepth() throws {
        let folder = try CLI.sampleStore()
        let store = folder.path("reports/ruralstat.sqlite")
        let byCode = try CLI.run(["query", "--store", store, "--indicator", "GRAIN_OUTPUT", "--region", "13", "--depth", "1", "--format", "csv"])
        #expect(byCode.status == 0, "\(byCode.all)")
        let lines = byCode.output.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(lines.allSatisfy { $0[1].hasPrefix("13") && ["province", "prefecture"].contains($0[0]) && $0[7] == "吨" })
        // As many as the store holds, counted from its own rows.
        let held = try SQLiteStore(path: store).storedRollups().filter {
            $0.indicator == "GRAIN_OUTPUT" && $0.region.description.hasPrefix("13") && ($0.level == .province || $0.level == .prefecture)
        }
        #expect(lines.count == held.count && !held.isEmpty)
        let byName = try CLI.run(["query", "--store", store, "--indicator", "粮食产量", "--region", "13", "--depth", "1", "--format", "csv"])
        #expect(byName.output == byCode.output)
        let oneYear = try CLI.run([
            "query", "--store", store, "--indicator", "GRAIN_OUTPUT", "--level", "province", "--from", "2024", "--to", "2024", "--format", "json",
        ])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(oneYear.output.utf8)) as? [[String: Any]])
        #expect(!rows.isEmpty && rows.allSatisfy { $0["level"] as? String == "province" && $0["period"] as? String == "2024" && $0["findings"] is Int })
        let typo = try CLI.run(["query", "--store", store, "--indicator", "GRAIN_OUTPT"])
        #expect(typo.status != 0 && typo.error.contains("indicator 'GRAIN_OUTPT' is not in the store's catalog; did you mean GRAIN_OUTPUT?"))
        let unknownRegion = try CLI.run(["query", "--store", store, "--indicator", "GRAIN_OUTPUT", "--region", "99"])
        #expect(unknownRegion.status != 0)
        // --values: the figures a township and its villages reported, as many as the store holds.
        let values = try CLI.run([
            "query", "--store", store, "--indicator", "GRAIN_OUTPUT", "--region", "130221101", "--depth", "1", "--values", "--format", "csv",
        ])
        let reported = values.output.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let heldValues = try SQLiteStore(path: store).pool.read { db in
            try Int.fetchOne(
                db,
                sql:
                    "SELECT count(*) FROM observations WHERE superseded_by IS NULL AND indicator = 'GRAIN_OUTPUT' AND region BETWEEN 130221101000 AND 130221101999"
            )
        }
        #expect(reported.count == heldValues && (heldValues ?? 0) > 0)
        #expect(reported.allSatisfy { $0[1].hasPrefix("130221101") && ["township", "village"].contains($0[0]) && !$0[11].isEmpty })
    }

    /// `ruralstat runs`: the store's history, newest first, with what each run did.
    @Test func runsListTheStoresHistory() throws {
        let folder = try CLI.sampleStore()
        let store = folder.path("reports/ruralstat.sqlite")
        let listed = try CLI.run(["runs", "--store", store, "--format", "json"])
        #expect(listed.status == 0, "\(listed.all)")
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [[String: Any]])
        let run = try #require(runs.first)
        #expect(runs.count == 1 && run["command"] as? String == "run" && run["status"] as? String == "succeeded")
        // The sample: every file applied, its rollups written, its findings found first by this run.
        let applied = try SQLiteStore(path: store).pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM submissions WHERE status = 'applied'") }
        #expect(run["submissions_applied"] as? Int == applied && (applied ?? 0) > 0)
        #expect((run["rollups_changed"] as? Int ?? 0) > 0 && (run["findings_found"] as? Int ?? 0) > 0)
        let table = try CLI.run(["runs", "--store", store])
        #expect(table.output.hasPrefix("id  command  started_at"))
        #expect(try CLI.run(["runs", "--store", store, "--last", "0"]).status != 0)
    }

    @Test func aScopedReportHoldsOnlyItsSubtree() throws {
        let folder = try CLI.sampleStore()
        let out = folder.path("hebei")
        let result = try CLI.run(["report", "--store", folder.path("reports/ruralstat.sqlite"), "--region", "13", "--out", out, "--catalog", Self.catalog])
        #expect(result.status == 0, "\(result.all)")
        // Every unit outside Hebei, and the nation, by code and by name.
        let registry = IngestIntoStoreTests.registry
        let outside = registry.allUnits.filter { !$0.code.description.hasPrefix("13") }
        let marks = Set(outside.map(\.code.description) + ["000000000000", "全国"])
        let codePattern = try NSRegularExpression(pattern: #"(?<![0-9.])[0-9]{12}(?![0-9])"#)
        var files = 0
        for name in try FileManager.default.subpathsOfDirectory(atPath: out) where !name.hasSuffix(".xlsx") {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: out + "/" + name, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            files += 1
            let text = try String(contentsOfFile: out + "/" + name, encoding: .utf8)
            // Codes stand alone; the fractions of a number (125.500000000000) are not codes.
            let codes = Set(codePattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { String(text[Range($0.range, in: text)!]) })
            let leaked = marks.filter { $0 == "全国" ? text.contains($0) : codes.contains($0) }
            #expect(leaked.isEmpty, "\(name) holds \(leaked.sorted().prefix(5))")
        }
        #expect(files >= 12)
        let findings = try String(contentsOfFile: out + "/quality/findings.csv", encoding: .utf8)
        #expect(findings.split(separator: "\n").count > 1)
        // The whole store's report does hold other provinces: the check above is not vacuous.
        let whole = try String(contentsOfFile: folder.path("reports/quality/findings.csv"), encoding: .utf8)
        #expect(whole.contains("440") && whole.contains("500"))
    }

    @Test func aReportWritesOnlyTheFormatsAskedFor() throws {
        let folder = try CLI.sampleStore()
        let out = folder.path("sdmx-only")
        let result = try CLI.run(["report", "--store", folder.path("reports/ruralstat.sqlite"), "--format", "sdmx", "--out", out, "--catalog", Self.catalog])
        #expect(result.status == 0, "\(result.all)")
        #expect(
            try FileManager.default.subpathsOfDirectory(atPath: out).sorted() == [
                "sdmx", "sdmx/rollups.generic21.xml", "sdmx/rollups.sdmx10.csv", "sdmx/rollups.sdmx20.csv", "sdmx/rollups.ss21.xml", "sdmx/rollups.ss30.xml",
                "sdmx/structure.21.xml", "sdmx/structure.30.xml",
            ])
    }

    /// `catalog export --sdmx` writes the structure the data messages reference: every indicator and region of the registry.
    @Test func catalogExportWritesTheSDMXStructure() throws {
        let folder = try CLI.sampleStore()
        for version in ["2.1", "3.0"] {
            let out = folder.path("structure-\(version).xml")
            let result = try CLI.run([
                "catalog", "export", "--sdmx", "--sdmx-version", version, "--catalog", Self.catalog, "--store", folder.path("reports/ruralstat.sqlite"), "-o",
                out,
            ])
            #expect(result.status == 0, "\(result.all)")
            let text = try String(contentsOfFile: out, encoding: .utf8)
            #expect(text.contains("<structure:Codelist id=\"CL_INDICATOR\"") && text.contains("<structure:Code id=\"HOUSEHOLDS\">"))
            #expect(text.contains("<structure:Dataflow id=\"DF_RRS\" agencyID=\"CN_RRS\" version=\"1.0\""))
            #expect(text.contains("<structure:Code id=\"441900000000\"><common:Name xml:lang=\"zh\">前平市</common:Name>"))  // the sample registry's name
            #expect(text.contains("H_REGION") == (version == "3.0"))
        }
        let refused = try CLI.run(["catalog", "export", "--sdmx", "--sdmx-version", "2.0", "--catalog", Self.catalog, "-o", folder.path("x.xml")])
        #expect(refused.status != 0 && refused.error.contains("--sdmx-version '2.0' is not 2.1 or 3.0"))
    }

    /// A spot-check rule weight for a rule the store never ran is a typo, said as one; the list is not written.
    @Test func aSpotCheckRefusesAnUnknownRuleWeight() throws {
        let folder = try CLI.sampleStore()
        let spec = try folder.write("typo.yaml", "version: 1\nspot_check: {rule_weights: {peer_outlyer: 2}}\n")
        let out = folder.path("list.csv")
        let arguments = ["spot-check", "--spec", spec, "--catalog", Self.catalog, "--store", folder.path("reports/ruralstat.sqlite"), "--out", out]
        let result = try CLI.run(arguments)
        #expect(result.status == 1 && result.error.contains("'peer_outlyer' is not a rule the store's quality checks ran; did you mean peer_outlier?"))
        #expect(!FileManager.default.fileExists(atPath: out))
        let good = try CLI.run([
            "spot-check", "--catalog", Self.catalog, "--store", folder.path("reports/ruralstat.sqlite"), "--out", out,
            "--spec", CLI.root.appendingPathComponent("pipelines/assessment.yaml").path,
        ])
        #expect(good.status == 0 && good.output.contains("45 villages in 9 counties"), "\(good.all)")
    }

    @Test(
        "unknown codes in filters are errors that say what is known",
        arguments: [
            (["flags", "--rule", "peer_outlyer"], "did you mean peer_outlier?"),
            (["flags", "--indicator", "HOUSEHOLD"], "did you mean HOUSEHOLDS"),
            (["flags", "--level", "townshp"], "did you mean township?"),
            (["flags", "--region", "4418"], "region 441800000000 is not in the 2023 division registry"),
            (["flags", "--period", "2031"], "the store holds nothing for period 2031"),
            (["report", "--region", "99"], "region code '99' starts with province digits 99, which is no GB/T 2260 province"),
            (["report", "--region", "4418"], "region 441800000000 is not in the 2023 division registry"),
            (["report", "--format", "pdff"], "unknown format 'pdff'"),
            (["report", "--level", "vilage"], "did you mean village?"),
            (["report", "--period", "2030"], "the store holds no rollups for period 2030"),
            (["report", "--sdmx-delta-since", "999"], "the store has no run 999"),
            (["rollup", "--indicator", "POPULATON", "--no-checks"], "did you mean POPULATION?"),
            (["rollup", "--region", "4418", "--no-checks"], "region 441800000000 is not in the 2023 division registry"),
            (["rollup", "--period", "2099", "--no-checks"], "no observations or rollups for period 2099"),
            (["regions", "show", "河北"], "no unit of the 2023 division registry is named '河北'; did you mean 河北省"),
            (
                ["assess", "--level", "township", "--spec", CLI.root.appendingPathComponent("pipelines/assessment.yaml").path, "--catalog", catalog],
                "only province, prefecture, county can be assessed"
            ),
        ])
    func unknownFilterCodes(arguments: [String], message: String) throws {
        let folder = try CLI.sampleStore()
        let store = folder.path("reports/ruralstat.sqlite")
        let before = try StoreDump.data(store)
        let result = try CLI.run(arguments + ["--store", store] + (arguments[0] == "report" ? ["--out", folder.path("out")] : []))
        #expect(result.status == 1, "\(result.all)")
        #expect(result.error.contains(message), "\(result.error)")
        #expect(try StoreDump.data(store) == before)
        #expect(!FileManager.default.fileExists(atPath: folder.path("out")))
    }

    @Test func aRegionMayBeNamed() throws {
        let folder = try CLI.sampleStore()
        let result = try CLI.run(["regions", "show", "河北省", "--store", folder.path("reports/ruralstat.sqlite")])
        #expect(result.status == 0 && result.output.hasPrefix("130000000000  河北省"), "\(result.all)")
    }

    @Test func readingCommandsDoNotCreateAMistypedStore() throws {
        let folder = try TemporaryFolder()
        for arguments in [["flags"], ["regions", "show"], ["submissions", "list"], ["report"], ["ingest", Self.registry], ["rollup"]] {
            let result = try CLI.run(arguments + ["--store", folder.path("typo.sqlite")])
            #expect(result.status == 1, "\(arguments): \(result.all)")
            #expect(result.error.contains("typo.sqlite: does not exist"), "\(arguments): \(result.error)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
    }

    @Test func sampleDataGenerateRefusesAFolderItDidNotWrite() throws {
        let folder = try TemporaryFolder()
        try folder.write("keep.csv", "mine")
        let refused = try CLI.run(["sample-data", "generate", "--out", folder.url.path, "--villages", "50"])
        #expect(refused.status == 1 && refused.error.contains("was not written by 'ruralstat sample-data generate'"), "\(refused.all)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["keep.csv"])
        // Its own folder it writes again; and --force overrides.
        let own = folder.path("own")
        #expect(try CLI.run(["sample-data", "generate", "--out", own, "--villages", "50"]).status == 0)
        #expect(try CLI.run(["sample-data", "generate", "--out", own, "--villages", "50"]).status == 0)
        #expect(try CLI.run(["sample-data", "generate", "--out", folder.url.path, "--villages", "50", "--force"]).status == 0)
    }

    @Test func everyCommandThatWritesTakesTheLock() throws {
        let folder = try CLI.sampleStore()
        let store = folder.path("reports/ruralstat.sqlite")
        let held = try StoreLock(store: store, command: "test")
        defer { withExtendedLifetime(held) {} }
        let file = try folder.write("CN_130121_x.csv", "region,indicator,period,value\n130121101201,HOUSEHOLDS,2024,5\n")
        for arguments in [
            ["ingest", file, "--store", store], ["rollup", "--store", store], ["report", "--store", store, "--out", folder.path("o")],
            ["init", "--store", store, "--registry", Self.registry], ["regions", "load", "--into", store, "--registry", Self.registry],
            ["submissions", "retire", "1", "--reason", "x", "--store", store], ["submissions", "retry", "1", "--store", store],
            ["run", folder.path("nightly.yaml")],
        ] {
            let result = try CLI.run(arguments + ["--catalog", Self.catalog].filter { _ in ["ingest", "report", "init", "rollup"].contains(arguments[0]) })
            #expect(result.status == 2, "\(arguments): \(result.all)")
            #expect(result.error.contains("another ruralstat command holds the store (pid \(getpid()), ruralstat test"), "\(arguments): \(result.error)")
        }
    }

    /// `--mapping` reads a sender's own structure; a mapping naming codes the catalog lacks is refused before any file is read.
    @Test func checkReadsASendersStructureThroughItsMapping() throws {
        let mappings = CLI.root.appendingPathComponent("Tests/Fixtures/mappings")
        let file = mappings.appendingPathComponent("cn44-rural.sdmx20.csv").path
        let arguments = ["check", file, "--sender", "44", "--registry", Self.registry, "--catalog", Self.catalog]
        let mapped = try CLI.run(arguments + ["--mapping", mappings.appendingPathComponent("cn44-rural.yaml").path])
        #expect(mapped.status == 1 && mapped.output.contains("5 rows, 4 accepted, 1 rejected"), "\(mapped.all)")
        let unmapped = try CLI.run(arguments)
        #expect(unmapped.status == 1 && unmapped.output.contains("unmapped_structure"), "\(unmapped.all)")
        let folder = try TemporaryFolder()
        let typo = try folder.write("typo.yaml", "components: {GEO: region, INDIC_RR: indicator}\nindicators: {HH_TOT: HOUSEHOLD}\n")
        let refused = try CLI.run(arguments + ["--mapping", typo])
        #expect(refused.status != 0 && refused.error.contains("'HOUSEHOLD' is not an indicator of the catalog"), "\(refused.all)")
    }

    @Test func checkTakesTheSenderFromTheFileNameOrInEitherForm() throws {
        let sample = CLI.root.appendingPathComponent("sample-data/submissions/2023/CN_130122_2023.csv").path
        let byName = try CLI.run(["check", sample, "--registry", Self.registry, "--catalog", Self.catalog])
        #expect(byName.status == 1 && byName.output.contains("1816 rows, 1813 accepted, 3 rejected"), "\(byName.all)")
        let folder = try TemporaryFolder()
        let plain = try folder.write("plain.csv", "region,indicator,period,value\n130122101201,POPULATION,2023,+\n")
        for sender in ["130122", "CN_130122"] {
            let result = try CLI.run(["check", plain, "--sender", sender, "--registry", Self.registry, "--catalog", Self.catalog])
            #expect(result.status == 1 && result.output.contains("value_not_numeric: '+' is not a number"), "\(result.all)")
        }
        let none = try CLI.run(["check", plain, "--registry", Self.registry, "--catalog", Self.catalog])
        #expect(none.status == 1 && none.output.contains("the file names no sender"), "\(none.all)")
        try FileManager.default.createDirectory(atPath: folder.path("nothing"), withIntermediateDirectories: true)
        try folder.write("nothing/.keep", "")
        let nothing = try CLI.run(["check", folder.path("nothing"), "--registry", Self.registry, "--catalog", Self.catalog])
        #expect(nothing.status == 1 && nothing.error.contains("no submission files here"), "\(nothing.all)")
    }

    @Test func aSpecMeansTheSameFilesFromAnyFolder() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: folder.path("elsewhere"), withIntermediateDirectories: true)
        // The bundled spec, copied beside a copy of what it names, run from another folder.
        try FileManager.default.copyItem(atPath: CLI.root.appendingPathComponent("pipelines").path, toPath: folder.path("pipelines"))
        try FileManager.default.copyItem(atPath: CLI.root.appendingPathComponent("sample-data").path, toPath: folder.path("sample-data"))
        let result = try CLI.run(["run", "../pipelines/nightly.yaml"], in: folder.path("elsewhere"))
        #expect(result.status == 1 && result.output.contains("19 files found — 19 applied"), "\(result.all)")
        #expect(FileManager.default.fileExists(atPath: folder.path("reports/ruralstat.sqlite")))
        #expect(FileManager.default.fileExists(atPath: folder.path("reports/logs/runs.jsonl")))
    }

    @Test func theSubmissionsCommandListsShowsAndRetires() throws {
        let folder = try CLI.sampleStore()
        let store = folder.path("reports/ruralstat.sqlite")
        let bad = try folder.write("CN_130121_bad.csv", "region,indicator,period,value\n130121101201,HOUSEHOLDS,2024,-4\n")
        let ingest = try CLI.run(["ingest", bad, "--store", store, "--catalog", Self.catalog, "--max-error-rate", "0", "--rejects", folder.path("r.csv")])
        #expect(ingest.status == 1, "\(ingest.all)")
        let listed = try CLI.run(["submissions", "list", "--status", "rejected", "--store", store])
        #expect(listed.status == 0 && listed.output.contains("rejected  CN_130121  \(bad)"), "\(listed.all)")
        let id = try #require(listed.output.split(separator: " ").first.map(String.init))
        let shown = try CLI.run(["submissions", "show", id, "--store", store])
        #expect(shown.output.contains("value_out_of_range") && shown.output.contains("reason      rejected as a whole"), "\(shown.all)")
        let retired = try CLI.run(["submissions", "retire", id, "--reason", "sent in error", "--by", "wang", "--store", store])
        #expect(retired.status == 0, "\(retired.all)")
        let again = try CLI.run(["ingest", bad, "--store", store, "--catalog", Self.catalog, "--rejects", folder.path("r.csv")])
        #expect(
            again.status == 0 && again.output.contains("retired as submission \(id) (rejected as a whole: ")
                && again.output.contains("; retired by wang: sent in error)"), "\(again.all)")
        // Offered again by hand (without the threshold), it is applied; its one bad row is still rejected.
        let retried = try CLI.run([
            "submissions", "retry", id, "--reason", "threshold was a mistake", "--by", "li", "--store", store,
            "--catalog", Self.catalog, "--rejects", folder.path("r2.csv"),
        ])
        #expect(retried.status == 1 && retried.output.contains("submission \(id) offered again: applied"), "\(retried.all)")
        let decisions = try CLI.run(["submissions", "show", id, "--store", store])
        #expect(decisions.output.contains("retire by wang: sent in error"), "\(decisions.all)")
        #expect(decisions.output.contains("retry by li: threshold was a mistake → submission"), "\(decisions.all)")
        let unknown = try CLI.run(["submissions", "list", "--sender", "CN_13O121", "--store", store])
        #expect(unknown.status == 1 && unknown.error.contains("did you mean CN_130121"), "\(unknown.all)")
    }

    @Test func aReportThatCannotBeWrittenNamesTheFileAndLeavesNoStagingFolder() throws {
        let folder = try CLI.sampleStore()
        let out = folder.path("blocked")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try folder.write("blocked/tables", "a file where a folder must go")
        let result = try CLI.run(["report", "--store", folder.path("reports/ruralstat.sqlite"), "--out", out, "--catalog", Self.catalog])
        #expect(result.status == 2, "\(result.all)")
        #expect(result.error.contains("cannot write \(out)/tables/"), "\(result.error)")
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: out)).contains { $0.hasPrefix(".staging") })
    }
}

/// What a store holds, as text: every table but the ledger of runs, in a fixed order. Two stores
/// with the same data have the same dump, whatever SQLite did to the file's pages.
enum StoreDump {
    /// The data tables only (observations, rollups, findings, registry, catalog): what a refused
    /// input must leave as it was.
    static func data(_ path: String) throws -> [String] {
        try dump(
            path, tables: ["observations", "rollups", "rollup_changes", "findings", "finding_tallies", "regions", "indicators", "indicator_targets", "meta"])
    }

    static func dump(_ path: String, tables: [String]) throws -> [String] {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in
            try tables.flatMap { table in
                try Row.fetchAll(db, sql: "SELECT * FROM \(table)").map { "\(table) \($0)" }.sorted()
            }
        }
    }
}
