import PostgresNIO

/// Why a server store could not be reached, set up or changed, in words an operator can act on:
/// the server's own message, detail and hint, and the SQLSTATE (42501: the role may not do it).
public struct ServerStoreError: Error, Sendable, CustomStringConvertible {
    /// The whole message.
    public var description: String
    /// The server's SQLSTATE, when the server refused (42501: insufficient privilege).
    public var sqlState: String?

    /// Whether what was given is wrong (a URL, a role name, a region for a role), rather than the
    /// server or the connection failing.
    public var isInvalidInput = false

    /// An error with this message.
    public init(_ description: String, sqlState: String? = nil, isInvalidInput: Bool = false) {
        self.description = description
        self.sqlState = sqlState
        self.isInvalidInput = isInvalidInput
    }

    /// Whether the server refused for want of a privilege (SQLSTATE 42501), as it does when a role
    /// reads a table it was not granted.
    public var isPermissionDenied: Bool { sqlState == "42501" }

    /// The server's words for an error from postgres-nio (its own description hides them).
    init(_ error: any Error, doing what: String) {
        if let error = error as? ServerStoreError {
            self = error
            return
        }
        if let error = error as? PSQLError {
            var text = "\(what): "
            if let info = error.serverInfo {
                text += info[.message] ?? "the server refused"
                if let detail = info[.detail] { text += " (\(detail))" }
                if let hint = info[.hint] { text += "; \(hint)" }
                self.init(text, sqlState: info[.sqlState])
            } else if let underlying = error.underlying {
                self.init(text + "\(error.code) (\(underlying))")
            } else {
                self.init(text + String(describing: error.code))
            }
            return
        }
        self.init("\(what): \(error)")
    }
}
