import CSQLiteSettings
import Foundation
import GRDB
import GRDBSQLite
import RuralstatModel

/// The embedded store: one SQLite file in WAL mode, so analysts can read it with `sqlite3` while a
/// run writes. Opening a store migrates it to the current schema.
public final class SQLiteStore: IndicatorStore {
    public let path: String
    let pool: DatabasePool

    /// Opens and migrates the existing store at `path`. A missing store is an error, never an empty
    /// new one: only `ruralstat init` and the nightly run, which name the store on purpose, create one.
    public convenience init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.missing(path) }
        try self.init(creatingAt: path)
    }

    /// SQLite's process-wide settings, made once before the first connection opens.
    private static let configured: Bool = ruralstat_sqlite_configure() == 0

    /// Opens and migrates the store at `path`, creating it when it does not exist.
    public init(creatingAt path: String) throws {
        _ = Self.configured
        self.path = path
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(30)
        // 16 KB pages for a new store (an existing one keeps its own): a fresh 10M-row apply takes
        // 6.9 s against 7.5 s with SQLite's 4 KB, for the same bytes per observation.
        configuration.prepareDatabase { try $0.execute(sql: "PRAGMA page_size = 16384") }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            let migrator = StoreSchema.migrator
            if try pool.read({ try migrator.hasBeenSuperseded($0) }) {
                throw StoreError(
                    path: path, message: "was written by a newer ruralstat (its schema has migrations this version does not know); upgrade ruralstat")
            }
            try migrator.migrate(pool)
            // The writer's page cache, 64 MB instead of SQLite's 2 MB: with a small cache SQLite spills the
            // B-tree's root and inner pages to the WAL again after nearly every row of a large transaction
            // (1.5 million page writes for 720k rollups).
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA cache_size = -65536") }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(path: path, message: "cannot open or migrate: \(error)")
        }
    }

    /// The identifiers of the migrations applied to this store, oldest first.
    public func appliedMigrations() throws -> [String] {
        try pool.read { try StoreSchema.migrator.appliedMigrations($0) }
    }

    public func saveRegistry(_ registry: RegionRegistry) throws {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM regions WHERE edition = ?", arguments: [registry.edition])
            let insert = try db.makeStatement(
                sql: """
                    INSERT INTO regions (edition, code, code_text, name, level, lowest_level, parent_code, kind, urban_rural_class)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for unit in registry.allUnits {
                try insert.execute(arguments: [
                    registry.edition, unit.code.rawValue, unit.code.description, unit.name, unit.level.description,
                    unit.lowestLevel.description, unit.parent.rawValue, unit.kind.rawValue, unit.urbanRuralClass?.rawValue,
                ])
            }
        }
    }

    /// Loads an edition of the registry (the newest when nil), read with the SQLite C API: every
    /// command loads it, and GRDB's rows made that take a second for the half-million units of a
    /// national registry. The builder checks every code and parent again, as it does for a file.
    public func loadRegistry(edition: Int?) throws -> RegionRegistry? {
        try pool.read { db -> RegionRegistry? in
            guard let edition = try edition ?? Int.fetchOne(db, sql: "SELECT max(edition) FROM regions") else { return nil }
            let statement = try db.makeStatement(
                sql: "SELECT code_text, name, parent_code, urban_rural_class, lowest_level FROM regions WHERE edition = ? ORDER BY code")
            let handle = statement.sqliteStatement
            sqlite3_bind_int64(handle, 1, Int64(edition))
            var registry = StoredRegistry(edition: edition, source: "\(path) regions")
            while true {
                let code = sqlite3_step(handle)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else {
                    throw StoreError(path: path, message: "reading the registry failed: \(String(cString: sqlite3_errstr(code)))")
                }
                guard sqlite3_column_type(handle, 2) == SQLITE_INTEGER else {
                    throw StoredRow(row: Row(), table: "regions", store: path).problem(
                        "parent_code", "holds \(ColumnReading.shown(handle, 2)), not an Int64")
                }
                registry.add(
                    code: ColumnReading.text(handle, 0), name: ColumnReading.text(handle, 1),
                    parent: RegionCode(uncheckedRawValue: sqlite3_column_int64(handle, 2)), urbanRuralClass: ColumnReading.text(handle, 3),
                    lowestLevel: ColumnReading.text(handle, 4))
            }
            return try registry.build()
        }
    }

    public func saveCatalog(_ catalog: IndicatorCatalog) throws {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM indicators")
            let insert = try db.makeStatement(
                sql: """
                    INSERT INTO indicators (code, definition_version, valid_from, valid_to, name_zh, name_en, dimension, unit, unit_mult,
                        kind, range_min, range_max, frequency, reported_levels, aggregation, direction, nature, baseline_year, baseline)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            let target = try db.makeStatement(
                sql: """
                    INSERT INTO indicator_targets (code, definition_version, year, target, comparator, value) VALUES (?, ?, ?, ?, ?, ?)
                    """)
            for indicator in catalog.definitions {
                let levels = indicator.reportedLevels.map(\.description).joined(separator: ",")
                try insert.execute(arguments: [
                    indicator.code, indicator.definitionVersion, indicator.validFrom, indicator.validTo, indicator.nameZh,
                    indicator.nameEn, indicator.dimension, indicator.unit, indicator.unitMultiplier, indicator.kind.rawValue,
                    indicator.validRange?.lowerBound, indicator.validRange?.upperBound, indicator.frequency.rawValue, levels,
                    indicator.aggregation.description, indicator.direction?.rawValue, indicator.nature?.rawValue,
                    indicator.baseline?.year, indicator.baseline?.target.description,
                ])
                for (year, goal) in indicator.targets.sorted(by: { $0.key < $1.key }) {
                    try target.execute(arguments: [
                        indicator.code, indicator.definitionVersion, year, goal.description,
                        goal.comparator.rawValue, goal.value,
                    ])
                }
            }
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('catalog_version', ?)", arguments: [catalog.version])
        }
    }

    public func beginRun(command: String, parameters: [String: String]) throws -> Int64 {
        let json = String(decoding: try JSONEncoder.sorted.encode(parameters), as: UTF8.self)
        return try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO runs (started_at, command, status, software_version, parameters) VALUES (?, ?, 'running', ?, ?)
                    """, arguments: [Timestamp.now(), command, RuralstatVersion.current, json])
            return db.lastInsertedRowID
        }
    }

    public func finishRun(_ id: Int64, status: RunStatus, exitCode: Int32) throws {
        try pool.write { db in
            try db.execute(
                sql: "UPDATE runs SET finished_at = ?, status = ?, exit_code = ? WHERE id = ?",
                arguments: [Timestamp.now(), status.rawValue, exitCode, id])
        }
    }

    public func summary() throws -> StoreSummary {
        try pool.read { db in
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            var editions: [Int: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT edition, count(*) AS n FROM regions GROUP BY edition") {
                let checkedRow = checked(row, "regions")
                editions[try checkedRow("edition")] = try checkedRow("n")
            }
            return StoreSummary(
                schemaVersion: try StoreSchema.migrator.appliedMigrations(db).last ?? "none",
                registryEditions: editions,
                catalogVersion: try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'catalog_version'"),
                indicatorDefinitions: try count("SELECT count(*) FROM indicators"),
                submissions: try count("SELECT count(*) FROM submissions"),
                currentObservations: try count("SELECT count(*) FROM current_values"),
                supersededObservations: try count("SELECT count(*) FROM superseded_values"),
                rejects: try count("SELECT count(*) FROM rejects"),
                rollups: try count("SELECT count(*) FROM rollups"),
                findings: try count("SELECT count(*) FROM findings"),
                runs: try count("SELECT count(*) FROM runs"))
        }
    }
}

extension JSONEncoder {
    package static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}

extension JSONEncoder {
    /// Non-finite numbers as the strings "inf", "-inf" and "nan" (JSON has none).
    package static var findingParameters: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }
}

extension JSONDecoder {
    package static var findingParameters: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}

/// ISO 8601 timestamps in UTC, as every table stores them.
package enum Timestamp {
    package static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}
