/// One entry of the submissions ledger, as a run's manifest lists it.
public struct SubmissionLedgerEntry: Sendable, Hashable, Codable {
    /// The ledger's id of the submission.
    public var id: Int64
    /// The file as it was offered.
    public var fileName: String
    /// The SHA-256 of the file's bytes, in hexadecimal.
    public var contentHash: String
    /// The sender id from the message header, if it gave one.
    public var sender: String?
    /// The message ID from the header, if it gave one.
    public var messageID: String?
    /// The format the file was read as (a ``SubmissionFormat`` raw value), if it was recognised.
    public var format: String?
    /// The outcome: `applied`, `rejected`, `test` or `retired`.
    public var status: String
    /// Observation rows read from the file.
    public var rowsRead: Int
    /// Rows that added an observation the store did not have.
    public var rowsNew: Int
    /// Rows that changed a stored observation's value or status.
    public var rowsRevised: Int
    /// Rows that repeated a stored observation exactly.
    public var rowsUnchanged: Int
    /// Stored observations that the file's Delete rows removed.
    public var rowsDeleted: Int
    /// Rows rejected, each with its problem in the rejects table.
    public var rowsRejected: Int
    /// When it was offered (ISO 8601).
    public var receivedAt: String?
    /// Why it was rejected or retired.
    public var reason: String?
    /// Seconds the run that took it spent on it (in a run's manifest; unknown for earlier runs' files).
    public var seconds: Double?

    /// Creates an entry; see the properties for each field.
    public init(
        id: Int64, fileName: String, contentHash: String, sender: String?, messageID: String?, format: String?, status: String,
        rowsRead: Int, rowsNew: Int, rowsRevised: Int, rowsUnchanged: Int, rowsDeleted: Int, rowsRejected: Int,
        receivedAt: String? = nil, reason: String? = nil
    ) {
        self.receivedAt = receivedAt
        self.reason = reason
        self.id = id
        self.fileName = fileName
        self.contentHash = contentHash
        self.sender = sender
        self.messageID = messageID
        self.format = format
        self.status = status
        self.rowsRead = rowsRead
        self.rowsNew = rowsNew
        self.rowsRevised = rowsRevised
        self.rowsUnchanged = rowsUnchanged
        self.rowsDeleted = rowsDeleted
        self.rowsRejected = rowsRejected
    }
}
