/// One entry of the submissions ledger, as a run's manifest lists it.
public struct SubmissionLedgerEntry: Sendable, Hashable, Codable {
    public var id: Int64
    public var fileName: String
    public var contentHash: String
    public var sender: String?
    public var messageID: String?
    public var format: String?
    public var status: String
    public var rowsRead: Int
    public var rowsNew: Int
    public var rowsRevised: Int
    public var rowsUnchanged: Int
    public var rowsDeleted: Int
    public var rowsRejected: Int
    /// When it was offered (ISO 8601).
    public var receivedAt: String?
    /// Why it was rejected or retired.
    public var reason: String?
    /// Seconds the run that took it spent on it (in a run's manifest; unknown for earlier runs' files).
    public var seconds: Double?

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
