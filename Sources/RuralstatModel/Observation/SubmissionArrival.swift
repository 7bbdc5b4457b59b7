import Foundation

/// When a sender's submission for a period arrived: what lateness and missing-submission checks read.
public struct SubmissionArrival: Sendable, Hashable {
    public var sender: String
    public var period: Period
    /// The time the submission was prepared (its header) or, failing that, received.
    public var arrived: Date
    public var file: String

    public init(sender: String, period: Period, arrived: Date, file: String) {
        self.sender = sender
        self.period = period
        self.arrived = arrived
        self.file = file
    }
}
