import Foundation
import PostgresNIO
import RuralstatModel
import RuralstatStore

@available(macOS 15, *)
extension ServerStore {
    static let submissionColumns = "id, file_name, status, received_at, sender, message_id, reason, conditions"

    public func submission(withHash hash: String) throws -> StoredSubmission? {
        try storedSubmissions(
            "SELECT \(unescaped: Self.submissionColumns) FROM ruralstat.submissions WHERE content_hash = \(hash) AND status IN ('applied', 'test', 'retired')"
        ).first
    }

    public func rejectedAttempt(withHash hash: String) throws -> StoredSubmission? {
        try storedSubmissions(
            """
            SELECT \(unescaped: Self.submissionColumns) FROM ruralstat.submissions WHERE content_hash = \(hash) AND status = 'rejected'
            ORDER BY id DESC LIMIT 1
            """
        ).first
    }

    private func storedSubmissions(_ query: PostgresQuery) throws -> [StoredSubmission] {
        let rows = try run { connection in
            try await connection.rows(query) { try $0.decode((Int64, String, String, String, String?, String?, String?, String?).self) }
        }
        return try rows.map { row in
            guard let status = SubmissionStatus(rawValue: row.2) else {
                throw problem("submissions", "status", "holds '\(EchoText.quote(row.2))', which is not one of its values")
            }
            return StoredSubmission(
                id: row.0, fileName: row.1, status: status, receivedAt: row.3, sender: row.4, messageID: row.5, reason: row.6, conditions: row.7)
        }
    }

    /// Applies one submission in one transaction. Its rows are copied into the staging table as the
    /// reader gives them (``ServerSubmissionStage``); once the reader has judged the whole file,
    /// repeated keys are settled and the rows merged set-wise in document order: each stretch of
    /// upserts by three statements (the versions it replaces to history, the changed values updated,
    /// the new ones inserted), each delete row by its own. If `read` throws, the transaction rolls
    /// back and nothing of the submission stays.
    public func apply(_ record: SubmissionRecord, runID: Int64?, read: (any SubmissionSink) throws -> SubmissionVerdict) throws -> ApplyOutcome {
        try prepareStaging()
        return try exclusively {
            try run { connection in
                try await connection.execute("BEGIN")
                try await connection.execute("TRUNCATE \(unescaped: ServerStaging.values), \(unescaped: ServerStaging.rejects)")
            }
            do {
                let outcome = try applyInTransaction(record, runID: runID, read: read)
                try run { connection in try await connection.execute("COMMIT") }
                return outcome
            } catch {
                try? run { connection in try await connection.execute("ROLLBACK") }
                throw error
            }
        }
    }

    private func applyInTransaction(_ record: SubmissionRecord, runID: Int64?, read: (any SubmissionSink) throws -> SubmissionVerdict) throws
        -> ApplyOutcome
    {
        let id = try run { connection in
            try await connection.rows(
                """
                INSERT INTO ruralstat.submissions (region, file_name, content_hash, received_at, run_id, status, conditions)
                VALUES (0, \(record.fileName.storable), \(record.contentHash), \(record.receivedAt.storable), \(runID), 'rejected',
                    \(record.conditions?.storable)) RETURNING id
                """
            ) { try $0.decode(Int64.self) }[0]
        }
        let stage = ServerSubmissionStage(store: self, file: record.fileName)
        let started = Date()
        let verdict = try read(stage)
        var earlier: (id: Int64, file: String)?
        if let sender = verdict.header.sender, let messageID = verdict.header.messageID {
            earlier = try run { connection in
                try await connection.rows(
                    """
                    SELECT id, file_name FROM ruralstat.submissions
                    WHERE sender = \(sender.storable) AND message_id = \(messageID.storable) AND status = 'applied'
                    """
                ) { try $0.decode((Int64, String).self) }.first
            }.map { (id: $0.0, file: $0.1) }
        }
        var outcome = ApplyOutcome(
            verdict: verdict, submissionID: id, file: record.fileName, secondsReading: Date().timeIntervalSince(started),
            earlierWithMessageID: earlier)
        let reused = outcome.messageIDReuse != nil
        if let reuse = outcome.messageIDReuse {
            try stage.reject(reuse)
        } else if outcome.status == .applied {
            let merging = Date()
            try stage.flush()
            if stage.mayRepeatKeys {
                try settleRepeats(file: record.fileName, stage: stage, outcome: &outcome)
                try stage.flush()
            }
            try merge(submission: id, outcome: &outcome)
            outcome.secondsMerging = Date().timeIntervalSince(merging)
        }
        try stage.flush()
        let sender = reused ? nil : verdict.header.sender?.storable, messageID = reused ? nil : verdict.header.messageID?.storable
        let region = verdict.header.sender.flatMap { RegionCode(senderID: $0) }?.rawValue ?? 0
        let final = {
            var final = outcome; final.reason = final.reason?.storable; return final
        }()
        let (format, prepared) = (verdict.format?.storable, verdict.header.prepared?.storable)
        try run { connection in
            try await connection.execute(
                """
                UPDATE ruralstat.submissions SET region = \(region), sender = \(sender), message_id = \(messageID), format = \(format),
                    prepared_at = \(prepared), status = \(final.status.rawValue), reason = \(final.reason), rows_read = \(final.rowsRead),
                    rows_new = \(final.rowsNew), rows_revised = \(final.rowsRevised), rows_unchanged = \(final.rowsUnchanged),
                    rows_deleted = \(final.rowsDeleted), rows_rejected = \(final.rowsRejected), warnings = \(final.warnings + final.duplicatesMerged)
                WHERE id = \(id)
                """)
            try await Self.moveStagedRejects(connection, submission: id, run: runID, region: region)
        }
        return outcome
    }

    /// The staged rejects into the rejects table, in order; a reject without a region of its own
    /// (no key) belongs to the sender's jurisdiction.
    private static func moveStagedRejects(_ connection: ServerConnection, submission: Int64, run: Int64?, region: Int64) async throws(ServerStoreError) {
        try await connection.execute(
            """
            INSERT INTO ruralstat.rejects (region, run_id, submission_id, file, line, element, column_name, key, rule, severity, value, message)
            SELECT coalesce(region, \(region)), \(run), \(submission), file, line, element, column_name, key, rule, severity, value, message
            FROM \(unescaped: ServerStaging.rejects) ORDER BY seq
            """)
        try await connection.execute("TRUNCATE \(unescaped: ServerStaging.rejects)")
    }

    /// Keys the upserts give more than once (``RuralstatStore/RepeatedKey``): the rows not applied
    /// leave the staging table, and their problems are rejects.
    private func settleRepeats(file: String, stage: ServerSubmissionStage, outcome: inout ApplyOutcome) throws {
        let groups = try run { connection in
            try await connection.rows(
                """
                SELECT region, indicator, period, array_agg(seq ORDER BY seq), array_agg(line ORDER BY seq),
                    array_agg(coalesce(value, 'NaN') ORDER BY seq), array_agg(coalesce(status, '') ORDER BY seq)
                FROM \(unescaped: ServerStaging.values) WHERE action <> 'd'
                GROUP BY region, indicator, period HAVING count(*) > 1 ORDER BY min(seq)
                """
            ) { try $0.decode((Int64, String, String, [Int64], [Int32], [Double], [String]).self) }
        }
        var skipped: [Int64] = []
        for (region, indicator, period, seqs, lines, values, statuses) in groups {
            let rows = lines.indices.map { RepeatedKey.Row(line: lines[$0], value: values[$0], status: statuses[$0].utf8.first ?? 0) }
            let repeated = RepeatedKey(key: "\(RegionCode(uncheckedRawValue: region))|\(indicator)|\(period)", file: file, rows: rows)
            for (position, problem) in repeated.problems {
                try stage.reject(problem)
                outcome.problems.append(problem)
                if repeated.identical { outcome.duplicatesMerged += 1 } else { outcome.rowsRejected += 1 }
                skipped.append(seqs[position])
            }
            if !repeated.identical { skipped.append(seqs[0]) }
        }
        guard !skipped.isEmpty else { return }
        let seqs = skipped
        try run { connection in
            try await connection.execute("DELETE FROM \(unescaped: ServerStaging.values) WHERE seq = ANY(\(seqs))")
        }
    }

    /// Merges the staged rows in document order: stretches of upserts, each set-wise, and delete rows.
    private func merge(submission id: Int64, outcome: inout ApplyOutcome) throws {
        let deletes = try run { connection in
            try await connection.rows(
                "SELECT seq, indicator, period, region FROM \(unescaped: ServerStaging.values) WHERE action = 'd' ORDER BY seq"
            ) { try $0.decode((Int64, String?, String?, Int64?).self) }
        }
        var start = Int64.min
        for delete in deletes + [(Int64.max, nil, nil, nil)] {
            let (low, high) = (start, delete.0)
            let counts = try run { connection in try await Self.mergeUpserts(connection, submission: id, seqs: low, high) }
            outcome.rowsNew += counts.new
            outcome.rowsRevised += counts.revised
            outcome.rowsUnchanged += counts.unchanged
            guard delete.0 != Int64.max else { break }
            let (indicator, period, region) = (delete.1, delete.2, delete.3)
            outcome.rowsDeleted += try run { connection in
                /// A statement on the current values the delete row matches (a NULL dimension matches every value).
                func matching(_ head: String, _ tail: String = "") -> PostgresQuery {
                    """
                    \(unescaped: head) WHERE (\(indicator)::text IS NULL OR indicator = \(indicator)) AND (\(period)::text IS NULL OR period = \(period))
                    AND (\(region)::bigint IS NULL OR region = \(region)) \(unescaped: tail)
                    """
                }
                try await connection.execute(matching(Self.recordPartitions(of: id, from: "ruralstat.observations"), "ON CONFLICT DO NOTHING"))
                try await connection.execute(
                    matching(
                        """
                        INSERT INTO ruralstat.superseded_observations (indicator, period, region, value, status, submission_id, source_line, superseded_by)
                        SELECT indicator, period, region, value, status, submission_id, source_line, \(id) FROM ruralstat.observations
                        """))
                return try await connection.rows(
                    matching("WITH gone AS (DELETE FROM ruralstat.observations", "RETURNING 1) SELECT count(*) FROM gone")
                ) { try $0.decode(Int.self) }[0]
            }
            start = delete.0
        }
    }

    /// Records, as changed by submission `id`, the partitions (indicator × period × province) of the
    /// rows `source` gives (completed by the caller's condition or conflict clause).
    private static func recordPartitions(of id: Int64, from source: String) -> String {
        """
        INSERT INTO ruralstat.submission_partitions (submission_id, indicator, period, province)
        SELECT DISTINCT \(id), indicator, period, (region / 10000000000)::integer FROM \(source)
        """
    }

    /// One stretch of upserts (staged rows with `seq` in `low..<high`): a changed value or status
    /// moves the current version to history and is updated; a new key is inserted; an identical
    /// value changes nothing. A Merge without a status keeps the stored status; a Replace replaces it.
    private static func mergeUpserts(_ connection: ServerConnection, submission id: Int64, seqs low: Int64, _ high: Int64) async throws(ServerStoreError)
        -> (new: Int, revised: Int, unchanged: Int)
    {
        let stretch = "s.action <> 'd' AND s.seq >= \(low) AND s.seq < \(high)"
        let changing = """
            o.indicator = s.indicator AND o.period = s.period AND o.region = s.region
            AND (s.value IS DISTINCT FROM o.value OR NOT (s.status IS NOT DISTINCT FROM o.status OR (s.action = 'm' AND s.status IS NULL)))
            """
        let staged = ServerStaging.values
        let (low, high, total) = try await connection.rows(
            "SELECT min(s.region), max(s.region), count(*) FROM \(unescaped: staged) s WHERE \(unescaped: stretch)"
        ) { try $0.decode((Int64?, Int64?, Int).self) }[0]
        guard let low, let high else { return (0, 0, 0) }
        let partitions = "touched AS (\(recordPartitions(of: id, from: "changed")) ON CONFLICT DO NOTHING)"
        // Most nights bring units the store has no value of yet: when no current value lies in the
        // stretch's range of regions, every row is new, and the three key probes per row are skipped.
        let anyStored = try await connection.rows(
            "SELECT EXISTS (SELECT FROM ruralstat.observations WHERE region BETWEEN \(low) AND \(high))"
        ) { try $0.decode(Bool.self) }[0]
        if !anyStored {
            let new = try await connection.rows(
                """
                WITH changed AS (
                    INSERT INTO ruralstat.observations (indicator, period, region, value, status, submission_id, source_line)
                    SELECT s.indicator, s.period, s.region, s.value, s.status, \(id), s.line FROM \(unescaped: staged) s
                    WHERE \(unescaped: stretch) ORDER BY s.indicator, s.period, s.region RETURNING indicator, period, region),
                \(unescaped: partitions)
                SELECT count(*) FROM changed
                """
            ) { try $0.decode(Int.self) }[0]
            return (new, 0, total - new)
        }
        try await connection.execute(
            """
            INSERT INTO ruralstat.superseded_observations (indicator, period, region, value, status, submission_id, source_line, superseded_by)
            SELECT o.indicator, o.period, o.region, o.value, o.status, o.submission_id, o.source_line, \(id)
            FROM \(unescaped: staged) s JOIN ruralstat.observations o ON \(unescaped: changing) WHERE \(unescaped: stretch)
            """)
        let revised = try await connection.rows(
            """
            WITH changed AS (
                UPDATE ruralstat.observations o SET value = s.value,
                    status = CASE WHEN s.action = 'm' AND s.status IS NULL THEN o.status ELSE s.status END,
                    submission_id = \(id), source_line = s.line
                FROM \(unescaped: staged) s WHERE \(unescaped: changing) AND \(unescaped: stretch) RETURNING o.indicator, o.period, o.region),
            \(unescaped: partitions)
            SELECT count(*) FROM changed
            """
        ) { try $0.decode(Int.self) }[0]
        let new = try await connection.rows(
            """
            WITH changed AS (
                INSERT INTO ruralstat.observations (indicator, period, region, value, status, submission_id, source_line)
                SELECT s.indicator, s.period, s.region, s.value, s.status, \(id), s.line FROM \(unescaped: staged) s
                WHERE \(unescaped: stretch) AND NOT EXISTS (
                    SELECT FROM ruralstat.observations o WHERE o.indicator = s.indicator AND o.period = s.period AND o.region = s.region)
                ORDER BY s.indicator, s.period, s.region RETURNING indicator, period, region),
            \(unescaped: partitions)
            SELECT count(*) FROM changed
            """
        ) { try $0.decode(Int.self) }[0]
        return (new, revised, total - new - revised)
    }

    public func recordUnreadable(_ record: SubmissionRecord, runID: Int64?, problem: ValidationProblem) throws -> Int64 {
        try prepareStaging()
        return try exclusively {
            let stage = ServerSubmissionStage(store: self, file: record.fileName)
            try run { connection in try await connection.execute("TRUNCATE \(unescaped: ServerStaging.rejects)") }
            try stage.reject(problem)
            try stage.flush()
            return try run { connection in
                try await connection.transaction { connection throws(ServerStoreError) in
                    let id = try await connection.rows(
                        """
                        INSERT INTO ruralstat.submissions (region, file_name, content_hash, received_at, run_id, status, reason, conditions)
                        VALUES (0, \(record.fileName.storable), \(record.contentHash), \(record.receivedAt.storable), \(runID), 'rejected',
                            \(problem.message.storable), \(record.conditions?.storable)) RETURNING id
                        """
                    ) { try $0.decode(Int64.self) }[0]
                    try await Self.moveStagedRejects(connection, submission: id, run: runID, region: 0)
                    return id
                }
            }
        }
    }
}

/// Where the reader puts a submission's rows and problems while the server store applies it: both
/// are written in COPY's text format and copied into the staging tables a few megabytes at a time,
/// so memory stays flat whatever the file's size.
@available(macOS 15, *)
final class ServerSubmissionStage: SubmissionSink {
    let file: String
    private let store: ServerStore
    private var values = CopyRows()
    private var rejects = CopyRows()
    private var seq: Int64 = 0
    /// Whether a key may have come twice, so that repeats must be settled after the read. Two proofs
    /// that none did: units came in rising (period, region) order, each giving an indicator once (a
    /// file sorted by key, or grouped by unit with its indicators in any order, as most are), or every
    /// key so far is in `keys`, a set of packed keys kept up to a bound (files in other orders).
    var mayRepeatKeys: Bool { repeated || (!unitsRise && keys == nil) }
    private var unitsRise = true
    private var lastUnit: (period: String, region: Int64)?
    private var unitIndicators: Set<String> = []
    private var keys: Set<UInt64>? = []
    private var repeated = false
    private var indicatorNumbers: [String: UInt64] = [:], periodNumbers: [String: UInt64] = [:]
    /// Keys the set holds at most (16 MB).
    private static let keyBound = 1 << 20

    /// Bytes staged before they are copied.
    private static let flushBytes = 4 << 20

    init(store: ServerStore, file: String) {
        self.store = store
        self.file = file
    }

    func add(_ batch: ObservationBatch) throws {
        let periods = batch.periodTable.map(\.description)
        let merge = Action.merge.rawValue, delete = Action.delete.rawValue
        for index in 0..<batch.count {
            seq += 1
            values.integer(seq)
            let action = batch.actions[index]
            values.text(action == delete ? "d" : action == merge ? "m" : "r")
            let indicator = batch.indicators[index], period = batch.periods[index], region = batch.regions[index]
            values.text(indicator == ObservationBatch.wildcardIndex ? nil : batch.indicatorCodes[Int(indicator)])
            values.text(period == ObservationBatch.wildcardIndex ? nil : periods[Int(period)])
            values.integer(region == ObservationBatch.wildcard ? nil : region)
            values.number(batch.values[index])
            let status = batch.statuses[index]
            values.text(status == 0 || status > 127 ? nil : String(UnicodeScalar(status)))
            values.integer(batch.lines[index])
            values.endRow()
            if action != delete, !repeated {
                noteKey(period: periods[Int(period)], region: region, indicator: batch.indicatorCodes[Int(indicator)])
            }
        }
        if values.buffer.readableBytes >= Self.flushBytes { try flush() }
    }

    /// Keeps the two proofs that no key repeats up to date with an upsert's key.
    private func noteKey(period: String, region: Int64, indicator: String) {
        if unitsRise {
            let unit = (period, region)
            if let last = lastUnit, last == unit {
                unitsRise = unitIndicators.insert(indicator).inserted
            } else if let last = lastUnit, !(last < unit) {
                unitsRise = false
            } else {
                lastUnit = unit
                unitIndicators = [indicator]
            }
        }
        guard keys != nil else { return }
        // Region codes are below 2⁴⁰; 4,096 indicators and periods leave the other 24 bits.
        let indicatorNumber = indicatorNumbers[indicator] ?? UInt64(indicatorNumbers.count)
        let periodNumber = periodNumbers[period] ?? UInt64(periodNumbers.count)
        indicatorNumbers[indicator] = indicatorNumber
        periodNumbers[period] = periodNumber
        guard indicatorNumber < 4096, periodNumber < 4096, keys!.count < Self.keyBound else {
            keys = nil
            return
        }
        if !keys!.insert(UInt64(region) | indicatorNumber << 40 | periodNumber << 52).inserted {
            repeated = true
        }
    }

    func reject(_ problem: ValidationProblem) throws {
        let keyRegion = problem.key.split(separator: "|", omittingEmptySubsequences: false).first.flatMap { try? RegionCode(String($0)) }
        rejects.integer(keyRegion?.rawValue)
        rejects.text(problem.location.file)
        rejects.integer(problem.location.line)
        rejects.text(problem.location.element)
        rejects.text(problem.location.column)
        rejects.text(problem.key.isEmpty ? nil : problem.key)
        rejects.text(problem.rule.rawValue)
        rejects.text(problem.severity.rawValue)
        rejects.text(problem.value)
        rejects.text(problem.message)
        rejects.endRow()
        if rejects.buffer.readableBytes >= Self.flushBytes { try flush() }
    }

    /// Copies what is staged in memory into the staging tables.
    func flush() throws {
        let rows = values.take(), problems = rejects.take()
        try store.run { connection in
            try await connection.copy(into: ServerStaging.values, columns: ServerStaging.valueColumns, rows)
            try await connection.copy(into: ServerStaging.rejects, columns: ServerStaging.rejectColumns, problems)
        }
    }
}
