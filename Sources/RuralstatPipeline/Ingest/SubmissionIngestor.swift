import Foundation
import RuralstatIngest
import RuralstatModel
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

    public init(store: any IndicatorStore, registries: RegistryEditions, catalog: IndicatorCatalog, options: IngestOptions,
                runID: Int64?, rejectsLog: RejectsCSV?) {
        self.store = store
        self.registries = registries
        self.catalog = catalog
        self.options = options
        // The store settles duplicate keys itself while it applies, so reading need not remember rows.
        self.options.detectDuplicates = false
        self.runID = runID
        self.rejectsLog = rejectsLog
    }

    /// What happened to one file.
    public struct FileResult: Sendable {
        public enum Kind: Sendable, Equatable {
            case applied, rejected, test
            /// The same content was offered before.
            case alreadySeen(StoredSubmission)
            /// The file could not be read (its ledger entry says why).
            case unreadable(String)
        }

        public var file: String
        public var kind: Kind
        public var outcome: ApplyOutcome?
        public var report: ValidationReport?
        public var seconds: Double

        /// Whether anything in it was rejected (the run's exit status is then 1).
        public var hasRejections: Bool {
            switch kind {
            case .rejected, .unreadable: true
            case .applied, .test: (outcome?.rowsRejected ?? 0) > 0
            case .alreadySeen: false
            }
        }
    }

    public func ingest(_ path: String, sender: Jurisdiction? = nil) throws -> FileResult {
        let started = Date()
        var options = self.options
        if let sender { options.defaultSender = sender }
        let hash: String
        do { hash = try ContentHash.sha256(of: path) } catch {
            return FileResult(file: path, kind: .unreadable(error.description), seconds: Date().timeIntervalSince(started))
        }
        if let earlier = try store.submission(withHash: hash) {
            return FileResult(file: path, kind: .alreadySeen(earlier), seconds: Date().timeIntervalSince(started))
        }
        let record = SubmissionRecord(fileName: path, contentHash: hash, receivedAt: ISO8601DateFormatter().string(from: started))
        var report: ValidationReport?
        do {
            let outcome = try store.apply(record, runID: runID) { sink in
                let read = try SubmissionReader.read(path, registries: registries, catalog: catalog, options: options,
                                                     emit: { try sink.add($0) },
                                                     reject: { problem in
                                                         try sink.reject(problem)
                                                         try self.rejectsLog?.write(problem)
                                                     })
                report = read
                return SubmissionVerdict(header: read.header, format: read.format?.rawValue, apply: read.shouldApply,
                                         isTest: read.header.isTest, rowsRead: read.rowsRead, rowsRejected: read.rowsRejected,
                                         warnings: read.warnings)
            }
            for problem in outcome.problems { try rejectsLog?.write(problem) }
            let kind: FileResult.Kind = switch outcome.status {
            case .applied: .applied
            case .rejected: .rejected
            case .test: .test
            }
            return FileResult(file: path, kind: kind, outcome: outcome, report: report, seconds: Date().timeIntervalSince(started))
        } catch let error as IngestError {
            let problem = ValidationProblem(location: error.location, key: "", rule: .unreadableFile, value: "",
                                            message: "\(error.rule.rawValue): \(error.message)")
            _ = try store.recordUnreadable(record, runID: runID, problem: problem)
            try rejectsLog?.write(problem)
            return FileResult(file: path, kind: .unreadable(error.description), seconds: Date().timeIntervalSince(started))
        }
    }

    /// The submission files under `paths`: files as given, folders searched recursively (hidden files
    /// skipped), in a stable order.
    public static func expand(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw IngestError(file: path, rule: .unreadable, message: "no such file or folder")
            }
            if !isDirectory.boolValue {
                files.append(path)
                continue
            }
            let enumerator = manager.enumerator(atPath: path)
            var found: [String] = []
            while let relative = enumerator?.nextObject() as? String {
                let full = (path as NSString).appendingPathComponent(relative)
                var inner: ObjCBool = false
                if !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }),
                   manager.fileExists(atPath: full, isDirectory: &inner), !inner.boolValue {
                    found.append(full)
                }
            }
            files.append(contentsOf: found.sorted())
        }
        return files
    }
}
