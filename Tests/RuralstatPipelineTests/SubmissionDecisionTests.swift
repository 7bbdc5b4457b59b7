import Foundation
import GRDB
import Testing
import TestSupport
@testable import RuralstatPipeline
import RuralstatIngest
import RuralstatModel
@testable import RuralstatStore

/// A file rejected for a reason outside its content can be offered again once that is fixed;
/// `retire` marks it never to apply; every decision is recorded (defect 4).
@Suite("Rejected submissions can be offered again")
struct SubmissionDecisionTests {
    /// A store of one backend with the sample registry.
    final class Fixture {
        let scratch: ScratchStore
        var store: any IndicatorStore { scratch.store }
        var folder: TemporaryFolder { scratch.folder }

        init(_ backend: StoreBackend) throws {
            scratch = try ScratchStore(backend)
            try scratch.store.saveRegistry(IngestIntoStoreTests.registry)
        }

        func ingestor(sender: String? = nil, maxErrorRate: Double? = nil, catalog: IndicatorCatalog = IngestIntoStoreTests.catalog) -> SubmissionIngestor {
            var options = IngestOptions()
            if let sender { options.defaultSender = Jurisdiction.resolve(sender: sender) }
            if let maxErrorRate { options.policy = .submissionAbove(errorRate: maxErrorRate) }
            return SubmissionIngestor(
                store: store, registries: RegistryEditions([IngestIntoStoreTests.registry]), catalog: catalog,
                options: options, runID: nil, rejectsLog: nil)
        }

        func rejects(severity: Severity) throws -> Int { try store.storedRejects().count { $0.severity == severity } }
    }

    static let rows = """
        region,indicator,period,value
        130121101201,HOUSEHOLDS,2024,412
        130121101202,HOUSEHOLDS,2024,388
        130121101299,HOUSEHOLDS,2024,17
        """

    @Test(arguments: StoreBackend.available)
    func aFileWithoutASenderIsRejectedNotUnreadableAndIsTakenOnceTheSenderIsGiven(backend: StoreBackend) throws {
        let fixture = try Fixture(backend)
        let path = try fixture.folder.write("plain.csv", Self.rows)
        let first = try fixture.ingestor().ingest(path)
        guard case .refused(let reason) = first.kind else {
            Issue.record("expected rejected (not unreadable), got \(first.kind)")
            return
        }
        #expect(reason.contains("the file names no sender"))
        #expect(IngestSummary.line(first).contains("REJECTED: ") && !IngestSummary.line(first).contains("unreadable"))
        // The corrected command takes the same file.
        let second = try fixture.ingestor(sender: "CN_130121").ingest(path)
        #expect(second.kind == .applied)
        #expect(second.earlierAttempt?.id == first.submissionID)
        #expect(IngestSummary.line(second).contains("offered before as submission \(first.submissionID!)"))
        #expect(try fixture.store.summary().currentObservations == 2)
        // Now applied, it blocks its content.
        guard case .alreadySeen = try fixture.ingestor(sender: "CN_130121").ingest(path).kind else {
            Issue.record("expected already seen")
            return
        }
    }

    @Test(arguments: StoreBackend.available)
    func aFileOverTheThresholdIsTakenWhenTheThresholdOrTheRegistryAllowsIt(backend: StoreBackend) throws {
        let fixture = try Fixture(backend)
        let path = try fixture.folder.write("c.csv", Self.rows)
        #expect(try fixture.ingestor(sender: "CN_130121", maxErrorRate: 0.2).ingest(path).kind == .rejected)
        #expect(try fixture.store.summary().currentObservations == 0)
        let again = try fixture.ingestor(sender: "CN_130121", maxErrorRate: 0.5).ingest(path)
        #expect(again.kind == .applied && again.outcome?.rowsNew == 2)
    }

    @Test(arguments: StoreBackend.available)
    func aFileRejectedUnderTheSameConditionsIsNotReadAgainUntilSomethingChanges(backend: StoreBackend) throws {
        let fixture = try Fixture(backend)
        let path = try fixture.folder.write("same.csv", Self.rows)
        let rejected = try fixture.ingestor(sender: "CN_130121", maxErrorRate: 0.2).ingest(path)
        #expect(rejected.kind == .rejected)
        // The same file under the same registry, catalog and options: not read again, not a new rejection.
        let again = try fixture.ingestor(sender: "CN_130121", maxErrorRate: 0.2).ingest(path)
        guard case .alreadySeen(let earlier) = again.kind, earlier.status == .rejected else {
            Issue.record("expected rejected before, got \(again.kind)")
            return
        }
        #expect(!again.hasRejections)
        #expect(IngestSummary.line(again).contains("rejected before as submission \(rejected.submissionID!)"))
        #expect(try fixture.store.ledger().count == 1 && fixture.rejects(severity: .error) == 2)
        // The same content twice in one call, the first rejected: the second is said, not lost.
        let twice = try fixture.ingestor(sender: "CN_130121", maxErrorRate: 0.3).ingest([path, try fixture.folder.write("copy.csv", Self.rows)])
        #expect(twice.count == 2 && twice[0].kind == .rejected)
        guard case .alreadySeen(let first) = twice[1].kind else {
            Issue.record("expected the copy said as seen, got \(twice[1].kind)")
            return
        }
        #expect(first.id == twice[0].submissionID)
    }

    @Test(arguments: StoreBackend.available)
    func warningsAreNoRejections(backend: StoreBackend) throws {
        let fixture = try Fixture(backend)
        let path = try fixture.folder.write(
            "CN_130121_crlf.csv", Self.rows.replacingOccurrences(of: "\n", with: "\r").replacingOccurrences(of: "130121101299", with: "130121101203"))
        let run = try fixture.store.beginRun(command: "t", parameters: [:])
        var options = IngestOptions()
        options.senderFromFileName = "^(CN_[0-9]+)_"
        let result = try SubmissionIngestor(
            store: fixture.store, registries: RegistryEditions([IngestIntoStoreTests.registry]), catalog: IngestIntoStoreTests.catalog,
            options: options, runID: run, rejectsLog: nil
        ).ingest(path)
        #expect(result.kind == .applied && !result.hasRejections)
        #expect(try fixture.rejects(severity: .warning) == 1)
        #expect(try fixture.store.rejectCount(runs: [run]) == 0)
    }

    /// Many files with many rejected rows, read two at a time: files get their reading slots in order,
    /// so later files filling their queues never starve the one being applied.
    @Test(.timeLimit(.minutes(2)), arguments: StoreBackend.available)
    func manyRejectingFilesDoNotDeadlock(backend: StoreBackend) throws {
        let fixture = try Fixture(backend)
        var options = IngestOptions()
        options.defaultSender = Jurisdiction(sender: "CN_1301", root: try RegionCode("1301"))
        let ingestor = SubmissionIngestor(
            store: fixture.store, registries: RegistryEditions([IngestIntoStoreTests.registry]), catalog: IngestIntoStoreTests.catalog,
            options: options, runID: nil, rejectsLog: nil)
        let files = try (0..<8).map { file in
            try fixture.folder.write(
                "bad\(file).csv", "region,indicator,period,value\n" + (0..<6_000).map { "130121101201,HOUSEHOLDS,2024,x\(file)-\($0)" }.joined(separator: "\n"))
        }
        let results = try ingestor.ingest(files, readers: 2)
        #expect(results.count == 8 && results.allSatisfy { $0.outcome?.rowsRejected == 6_000 })
    }

    @Test(arguments: StoreBackend.available)
    func aRejectedMessageDoesNotUseUpItsMessageID(backend: StoreBackend) throws {
        let fixture = try Fixture(backend)
        let bad = IngestIntoStoreTests.message(id: "M-7", value: "-1")  // out of range: every row rejected
        #expect(try fixture.ingestor(maxErrorRate: 0).ingest(try fixture.folder.write("m.xml", bad)).kind == .rejected)
        let fixed = try fixture.ingestor(maxErrorRate: 0).ingest(try fixture.folder.write("m-fixed.xml", IngestIntoStoreTests.message(id: "M-7", value: "400")))
        #expect(fixed.kind == .applied)
    }

    @Test(arguments: StoreBackend.available)
    func retireAndRetryAreRecorded(backend: StoreBackend) throws {
        let fixture = try Fixture(backend)
        let path = try fixture.folder.write("r.csv", Self.rows)
        let rejected = try fixture.ingestor(sender: "CN_130121", maxErrorRate: 0.1).ingest(path)
        let id = try #require(rejected.submissionID)
        try fixture.store.retire(id, by: "clerk", reason: "replaced by the county's corrected file", runID: nil)
        // Offered again, a retired file is skipped and says why.
        let skipped = try fixture.ingestor(sender: "CN_130121").ingest(path)
        guard case .alreadySeen(let earlier) = skipped.kind, earlier.status == .retired else {
            Issue.record("expected retired, got \(skipped.kind)")
            return
        }
        #expect(IngestSummary.line(skipped).contains("retired as submission \(id) (rejected as a whole: "))
        #expect(IngestSummary.line(skipped).contains("; retired by clerk: replaced by the county's corrected file)"))
        #expect(throws: SubmissionDecisionError.self) { try fixture.store.retire(id, by: "clerk", reason: "twice", runID: nil) }
        // Taken back and offered again, it applies; both decisions are in the ledger.
        try fixture.store.unretire(id, by: "chief")
        let retried = try fixture.ingestor(sender: "CN_130121").ingest(path)
        #expect(retried.kind == .applied)
        try fixture.store.recordRetry(id, by: "chief", reason: "threshold relaxed", result: retried.submissionID, runID: nil)
        let decisions = try fixture.store.decisions(onSubmission: id)
        #expect(decisions.map(\.decision) == [.retire, .retry])
        #expect(decisions.map(\.decidedBy) == ["clerk", "chief"] && decisions[1].resultSubmissionID == retried.submissionID)
        #expect(try fixture.store.ledger(SubmissionFilter(statuses: [.rejected])).map(\.id) == [id])
        #expect(try fixture.store.ledger(SubmissionFilter(senders: ["CN_130121"], fileContains: "r.csv")).count == 2)
    }

    @Test(arguments: StoreBackend.available)
    func valuesTamperedWithByHandAreErrorsNotCrashes(backend: StoreBackend) throws {
        let fixture = try Fixture(backend)
        _ = try fixture.ingestor(sender: "CN_130121").ingest(try fixture.folder.write("t.csv", Self.rows))
        _ = try StoreRollup(store: fixture.store, catalog: IngestIntoStoreTests.catalog, registry: IngestIntoStoreTests.registry)
            .run(runID: try fixture.store.beginRun(command: "t", parameters: [:]))
        // A typed server column cannot hold a text value: there the status is tampered with instead.
        _ = try fixture.scratch.texts(
            sqlite: """
                UPDATE rollups SET level = 'parish' WHERE (indicator, period, level, region) = (SELECT indicator, period, level, region FROM rollups LIMIT 1);
                UPDATE current_values SET value = 'many' WHERE region = (SELECT min(region) FROM current_values) RETURNING ''
                """,
            postgresql: """
                WITH tampered AS (
                    UPDATE ruralstat.rollups SET level = 'parish'
                    WHERE (indicator, period, level, region) = (SELECT indicator, period, level, region FROM ruralstat.rollups LIMIT 1) RETURNING 1)
                UPDATE ruralstat.observations SET status = 'many' WHERE region = (SELECT min(region) FROM ruralstat.observations)
                    AND EXISTS (SELECT FROM tampered) RETURNING ''
                """)
        #expect { try fixture.store.storedRollups() } throws: {
            ($0 as? StoreError)?.message.contains("table rollups, column level holds 'parish', which is not a level") == true
        }
        let said = backend == .sqlite ? "column value holds the text 'many', not a Double" : "column status holds 'many', not a status letter"
        #expect { try fixture.store.currentObservations { _ in } } throws: { ($0 as? StoreError)?.message.contains(said) == true }
    }

    @Test func aMissingStoreIsAnErrorAndIsNotCreated() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("typo.sqlite")
        #expect { try SQLiteStore(path: path) } throws: { ($0 as? StoreError)?.isMissing == true }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}

/// The queue between a reading thread and the applying one holds a bounded number of problems, so a
/// file of a million bad rows is read in linear time and bounded memory (defect 6).
@Suite("Reading queue")
struct SubmissionStreamTests {
    @Test func problemsAreBoundedAndComeOutInOrder() throws {
        let stream = SubmissionStream(capacity: 2, problemCapacity: 16)
        let total = 20_000
        let producer = Thread {
            for start in stride(from: 0, to: total, by: 5) {
                stream.push(
                    .problems(
                        (start..<(start + 5)).map {
                            ValidationProblem(location: SourceLocation(file: "f", line: $0), key: "", rule: .valueNotNumeric, value: "", message: "")
                        }))
            }
            stream.push(.finished(ValidationReport(file: "f")))
        }
        producer.start()
        var lines: [Int] = []
        var most = 0
        loop: while true {
            most = max(most, stream.queued)
            switch stream.pop() {
            case .problems(let problems): lines += problems.map { $0.location.line ?? -1 }
            case .finished: break loop
            default: Issue.record("unexpected event")
            }
        }
        #expect(lines == Array(0..<total))
        #expect(most <= 4)  // at most 16 problems (three chunks of five) and the end
    }

    /// A one-row submission of CN_1301 whose value is `number`.
    static func oneRow(_ folder: TemporaryFolder, _ name: String, _ number: Int) throws -> String {
        try folder.write(name, "region,indicator,period,value\n130121101201,HOUSEHOLDS,2024,\(number)\n")
    }

    /// The streams reading `paths` as CN_1301 sends them.
    static func startReading(_ paths: [String], readers: Int) throws -> SubmissionStream.Reading {
        var options = IngestOptions()
        options.defaultSender = Jurisdiction(sender: "CN_1301", root: try RegionCode("1301"))
        return SubmissionStream.startReading(
            paths, registries: RegistryEditions([IngestIntoStoreTests.registry]), catalog: IngestIntoStoreTests.catalog,
            options: options, readers: readers)
    }

    /// However many files there are and however slowly they are taken, at most `4 × readers + 1`
    /// files are read ahead (each holding its batches); the rest wait for the consumer, then come in order.
    @Test func filesReadAheadAreBoundedWhileTheConsumerWaits() throws {
        let folder = try TemporaryFolder()
        let streams = try Self.startReading((0..<40).map { try Self.oneRow(folder, "f\($0).csv", $0) }, readers: 2).streams
        // Reading ten files takes milliseconds; a second is ample for every file that may start to finish.
        Thread.sleep(forTimeInterval: 1)
        let started = streams.filter { $0.queued > 0 }.count
        #expect(started == 9)
        var values: [Double] = []
        for stream in streams {
            taking: while true {
                switch stream.pop() {
                case .batch(let batch): values += batch.values
                case .finished: break taking
                default: Issue.record("unexpected event")
                }
            }
        }
        #expect(values == (0..<40).map(Double.init))
    }

    /// A consumer that stops at a file it cannot read (as `rollup --from` does) stops the reading:
    /// the files read ahead are let go and the thread that starts files ends (before, it waited for
    /// a place for ever). The process goes on (libdispatch traps on a semaphore released below the
    /// value it was made with, which the places were once).
    @Test func aConsumerThatStopsEarlyStopsTheReading() throws {
        let folder = try TemporaryFolder()
        let bad = try folder.write("bad.csv.gz", [0x1f, 0x8b, 0x08, 0x00])
        let good = try (0..<20).map { try Self.oneRow(folder, "good\($0).csv", $0) }
        let reading = try Self.startReading([bad] + good, readers: 1)
        guard case .failed(let error) = reading.streams[0].pop() else {
            Issue.record("the truncated file was read")
            return
        }
        #expect(error.rule == .truncatedCompression)
        // Five places (4 × 1 reader + 1): the dispatcher waits for the sixth file's.
        Thread.sleep(forTimeInterval: 0.5)
        #expect(reading.isDispatching)
        #expect(reading.streams[1...4].allSatisfy { $0.queued > 0 })
        reading.stop()
        let deadline = Date().addingTimeInterval(5)
        while reading.isDispatching, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(!reading.isDispatching)
        #expect(reading.streams.allSatisfy { $0.queued == 0 })
    }
}
