import Foundation

/// Where a PostgreSQL store is, as a `postgresql://` URL (libpq's form, so that the same text works
/// with `psql` and `pg_dump`):
///
/// ```
/// postgresql://nbs_nightly@db.example.org:5432/ruralstat?sslmode=require
/// postgresql://ruralstat_admin@/ruralstat?host=/tmp/ruralstat-pg     (a Unix socket in that folder)
/// ```
///
/// The password may be in the URL (percent-encoded) or, better, in `PGPASSWORD`. `sslmode` is
/// `disable` (the default on a Unix socket), `prefer` or `require` (the default over TCP); unlike
/// libpq's `require`, ruralstat's checks the server's certificate and name against the system's
/// trusted authorities, as libpq's `verify-full` does.
public struct ServerLocation: Sendable, Hashable, CustomStringConvertible {
    /// How the connection is encrypted.
    public enum Encryption: String, Sendable, Hashable {
        case disable, prefer, require
    }

    /// The login role.
    public var user: String
    /// The password, if the URL or `PGPASSWORD` gives one.
    public var password: String?
    /// The server's host name, for TCP; nil with a Unix socket.
    public var host: String?
    /// The folder of the server's Unix socket (`?host=/path`), instead of TCP.
    public var socketFolder: String?
    /// The server's port (5432 by default); also names the socket file `.s.PGSQL.<port>`.
    public var port: Int
    /// The database.
    public var database: String
    /// The encryption asked for.
    public var encryption: Encryption

    /// Whether `text` names a server store rather than a SQLite file.
    public static func isServerURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// Parses a `postgresql://` URL.
    ///
    /// - Parameter environment: where `PGPASSWORD` is looked up when the URL has no password.
    /// - Throws: ``ServerStoreError`` naming what is wrong: the scheme, a missing user or database,
    ///   a bad port, an unknown `sslmode` or query parameter.
    public init(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ServerStoreError) {
        guard Self.isServerURL(text), let components = URLComponents(string: text) else {
            throw ServerStoreError("not a postgresql:// URL: \(Self.shown(text))", isInvalidInput: true)
        }
        guard let user = components.percentEncodedUser.flatMap({ $0.removingPercentEncoding }), !user.isEmpty else {
            throw ServerStoreError("\(Self.shown(text)): give the login role, as in postgresql://ROLE@host/database", isInvalidInput: true)
        }
        self.user = user
        if let encoded = components.percentEncodedPassword {
            guard let password = encoded.removingPercentEncoding else {
                throw ServerStoreError("\(Self.shown(text)): the password is not percent-encoded correctly", isInvalidInput: true)
            }
            self.password = password
        } else {
            password = environment["PGPASSWORD"]
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw ServerStoreError("\(Self.shown(text)): give the database, as in postgresql://role@host/DATABASE", isInvalidInput: true)
        }
        self.database = database
        // An IPv6 address comes in brackets ([::1]); the connection wants it bare.
        host = components.host.flatMap { $0.isEmpty ? nil : $0.hasPrefix("[") && $0.hasSuffix("]") ? String($0.dropFirst().dropLast()) : $0 }
        port = 5432
        if let port = components.port {
            guard (1...65_535).contains(port) else { throw ServerStoreError("\(Self.shown(text)): port \(port) is out of range", isInvalidInput: true) }
            self.port = port
        }
        var mode: Encryption?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "host":
                guard let folder = item.value, folder.hasPrefix("/") else {
                    throw ServerStoreError("\(Self.shown(text)): host= takes the folder of a Unix socket, such as /var/run/postgresql", isInvalidInput: true)
                }
                socketFolder = folder
            case "port":
                // libpq's form for a Unix socket's port (there is no host to put it after).
                guard let port = item.value.flatMap(Int.init), (1...65_535).contains(port) else {
                    throw ServerStoreError("\(Self.shown(text)): port= takes a port number, 1 to 65535", isInvalidInput: true)
                }
                self.port = port
            case "sslmode":
                guard let value = item.value.flatMap(Encryption.init(rawValue:)) else {
                    throw ServerStoreError(
                        "\(Self.shown(text)): sslmode is disable, prefer or require, not \((item.value ?? "").prefix(40))", isInvalidInput: true)
                }
                mode = value
            default:
                throw ServerStoreError("\(Self.shown(text)): unknown parameter \(item.name) (known: host, port, sslmode)", isInvalidInput: true)
            }
        }
        if host == nil && socketFolder == nil { socketFolder = "/var/run/postgresql" }
        encryption = mode ?? (socketFolder != nil && host == nil ? .disable : .require)
    }

    /// The same server and database as another login role.
    public func connecting(as user: String, password: String? = nil) -> ServerLocation {
        var location = self
        location.user = user
        location.password = password
        return location
    }

    /// The Unix socket's path, when the location is one.
    public var socketPath: String? {
        host == nil ? socketFolder.map { "\($0)/.s.PGSQL.\(port)" } : nil
    }

    /// The URL without its password, for messages and manifests.
    public var description: String {
        var text = "postgresql://\(user)@\(host.map { $0.contains(":") ? "[\($0)]" : $0 } ?? "")"
        if host != nil && port != 5432 { text += ":\(port)" }
        text += "/\(database)"
        var parameters: [String] = []
        if host == nil, let socketFolder { parameters.append("host=\(socketFolder)") }
        if host == nil && port != 5432 { parameters.append("port=\(port)") }
        if encryption != (host == nil ? .disable : .require) { parameters.append("sslmode=\(encryption.rawValue)") }
        return parameters.isEmpty ? text : text + "?" + parameters.joined(separator: "&")
    }

    /// A URL as a message may echo it: whatever lies between `://` and the last `@` before the path
    /// after its first `:` (a password, even one the URL cannot be parsed with) hidden, the length capped.
    static func shown(_ text: String) -> String {
        var text = text
        if let scheme = text.range(of: "://") {
            let rest = text[scheme.upperBound...]
            if let at = rest.lastIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") {
                text = String(text[..<rest.index(after: colon)]) + "***" + String(rest[at...])
            }
        }
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}
