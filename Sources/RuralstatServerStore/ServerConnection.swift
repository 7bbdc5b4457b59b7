import Logging
import PostgresNIO

/// One connection to a PostgreSQL store, through postgres-nio: statements run one at a time, values
/// always as bound parameters (``PostgresQuery`` interpolation binds them); only identifiers that
/// ``ServerIdentifier`` has checked are written into SQL text.
public struct ServerConnection: Sendable {
    let connection: PostgresConnection
    let logger: Logger
    /// Where it is connected, for messages.
    public let location: ServerLocation

    /// Connects as the location's role.
    ///
    /// - Throws: ``ServerStoreError`` with the server's reason (no such role or database, a wrong
    ///   password, no server on that socket or port).
    public static func open(_ location: ServerLocation, logger: Logger = Logger(label: "ruralstat.server-store")) async throws(ServerStoreError)
        -> ServerConnection
    {
        let configuration: PostgresConnection.Configuration
        if let path = location.socketPath {
            configuration = .init(unixSocketPath: path, username: location.user, password: location.password, database: location.database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            do {
                switch location.encryption {
                case .disable: tls = .disable
                case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
                case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
                }
            } catch {
                throw ServerStoreError(error, doing: "preparing TLS for \(location)")
            }
            configuration = .init(
                host: location.host ?? "localhost", port: location.port, username: location.user, password: location.password,
                database: location.database, tls: tls)
        }
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
            return ServerConnection(connection: connection, logger: logger, location: location)
        } catch {
            throw ServerStoreError(error, doing: "connecting to \(location)")
        }
    }

    /// Connects, runs `body`, and closes the connection whatever `body` does.
    public static func using<Result: Sendable>(_ location: ServerLocation, _ body: (ServerConnection) async throws(ServerStoreError) -> Result)
        async throws(ServerStoreError) -> Result
    {
        let connection = try await open(location)
        do {
            let result = try await body(connection)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Runs one statement, discarding any rows.
    public func execute(_ query: PostgresQuery) async throws(ServerStoreError) {
        do {
            try await connection.query(query, logger: logger)
        } catch {
            throw ServerStoreError(error, doing: Self.summary(query))
        }
    }

    /// Runs one query and collects its rows, each decoded by `row` (which may throw postgres-nio's
    /// decoding errors).
    public func rows<Row>(_ query: PostgresQuery, _ row: (PostgresRow) throws -> Row) async throws(ServerStoreError) -> [Row] {
        do {
            var rows: [Row] = []
            for try await found in try await connection.query(query, logger: logger) { rows.append(try row(found)) }
            return rows
        } catch {
            throw ServerStoreError(error, doing: Self.summary(query))
        }
    }

    /// Copies rows in PostgreSQL's text format (``CopyRows``) into a temporary staging table
    /// (`COPY … FROM STDIN`); the store's own tables are filled from there by SQL (PostgreSQL refuses
    /// `COPY` into a table with row-level security).
    ///
    /// - Parameters:
    ///   - table: a staging table, `pg_temp.NAME` (ruralstat's own name, never from input).
    ///   - columns: its columns, in the rows' order.
    func copy(into table: String, columns: [String], _ rows: ByteBuffer) async throws(ServerStoreError) {
        guard rows.readableBytes > 0 else { return }
        // postgres-nio quotes the name as one identifier: the bare name, which only the session's temporary schema holds.
        precondition(table.hasPrefix("pg_temp."), "COPY goes into staging tables only")
        do {
            try await connection.copyFrom(table: String(table.dropFirst(8)), columns: columns, logger: logger) { writer in try await writer.write(rows) }
        } catch {
            throw ServerStoreError(error, doing: "copying rows into \(table)")
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    public func transaction<Result: Sendable>(_ body: (ServerConnection) async throws(ServerStoreError) -> Result) async throws(ServerStoreError)
        -> Result
    {
        try await execute("BEGIN")
        let result: Result
        do {
            result = try await body(self)
        } catch {
            try? await execute("ROLLBACK")
            throw error
        }
        try await execute("COMMIT")
        return result
    }

    /// Closes the connection.
    public func close() async {
        try? await connection.close()
    }

    /// A statement's first words, for an error message (the SQL is ruralstat's own, the values bound).
    static func summary(_ query: PostgresQuery) -> String {
        let words = query.sql.split(whereSeparator: \.isWhitespace).prefix(6).joined(separator: " ")
        return words.count > 80 ? String(words.prefix(80)) + "…" : words
    }
}

/// A role or other name written into SQL text (PostgreSQL cannot bind identifiers): lower-case
/// ASCII letters, digits and `_`, starting with a letter or `_`, at most 63 bytes, quoted all the same.
public struct ServerIdentifier: Sendable, Hashable, CustomStringConvertible {
    /// The name as given.
    public let name: String

    /// Checks `name`.
    ///
    /// - Throws: ``ServerStoreError`` when it is empty, too long, or has other characters.
    public init(_ name: String) throws(ServerStoreError) {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 63, first == 95 || (97...122).contains(first),
            bytes.allSatisfy({ $0 == 95 || (97...122).contains($0) || (48...57).contains($0) })
        else {
            throw ServerStoreError(
                "role name \(name.prefix(80)): use lower-case letters, digits and _, starting with a letter, at most 63 characters",
                isInvalidInput: true)
        }
        self.name = name
    }

    /// `"name"`, as SQL text.
    public var quoted: String { "\"\(name)\"" }

    public var description: String { name }
}
