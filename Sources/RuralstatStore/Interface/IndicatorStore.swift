import RuralstatModel

/// What every store is: SQLite today (``SQLiteStore``), a server database later.
///
/// The stages (ingest, rollups, quality, reports, the nightly run) and the commands talk to a store
/// only through this protocol, so that no SQL leaks up the flow; ``SQLiteStore`` is named only where
/// a store is made or created. It is composed of one facet per concern, each in its own file under
/// `Interface/`: the reference data (``ReferenceStore``), the runs and their watermarks
/// (``RunLedger``), the submissions and their fate (``SubmissionLedger``), observations and rollups
/// (``RollupStore``), findings (``FindingStore``), and the assessment (``AssessmentStore``).
public typealias IndicatorStore = ReferenceStore & RunLedger & SubmissionLedger & RollupStore & FindingStore & AssessmentStore

/// How a run ended.
public enum RunStatus: String, Sendable, Codable {
    case running, succeeded, failed
}

/// One invocation that changed the store, as `ruralstat runs` lists it.
public struct StoredRun: Sendable, Hashable, Codable {
    public var id: Int64
    public var command: String
    public var startedAt: String
    public var finishedAt: String?
    public var status: RunStatus
    public var exitCode: Int?
    public var softwareVersion: String
    /// The run's parameters as stored (JSON).
    public var parameters: String
    /// Submissions the run applied and rejected.
    public var submissionsApplied: Int
    public var submissionsRejected: Int
    /// Rollups the run added, changed or removed.
    public var rollupsChanged: Int
    /// Findings the run was the first to find.
    public var findingsFound: Int

    package init(
        id: Int64, command: String, startedAt: String, finishedAt: String?, status: RunStatus, exitCode: Int?, softwareVersion: String, parameters: String,
        submissionsApplied: Int, submissionsRejected: Int, rollupsChanged: Int, findingsFound: Int
    ) {
        self.id = id
        self.command = command
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.status = status
        self.exitCode = exitCode
        self.softwareVersion = softwareVersion
        self.parameters = parameters
        self.submissionsApplied = submissionsApplied
        self.submissionsRejected = submissionsRejected
        self.rollupsChanged = rollupsChanged
        self.findingsFound = findingsFound
    }
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

    package init(
        schemaVersion: String, registryEditions: [Int: Int], catalogVersion: String?, indicatorDefinitions: Int, submissions: Int, currentObservations: Int,
        supersededObservations: Int, rejects: Int, rollups: Int, findings: Int, runs: Int
    ) {
        self.schemaVersion = schemaVersion
        self.registryEditions = registryEditions
        self.catalogVersion = catalogVersion
        self.indicatorDefinitions = indicatorDefinitions
        self.submissions = submissions
        self.currentObservations = currentObservations
        self.supersededObservations = supersededObservations
        self.rejects = rejects
        self.rollups = rollups
        self.findings = findings
        self.runs = runs
    }
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
        StoreError(
            path: path, message: "does not exist; create a store with 'ruralstat init' (or 'ruralstat run SPEC'), or give the right --store",
            isMissing: true)
    }
}
