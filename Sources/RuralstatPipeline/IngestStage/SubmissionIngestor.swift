import Foundation
import RuralstatSystem
import RuralstatIngest
import RuralstatModel
import RuralstatReport
import RuralstatStore

/// Takes submission files into a store, each whole or not at all, each at most once.
///
/// For every file: its content hash is looked up in the ledger (a file seen before is skipped and
/// says so); otherwise it is read and validated inside the store's transaction, its rejected rows
/// go to the rejects table and the rejects CSV, and the store merges the accepted rows. A file that
/// cannot be read at all leaves nothing but a rejected ledger entry with the reason.
public final class SubmissionIngestor {
    private let store: any IndicatorStore
    private let registries: RegistryEditions
    private let catalog: IndicatorCatalog
    private var options: IngestOptions
    private let runID: Int64?
    private let rejectsLog: RejectsCSV?
    /// The fingerprint of the registry, catalog and options files are read under.
    public let conditions: String
    /// Whether a file rejected before under the same conditions is read again (`submissions retry`);
    /// by default it is not, so that a rejected file left where the nightly run looks is not rejected
    /// again every night — a change of registry, catalog or options, or a retry, offers it again.
    public var retryRejected = false

    public init(
        store: any IndicatorStore, registries: RegistryEditions, catalog: IndicatorCatalog, options: IngestOptions,
        runID: Int64?, rejectsLog: RejectsCSV?
    ) {
        self.store = store
        self.registries = registries
        self.catalog = catalog
        self.options = options
        // The store settles duplicate keys itself while it applies, so reading need not remember rows.
        self.options.detectDuplicates = false
        self.runID = runID
        self.rejectsLog = rejectsLog
        var print = Fingerprint()
        for registry in registries.editions { print.add(registry.fingerprint.hex) }
        print.add(catalog.fingerprint.hex)
        print.add(options.fingerprint.hex)
        conditions = print.hex
    }

    /// What happened to one file.
    public struct FileResult: Sendable {
        public enum Kind: Sendable, Equatable {
            case applied, rejected, test
            /// The same content was applied, checked as a test message, or retired before.
            case alreadySeen(StoredSubmission)
            /// The file could not be read (its ledger entry says why).
            case unreadable(String)
            /// The file was read but refused before its rows were looked at (no known sender; its ledger entry says why).
            case refused(String)
        }

        public var file: String
        public var kind: Kind
        public var outcome: ApplyOutcome?
        public var report: ValidationReport?
        /// Seconds this file took in the pipeline: from when its turn to be applied came (reading ran ahead) to the end.
        public var seconds: Double
        /// The latest earlier attempt with the same content, when that was rejected.
        public var earlierAttempt: StoredSubmission?

        /// Whether anything in it was rejected (the run's exit status is then 1).
        public var hasRejections: Bool {
            switch kind {
            case .rejected, .unreadable, .refused: true
            case .applied, .test: (outcome?.rowsRejected ?? 0) > 0
            case .alreadySeen: false
            }
        }

        /// The ledger entry this file made, if it made one.
        public var submissionID: Int64? { outcome?.submissionID }
    }

    /// Ingests one file (reading it on this thread).
    public func ingest(_ path: String) throws -> FileResult {
        try ingest([path], readers: 1).first!
    }

    /// Ingests files in order, each in its own transaction. While one file is applied (the store
    /// has one writer), the next ones are already read and validated on other cores: up to
    /// `readers` files at once, each holding only a few batches in memory.
    public func ingest(
        _ paths: [String], readers: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: (FileResult) -> Void = { _ in }
    ) throws -> [FileResult] {
        var results: [Int: FileResult] = [:]
        var work: [(position: Int, record: SubmissionRecord, earlier: StoredSubmission?)] = []
        var hashes: Set<String> = []
        var later: [(position: Int, path: String, hash: String)] = []
        for (position, path) in paths.enumerated() {
            let started = Date()
            let hash: String
            do { hash = try ContentHash.sha256(of: path) } catch {
                results[position] = FileResult(file: path, kind: .unreadable(error.description), seconds: Date().timeIntervalSince(started))
                progress(results[position]!)
                continue
            }
            // The same content twice in one call: the first is read; the second is said after it, as seen before.
            guard hashes.insert(hash).inserted else {
                later.append((position, path, hash))
                continue
            }
            if let settled = try settledBefore(hash) {
                results[position] = FileResult(file: path, kind: .alreadySeen(settled), seconds: Date().timeIntervalSince(started))
                progress(results[position]!)
                continue
            }
            let record = SubmissionRecord(fileName: path, contentHash: hash, receivedAt: "", conditions: conditions)
            work.append((position, record, try store.rejectedAttempt(withHash: hash)))
        }
        let reading = SubmissionStream.startReading(
            work.map(\.record.fileName), registries: registries, catalog: catalog, options: options,
            readers: readers)
        // A store error ends the call early: the files read ahead are let go, and no more start.
        defer { reading.stop() }
        for (item, stream) in zip(work, reading.streams) {
            // The file's clock starts when its turn comes (reading it ran ahead on another core); so does its ledger time.
            let started = Date()
            var record = item.record
            record.receivedAt = ISO8601DateFormatter().string(from: started)
            var result = try apply(record.fileName, record, stream, started: started)
            result.earlierAttempt = item.earlier
            results[item.position] = result
            progress(result)
        }
        for copy in later {
            let earlier = try store.submission(withHash: copy.hash) ?? store.rejectedAttempt(withHash: copy.hash)
            results[copy.position] =
                earlier.map { FileResult(file: copy.path, kind: .alreadySeen($0), seconds: 0) }
                ?? FileResult(file: copy.path, kind: .unreadable("the same content as another file of this run, which could not be read"), seconds: 0)
            progress(results[copy.position]!)
        }
        return paths.indices.compactMap { results[$0] }
    }

    /// What keeps content from being read again: applied, tested or retired before; or rejected
    /// before under the same conditions (unless retrying).
    private func settledBefore(_ hash: String) throws -> StoredSubmission? {
        if let blocking = try store.submission(withHash: hash) { return blocking }
        guard !retryRejected, let rejected = try store.rejectedAttempt(withHash: hash), rejected.conditions == conditions else { return nil }
        return rejected
    }

    private func apply(_ path: String, _ record: SubmissionRecord, _ stream: SubmissionStream, started: Date) throws -> FileResult {
        var report: ValidationReport?
        do {
            let outcome = try store.apply(record, runID: runID) { sink in
                while true {
                    switch stream.pop() {
                    case .batch(let batch):
                        try sink.add(batch)
                    case .problems(let problems):
                        try rejectsLog?.write(problems)
                        for problem in problems { try sink.reject(problem) }
                    case .failed(let error):
                        throw error
                    case .finished(let read):
                        report = read
                        return SubmissionVerdict(
                            header: read.header, format: read.format?.rawValue, apply: read.shouldApply,
                            isTest: read.header.isTest, rowsRead: read.rowsRead, rowsRejected: read.rowsRejected,
                            warnings: read.warnings, refusal: read.refusal)
                    }
                }
            }
            try rejectsLog?.write(outcome.problems)
            let kind: FileResult.Kind =
                switch outcome.status {
                case .applied: .applied
                case .rejected, .retired: .rejected
                case .test: .test
                }
            return FileResult(file: path, kind: kind, outcome: outcome, report: report, seconds: Date().timeIntervalSince(started))
        } catch let error as IngestError {
            let readable = error.rule == .unknownSender
            let problem = ValidationProblem(
                location: error.location, key: "", rule: readable ? .submissionRejected : .unreadableFile, value: "",
                message: "\(error.rule.rawValue): \(error.message)")
            let id = try store.recordUnreadable(record, runID: runID, problem: problem)
            try rejectsLog?.write(problem)
            var result = FileResult(
                file: path, kind: readable ? .refused(error.description) : .unreadable(error.description),
                seconds: Date().timeIntervalSince(started))
            result.outcome = ApplyOutcome(submissionID: id, status: .rejected, reason: problem.message)
            return result
        }
    }

    /// The submission files under `paths`: files as given, folders searched recursively (hidden files
    /// skipped), and glob patterns (`data/**/*.xml`, `in/CN_13*_2024.csv`: `*` and `?` also match
    /// across folders) matched below their fixed leading folders — in a stable order.
    ///
    /// With `emptyIsError`, a folder or pattern that yields no file is an error that names it (a
    /// command given a path means there is something there); the nightly run's empty inbox is not.
    public static func expand(_ paths: [String], emptyIsError: Bool = false) throws -> [String] {
        var files: [String] = []
        for path in paths {
            let found = try expand(path)
            if emptyIsError, found.isEmpty {
                throw IngestError(
                    file: path, rule: .unreadable,
                    message: "no submission files here (folders are searched recursively; hidden files are skipped)")
            }
            files += found
        }
        return files
    }

    private static func expand(_ path: String) throws -> [String] {
        let manager = FileManager.default
        if path.contains(where: { "*?[".contains($0) }) {
            // The folders before the first wildcard are searched; every file below is matched whole.
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            let fixed = parts.prefix { !$0.contains(where: { "*?[".contains($0) }) }.joined(separator: "/")
            let base = fixed.isEmpty ? "." : fixed
            let candidates = manager.fileExists(atPath: base) ? try expand(base) : []
            return candidates.filter { fnmatch(path, fixed.isEmpty ? String($0.dropFirst(2)) : $0, 0) == 0 }
        }
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw IngestError(file: path, rule: .unreadable, message: "no such file or folder")
        }
        if !isDirectory.boolValue { return [path] }
        let enumerator = manager.enumerator(atPath: path)
        var found: [String] = []
        while let relative = enumerator?.nextObject() as? String {
            let full = (path as NSString).appendingPathComponent(relative)
            var inner: ObjCBool = false
            if !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }),
                manager.fileExists(atPath: full, isDirectory: &inner), !inner.boolValue
            {
                found.append(full)
            }
        }
        return found.sorted()
    }
}
