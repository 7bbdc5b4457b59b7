import Foundation
import GRDB
import Testing
@testable import RuralstatPipeline
import RuralstatIngest
import RuralstatModel
import RuralstatReport
@testable import RuralstatStore

/// Ingest into a real SQLite store: whole or nothing, at most once, revisions with history, actions.
@Suite("Ingest into the store")
final class IngestIntoStoreTests {
    let folder: URL
    let store: SQLiteStore
    let ingestor: SubmissionIngestor

    static let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let catalog = try! ReferenceFiles.loadCatalog(path: projectRoot.appendingPathComponent("pipelines/indicators.yaml").path)
    static let registry = try! ReferenceFiles.loadRegistry(paths: [projectRoot.appendingPathComponent("sample-data/registry/regions_2023.csv").path])

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ruralstat-ingest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try SQLiteStore(creatingAt: folder.appendingPathComponent("store.sqlite").path)
        try store.saveRegistry(Self.registry)
        var options = IngestOptions()
        options.defaultSender = Jurisdiction(sender: "CN_1301", root: try RegionCode("1301"))
        options.batchSize = 3
        ingestor = SubmissionIngestor(
            store: store, registries: RegistryEditions([Self.registry]), catalog: Self.catalog,
            options: options, runID: nil, rejectsLog: nil)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func write(_ name: String, _ text: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The store's current values as `region indicator period value status` lines.
    func current() throws -> [String] {
        try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT region, indicator, period, value, status FROM current_observations ORDER BY region, indicator, period")
                .map { row in
                    let value: Double? = row["value"]
                    let status: String? = row["status"]
                    return
                        "\(row["region"] as String) \(row["indicator"] as String) \(row["period"] as String) \(value.map { String($0) } ?? "NULL") \(status ?? "-")"
                }
        }
    }

    func count(_ sql: String) throws -> Int { try store.pool.read { try Int.fetchOne($0, sql: sql) ?? 0 } }

    static let first = """
        region,indicator,period,value,status
        130121101201,HOUSEHOLDS,2024,412,A
        130121101202,HOUSEHOLDS,2024,388,A
        130121101203,HOUSEHOLDS,2024,150,E
        """

    @Test func applyingTwiceChangesNothing() throws {
        let path = try write("a.csv", Self.first)
        let result = try ingestor.ingest(path)
        #expect(result.kind == .applied)
        #expect(result.outcome?.rowsNew == 3)
        let before = try current()
        let again = try ingestor.ingest(path)
        guard case .alreadySeen(let earlier) = again.kind else {
            Issue.record("expected already seen, got \(again.kind)")
            return
        }
        #expect(earlier.id == result.outcome?.submissionID)
        #expect(try current() == before)
        #expect(try count("SELECT count(*) FROM submissions") == 1)
        #expect(try count("SELECT count(*) FROM observations") == 3)
    }

    /// Files long enough to be applied many rows to a statement, counted by hand: 600 values, then
    /// the same 600 keys with every sixth value changed and every tenth status dropped under Merge
    /// (which keeps the stored status, so it changes nothing), and 50 keys more.
    @Test func longFilesAreCountedRowByRow() throws {
        let villages = Self.registry.allUnits.filter { $0.level == .village && $0.code.description.hasPrefix("1301") }.prefix(100)
        let indicators = ["HOUSEHOLDS", "POPULATION", "HH_TAP_WATER", "HH_SANITARY_TOILET", "GRAIN_OUTPUT", "MONITORED_HOUSEHOLDS"]
        var keys: [(String, String)] = []
        for village in villages { for indicator in indicators { keys.append((village.code.description, indicator)) } }
        let first = keys.enumerated().map { "\($0.element.0),\($0.element.1),2024,\(100 + $0.offset),A" }
        _ = try ingestor.ingest(try write("long-1.csv", (["region,indicator,period,value,status"] + first).joined(separator: "\n")))
        var second = ["STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_STATUS"]
        for (offset, key) in keys.enumerated() {
            let value = offset % 6 == 0 ? 5000 + offset : 100 + offset
            second.append("dataflow,X,M,\(key.0),\(key.1),2024,\(value),\(offset % 10 == 0 ? "" : "A")")
        }
        for (offset, key) in keys.prefix(50).enumerated() { second.append("dataflow,X,M,\(key.0),\(key.1),2023,\(offset),") }
        let revised = try #require(try ingestor.ingest(try write("long-2.csv", second.joined(separator: "\n"))).outcome)
        #expect(keys.count == 600)
        #expect(revised.rowsRevised == 100 && revised.rowsNew == 50 && revised.rowsUnchanged == 500)
        #expect(try count("SELECT count(*) FROM superseded_values WHERE superseded_by = \(revised.submissionID)") == 100)
        // A dropped status under Merge kept the stored one.
        #expect(try count("SELECT count(*) FROM current_values WHERE status IS NULL") == 50)
        #expect(try count("SELECT count(*) FROM current_observations WHERE period = '2024' AND status = 'A'") == 600)
    }

    static let villages = registry.allUnits.filter { $0.level == .village && $0.code.description.hasPrefix("1301") }.prefix(100)
        .map(\.code.description)
    static let header = "region,indicator,period,value,status"

    /// A long CSV of 300 rows in the store's key order (a village's three indicators, village after
    /// village), so that the store merges it while it is read.
    static func rowsInKeyOrder() -> [String] {
        var rows = [header]
        for (offset, village) in villages.enumerated() {
            for indicator in ["HH_TAP_WATER", "HOUSEHOLDS", "POPULATION"] { rows.append("\(village),\(indicator),2024,\(500 + offset),A") }
        }
        return rows
    }

    /// A file in key order is merged while it is read; when a later row breaks the order with a
    /// contradicting repeat, what was merged is taken back and the file goes the settled way: the
    /// repeated key is rejected whole, a revision made while reading leaves exactly one history row.
    @Test func aFileThatBreaksItsOrderLateIsSettledWhole() throws {
        let (villages, header) = (Self.villages, Self.header)
        _ = try ingestor.ingest(try write("base.csv", "\(header)\n\(villages[0]),HOUSEHOLDS,2024,10,A\n\(villages[1]),HOUSEHOLDS,2024,11,A"))
        var rows = Self.rowsInKeyOrder()
        rows.append("\(villages[1]),HOUSEHOLDS,2024,999,A")  // contradicts line 6, long after 256 rows were merged
        let outcome = try #require(try ingestor.ingest(try write("late.csv", rows.joined(separator: "\n"))).outcome)
        #expect(outcome.rowsRejected == 2)
        #expect(outcome.rowsRevised == 1 && outcome.rowsNew == 298 && outcome.rowsUnchanged == 0, "\(outcome)")
        let history = try store.pool.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT value, superseded_by FROM observations WHERE indicator = 'HOUSEHOLDS' AND region IN (\(villages[0]), \(villages[1])) ORDER BY region, submission_id"
            ).map { "\($0["value"] as Double) \(($0["superseded_by"] as Int?).map(String.init) ?? "current")" }
        }
        #expect(history == ["10.0 \(outcome.submissionID)", "500.0 current", "11.0 current"])
        #expect(try count("SELECT count(*) FROM current_values") == 300)
    }

    /// A file merged while it is read and then rejected whole (above the error threshold) leaves the
    /// values as they were.
    @Test func aFileRejectedWholeAfterMergingWhileReadingLeavesNoTrace() throws {
        let (villages, header) = (Self.villages, Self.header)
        _ = try ingestor.ingest(try write("base.csv", "\(header)\n\(villages[0]),HOUSEHOLDS,2024,10,A"))
        var rows = Self.rowsInKeyOrder()
        rows += (0..<200).map { "\(villages[$0 % 100]),NO_SUCH_INDICATOR,2024,1,A" }
        var options = IngestOptions()
        options.defaultSender = Jurisdiction(sender: "CN_1301", root: try RegionCode("1301"))
        options.policy = .submissionAbove(errorRate: 0.1)
        let strict = SubmissionIngestor(
            store: store, registries: RegistryEditions([Self.registry]), catalog: Self.catalog, options: options, runID: nil, rejectsLog: nil)
        let outcome = try #require(try strict.ingest(try write("bad.csv", rows.joined(separator: "\n"))).outcome)
        #expect(outcome.status == .rejected)
        #expect(try current() == ["\(villages[0]) HOUSEHOLDS 2024 10.0 A"])
        #expect(try count("SELECT count(*) FROM superseded_values") == 0)
        #expect(try count("SELECT count(*) FROM submission_partitions WHERE submission_id = \(outcome.submissionID)") == 0)
    }

    @Test func aChangedFileIsARevisionWithHistory() throws {
        _ = try ingestor.ingest(try write("a.csv", Self.first))
        let revised = try ingestor.ingest(
            try write(
                "a-v2.csv",
                Self.first.replacingOccurrences(of: "412,A", with: "415,A")
                    .replacingOccurrences(of: "150,E", with: "150,A")))
        #expect(revised.outcome?.rowsRevised == 2)
        #expect(revised.outcome?.rowsUnchanged == 1)
        #expect(
            try current() == [
                "130121101201 HOUSEHOLDS 2024 415.0 A", "130121101202 HOUSEHOLDS 2024 388.0 A", "130121101203 HOUSEHOLDS 2024 150.0 A",
            ])
        // The earlier versions stay, superseded by the revising submission.
        let history = try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT value, submission_id, superseded_by FROM observations WHERE region = 130121101201 ORDER BY submission_id")
                .map { "\($0["value"] as Double) \($0["submission_id"] as Int) \(($0["superseded_by"] as Int?).map(String.init) ?? "current")" }
        }
        #expect(history == ["412.0 1 2", "415.0 2 current"])
    }

    @Test func actionsApplyInDocumentOrder() throws {
        _ = try ingestor.ingest(try write("a.csv", Self.first + "\n130121101201,POPULATION,2024,1290,A\n"))
        let delta = """
            STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_STATUS
            dataflow,X,D,130121101201,,2024,,
            dataflow,X,R,130121101201,HOUSEHOLDS,2024,420,
            dataflow,X,M,130121101203,HOUSEHOLDS,2024,151,
            dataflow,X,M,130121101204,HOUSEHOLDS,2024,99,P
            """
        let result = try ingestor.ingest(try write("delta.csv", delta))
        #expect(result.outcome?.rowsDeleted == 2)
        #expect(
            try current() == [
                "130121101201 HOUSEHOLDS 2024 420.0 -",  // deleted with POPULATION, then replaced: no status
                "130121101202 HOUSEHOLDS 2024 388.0 A",
                "130121101203 HOUSEHOLDS 2024 151.0 E",  // a merge without a status keeps the earlier one
                "130121101204 HOUSEHOLDS 2024 99.0 P",
            ])
    }

    @Test func anUnreadableFileLeavesTheStoreUnchanged() throws {
        _ = try ingestor.ingest(try write("a.csv", Self.first))
        let before = try current()
        let broken = try write("broken.csv", "region,indicator,period,value\n130121101201,HOUSEHOLDS,2024,500\n130121101202,HOUSEHOLDS,2024,\"7\n")
        let result = try ingestor.ingest(broken)
        guard case .unreadable(let reason) = result.kind else {
            Issue.record("expected unreadable")
            return
        }
        #expect(reason.contains("unbalanced_quote"))
        #expect(try current() == before)
        #expect(try count("SELECT count(*) FROM observations") == 3)
        #expect(try count("SELECT count(*) FROM submissions WHERE status = 'rejected' AND reason LIKE 'unbalanced_quote%'") == 1)
        #expect(try count("SELECT count(*) FROM rejects WHERE rule = 'unreadable_file'") == 1)
        // Offered again under the same conditions, it is not read again (it would fail the same way), and says so.
        guard case .alreadySeen(let earlier) = try ingestor.ingest(broken).kind, earlier.status == .rejected else {
            Issue.record("expected rejected before")
            return
        }
        #expect(try count("SELECT count(*) FROM submissions WHERE status = 'rejected'") == 1)
        // A retry reads it again (and it fails again, recorded as a second attempt).
        ingestor.retryRejected = true
        guard case .unreadable = try ingestor.ingest(broken).kind else {
            Issue.record("expected unreadable again")
            return
        }
        #expect(try count("SELECT count(*) FROM submissions WHERE status = 'rejected'") == 2)
    }

    @Test func aSubmissionAboveTheErrorThresholdIsRejectedWhole() throws {
        var options = IngestOptions()
        options.defaultSender = Jurisdiction(sender: "CN_1301", root: try RegionCode("1301"))
        options.policy = .submissionAbove(errorRate: 0.2)
        let strict = SubmissionIngestor(
            store: store, registries: RegistryEditions([Self.registry]), catalog: Self.catalog,
            options: options, runID: nil, rejectsLog: nil)
        let result = try strict.ingest(try write("bad.csv", Self.first + "\n130121101204,HOUSEHOLDS,2024,-1,A\n"))
        #expect(result.kind == .rejected)
        #expect(result.outcome?.rowsRejected == 4)
        #expect(try current().isEmpty)
        #expect(try count("SELECT count(*) FROM rejects WHERE rule IN ('value_out_of_range', 'submission_rejected')") == 2)
    }

    static func message(id: String, value: String, test: Bool = false) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <message:StructureSpecificData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" xmlns:ss="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific">
        <message:Header><message:ID>\(id)</message:ID><message:Test>\(test)</message:Test><message:Prepared>2025-01-10T09:00:00</message:Prepared><message:Sender id="CN_130121"/></message:Header>
        <message:DataSet ss:action="Replace"><Series REF_AREA="130121101201" INDICATOR="HOUSEHOLDS"><Obs TIME_PERIOD="2024" OBS_VALUE="\(value)"/></Series></message:DataSet>
        </message:StructureSpecificData>
        """
    }

    @Test func aReusedMessageIDWithOtherContentIsRejected() throws {
        #expect(try ingestor.ingest(try write("m1.xml", Self.message(id: "M-1", value: "400"))).kind == .applied)
        let reused = try ingestor.ingest(try write("m1-changed.xml", Self.message(id: "M-1", value: "401")))
        #expect(reused.kind == .rejected)
        #expect(reused.outcome?.reason?.contains("message ID 'M-1' of sender 'CN_130121' was already used") == true)
        #expect(try current() == ["130121101201 HOUSEHOLDS 2024 400.0 -"])
        #expect(try ingestor.ingest(try write("m2.xml", Self.message(id: "M-2", value: "401"))).kind == .applied)
        #expect(try current() == ["130121101201 HOUSEHOLDS 2024 401.0 -"])
    }

    @Test func aTestMessageIsCheckedButNotApplied() throws {
        let result = try ingestor.ingest(try write("t.xml", Self.message(id: "T-1", value: "400", test: true)))
        #expect(result.kind == .test)
        #expect(try current().isEmpty)
    }

    @Test func duplicateKeysAreSettledByTheStore() throws {
        let text = Self.first + "\n130121101201,HOUSEHOLDS,2024,412,A\n130121101202,HOUSEHOLDS,2024,389,A\n"
        let result = try ingestor.ingest(try write("dups.csv", text))
        #expect(result.outcome?.duplicatesMerged == 1)
        #expect(result.outcome?.rowsRejected == 2)
        #expect(try current() == ["130121101201 HOUSEHOLDS 2024 412.0 A", "130121101203 HOUSEHOLDS 2024 150.0 E"])
        let lines = try store.pool.read { try Int.fetchAll($0, sql: "SELECT line FROM rejects WHERE rule = 'duplicate_contradictory' ORDER BY line") }
        #expect(lines == [3, 6])
    }

    @Test func rejectedRowsReachTheRejectsCSV() throws {
        let path = folder.appendingPathComponent("out/rejects.csv").path
        let log = try RejectsCSV(path: path)
        var options = IngestOptions()
        options.defaultSender = Jurisdiction(sender: "CN_1301", root: try RegionCode("1301"))
        let logging = SubmissionIngestor(
            store: store, registries: RegistryEditions([Self.registry]), catalog: Self.catalog,
            options: options, runID: nil, rejectsLog: log)
        _ = try logging.ingest(try write("r.csv", Self.first + "\n130221101201,HOUSEHOLDS,2024,=1+1,A\n"))
        try log.close()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix("file,line,element,column,key,rule,severity,value,message\n"))
        #expect(text.contains(",5,,region,130221101201|HOUSEHOLDS|2024,outside_jurisdiction,error,130221101201,"))
        // A value that a spreadsheet would run as a formula is written as text.
        #expect(text.contains(",5,,value,130221101201|HOUSEHOLDS|2024,value_not_numeric,error,'=1+1,"))
    }

    @Test func severalFilesAreReadInParallelAndAppliedInOrder() throws {
        let files = try (1...6).map { index in
            try write("f\(index).csv", "region,indicator,period,value\n13012110120\(index),HOUSEHOLDS,2024,\(100 + index)\n")
        }
        let copy = try write("f1-again.csv", "region,indicator,period,value\n130121101201,HOUSEHOLDS,2024,101\n")
        let broken = try write(
            "broken.xml",
            "<?xml version=\"1.0\"?><message:GenericData xmlns:message=\"http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message\"><message:DataSet>")
        let results = try ingestor.ingest(files + [copy, broken, files[2]], readers: 2)
        #expect(results.map(\.file) == files + [copy, broken, files[2]])
        #expect(results.prefix(6).allSatisfy { $0.kind == .applied })
        guard case .alreadySeen = results[6].kind, case .unreadable = results[7].kind, case .alreadySeen = results[8].kind else {
            Issue.record("got \(results.map(\.kind))")
            return
        }
        #expect(try current().count == 6)
    }

    @Test(
        "every kind of unreadable file leaves the store unchanged",
        arguments: [
            ("cut.csv.gz", [UInt8](), "truncated_compression"),
            (
                "broken.xml",
                Array(
                    "<?xml version=\"1.0\"?><message:GenericData xmlns:message=\"http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message\"><message:DataSet><x></message:DataSet>"
                        .utf8), "malformed_xml"
            ),
            ("xxe.xml", Array("<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><m>&e;</m>".utf8), "forbidden_dtd"),
            (
                "bomb.xml",
                Array("<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><m>&b;</m>".utf8),
                "forbidden_dtd"
            ),
            ("quote.csv", Array("region,indicator,period,value\n130121101201,HOUSEHOLDS,2024,\"5\n".utf8), "unbalanced_quote"),
            ("header.csv", Array("what,ever\n1,2\n".utf8), "malformed_header"),
        ])
    func unreadableLeavesStoreUnchanged(name: String, bytes: [UInt8], rule: String) throws {
        _ = try ingestor.ingest(try write("a.csv", Self.first))
        let before = try current()
        var content = bytes
        if content.isEmpty {
            // A gzip file cut short.
            let plain = try write("plain.csv", Self.first + String(repeating: "\n130121101204,HOUSEHOLDS,2024,7", count: 3000))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/gzip")
            process.arguments = ["-k", "-f", plain]
            try process.run()
            process.waitUntilExit()
            let whole = try Data(contentsOf: URL(fileURLWithPath: plain + ".gz"))
            content = Array(whole.prefix(whole.count / 2))
        }
        let path = folder.appendingPathComponent(name).path
        try Data(content).write(to: URL(fileURLWithPath: path))
        let result = try ingestor.ingest(path)
        guard case .unreadable(let reason) = result.kind else {
            Issue.record("expected unreadable, got \(result.kind)")
            return
        }
        #expect(reason.contains(rule))
        #expect(try current() == before)
        #expect(try count("SELECT count(*) FROM observations") == 3)
        #expect(try count("SELECT count(*) FROM rejects WHERE rule = 'unreadable_file' AND message LIKE '\(rule)%'") == 1)
    }
}
