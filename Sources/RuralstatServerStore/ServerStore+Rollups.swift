import Foundation
import PostgresNIO
import RuralstatModel
import RuralstatStore

@available(macOS 15, *)
extension ServerStore {
    /// Reads the current values through a cursor, `batchSize` rows a fetch, in key order (indicator,
    /// period, region: the primary key's), so that memory holds one batch whatever the table's size.
    /// The cursor's transaction is one snapshot: a run that writes meanwhile changes nothing read.
    public func currentObservations(_ filter: ObservationFilter, batchSize: Int, _ body: (ObservationBatch) throws -> Void) throws {
        let indicators = filter.indicators.map { $0.sorted() }, periods = filter.periods.map { $0.sorted() }
        let provinces = filter.provinces.map { $0.sorted() }
        try exclusively {
            try run { connection in
                try await connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                try await connection.execute(
                    """
                    DECLARE current_values NO SCROLL CURSOR FOR
                    SELECT indicator, period, region, value, status FROM ruralstat.observations
                    WHERE (\(indicators)::text[] IS NULL OR indicator = ANY(\(indicators)))
                      AND (\(periods)::text[] IS NULL OR period = ANY(\(periods)))
                      AND (\(provinces)::integer[] IS NULL OR (region / 10000000000)::integer = ANY(\(provinces)))
                    ORDER BY indicator, period, region
                    """)
            }
            defer { try? run { connection in try await connection.execute("COMMIT") } }
            let reader = CurrentValueReader(store: self)
            while let batch = try run({ connection in try await reader.next(batchSize, from: connection) }) {
                try body(batch)
            }
        }
    }

    /// Replaces the rollups of a scope: the new ones are copied into staging, then, in one
    /// transaction, what changed is logged (`rollup_changes`), the scope's rows deleted and the new inserted.
    public func replaceRollups(_ rollups: [Rollup], scope: RollupScope, runID: Int64) throws {
        var rows = CopyRows()
        for rollup in rollups {
            let period = rollup.period.description
            guard scope.regions.contains(rollup.region), scope.indicators?.contains(rollup.indicator) ?? true,
                scope.periods?.contains(period) ?? true
            else { continue }
            rows.text(rollup.level.description)
            rows.integer(rollup.region.rawValue)
            rows.text(rollup.indicator)
            rows.text(period)
            rows.number(rollup.value)
            rows.integer(rollup.contributing)
            rows.integer(rollup.expected)
            rows.number(rollup.coverage)
            rows.text(rollup.publication.rawValue)
            rows.number(rollup.reported)
            rows.number(rollup.imbalance)
            rows.number(rollup.relativeImbalance)
            rows.number(rollup.numerator)
            rows.number(rollup.denominator)
            rows.endRow()
        }
        let data = rows.buffer
        let regions = scope.regions.condition
        let indicators = scope.indicators.map { $0.sorted() }, periods = scope.periods.map { $0.sorted() }
        try prepareStaging()
        try run { connection in
            try await connection.transaction { connection throws(ServerStoreError) in
                try await connection.execute("TRUNCATE \(unescaped: ServerStaging.rollups)")
                try await connection.copy(into: ServerStaging.rollups, columns: ServerStaging.rollupColumns, data)
                let inScope = """
                    \(regions) AND ($1::text[] IS NULL OR indicator = ANY($1)) AND ($2::text[] IS NULL OR period = ANY($2))
                    """
                var bindings = PostgresBindings()
                bindings.append(indicators)
                bindings.append(periods)
                try await connection.execute(
                    PostgresQuery(
                        unsafeSQL: """
                            INSERT INTO ruralstat.rollup_changes (run_id, level, region, indicator, period, change)
                            SELECT \(runID), s.level, s.region, s.indicator, s.period, 'upsert' FROM \(ServerStaging.rollups) s
                            LEFT JOIN ruralstat.rollups r
                                ON r.indicator = s.indicator AND r.period = s.period AND r.level = s.level AND r.region = s.region
                            WHERE r.region IS NULL OR r.value IS DISTINCT FROM s.value OR r.publication <> s.publication
                            ORDER BY s.indicator, s.period, s.level, s.region
                            """))
                try await connection.execute(
                    PostgresQuery(
                        unsafeSQL: """
                            INSERT INTO ruralstat.rollup_changes (run_id, level, region, indicator, period, change)
                            SELECT \(runID), r.level, r.region, r.indicator, r.period, 'delete' FROM ruralstat.rollups r
                            WHERE \(inScope)
                              AND NOT EXISTS (SELECT FROM \(ServerStaging.rollups) s
                                WHERE s.indicator = r.indicator AND s.period = r.period AND s.level = r.level AND s.region = r.region)
                            ORDER BY r.indicator, r.period, r.level, r.region
                            """, binds: bindings))
                try await connection.execute(PostgresQuery(unsafeSQL: "DELETE FROM ruralstat.rollups WHERE \(inScope)", binds: bindings))
                try await connection.execute(
                    PostgresQuery(
                        unsafeSQL: """
                            INSERT INTO ruralstat.rollups (run_id, \(ServerStaging.rollupColumns.joined(separator: ", ")))
                            SELECT \(runID), \(ServerStaging.rollupColumns.joined(separator: ", ")) FROM \(ServerStaging.rollups)
                            ORDER BY indicator, period, level, region
                            """))
            }
        }
    }

    /// The periods of the current values and rollups of these indicators (all when nil) — of those
    /// the login may read: an evaluator, who reads neither, gets the periods of its findings.
    public func periods(of indicators: Set<String>?) throws -> Set<String> {
        let codes = indicators.map { $0.sorted() }
        return Set(
            try run { connection in
                let readable = try await connection.rows(
                    """
                    SELECT has_table_privilege('ruralstat.observations', 'SELECT'), has_table_privilege('ruralstat.rollups', 'SELECT')
                    """
                ) { try $0.decode((Bool, Bool).self) }[0]
                let tables = [readable.0 ? "observations" : nil, readable.1 ? "rollups" : nil].compactMap { $0 }
                let parts = (tables.isEmpty ? ["findings"] : tables).map {
                    "SELECT DISTINCT period FROM ruralstat.\($0) WHERE period IS NOT NULL AND ($1::text[] IS NULL OR indicator = ANY($1))"
                }
                var bindings = PostgresBindings()
                bindings.append(codes)
                return try await connection.rows(PostgresQuery(unsafeSQL: parts.joined(separator: " UNION "), binds: bindings)) {
                    try $0.decode(String.self)
                }
            })
    }

    public func rollupChanges(since run: Int64) throws -> (changed: [Rollup], removed: [RollupKey]) {
        let changes = try self.run { connection in
            try await connection.rows(
                "SELECT level, region, indicator, period, change FROM ruralstat.rollup_changes WHERE run_id > \(run) ORDER BY id"
            ) { try $0.decode((String, Int64, String, String, String).self) }
        }
        var last: [RollupKey: String] = [:]
        for (level, region, indicator, period, change) in changes {
            last[RollupKey(level: level, region: region, indicator: indicator, period: period)] = change
        }
        return try settledChanges(last)
    }

    public func storedRollups() throws -> [Rollup] { try storedRollups(where: "TRUE") }

    public func storedRollups(regions: RollupScope.Regions, levels: Set<RegionLevel>?) throws -> [Rollup] {
        var bindings = PostgresBindings()
        bindings.append(levels.map { $0.map(\.description).sorted() })
        return try storedRollups(where: "\(regions.condition) AND ($1::text[] IS NULL OR level = ANY($1))", bindings)
    }

    public func storedProvinceRollups(indicators: Set<String>, period: String) throws -> [Rollup] {
        var bindings = PostgresBindings()
        bindings.append(indicators.sorted())
        bindings.append(period)
        return try storedRollups(where: "level = 'province' AND indicator = ANY($1) AND period = $2", bindings)
    }

    public func rollupIndicators() throws -> Set<String> {
        Set(try run { connection in try await connection.rows("SELECT DISTINCT indicator FROM ruralstat.rollups") { try $0.decode(String.self) } })
    }

    /// The rollups a condition selects (ruralstat's own SQL, its values bound as `$1`, `$2`), in key order.
    private func storedRollups(where condition: String, _ bindings: PostgresBindings = PostgresBindings()) throws -> [Rollup] {
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT level, region, indicator, period, value, contributing, expected, publication, reported_value, numerator, denominator
                FROM ruralstat.rollups WHERE \(condition) ORDER BY indicator, period, level, region
                """, binds: bindings)
        let rows = try run { connection in
            try await connection.rows(query) { try $0.decode((String, Int64, String, String, Double?, Int, Int?, String, Double?, Double, Double).self) }
        }
        // Texts repeat row after row: parse each once.
        var levels: [String: RegionLevel] = [:], periods: [String: Period] = [:], publications: [String: Publication] = [:]
        return try rows.map { level, region, indicator, period, value, contributing, expected, publication, reported, numerator, denominator in
            guard let parsedLevel = levels[level] ?? RegionLevel(name: level) else {
                throw problem("rollups", "level", "holds '\(EchoText.quote(level))', which is not a level")
            }
            levels[level] = parsedLevel
            guard let parsedPeriod = periods[period] ?? (try? Period(period)) else {
                throw problem("rollups", "period", "holds '\(EchoText.quote(period))', which is not a period")
            }
            periods[period] = parsedPeriod
            guard let mark = publications[publication] ?? Publication(rawValue: publication) else {
                throw problem("rollups", "publication", "holds '\(EchoText.quote(publication))', which is not one of its values")
            }
            publications[publication] = mark
            return Rollup(
                level: parsedLevel, region: RegionCode(uncheckedRawValue: region), indicator: indicator, period: parsedPeriod, value: value ?? .nan,
                numerator: numerator, denominator: denominator, contributing: contributing, expected: expected, publication: mark, reported: reported)
        }
    }

    public func rollupWatermark() throws -> Int64 { try watermark("rollup_watermark") }

    public func setRollupWatermark(_ submission: Int64) throws { try setWatermark("rollup_watermark", submission) }

    public func partitionsTouched(since watermark: Int64) throws -> Set<TouchedPartition> {
        Set(
            try run { connection in
                try await connection.rows(
                    "SELECT DISTINCT indicator, period, province FROM ruralstat.submission_partitions WHERE submission_id > \(watermark)"
                ) { try $0.decode((String, String, Int).self) }
            }.map { TouchedPartition(indicator: $0.0, period: $0.1, province: $0.2) })
    }
}

/// Reads the rows of the `current_values` cursor into observation batches, from their binary cells:
/// a million rows a few seconds faster than decoding each into Swift values, since rows come in key
/// order and an indicator's or period's text is compared with the row before's, not made a String.
@available(macOS 15, *)
private final class CurrentValueReader: @unchecked Sendable {
    let store: ServerStore
    private var indicatorCodes: [String] = [], indicatorIndex: [String: UInt16] = [:]
    private var periodTable: [Period] = [], periodIndex: [String: UInt16] = [:]
    private var lastIndicator: (bytes: ByteBuffer, position: UInt16)?
    private var lastPeriod: (bytes: ByteBuffer, position: UInt16)?

    init(store: ServerStore) { self.store = store }

    // The batch being read (the columns, reused).
    private var regions: [Int64] = [], indicators: [UInt16] = [], periods: [UInt16] = [], values: [Double] = [], statuses: [UInt8] = []

    /// The next `count` rows as a batch; nil when the cursor is done. Rows are taken as the event
    /// loop receives them (postgres-nio's callback form: an async sequence costs a row more than the
    /// server spends on it).
    func next(_ count: Int, from connection: ServerConnection) async throws -> ObservationBatch? {
        (regions, indicators, periods, values, statuses) = ([], [], [], [], [])
        regions.reserveCapacity(count)
        do {
            _ = try await connection.connection.query("FETCH \(unescaped: String(count)) FROM current_values", logger: connection.logger) { row in
                try self.add(row)
            }.get()
        } catch let error as StoreError {
            throw error
        } catch {
            throw ServerStoreError(error, doing: "reading the current values")
        }
        guard !regions.isEmpty else { return nil }
        var batch = ObservationBatch(indicatorCodes: indicatorCodes, periodTable: periodTable, capacity: regions.count)
        for index in regions.indices {
            batch.append(
                region: regions[index], indicator: indicators[index], period: periods[index], value: values[index], status: statuses[index],
                action: .merge, line: 0)
        }
        return batch
    }

    private func add(_ row: PostgresRow) throws {
        var cells = row.makeIterator()
        guard let indicator = cells.next()?.bytes, let period = cells.next()?.bytes, let region = cells.next(), let value = cells.next(),
            let status = cells.next()
        else { throw problem("the row", "is not (indicator, period, region, value, status)") }
        indicators.append(
            position(of: indicator, in: &lastIndicator) { text in
                if let known = indicatorIndex[text] { return known }
                indicatorCodes.append(text)
                indicatorIndex[text] = UInt16(indicatorCodes.count - 1)
                return UInt16(indicatorCodes.count - 1)
            })
        periods.append(
            try position(of: period, in: &lastPeriod) { text in
                if let known = periodIndex[text] { return known }
                guard let parsed = try? Period(text) else { throw problem("period", "holds '\(EchoText.quote(text))', which is not a period") }
                periodTable.append(parsed)
                periodIndex[text] = UInt16(periodTable.count - 1)
                return UInt16(periodTable.count - 1)
            })
        guard region.format == .binary, region.dataType == .int8, let regionBytes = region.bytes, regionBytes.readableBytes == 8,
            value.format == .binary, value.dataType == .float8, status.format == .binary
        else { throw problem("region or value", "came in an unexpected form") }
        regions.append(regionBytes.getInteger(at: regionBytes.readerIndex, as: Int64.self)!)
        if let bytes = value.bytes, bytes.readableBytes == 8 {
            values.append(Double(bitPattern: bytes.getInteger(at: bytes.readerIndex, as: UInt64.self)!))
        } else {
            values.append(.nan)
        }
        if let bytes = status.bytes {
            guard bytes.readableBytes == 1 else { throw problem("status", "holds '\(EchoText.quote(String(buffer: bytes)))', not a status letter") }
            statuses.append(bytes.getInteger(at: bytes.readerIndex, as: UInt8.self)!)
        } else {
            statuses.append(0)
        }
    }

    /// The position of a text in its table: the row before's when the bytes are the same, else looked up (or added) by `find`.
    private func position(of bytes: ByteBuffer, in last: inout (bytes: ByteBuffer, position: UInt16)?, find: (String) throws -> UInt16) rethrows
        -> UInt16
    {
        if let last, last.bytes == bytes { return last.position }
        let position = try find(String(buffer: bytes))
        last = (bytes, position)
        return position
    }

    private func problem(_ column: String, _ what: String) -> StoreError { store.problem("observations", column, what) }
}
