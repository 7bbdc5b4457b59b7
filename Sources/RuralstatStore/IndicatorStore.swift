import RuralstatModel

/// The narrow interface every store implements: SQLite today, a server database later.
///
/// Stages talk to the store only through this protocol, so that no SQL leaks up the flow and a
/// PostgreSQL store can be added beside ``SQLiteStore`` without touching them.
public protocol IndicatorStore: Sendable {
    /// Replaces the stored units of `registry.edition` with this registry's units (other editions stay).
    func saveRegistry(_ registry: RegionRegistry) throws
    /// The stored registry of an edition, or of the newest edition when `edition` is `nil`.
    func loadRegistry(edition: Int?) throws -> RegionRegistry?
    /// Replaces the stored indicator definitions and targets with the catalog's.
    func saveCatalog(_ catalog: IndicatorCatalog) throws
    /// Records the start of a run and returns its id.
    func beginRun(command: String, parameters: [String: String]) throws -> Int64
    /// Records the end of a run.
    func finishRun(_ id: Int64, status: RunStatus, exitCode: Int32) throws
    /// Counts of what the store holds, for `ruralstat init` and the run summary.
    func summary() throws -> StoreSummary

    /// The entry that keeps this content from being applied again (applied, a test message, or retired).
    func submission(withHash hash: String) throws -> StoredSubmission?
    /// The latest earlier attempt with this content that was rejected, if any.
    func rejectedAttempt(withHash hash: String) throws -> StoredSubmission?
    /// Applies one submission in one transaction; `read` runs inside it and stages the rows.
    func apply(_ record: SubmissionRecord, runID: Int64?, read: (any SubmissionSink) throws -> SubmissionVerdict) throws -> ApplyOutcome
    /// Records a file refused before its rows were applied (unreadable, or no sender), with the reason.
    func recordUnreadable(_ record: SubmissionRecord, runID: Int64?, problem: ValidationProblem) throws -> Int64
}

/// How a run ended.
public enum RunStatus: String, Sendable, Codable {
    case running, succeeded, failed
}

/// What a store holds, table by table.
public struct StoreSummary: Sendable, Equatable {
    public var schemaVersion: String
    public var registryEditions: [Int: Int]
    public var catalogVersion: String?
    public var indicatorDefinitions: Int
    public var submissions: Int
    public var currentObservations: Int
    public var supersededObservations: Int
    public var rejects: Int
    public var rollups: Int
    public var findings: Int
    public var runs: Int
}

/// A store that cannot be opened, migrated or written.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let message: String
    /// The store does not exist (a mistyped path, or no `ruralstat init` yet): the user's to fix.
    public var isMissing = false

    public init(path: String, message: String, isMissing: Bool = false) {
        self.path = path
        self.message = message
        self.isMissing = isMissing
    }

    public var description: String { "store \(path): \(message)" }

    /// There is no store at `path`.
    public static func missing(_ path: String) -> StoreError {
        StoreError(path: path, message: "does not exist; create a store with 'ruralstat init' (or 'ruralstat run SPEC'), or give the right --store",
                   isMissing: true)
    }
}
