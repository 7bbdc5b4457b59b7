import Foundation

/// When a sender's submission for a period arrived: what lateness and missing-submission checks read.
public struct SubmissionArrival: Sendable, Hashable {
    /// The sender id from the message header, e.g. `CN_441900`.
    public var sender: String
    /// The period the submission reports.
    public var period: Period
    /// The time the submission was prepared (its header) or, failing that, received.
    public var arrived: Date
    /// The submitted file, which a lateness finding names.
    public var file: String

    /// Creates an arrival; see the properties for each field.
    public init(sender: String, period: Period, arrived: Date, file: String) {
        self.sender = sender
        self.period = period
        self.arrived = arrived
        self.file = file
    }
}
