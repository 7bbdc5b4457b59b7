import Foundation

/// What a submission says about itself: the SDMX message header, or what the pipeline supplies for
/// a plain CSV file.
public struct MessageHeader: Sendable, Hashable {
    /// The message ID (`message:ID`), used with the sender as the idempotency key.
    public var messageID: String?
    /// The sender ID (`message:Sender/@id`), e.g. `CN_441900`.
    public var sender: String?
    /// `message:Prepared`, as written.
    public var prepared: String?
    /// `message:Test`: a test message is validated but never applied.
    public var isTest = false
    /// The header's `DataSetAction`, the default for datasets that give none.
    public var defaultAction: Action?

    /// Creates a header; every field is optional, since a plain CSV file carries none of them.
    public init(
        messageID: String? = nil, sender: String? = nil, prepared: String? = nil, isTest: Bool = false,
        defaultAction: Action? = nil
    ) {
        self.messageID = messageID
        self.sender = sender
        self.prepared = prepared
        self.isTest = isTest
        self.defaultAction = defaultAction
    }

    /// `prepared` as a point in time (ISO 8601, with or without fractional seconds or a zone).
    public var preparedDate: Date? { prepared.flatMap(Self.timestamp) }

    /// Parses an SDMX timestamp such as `2025-01-10T09:00:00+08:00`.
    public static func timestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [
            [.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime],
            [.withFullDate, .withTime, .withColonSeparatorInTime],
        ] {
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
