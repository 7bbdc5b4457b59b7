import RuralstatModel

/// Every submission offered, what became of it, and the decisions people took on it: the ledger
/// that applies a file whole or not at all, blocks content already applied, and keeps rejects with
/// their reasons.
///
/// One facet of ``IndicatorStore``.
public protocol SubmissionLedger: Sendable {
    /// The entry that keeps this content from being applied again: an applied file, a test message
    /// or a retired file. A rejected file does not block: it may be offered again once fixed.
    func submission(withHash hash: String) throws -> StoredSubmission?
    /// The latest earlier attempt with this content that was rejected, if any.
    func rejectedAttempt(withHash hash: String) throws -> StoredSubmission?
    /// Applies one submission in one transaction: the reader runs inside it, handing over accepted
    /// rows; repeated keys are settled and the rows merged into the current values in document order
    /// (earlier versions kept as superseded).
    /// If `read` throws, nothing of the submission stays in the store.
    func apply(_ record: SubmissionRecord, runID: Int64?, read: (any SubmissionSink) throws -> SubmissionVerdict) throws -> ApplyOutcome
    /// Records a file that was refused before its rows could be applied (unreadable, or no sender):
    /// a rejected ledger entry with the reason, and one reject row, so that the failure is visible.
    /// The same content may be offered again.
    func recordUnreadable(_ record: SubmissionRecord, runID: Int64?, problem: ValidationProblem) throws -> Int64
    /// The ledger entries the filter selects, oldest first.
    func ledger(_ filter: SubmissionFilter) throws -> [SubmissionLedgerEntry]
    /// One ledger entry.
    func ledgerEntry(_ id: Int64) throws -> SubmissionLedgerEntry?
    /// The problems recorded for one submission, in order (at most `limit`), and how many there are in all.
    func rejects(ofSubmission id: Int64, limit: Int) throws -> (problems: [ValidationProblem], total: Int)
    /// The decisions taken on one submission, oldest first.
    func decisions(onSubmission id: Int64) throws -> [SubmissionDecision]
    /// Marks a rejected submission never to apply: its content is then skipped when offered again.
    func retire(_ id: Int64, by person: String, reason: String, runID: Int64?) throws
    /// Takes a retired submission back to rejected, so that its content may be offered again (the
    /// retry that follows records the decision); ``reretire(_:)`` undoes it when that retry fails.
    func unretire(_ id: Int64, by person: String) throws
    /// Restores a retirement that ``unretire(_:by:)`` took back, when the retry failed.
    func reretire(_ id: Int64) throws
    /// Records that a rejected submission was offered again, and what the attempt became.
    func recordRetry(_ id: Int64, by person: String, reason: String?, result: Int64?, runID: Int64?) throws
    /// Every rejected row and file, oldest first.
    func storedRejects() throws -> [ValidationProblem]
    /// The rejected rows and files that belong to the subtree of `root`: a row by the region of its
    /// key, a whole file (or a row whose region cannot be read) by its sender's jurisdiction.
    func storedRejects(within root: RegionCode) throws -> [ValidationProblem]
    /// How many submissions came from senders within the subtree of `root`.
    func submissionCount(within root: RegionCode) throws -> Int
    /// Rows and files rejected by these runs (errors only: a warning rejects nothing).
    func rejectCount(runs: [Int64]) throws -> Int
    /// When each sender's submissions were prepared, per period they carried (files without a header
    /// prepared time, plain CSV, say nothing about lateness and are left out).
    func submissionArrivals() throws -> [SubmissionArrival]
    /// The newest submission in the ledger.
    func latestSubmission() throws -> Int64
}

extension SubmissionLedger {
    /// Every submission offered, oldest first.
    public func ledger() throws -> [SubmissionLedgerEntry] { try ledger(SubmissionFilter()) }
}
