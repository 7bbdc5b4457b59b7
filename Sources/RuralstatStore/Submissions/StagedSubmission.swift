import Foundation
import GRDB
import GRDBSQLite
import RuralstatModel

/// A submission's accepted rows, held in memory in document order while the file is read, then
/// settled and merged into `current_values` inside the submission's transaction.
///
/// Held, because a key given twice with different values rejects every row of that key, the first
/// too, and that is known only at the end of the file. Upserts are columnar (about 30 bytes a row);
/// deletes, which may leave dimensions empty, are kept apart.
///
/// While the upserts come in strictly increasing key order with one action and no delete, no key can
/// repeat, so they are also merged as they come, and the merge overlaps the reading (most files are
/// written in key order). The first row that breaks the pattern stops that; whatever was merged is
/// then taken back and the whole submission goes the settled way, as it does when it is not applied.
final class StagedSubmission: SubmissionSink {
    let file: String
    private let db: Database
    private let store: String
    private let submissionID: Int64
    private var keys: StoreKeys
    private let rejects: RejectWriter
    private var streamer: ValueMerger?
    private var streamed: ApplyOutcome
    private var held = HeldRows()

    /// A delete row; nil dimensions match every value.
    struct Delete { var region: Int64?; var indicator: Int64?; var period: Int64?; var line: Int32 }

    /// The rows held, in document order.
    struct HeldRows {
        var upsertKeys: [ValueKey] = []
        var values: [Double] = []
        var statuses: [UInt8] = []
        var merges: [Bool] = []
        var lines: [Int32] = []
        var deletes: [Delete] = []
        /// Stretches of consecutive rows of one kind in document order, each ending at `end` in its own array.
        var runs: [(isDelete: Bool, end: Int)] = []
        /// Whether every upsert so far went to the streamer, and how many did.
        var streaming = true
        var streamedCount = 0
    }

    init(db: Database, store: String, submissionID: Int64, runID: Int64?, file: String) throws {
        self.db = db
        self.store = store
        self.file = file
        self.submissionID = submissionID
        keys = try StoreKeys(db, store: store)
        rejects = try RejectWriter(db: db, submissionID: submissionID, runID: runID)
        streamer = try ValueMerger(db: db, store: store, submissionID: submissionID)
        streamed = ApplyOutcome(submissionID: submissionID, status: .applied)
    }

    func add(_ batch: ObservationBatch) throws {
        let indicatorIDs = try batch.indicatorCodes.map { try keys.indicator($0, db) }
        let periodIDs = try batch.periodTable.map { try keys.period($0.description, db) }
        // The loop works on local values, put back at the end: every access to a class's stored
        // property costs a run-time exclusivity check, a tenth of the apply at ten million rows.
        var rows = HeldRows(), merger = streamer, outcome = streamed
        swap(&rows, &held)
        streamer = nil
        defer { (held, streamer, streamed) = (rows, merger, outcome) }
        for index in 0..<batch.count {
            let isDelete = batch.actions[index] == Action.delete.rawValue
            let indicator = batch.indicators[index], period = batch.periods[index]
            if isDelete {
                rows.streaming = false
                let region = batch.regions[index]
                rows.deletes.append(
                    Delete(
                        region: region == ObservationBatch.wildcard ? nil : region,
                        indicator: indicator == ObservationBatch.wildcardIndex ? nil : indicatorIDs[Int(indicator)],
                        period: period == ObservationBatch.wildcardIndex ? nil : periodIDs[Int(period)], line: batch.lines[index]))
            } else {
                let key = ValueKey(period: periodIDs[Int(period)], region: batch.regions[index], indicator: indicatorIDs[Int(indicator)])
                let merge = batch.actions[index] == Action.merge.rawValue
                if rows.streaming, let last = rows.upsertKeys.last, !(last < key && rows.merges[0] == merge) { rows.streaming = false }
                rows.upsertKeys.append(key)
                rows.values.append(batch.values[index])
                rows.statuses.append(batch.statuses[index])
                rows.merges.append(merge)
                rows.lines.append(batch.lines[index])
                if rows.streaming {
                    rows.streamedCount += 1
                    try merger?.upsert(
                        key, value: batch.values[index], status: batch.statuses[index], merge: merge, line: batch.lines[index], outcome: &outcome)
                }
            }
            let end = isDelete ? rows.deletes.count : rows.upsertKeys.count
            if let last = rows.runs.last, last.isDelete == isDelete {
                rows.runs[rows.runs.count - 1].end = end
            } else {
                rows.runs.append((isDelete, end))
            }
        }
    }

    func reject(_ problem: ValidationProblem) throws { try rejects.write(problem) }

    /// Settles repeated keys and merges the rows into the current values in document order: a run
    /// of deletes, then a run of upserts, and so on. Within a run of upserts the rows go in key order,
    /// one ordered pass over the B-tree.
    func merge(outcome: inout ApplyOutcome) throws {
        if held.streaming {
            try streamer?.finish(outcome: &streamed)
            outcome.rowsNew += streamed.rowsNew
            outcome.rowsRevised += streamed.rowsRevised
            outcome.rowsUnchanged += streamed.rowsUnchanged
            return
        }
        try discard()
        let (order, skipped) = try settleRepeats(outcome: &outcome)
        var merger = try ValueMerger(db: db, store: store, submissionID: submissionID)
        let upsertRuns = held.runs.filter { !$0.isDelete }
        var perRun: [[Int]] = [order]
        if upsertRuns.count > 1 {
            // Split the key order by run, each part still in key order.
            var runOf = [Int32](repeating: 0, count: held.upsertKeys.count), start = 0
            for (number, run) in upsertRuns.enumerated() {
                for index in start..<run.end { runOf[index] = Int32(number) }
                start = run.end
            }
            perRun = Array(repeating: [], count: upsertRuns.count)
            for index in order { perRun[Int(runOf[index])].append(index) }
        }
        var upsertRun = 0, deleteStart = 0
        for run in held.runs {
            if run.isDelete {
                for delete in held.deletes[deleteStart..<run.end] { try merger.delete(delete, outcome: &outcome) }
                deleteStart = run.end
            } else {
                for index in perRun[upsertRun] where !skipped[index] {
                    try merger.upsert(
                        held.upsertKeys[index], value: held.values[index], status: held.statuses[index], merge: held.merges[index], line: held.lines[index],
                        outcome: &outcome)
                }
                upsertRun += 1
            }
        }
        try merger.finish(outcome: &outcome)
    }

    /// Takes back the values merged while reading, when the submission is not applied or goes the
    /// settled way: the versions this submission made go, the versions it superseded come back.
    func discard() throws {
        held.streaming = false
        guard held.streamedCount > 0 else { return }
        let first = held.upsertKeys[0], last = held.upsertKeys[held.streamedCount - 1]
        held.streamedCount = 0
        try db.execute(
            sql: """
                DELETE FROM current_values WHERE (period_id, region, indicator_id) BETWEEN (?, ?, ?) AND (?, ?, ?) AND submission_id = ?;
                INSERT INTO current_values
                    SELECT period_id, region, indicator_id, value, status, submission_id, source_line FROM superseded_values WHERE superseded_by = ?;
                DELETE FROM superseded_values WHERE superseded_by = ?;
                """,
            arguments: [
                first.period, first.region, first.indicator, last.period, last.region, last.indicator,
                submissionID, submissionID, submissionID,
            ])
    }

    /// The upserts in key order (the index breaks ties), and which rows repeat a key: identical
    /// repeats are merged into the first (a warning); contradictory ones are all rejected, the first too.
    private func settleRepeats(outcome: inout ApplyOutcome) throws -> (order: [Int], skipped: [Bool]) {
        let count = held.upsertKeys.count
        var skipped = [Bool](repeating: false, count: count)
        var strictlyIncreasing = true
        for index in held.upsertKeys.indices.dropFirst() where !(held.upsertKeys[index - 1] < held.upsertKeys[index]) {
            strictlyIncreasing = false
            break
        }
        if strictlyIncreasing { return (Array(0..<count), skipped) }
        struct Entry: Comparable {
            var key: ValueKey, index: Int
            static func < (lhs: Entry, rhs: Entry) -> Bool { lhs.key != rhs.key ? lhs.key < rhs.key : lhs.index < rhs.index }
        }
        var entries = held.upsertKeys.enumerated().map { Entry(key: $0.element, index: $0.offset) }
        entries.sort()
        var repeated: [Range<Int>] = []
        var start = 0
        while start < count {
            var end = start + 1
            while end < count, entries[end].key == entries[start].key { end += 1 }
            if end - start > 1 { repeated.append(start..<end) }
            start = end
        }
        // The codes this transaction knows, by number (the keys may hold codes added by this submission).
        let indicatorCodes = Dictionary(uniqueKeysWithValues: keys.indicatorIDs.map { ($0.value, $0.key) })
        let periodTexts = Dictionary(uniqueKeysWithValues: keys.periodIDs.map { ($0.value, $0.key) })
        for group in repeated.sorted(by: { entries[$0.lowerBound].index < entries[$1.lowerBound].index }) {
            let rows = entries[group].map(\.index)
            let key = held.upsertKeys[rows[0]]
            let text =
                "\(RegionCode(uncheckedRawValue: key.region))|\(indicatorCodes[key.indicator] ?? "?")|\(periodTexts[key.period] ?? "?")"
            let repeated = RepeatedKey(
                key: text, file: file,
                rows: rows.map { RepeatedKey.Row(line: held.lines[$0], value: held.values[$0], status: held.statuses[$0]) })
            for (position, problem) in repeated.problems {
                try reject(problem)
                outcome.problems.append(problem)
                if repeated.identical { outcome.duplicatesMerged += 1 } else { outcome.rowsRejected += 1 }
                skipped[rows[position]] = true
            }
            if !repeated.identical { skipped[rows[0]] = true }
        }
        return (entries.map(\.index), skipped)
    }
}

/// Merges rows into `current_values` with the SQLite C API, many rows to a statement: within one
/// statement SQLite keeps its cursor on the B-tree, so rows in key order cost little more than an
/// append, where a statement per row seeks from the root each time (3× slower at ten million rows).
///
/// An upsert is `INSERT … ON CONFLICT DO UPDATE … WHERE changed`: a new key is inserted, a changed
/// value or status updates the current row (the schema's trigger first moves the old version to
/// `superseded_values`, superseded by this submission), an identical one changes nothing. A Merge
/// without a status keeps the stored status; a Replace replaces it (with none). A statement's rows
/// share their action, so it is a parameter of the statement.
struct ValueMerger {
    private let db: Database
    private let submissionID: Int64
    /// Rows per statement: 8 parameters each, far below SQLite's limit of 32,766.
    private static let rowsPerStatement = 256
    /// The statements in use, by rows and action (looking one up in GRDB's cache hashes its whole text).
    private var statements: [Int: Statement] = [:]
    private var pending: [(key: ValueKey, value: Double, status: UInt8, line: Int32)] = []
    private var pendingMerge = false
    private var pendingAppend = false
    /// The greatest key stored before this submission: rows above it are new for certain (a submission
    /// upserts a key at most once), and go in by a plain INSERT, without the conflict check.
    private let lastKeyBefore: ValueKey?
    private var touched: Set<ValueKey> = []
    private var lastTouched: [UInt64] = []
    /// One byte per status letter, bound in place (SQLITE_STATIC); never written after it is made.
    nonisolated(unsafe) private static let letters: UnsafeMutablePointer<CChar> = {
        let letters = UnsafeMutablePointer<CChar>.allocate(capacity: 128)
        for letter in 0..<128 { letters[letter] = CChar(letter) }
        return letters
    }()

    init(db: Database, store: String, submissionID: Int64) throws {
        self.db = db
        self.submissionID = submissionID
        pending.reserveCapacity(Self.rowsPerStatement)
        lastKeyBefore = try Row.fetchOne(
            db, sql: "SELECT period_id, region, indicator_id FROM current_values ORDER BY period_id DESC, region DESC, indicator_id DESC LIMIT 1"
        ).map { row in
            let stored = StoredRow(row: row, table: "current_values", store: store)
            return ValueKey(period: try stored("period_id"), region: try stored("region"), indicator: try stored("indicator_id"))
        }
    }

    /// The statement for `rows` rows of one action, prepared once per connection (GRDB's cache).
    /// Plain `?` parameters, 7 a row: numbered ones cost SQLite a list search each while preparing.
    private mutating func statement(rows: Int, merge: Bool, append: Bool) throws -> Statement {
        let kind = rows * 4 + (append ? 2 : merge ? 1 : 0)
        if let statement = statements[kind] { return statement }
        let keep = merge ? "1" : "0"
        let tuples = MultiRowInsert.values(rows: rows, columns: 7)
        if append {
            // OR FAIL, not the default ABORT: an ABORT statement of many rows inside a transaction keeps
            // a statement journal to undo itself, copying the leaf page it appends to on every
            // statement (640 MB of temporary writes for a fresh 10M-row load: 7.4 s against 6.6 s).
            // A failure throws, and the submission's transaction rolls back whole all the same.
            let statement = try db.cachedStatement(
                sql: "INSERT OR FAIL INTO current_values (period_id, region, indicator_id, value, status, source_line, submission_id) VALUES \(tuples)")
            statements[kind] = statement
            return statement
        }
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO current_values (period_id, region, indicator_id, value, status, source_line, submission_id)
                VALUES \(tuples)
                ON CONFLICT (period_id, region, indicator_id) DO UPDATE SET
                    value = excluded.value,
                    status = CASE WHEN \(keep) AND excluded.status IS NULL THEN current_values.status ELSE excluded.status END,
                    submission_id = excluded.submission_id,
                    source_line = excluded.source_line
                WHERE excluded.value IS NOT current_values.value
                   OR NOT (excluded.status IS current_values.status OR (\(keep) AND excluded.status IS NULL))
                """)
        statements[kind] = statement
        return statement
    }

    mutating func upsert(_ key: ValueKey, value: Double, status: UInt8, merge: Bool, line: Int32, outcome: inout ApplyOutcome) throws {
        let append = lastKeyBefore.map { $0 < key } ?? true
        if merge != pendingMerge || append != pendingAppend, !pending.isEmpty { try flush(outcome: &outcome) }
        pendingMerge = merge
        pendingAppend = append
        pending.append((key, value, status, line))
        if pending.count == Self.rowsPerStatement { try flush(outcome: &outcome) }
    }

    /// Applies the pending rows, a full batch in one statement, fewer one by one (so that only two
    /// statements are ever prepared).
    mutating func flush(outcome: inout ApplyOutcome) throws {
        if pending.count == Self.rowsPerStatement {
            try step(pending[...], outcome: &outcome)
        } else {
            for index in pending.indices { try step(pending[index...index], outcome: &outcome) }
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// One statement over some rows. Counts come from SQLite's change counters: the statement's own
    /// changes are the rows inserted or updated, the trigger's are the rows revised.
    private mutating func step(_ rows: ArraySlice<(key: ValueKey, value: Double, status: UInt8, line: Int32)>, outcome: inout ApplyOutcome) throws {
        let handle = try statement(rows: rows.count, merge: pendingMerge, append: pendingAppend).sqliteStatement
        for (row, entry) in rows.enumerated() {
            let base = Int32(row * 7 + 1)
            sqlite3_bind_int64(handle, base, entry.key.period)
            sqlite3_bind_int64(handle, base + 1, entry.key.region)
            sqlite3_bind_int64(handle, base + 2, entry.key.indicator)
            if entry.value.isNaN { sqlite3_bind_null(handle, base + 3) } else { sqlite3_bind_double(handle, base + 3, entry.value) }
            if entry.status == 0 || entry.status > 127 {
                sqlite3_bind_null(handle, base + 4)
            } else {
                _ = sqlite3_bind_text(handle, base + 4, Self.letters + Int(entry.status), 1, nil)
            }
            sqlite3_bind_int64(handle, base + 5, Int64(entry.line))
            sqlite3_bind_int64(handle, base + 6, submissionID)
        }
        let before = sqlite3_total_changes64(db.sqliteConnection)
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else {
            throw StoreError(path: "", message: "applying values failed: \(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
        }
        let changed = Int(sqlite3_changes64(db.sqliteConnection))
        let revised = Int(sqlite3_total_changes64(db.sqliteConnection) - before) - changed
        outcome.rowsRevised += revised
        outcome.rowsNew += changed - revised
        outcome.rowsUnchanged += rows.count - changed
        if changed > 0 {
            // The partitions of the statement's rows: a partition is recomputed when any of them changed.
            for entry in rows {
                let partition = ValueKey(period: entry.key.period, region: entry.key.region / 10_000_000_000, indicator: entry.key.indicator)
                let indicator = Int(entry.key.indicator)
                if indicator < 4096 {
                    // Rows alternate between indicators: remember the last partition of each, and touch the set once per partition.
                    if indicator >= lastTouched.count { lastTouched += Array(repeating: UInt64.max, count: indicator + 1 - lastTouched.count) }
                    if lastTouched[indicator] == partition.major { continue }
                    lastTouched[indicator] = partition.major
                }
                touched.insert(partition)
            }
        }
    }

    /// Moves the current versions a delete row matches to the history, superseded by this submission.
    mutating func delete(_ delete: StagedSubmission.Delete, outcome: inout ApplyOutcome) throws {
        try flush(outcome: &outcome)
        var conditions: [String] = [], arguments: [any DatabaseValueConvertible] = [submissionID]
        if let period = delete.period { (conditions, arguments) = (conditions + ["period_id = ?"], arguments + [period]) }
        if let region = delete.region { (conditions, arguments) = (conditions + ["region = ?"], arguments + [region]) }
        if let indicator = delete.indicator { (conditions, arguments) = (conditions + ["indicator_id = ?"], arguments + [indicator]) }
        let condition = conditions.isEmpty ? "1" : conditions.joined(separator: " AND ")
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO submission_partitions
                    SELECT DISTINCT ?, period_id, indicator_id, region / 10000000000 FROM current_values WHERE \(condition)
                """, arguments: StatementArguments(arguments))
        try db.execute(
            sql: """
                INSERT INTO superseded_values
                    SELECT period_id, region, indicator_id, value, status, submission_id, source_line, ? FROM current_values WHERE \(condition)
                """, arguments: StatementArguments(arguments))
        try db.execute(sql: "DELETE FROM current_values WHERE \(condition)", arguments: StatementArguments(Array(arguments.dropFirst())))
        outcome.rowsDeleted += db.changesCount
    }

    /// Applies what is pending and records the partitions (period × indicator × province) the upserts changed.
    mutating func finish(outcome: inout ApplyOutcome) throws {
        try flush(outcome: &outcome)
        let insert = try db.makeStatement(sql: "INSERT OR IGNORE INTO submission_partitions VALUES (?, ?, ?, ?)")
        for partition in touched.sorted() {
            try insert.execute(arguments: [submissionID, partition.period, partition.indicator, partition.region])
        }
    }
}
