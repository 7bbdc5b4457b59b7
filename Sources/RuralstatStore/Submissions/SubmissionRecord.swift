import RuralstatModel

/// What the ledger records about a file before it is read.
public struct SubmissionRecord: Sendable {
    public var fileName: String
    public var contentHash: String
    public var receivedAt: String
    /// The fingerprint of the registry, catalog and reading options the file is read under.
    public var conditions: String?

    public init(fileName: String, contentHash: String, receivedAt: String, conditions: String? = nil) {
        self.fileName = fileName
        self.contentHash = contentHash
        self.receivedAt = receivedAt
        self.conditions = conditions
    }
}

/// A submission already in the ledger.
public struct StoredSubmission: Sendable, Equatable {
    public var id: Int64
    public var fileName: String
    public var status: SubmissionStatus
    public var receivedAt: String
    public var sender: String?
    public var messageID: String?
    /// Why it was rejected or retired.
    public var reason: String?
    /// The conditions it was read under (see ``SubmissionRecord/conditions``).
    public var conditions: String?

    package init(
        id: Int64, fileName: String, status: SubmissionStatus, receivedAt: String, sender: String?, messageID: String?, reason: String?,
        conditions: String?
    ) {
        self.id = id
        self.fileName = fileName
        self.status = status
        self.receivedAt = receivedAt
        self.sender = sender
        self.messageID = messageID
        self.reason = reason
        self.conditions = conditions
    }
}

/// The outcome of a submission as the ledger records it.
public enum SubmissionStatus: String, Sendable, Codable {
    /// Its accepted rows are in the store.
    case applied
    /// Nothing of it is in the store: unreadable, above the error threshold, or a reused message ID.
    case rejected
    /// A test message: checked, never applied.
    case test
    /// A rejected file an operator marked never to apply (`ruralstat submissions retire`).
    case retired
}

/// What the reader concluded, handed to the store once the whole file has been read.
public struct SubmissionVerdict: Sendable {
    public var header: MessageHeader
    public var format: String?
    /// Whether the accepted rows may be applied (false above the error threshold or for a test message).
    public var apply: Bool
    public var isTest: Bool
    public var rowsRead: Int
    public var rowsRejected: Int
    public var warnings: Int
    /// Why the submission is not applied, when `apply` is false and it is not a test message.
    public var refusal: String?

    public init(
        header: MessageHeader, format: String?, apply: Bool, isTest: Bool, rowsRead: Int, rowsRejected: Int, warnings: Int,
        refusal: String? = nil
    ) {
        self.refusal = refusal
        self.header = header
        self.format = format
        self.apply = apply
        self.isTest = isTest
        self.rowsRead = rowsRead
        self.rowsRejected = rowsRejected
        self.warnings = warnings
    }
}

/// Where the reader puts accepted rows and problems while a submission is being applied.
public protocol SubmissionSink: AnyObject {
    func add(_ batch: ObservationBatch) throws
    func reject(_ problem: ValidationProblem) throws
}

/// What applying one submission did to the store.
public struct ApplyOutcome: Sendable, Equatable {
    public var submissionID: Int64
    public var status: SubmissionStatus
    public var reason: String?
    public var rowsRead = 0
    public var rowsNew = 0
    public var rowsRevised = 0
    public var rowsUnchanged = 0
    public var rowsDeleted = 0
    public var rowsRejected = 0
    public var duplicatesMerged = 0
    public var warnings = 0
    /// Problems the store found itself while applying (duplicate keys, a reused message ID).
    public var problems: [ValidationProblem] = []
    /// Seconds spent reading (a file in key order is merged as it is read), and settling and merging
    /// after the read (a file out of order, with repeats or deletes).
    public var secondsReading = 0.0
    public var secondsMerging = 0.0

    public init(submissionID: Int64, status: SubmissionStatus, reason: String? = nil) {
        self.submissionID = submissionID
        self.status = status
        self.reason = reason
    }

    /// Rows that changed the store.
    public var rowsApplied: Int { rowsNew + rowsRevised + rowsDeleted }
}

extension ApplyOutcome {
    /// What the reader's verdict decides before any row is merged, the same for every store: a
    /// message ID the sender already used for an applied submission (`earlier`) rejects the file
    /// whole, with `reuse` the problem to record; a test message is checked only; a file above the
    /// error threshold is rejected whole. Otherwise the status is `applied`, and the store merges the rows.
    package init(
        verdict: SubmissionVerdict, submissionID: Int64, file: String, secondsReading: Double, earlierWithMessageID earlier: (id: Int64, file: String)?
    ) {
        self.init(submissionID: submissionID, status: .rejected)
        self.secondsReading = secondsReading
        rowsRead = verdict.rowsRead
        rowsRejected = verdict.rowsRejected
        warnings = verdict.warnings
        if let earlier, let sender = verdict.header.sender, let messageID = verdict.header.messageID {
            let reason =
                "message ID '\(messageID)' of sender '\(sender)' was already used by submission \(earlier.id) (\(earlier.file)) with other content; a revision needs a new message ID"
            self.reason = reason
            problems.append(
                ValidationProblem(location: SourceLocation(file: file), key: "", rule: .messageIDReused, value: messageID, message: reason))
            rowsRejected = verdict.rowsRead
        } else if verdict.isTest {
            status = .test
            reason = "a test message (Test=true) is checked but not applied"
        } else if !verdict.apply {
            reason =
                "rejected as a whole: "
                + (verdict.refusal ?? "\(verdict.rowsRejected) of \(verdict.rowsRead) rows break the rules, above the pipeline's threshold")
            rowsRejected = verdict.rowsRead
        } else {
            status = .applied
        }
    }

    /// The problem a reused message ID is, when it is the reason the file was rejected.
    package var messageIDReuse: ValidationProblem? { problems.first { $0.rule == .messageIDReused } }
}
