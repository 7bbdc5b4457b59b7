import Foundation
import RuralstatIngest
import RuralstatModel
@testable import RuralstatPipeline
import RuralstatReport
import RuralstatStore
import Testing
import TestSupport

/// Ingest into a real store, on each backend (SQLite, and PostgreSQL when a test server is given):
/// whole or nothing, at most once, revisions with history, actions. What the store interface does
/// not show (history, partitions) is read with each backend's own SQL.
@Suite("Ingest into the store")
struct IngestIntoStoreTests {
    static let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let catalog = try! ReferenceFiles.loadCatalog(path: projectRoot.appendingPathComponent("pipelines/indicators.yaml").path)
    static let registry = try! ReferenceFiles.loadRegistry(paths: [projectRoot.appendingPathComponent("sample-data/registry/regions_2023.csv").path])

    /// A store of one backend with the sample registry, and an ingestor for Shijiazhuang's (1301) files.
    final class Fixture {
        let scratch: ScratchStore
        var ingestor: SubmissionIngestor
        var store: any IndicatorStore { scratch.store }

        init(_ backend: StoreBackend) throws {
            scratch = try ScratchStore(backend)
            try scratch.store.saveRegistry(IngestIntoStoreTests.registry)
            ingestor = SubmissionIngestor(
                store: scratch.store, registries: RegistryEditions([IngestIntoStoreTests.registry]), catalog: IngestIntoStoreTests.catalog,
                options: try Self.options(), runID: nil, rejectsLog: nil)
        }

        static func options(errorRate: Double? = nil) throws -> IngestOptions {
            var options = IngestOptions()
            options.defaultSender = Jurisdiction(sender: "CN_1301", root: try RegionCode("1301"))
            options.batchSize = 3
            if let errorRate { options.policy = .submissionAbove(errorRate: errorRate) }
            return options
        }

        /// Another ingestor on the same store.
        func ingestor(options: IngestOptions, rejectsLog: RejectsCSV? = nil) -> SubmissionIngestor {
            SubmissionIngestor(
                store: store, registries: RegistryEditions([IngestIntoStoreTests.registry]), catalog: IngestIntoStoreTests.catalog,
                options: options, runID: nil, rejectsLog: rejectsLog)
        }

        func write(_ name: String, _ text: String) throws -> String { try scratch.folder.write(name, text) }

        /// The store's current values as `region indicator period value status` lines.
        func current() throws -> [String] { try scratch.current() }

        /// A count, in each backend's SQL.
        func count(sqlite: String, postgresql: String) throws -> Int {
            Int(try scratch.texts(sqlite: sqlite, postgresql: postgresql).first ?? "") ?? -1
        }

        /// Every version of the values of `indicator` at `regions` (current and superseded), by region
        /// and submission: `value submission superseded-by` (or `current`).
        func history(_ indicator: String, regions: [String]) throws -> [String] {
            let list = regions.joined(separator: ", ")
            let rows = try scratch.texts(
                sqlite: """
                    SELECT value || '|' || submission_id || '|' || coalesce(superseded_by, 'current') FROM observations
                    WHERE indicator = '\(indicator)' AND region IN (\(list)) ORDER BY region, submission_id
                    """,
                postgresql: """
                    SELECT value || '|' || submission_id || '|' || superseded FROM (
                        SELECT region, submission_id, value, 'current' AS superseded FROM ruralstat.observations
                        WHERE indicator = '\(indicator)' AND region IN (\(list))
                        UNION ALL SELECT region, submission_id, value, superseded_by::text FROM ruralstat.superseded_observations
                        WHERE indicator = '\(indicator)' AND region IN (\(list))) versions
                    ORDER BY region, submission_id
                    """)
            return rows.map { row in
                let parts = row.split(separator: "|").map(String.init)
                return "\(Double(parts[0]).map { String($0) } ?? parts[0]) \(parts[1]) \(parts[2])"
            }
        }

        /// Rejects with one of these rules.
        func rejects(_ rules: Set<String>) throws -> [ValidationProblem] {
            try store.storedRejects().filter { rules.contains($0.rule.rawValue) }
        }
    }

    static let first = """
        region,indicator,period,value,status
        130121101201,HOUSEHOLDS,2024,412,A
        130121101202,HOUSEHOLDS,2024,388,A
        130121101203,HOUSEHOLDS,2024,150,E
        """

    @Test(arguments: StoreBackend.available)
    func applyingTwiceChangesNothing(backend: StoreBackend) throws {
        let fixture = try Fixture(backend)
        let path = try fixture.write("a.csv", Self.first)
        let result = try fixture.ingestor.ingest(path)
        #expect(result.kind == .applied)
        #expect(result.outcome?.rowsNew == 3)
        let before = try fixture.current()
        let again = try fixture.ingestor.ingest(path)
        guard case .alreadySeen(let earlier) = again.kind else {
            Issue.record("expected already seen, got \(again.kind)")
            return
        }
        #expect(earlier.id == result.outcome?.submissionID)
        #expect(try fixture.current() == before)
        #expect(try fixture.store.ledger().count == 1)
        #expect(try fixture.store.summary().currentObservations == 3)
    }

    /// Files long enough to be applied many rows to a statement, counted by hand: 600 values, then
    /// the same 600 keys with every sixth value changed and every tenth status dropped under Merge
    /// (which keeps the stored status, so it changes nothing), and 50 keys more.
    @Test(arguments: StoreBackend.available)
    func longFilesAreCountedRowByRow(backend: StoreBackend) throws {
        let fixture = try Fixture(backend)
        let villages = Self.registry.allUnits.filter { $0.level == .village && $0.code.description.hasPrefix("1301") }.prefix(100)
        let indicators = ["HOUSEHOLDS", "POPULATION", "HH_TAP_WATER", "HH_SANITARY_TOILET", "GRAIN_OUTPUT", "MONITORED_HOUSEHOLDS"]
        var keys: [(String, String)] = []
        for village in villages { for indicator in indicators { keys.append((village.code.description, indicator)) } }
        let first = keys.enumerated().map { "\($0.element.0),\($0.element.1),2024,\(100 + $0.offset),A" }
        _ = try fixture.ingestor.ingest(try fixture.write("long-1.csv", (["region,indicator,period,value,status"] + first).joined(separator: "\n")))
        var second = ["STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_STATUS"]
        for (offset, key) in keys.enumerated() {
            let value = offset % 6 == 0 ? 5000 + offset : 100 + offset
            second.append("dataflow,X,M,\(key.0),\(key.1),2024,\(value),\(offset % 10 == 0 ? "" : "A")")
        }
        for (offset, key) in keys.prefix(50).enumerated() { second.append("dataflow,X,M,\(key.0),\(key.1),2023,\(offset),") }
        let revised = try #require(try fixture.ingestor.ingest(try fixture.write("long-2.csv", second.joined(separator: "\n"))).outcome)
        #expect(keys.count == 600)
        #expect(revised.rowsRevised == 100 && revised.rowsNew == 50 && revised.rowsUnchanged == 500)
        #expect(
            try fixture.count(
                sqlite: "SELECT count(*) FROM superseded_values WHERE superseded_by = \(revised.submissionID)",
                postgresql: "SELECT count(*)::text FROM ruralstat.superseded_observations WHERE superseded_by = \(revised.submissionID)") == 100)
        // A dropped status under Merge kept the stored one.
        let current = try fixture.current()
        #expect(current.count { $0.hasSuffix(" -") } == 50)
        #expect(current.count { $0.contains(" 2024 ") && $0.hasSuffix(" A") } == 600)
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
    @Test(arguments: StoreBackend.available)
    func aFileThatBreaksItsOrderLateIsSettledWhole(backend: StoreBackend) throws {
        let fixture = try Fixture(backend)
        let (villages, header) = (Self.villages, Self.header)
        _ = try fixture.ingestor.ingest(try fixture.write("base.csv", "\(header)\n\(villages[0]),HOUSEHOLDS,2024,10,A\n\(villages[1]),HOUSEHOLDS,2024,11,A"))
        var rows = Self.rowsInKeyOrder()
        rows.append("\(villages[1]),HOUSEHOLDS,2024,999,A")  // contradicts line 6, long after 256 rows were merged
        let outcome = try #require(try fixture.ingestor.ingest(try fixture.write("late.csv", rows.joined(separator: "\n"))).outcome)
        #expect(outcome.rowsRejected == 2)
        #expect(outcome.rowsRevised == 1 && outcome.rowsNew == 298 && outcome.rowsUnchanged == 0, "\(outcome)")
        let id = outcome.submissionID
        #expect(try fixture.history("HOUSEHOLDS", regions: [villages[0], villages[1]]) == ["10.0 1 \(id)", "500.0 \(id) current", "11.0 1 current"])
        #expect(try fixture.store.summary().currentObservations == 300)
    }

    /// A file merged while it is read and then rejected whole (above the error threshold) leaves the
    /// values as they were.
    @Test(arguments: StoreBackend.available)
    func aFileRejectedWholeAfterMergingWhileReadingLeavesNoTrace(backend: StoreBackend) throws {
        let fixture = try Fixture(backend)
        let (villages, header) = (Self.villages, Self.header)
        _ = try fixture.ingestor.ingest(try fixture.write("base.csv", "\(header)\n\(villages[0]),HOUSEHOLDS,2024,10,A"))
        var rows = Self.rowsInKeyOrder()
        rows += (0..<200).map { "\(villages[$0 % 100]),NO_SUCH_INDICATOR,2024,1,A" }
        let strict = fixture.ingestor(options: try Fixture.options(errorRate: 0.1))
        let outcome = try #require(try strict.ingest(try fixture.write("bad.csv", rows.joined(separator: "\n"))).outcome)
        #expect(outcome.status == .rejected)
        #expect(try fixture.current() == ["\(villages[0]) HOUSEHOLDS 2024 10.0 A"])
        #expect(try fixture.store.summary().supersededObservations == 0)
        #expect(
            try fixture.count(
                sqlite: "SELECT count(*) FROM submission_partitions WHERE submission_id = \(outcome.submissionID)",
                postgresql: "SELECT count(*)::text FROM ruralstat.submission_partitions WHERE submission_id = \(outcome.submissionID)") == 0)
    }

    @Test(arguments: StoreBackend.available)
    func aChangedFileIsARevisionWithHistory(backend: StoreBackend) throws {
        let fixture = try Fixture(backend)
        _ = try fixture.ingestor.ingest(try fixture.write("a.csv", Self.first))
        let revised = try fixture.ingestor.ingest(
            try fixture.write(
                "a-v2.csv",
                Self.first.replacingOccurrences(of: "412,A", with: "415,A")
                    .replacingOccurrences(of: "150,E", with: "150,A")))
        #expect(revised.outcome?.rowsRevised == 2)
        #expect(revised.outcome?.rowsUnchanged == 1)
        #expect(
            try fixture.current() == [
                "130121101201 HOUSEHOLDS 2024 415.0 A", "130121101202 HOUSEHOLDS 2024 388.0 A", "130121101203 HOUSEHOLDS 2024 150.0 A",
            ])
        // The earlier versions stay, superseded by the revising submission.
        #expect(try fixture.history("HOUSEHOLDS", regions: ["130121101201"]) == ["412.0 1 2", "415.0 2 current"])
    }

    @Test(arguments: StoreBackend.available)
    func actionsApplyInDocumentOrder(backend: StoreBackend) throws {
        let fixture = try Fixture(backend)
        _ = try fixture.ingestor.ingest(try fixture.write("a.csv", Self.first + "\n130121101201,POPULATION,2024,1290,A\n"))
        let delta = """
            STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_STATUS
            dataflow,X,D,130121101201,,2024,,
            dataflow,X,R,130121101201,HOUSEHOLDS,2024,420,
            dataflow,X,M,130121101203,HOUSEHOLDS,2024,151,
            dataflow,X,M,130121101204,HOUSEHOLDS,2024,99,P
            """
        let result = try fixture.ingestor.ingest(try fixture.write("delta.csv", delta))
        #expect(result.outcome?.rowsDeleted == 2)
        #expect(
            try fixture.current() == [
                "130121101201 HOUSEHOLDS 2024 420.0 -",  // deleted with POPULATION, then replaced: no status
                "130121101202 HOUSEHOLDS 2024 388.0 A",
                "130121101203 HOUSEHOLDS 2024 151.0 E",  // a merge without a status keeps the earlier one
                "130121101204 HOUSEHOLDS 2024 99.0 P",
            ])
    }

    @Test(arguments: StoreBackend.available)
    func anUnreadableFileLeavesTheStoreUnchanged(backend: StoreBackend) throws {
        let fixture = try Fixture(backend)
        _ = try fixture.ingestor.ingest(try fixture.write("a.csv", Self.first))
        let before = try fixture.current()
        let broken = try fixture.write("broken.csv", "region,indicator,period,value\n130121101201,HOUSEHOLDS,2024,500\n130121101202,HOUSEHOLDS,2024,\"7\n")
        let result = try fixture.ingestor.ingest(broken)
        guard case .unreadable(let reason) = result.kind else {
            Issue.record("expected unreadable")
            return
        }
        #expect(reason.contains("unbalanced_quote"))
        #expect(try fixture.current() == before)
        #expect(try fixture.store.summary().currentObservations == 3)
        let rejected = try fixture.store.ledger(SubmissionFilter(statuses: [.rejected]))
        #expect(rejected.count { $0.reason?.hasPrefix("unbalanced_quote") == true } == 1)
        #expect(try fixture.rejects(["unreadable_file"]).count == 1)
        // Offered again under the same conditions, it is not read again (it would fail the same way), and says so.
        guard case .alreadySeen(let earlier) = try fixture.ingestor.ingest(broken).kind, earlier.status == .rejected else {
            Issue.record("expected rejected before")
            return
        }
        #expect(try fixture.store.ledger(SubmissionFilter(statuses: [.rejected])).count == 1)
        // A retry reads it again (and it fails again, recorded as a second attempt).
        fixture.ingestor.retryRejected = true
        guard case .unreadable = try fixture.ingestor.ingest(broken).kind else {
            Issue.record("expected unreadable again")
            return
        }
        #expect(try fixture.store.ledger(SubmissionFilter(statuses: [.rejected])).count == 2)
    }

    @Test(arguments: StoreBackend.available)
    func aSubmissionAboveTheErrorThresholdIsRejectedWhole(backend: StoreBackend) throws {
        let fixture = try Fixture(backend)
        let strict = fixture.ingestor(options: try Fixture.options(errorRate: 0.2))
        let result = try strict.ingest(try fixture.write("bad.csv", Self.first + "\n130121101204,HOUSEHOLDS,2024,-1,A\n"))
        #expect(result.kind == .rejected)
        #expect(result.outcome?.rowsRejected == 4)
        #expect(try fixture.current().isEmpty)
        #expect(try fixture.rejects(["value_out_of_range", "submission_rejected"]).count == 2)
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

    @Test(arguments: StoreBackend.available)
    func aReusedMessageIDWithOtherContentIsRejected(backend: StoreBackend) throws {
        let fixture = try Fixture(backend)
        #expect(try fixture.ingestor.ingest(try fixture.write("m1.xml", Self.message(id: "M-1", value: "400"))).kind == .applied)
        let reused = try fixture.ingestor.ingest(try fixture.write("m1-changed.xml", Self.message(id: "M-1", value: "401")))
        #expect(reused.kind == .rejected)
        #expect(reused.outcome?.reason?.contains("message ID 'M-1' of sender 'CN_130121' was already used") == true)
        #expect(try fixture.current() == ["130121101201 HOUSEHOLDS 2024 400.0 -"])
        #expect(try fixture.ingestor.ingest(try fixture.write("m2.xml", Self.message(id: "M-2", value: "401"))).kind == .applied)
        #expect(try fixture.current() == ["130121101201 HOUSEHOLDS 2024 401.0 -"])
    }

    @Test(arguments: StoreBackend.available)
    func aTestMessageIsCheckedButNotApplied(backend: StoreBackend) throws {
        let fixture = try Fixture(backend)
        let result = try fixture.ingestor.ingest(try fixture.write("t.xml", Self.message(id: "T-1", value: "400", test: true)))
        #expect(result.kind == .test)
        #expect(try fixture.current().isEmpty)
    }

    @Test(arguments: StoreBackend.available)
    func duplicateKeysAreSettledByTheStore(backend: StoreBackend) throws {
        let fixture = try Fixture(backend)
        let text = Self.first + "\n130121101201,HOUSEHOLDS,2024,412,A\n130121101202,HOUSEHOLDS,2024,389,A\n"
        let result = try fixture.ingestor.ingest(try fixture.write("dups.csv", text))
        #expect(result.outcome?.duplicatesMerged == 1)
        #expect(result.outcome?.rowsRejected == 2)
        #expect(try fixture.current() == ["130121101201 HOUSEHOLDS 2024 412.0 A", "130121101203 HOUSEHOLDS 2024 150.0 E"])
        let lines = try fixture.rejects(["duplicate_contradictory"]).compactMap(\.location.line).sorted()
        #expect(lines == [3, 6])
    }

    @Test(arguments: StoreBackend.available)
    func rejectedRowsReachTheRejectsCSV(backend: StoreBackend) throws {
        let fixture = try Fixture(backend)
        let path = fixture.scratch.folder.path("out/rejects.csv")
        let log = try RejectsCSV(path: path)
        let logging = fixture.ingestor(options: try Fixture.options(), rejectsLog: log)
        _ = try logging.ingest(try fixture.write("r.csv", Self.first + "\n130221101201,HOUSEHOLDS,2024,=1+1,A\n"))
        try log.close()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix("file,line,element,column,key,rule,severity,value,message\n"))
        #expect(text.contains(",5,,region,130221101201|HOUSEHOLDS|2024,outside_jurisdiction,error,130221101201,"))
        // A value that a spreadsheet would run as a formula is written as text.
        #expect(text.contains(",5,,value,130221101201|HOUSEHOLDS|2024,value_not_numeric,error,'=1+1,"))
    }

    @Test(arguments: StoreBackend.available)
    func severalFilesAreReadInParallelAndAppliedInOrder(backend: StoreBackend) throws {
        let fixture = try Fixture(backend)
        let files = try (1...6).map { index in
            try fixture.write("f\(index).csv", "region,indicator,period,value\n13012110120\(index),HOUSEHOLDS,2024,\(100 + index)\n")
        }
        let copy = try fixture.write("f1-again.csv", "region,indicator,period,value\n130121101201,HOUSEHOLDS,2024,101\n")
        let broken = try fixture.write(
            "broken.xml",
            "<?xml version=\"1.0\"?><message:GenericData xmlns:message=\"http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message\"><message:DataSet>")
        let results = try fixture.ingestor.ingest(files + [copy, broken, files[2]], readers: 2)
        #expect(results.map(\.file) == files + [copy, broken, files[2]])
        #expect(results.prefix(6).allSatisfy { $0.kind == .applied })
        guard case .alreadySeen = results[6].kind, case .unreadable = results[7].kind, case .alreadySeen = results[8].kind else {
            Issue.record("got \(results.map(\.kind))")
            return
        }
        #expect(try fixture.current().count == 6)
    }

    @Test(
        "every kind of unreadable file leaves the store unchanged",
        arguments: StoreBackend.available,
        [
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
    func unreadableLeavesStoreUnchanged(backend: StoreBackend, file: (name: String, bytes: [UInt8], rule: String)) throws {
        let fixture = try Fixture(backend)
        let (name, bytes, rule) = file
        _ = try fixture.ingestor.ingest(try fixture.write("a.csv", Self.first))
        let before = try fixture.current()
        var content = bytes
        if content.isEmpty {
            // A gzip file cut short.
            let plain = try fixture.write("plain.csv", Self.first + String(repeating: "\n130121101204,HOUSEHOLDS,2024,7", count: 3000))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/gzip")
            process.arguments = ["-k", "-f", plain]
            try process.run()
            process.waitUntilExit()
            let whole = try Data(contentsOf: URL(fileURLWithPath: plain + ".gz"))
            content = Array(whole.prefix(whole.count / 2))
        }
        let path = fixture.scratch.folder.path(name)
        try Data(content).write(to: URL(fileURLWithPath: path))
        let result = try fixture.ingestor.ingest(path)
        guard case .unreadable(let reason) = result.kind else {
            Issue.record("expected unreadable, got \(result.kind)")
            return
        }
        #expect(reason.contains(rule))
        #expect(try fixture.current() == before)
        #expect(try fixture.store.summary().currentObservations == 3)
        #expect(try fixture.rejects(["unreadable_file"]).count { $0.message.hasPrefix(rule) } == 1)
    }
}
