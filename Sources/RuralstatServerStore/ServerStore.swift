import Foundation
import PostgresNIO
import RuralstatModel
import RuralstatStore

/// The server store: the same interface as ``RuralstatStore/SQLiteStore`` (``RuralstatStore/IndicatorStore``),
/// kept in PostgreSQL (``ServerSchema``), so that many analysts read while the nightly run writes,
/// the database is backed up and replicated by PostgreSQL's own tools, and row-level security shows
/// each login its jurisdiction only (``ServerAccess``).
///
/// One connection, used by one call at a time. The calls are synchronous, as SQLite's are; each runs
/// its statements on ``ServerThread`` and waits. A submission is applied in one transaction: its rows
/// are copied (`COPY`) into a temporary staging table as they are read, then merged set-wise
/// (``apply(_:runID:read:)``).
///
/// ```
/// let store = try ServerStore(ServerLocation(url: "postgresql://nbs_nightly@db/ruralstat"), creating: false)
/// ```
@available(macOS 15, *)
public final class ServerStore: IndicatorStore, @unchecked Sendable {
    /// Where it is, for messages (never with the password).
    public let location: ServerLocation
    let connection: ServerConnection
    /// One call at a time on the connection; recursive, because an apply holds it across the reader's calls.
    private let lock = NSRecursiveLock()
    /// Whether this connection has its staging tables (made at the first write: a reading login, an
    /// analyst's, may not create temporary tables).
    private var staged = false

    /// Connects and brings the schema to the current version.
    ///
    /// - Parameter creating: whether a database without ruralstat's schema gets it (`init`, the
    ///   nightly run); otherwise such a database is an error, as a missing SQLite file is.
    /// - Throws: ``RuralstatStore/StoreError`` when the server cannot be reached, the database has no
    ///   store (and `creating` is false), or its schema is newer than this ruralstat.
    public init(_ location: ServerLocation, creating: Bool) throws {
        self.location = location
        let shown = location.description
        connection = try Self.bridge(shown) { try await ServerConnection.open(location) }
        do {
            let versions = try Self.bridge(shown) { [connection] in try await ServerSchema.appliedVersions(connection) }
            if versions.isEmpty, !creating { throw StoreError.missing(shown) }
            if let newest = versions.last, newest > ServerSchema.version {
                throw StoreError(
                    path: shown, message: "has schema version \(newest), newer than this ruralstat's \(ServerSchema.version); upgrade ruralstat")
            }
            if versions.last != ServerSchema.version {
                _ = try Self.bridge(shown) { [connection] in try await ServerSchema.migrate(connection) }
            }
        } catch {
            try? ServerThread.shared.wait { [connection] in await connection.close() }
            throw error
        }
    }

    deinit {
        try? ServerThread.shared.wait { [connection] in await connection.close() }
    }

    /// Runs `work` on the connection, one call at a time, and waits for it.
    func run<Result: Sendable>(_ work: @escaping @Sendable (ServerConnection) async throws -> Result) throws -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try Self.bridge(location.description) { [connection] in try await work(connection) }
    }

    /// Makes the connection's staging tables, once, before its first write.
    func prepareStaging() throws {
        try exclusively {
            guard !staged else { return }
            try run { connection in try await ServerStaging.create(connection) }
            staged = true
        }
    }

    /// Holds the connection for several calls in a row (an apply's transaction around its reader).
    func exclusively<Result>(_ body: () throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Waits for `work` on ``ServerThread``; its errors become ``RuralstatStore/StoreError``s that name the store.
    private static func bridge<Result: Sendable>(_ store: String, _ work: @escaping @Sendable () async throws -> Result) throws -> Result {
        do {
            return try ServerThread.shared.wait(work)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(path: store, message: ServerStoreError(error, doing: "the server store").description)
        }
    }

    /// A problem with a stored value, said as the SQLite store says it.
    func problem(_ table: String, _ column: String, _ what: String) -> StoreError {
        StoreError(
            path: location.description,
            message:
                "table \(table), column \(column) \(what); was the store changed by hand? Mend the row (for rollups and findings, 'ruralstat rollup --full' rebuilds them)"
        )
    }

    /// Takes the store's writer lock for `command`, as ``RuralstatStore/StoreLock`` does for a SQLite
    /// file: one writer at a time, the others waiting up to `wait` seconds. An advisory lock of this
    /// store's connection, which the server releases when the connection ends however it ends; the
    /// connection's `application_name` names the holder for the message a waiting writer prints.
    ///
    /// - Throws: ``RuralstatStore/StoreLock/Busy`` when another writer still holds it after `wait` seconds.
    public func holdWriterLock(command: String, wait: Double) throws {
        let deadline = Date().addingTimeInterval(wait)
        let note = "ruralstat \(command), pid \(ProcessInfo.processInfo.processIdentifier), started \(Timestamp.now())"
        while true {
            let taken = try run { connection in
                try await connection.rows("SELECT pg_try_advisory_lock(\(Self.writerLock.0), \(Self.writerLock.1))") { try $0.decode(Bool.self) }[0]
            }
            if taken {
                try run { connection in try await connection.execute("SELECT set_config('application_name', \(note), false)") }
                return
            }
            guard Date() < deadline else {
                let holder = try run { connection in
                    try await connection.rows(
                        """
                        SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                        WHERE l.locktype = 'advisory' AND l.classid = \(Self.writerLock.0) AND l.objid = \(Self.writerLock.1) AND l.granted
                        """
                    ) { try $0.decode(String.self) }.first
                }
                throw StoreLock.Busy(path: location.description, holder: holder ?? "")
            }
            usleep(200_000)
        }
    }

    /// The writer lock's key ("rura", 2): apart from the migrators' (a single 64-bit key).
    static let writerLock: (Int32, Int32) = (0x7275_7261, 2)

    // MARK: Reference data

    public func saveRegistry(_ registry: RegionRegistry) throws {
        var rows = CopyRows()
        for unit in registry.allUnits {
            rows.integer(registry.edition)
            rows.integer(unit.code.rawValue)
            rows.text(unit.name)
            rows.text(unit.level.description)
            rows.text(unit.lowestLevel.description)
            rows.integer(unit.parent.rawValue)
            rows.text(unit.kind.rawValue)
            rows.text(unit.urbanRuralClass?.rawValue)
            rows.endRow()
        }
        let edition = registry.edition, data = rows.buffer
        try prepareStaging()
        try run { connection in
            try await connection.transaction { connection throws(ServerStoreError) in
                try await connection.execute("DELETE FROM ruralstat.regions WHERE edition = \(edition)")
                try await connection.execute("TRUNCATE \(unescaped: ServerStaging.regions)")
                try await connection.copy(into: ServerStaging.regions, columns: ServerStaging.regionColumns, data)
                let columns = ServerStaging.regionColumns.joined(separator: ", ")
                try await connection.execute(
                    "INSERT INTO ruralstat.regions (\(unescaped: columns)) SELECT \(unescaped: columns) FROM \(unescaped: ServerStaging.regions)")
                try await connection.execute("TRUNCATE \(unescaped: ServerStaging.regions)")
            }
        }
    }

    public func loadRegistry(edition: Int?) throws -> RegionRegistry? {
        let source = "\(location) regions"
        let rows = try run { connection in
            try await connection.rows(
                """
                SELECT code, name, parent_code, urban_rural_class, lowest_level, edition FROM ruralstat.regions
                WHERE edition = coalesce(\(edition), (SELECT max(edition) FROM ruralstat.regions)) ORDER BY code
                """
            ) { try $0.decode((Int64, String, Int64, String?, String, Int).self) }
            .map { (code: $0.0, name: $0.1, parent: $0.2, urbanRuralClass: $0.3, lowestLevel: $0.4, edition: $0.5) }
        }
        guard let chosen = rows.first?.edition else { return nil }
        var builder = StoredRegistry(edition: chosen, source: source)
        for row in rows {
            builder.add(
                code: RegionCode(uncheckedRawValue: row.code).description, name: row.name, parent: RegionCode(uncheckedRawValue: row.parent),
                urbanRuralClass: row.urbanRuralClass ?? "", lowestLevel: row.lowestLevel)
        }
        return try builder.build()
    }

    public func saveCatalog(_ catalog: IndicatorCatalog) throws {
        let catalogVersion = catalog.version
        let definitions = catalog.definitions
        try run { connection in
            try await connection.transaction { connection throws(ServerStoreError) in
                try await connection.execute("DELETE FROM ruralstat.indicators")
                for indicator in definitions {
                    let levels = indicator.reportedLevels.map(\.description).joined(separator: ",")
                    try await connection.execute(
                        """
                        INSERT INTO ruralstat.indicators (code, definition_version, valid_from, valid_to, name_zh, name_en, dimension, unit, unit_mult,
                            kind, range_min, range_max, frequency, reported_levels, aggregation, direction, nature, baseline_year, baseline)
                        VALUES (\(indicator.code), \(indicator.definitionVersion), \(indicator.validFrom), \(indicator.validTo), \(indicator.nameZh),
                            \(indicator.nameEn), \(indicator.dimension), \(indicator.unit), \(indicator.unitMultiplier), \(indicator.kind.rawValue),
                            \(indicator.validRange?.lowerBound), \(indicator.validRange?.upperBound), \(indicator.frequency.rawValue), \(levels),
                            \(indicator.aggregation.description), \(indicator.direction?.rawValue), \(indicator.nature?.rawValue),
                            \(indicator.baseline?.year), \(indicator.baseline?.target.description))
                        """)
                    for (year, goal) in indicator.targets.sorted(by: { $0.key < $1.key }) {
                        try await connection.execute(
                            """
                            INSERT INTO ruralstat.indicator_targets (code, definition_version, year, target, comparator, value)
                            VALUES (\(indicator.code), \(indicator.definitionVersion), \(year), \(goal.description), \(goal.comparator.rawValue), \(goal.value))
                            """)
                    }
                }
                try await connection.execute(
                    """
                    INSERT INTO ruralstat.meta (key, value) VALUES ('catalog_version', \(catalogVersion))
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value
                    """)
            }
        }
    }

    public func indicatorNames() throws -> [(code: String, nameZh: String, nameEn: String)] {
        try run { connection in
            try await connection.rows("SELECT DISTINCT code, name_zh, name_en FROM ruralstat.indicators ORDER BY code") {
                try $0.decode((String, String, String).self)
            }
        }.map { (code: $0.0, nameZh: $0.1, nameEn: $0.2) }
    }

    // MARK: Runs and settings

    public func beginRun(command: String, parameters: [String: String]) throws -> Int64 {
        let json = String(decoding: try JSONEncoder.sorted.encode(parameters), as: UTF8.self)
        let version = RuralstatVersion.current
        return try run { connection in
            try await connection.rows(
                """
                INSERT INTO ruralstat.runs (started_at, command, status, software_version, parameters)
                VALUES (now(), \(command), 'running', \(version), \(json)::json) RETURNING id
                """
            ) { try $0.decode(Int64.self) }[0]
        }
    }

    public func finishRun(_ id: Int64, status: RunStatus, exitCode: Int32) throws {
        let statusText = status.rawValue
        try run { connection in
            try await connection.execute(
                "UPDATE ruralstat.runs SET finished_at = now(), status = \(statusText), exit_code = \(Int(exitCode)) WHERE id = \(id)")
        }
    }

    public func runExists(_ id: Int64) throws -> Bool {
        try run { connection in
            try await connection.rows("SELECT EXISTS (SELECT FROM ruralstat.runs WHERE id = \(id))") { try $0.decode(Bool.self) }[0]
        }
    }

    public func runs(limit: Int?) throws -> [StoredRun] {
        let rows = try run { connection in
            try await connection.rows(
                """
                SELECT r.id, r.command, \(unescaped: Self.timestamp("r.started_at")), \(unescaped: Self.timestamp("r.finished_at")), r.status,
                    r.exit_code, r.software_version, r.parameters::text,
                    (SELECT count(*) FROM ruralstat.submissions s WHERE s.run_id = r.id AND s.status = 'applied'),
                    (SELECT count(*) FROM ruralstat.submissions s WHERE s.run_id = r.id AND s.status = 'rejected'),
                    (SELECT count(*) FROM ruralstat.rollup_changes c WHERE c.run_id = r.id),
                    (SELECT count(*) FROM ruralstat.findings f WHERE f.run_id = r.id)
                FROM ruralstat.runs r ORDER BY r.id DESC LIMIT \(limit)
                """
            ) { try $0.decode((Int64, String, String, String?, String, Int?, String, String, Int, Int, Int, Int).self) }
        }
        return try rows.map { row in
            guard let status = RunStatus(rawValue: row.4) else { throw problem("runs", "status", "holds '\(EchoText.quote(row.4))'") }
            return StoredRun(
                id: row.0, command: row.1, startedAt: row.2, finishedAt: row.3, status: status, exitCode: row.5, softwareVersion: row.6,
                parameters: row.7, submissionsApplied: row.8, submissionsRejected: row.9, rollupsChanged: row.10, findingsFound: row.11)
        }
    }

    public func unfinishedRuns() throws -> [(id: Int64, startedAt: String, command: String)] {
        try run { connection in
            try await connection.rows(
                "SELECT id, \(unescaped: Self.timestamp("started_at")), command FROM ruralstat.runs WHERE status = 'running' ORDER BY id DESC"
            ) { try $0.decode((Int64, String, String).self) }
        }.map { (id: $0.0, startedAt: $0.1, command: $0.2) }
    }

    public func closeUnfinishedRuns(before id: Int64) throws {
        try run { connection in
            try await connection.execute(
                "UPDATE ruralstat.runs SET status = 'failed', finished_at = now(), exit_code = 137 WHERE status = 'running' AND id < \(id)")
        }
    }

    public func watermark(_ name: String) throws -> Int64 {
        Int64(try setting(name) ?? "0") ?? 0
    }

    public func setWatermark(_ name: String, _ value: Int64) throws { try setSetting(name, String(value)) }

    public func setting(_ key: String) throws -> String? {
        try run { connection in
            try await connection.rows("SELECT value FROM ruralstat.meta WHERE key = \(key)") { try $0.decode(String.self) }.first
        }
    }

    public func setSetting(_ key: String, _ value: String) throws {
        try run { connection in
            try await connection.execute(
                "INSERT INTO ruralstat.meta (key, value) VALUES (\(key), \(value)) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        }
    }

    public func summary() throws -> StoreSummary {
        try run { connection in
            func count(_ table: String) async throws -> Int {
                try await connection.rows(PostgresQuery(unsafeSQL: "SELECT count(*) FROM ruralstat.\(table)")) { try $0.decode(Int.self) }[0]
            }
            var editions: [Int: Int] = [:]
            let units = try await connection.rows("SELECT edition, count(*) FROM ruralstat.regions GROUP BY edition") {
                try $0.decode((Int, Int).self)
            }
            for (edition, count) in units { editions[edition] = count }
            return StoreSummary(
                schemaVersion: "v\(try await ServerSchema.appliedVersions(connection).last ?? 0)",
                registryEditions: editions,
                catalogVersion: try await connection.rows("SELECT value FROM ruralstat.meta WHERE key = 'catalog_version'") {
                    try $0.decode(String.self)
                }.first,
                indicatorDefinitions: try await count("indicators"), submissions: try await count("submissions"),
                currentObservations: try await count("observations"), supersededObservations: try await count("superseded_observations"),
                rejects: try await count("rejects"), rollups: try await count("rollups"), findings: try await count("findings"),
                runs: try await count("runs"))
        }
    }

    /// A `timestamptz` column as the SQLite store writes times: ISO 8601 in UTC, with milliseconds.
    static func timestamp(_ column: String) -> String {
        "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
    }
}
