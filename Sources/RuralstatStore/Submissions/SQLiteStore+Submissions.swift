import Foundation
import GRDB
import GRDBSQLite
import RuralstatModel

extension SQLiteStore {
    /// The entry that keeps this content from being applied again: an applied file, a test message
    /// or a retired file. A rejected file does not block: it may be offered again once fixed.
    public func submission(withHash hash: String) throws -> StoredSubmission? {
        try pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT id, file_name, status, received_at, sender, message_id, reason, conditions FROM submissions
                    WHERE content_hash = ? AND status IN ('applied', 'test', 'retired')
                    """, arguments: [hash]
            ).map(storedSubmission)
        }
    }

    /// The latest earlier attempt with this content that was rejected, if any.
    public func rejectedAttempt(withHash hash: String) throws -> StoredSubmission? {
        try pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT id, file_name, status, received_at, sender, message_id, reason, conditions FROM submissions
                    WHERE content_hash = ? AND status = 'rejected' ORDER BY id DESC LIMIT 1
                    """, arguments: [hash]
            ).map(storedSubmission)
        }
    }

    /// Applies one submission in one transaction: the reader runs inside it, holding accepted rows
    /// (`StagedSubmission`); then repeated keys are settled and the rows merged into the current values in document order.
    /// If `read` throws, nothing of the submission stays in the store.
    public func apply(_ record: SubmissionRecord, runID: Int64?, read: (any SubmissionSink) throws -> SubmissionVerdict) throws -> ApplyOutcome {
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO submissions (file_name, content_hash, received_at, run_id, status, conditions) VALUES (?, ?, ?, ?, 'rejected', ?)
                    """, arguments: [record.fileName, record.contentHash, record.receivedAt, runID, record.conditions])
            let id = db.lastInsertedRowID
            let sink = try StagedSubmission(db: db, store: path, submissionID: id, runID: runID, file: record.fileName)
            let started = Date()
            let verdict = try read(sink)
            var earlier: (id: Int64, file: String)?
            if let sender = verdict.header.sender, let messageID = verdict.header.messageID,
                let row = try Row.fetchOne(
                    db, sql: "SELECT id, file_name FROM submissions WHERE sender = ? AND message_id = ? AND status = 'applied'",
                    arguments: [sender, messageID])
            {
                earlier = (row["id"], row["file_name"])
            }
            var outcome = ApplyOutcome(
                verdict: verdict, submissionID: id, file: record.fileName, secondsReading: Date().timeIntervalSince(started),
                earlierWithMessageID: earlier)
            if let reuse = outcome.messageIDReuse {
                try sink.discard()
                try sink.reject(reuse)
            } else if outcome.status == .applied {
                let merging = Date()
                try sink.merge(outcome: &outcome)
                outcome.secondsMerging = Date().timeIntervalSince(merging)
            } else {
                try sink.discard()
            }
            try db.execute(
                sql: """
                    UPDATE submissions SET sender = ?, message_id = ?, format = ?, prepared_at = ?, status = ?, reason = ?,
                        rows_read = ?, rows_new = ?, rows_revised = ?, rows_unchanged = ?, rows_deleted = ?, rows_rejected = ?, warnings = ?
                    WHERE id = ?
                    """,
                arguments: [
                    outcome.messageIDReuse == nil ? verdict.header.sender : nil,
                    outcome.messageIDReuse == nil ? verdict.header.messageID : nil,
                    verdict.format, verdict.header.prepared, outcome.status.rawValue, outcome.reason,
                    outcome.rowsRead, outcome.rowsNew, outcome.rowsRevised, outcome.rowsUnchanged, outcome.rowsDeleted,
                    outcome.rowsRejected, outcome.warnings + outcome.duplicatesMerged, id,
                ])
            return outcome
        }
    }

    /// Records a file that was refused before its rows could be applied (unreadable, or no sender):
    /// a rejected ledger entry with the reason, and one reject row, so that the failure is visible.
    /// The same content may be offered again.
    public func recordUnreadable(_ record: SubmissionRecord, runID: Int64?, problem: ValidationProblem) throws -> Int64 {
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO submissions (file_name, content_hash, received_at, run_id, status, reason, conditions) VALUES (?, ?, ?, ?, 'rejected', ?, ?)
                    """, arguments: [record.fileName, record.contentHash, record.receivedAt, runID, problem.message, record.conditions])
            let id = db.lastInsertedRowID
            try RejectWriter(db: db, submissionID: id, runID: runID).write(problem)
            return id
        }
    }
}

extension SQLiteStore {
    func storedSubmission(_ stored: Row) throws -> StoredSubmission {
        let row = checked(stored, "submissions")
        return StoredSubmission(
            id: try row("id"), fileName: try row("file_name"), status: try row.choice("status", SubmissionStatus.init(rawValue:)),
            receivedAt: try row("received_at"), sender: try row.optional("sender"), messageID: try row.optional("message_id"),
            reason: try row.optional("reason"), conditions: try row.optional("conditions"))
    }
}

/// Writes problems to the rejects table.
///
/// Binds with the SQLite C API directly, only what changed since the previous row (SQLite keeps
/// bindings across steps), from buffers of its own that SQLite reads in place (`SQLITE_STATIC`): a
/// file of a million bad rows writes a million rejects or more, where GRDB's boxed arguments, or a
/// copy of every text inside SQLite (each a locked allocation), would cost more than the inserts.
final class RejectWriter {
    let statement: Statement
    private let file: BoundText, element: BoundText, column: BoundText, key: BoundText, rule: BoundText, severity: BoundText
    private let value: BoundText, message: BoundText

    init(db: Database, submissionID: Int64, runID: Int64?) throws {
        statement = try db.makeStatement(
            sql: """
                INSERT INTO rejects (run_id, submission_id, file, line, element, column_name, key, rule, severity, value, message)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let handle = statement.sqliteStatement
        (file, element, column, key) = (BoundText(handle, 3), BoundText(handle, 5), BoundText(handle, 6), BoundText(handle, 7))
        (rule, severity, value, message) = (BoundText(handle, 8), BoundText(handle, 9), BoundText(handle, 10), BoundText(handle, 11))
        if let runID { sqlite3_bind_int64(handle, 1, runID) } else { sqlite3_bind_null(handle, 1) }
        sqlite3_bind_int64(handle, 2, submissionID)
    }

    func write(_ problem: ValidationProblem) throws {
        let handle = statement.sqliteStatement
        file.bind(problem.location.file)
        if let line = problem.location.line { sqlite3_bind_int64(handle, 4, Int64(line)) } else { sqlite3_bind_null(handle, 4) }
        element.bind(problem.location.element)
        column.bind(problem.location.column)
        key.bind(problem.key.isEmpty ? nil : problem.key)
        rule.bind(problem.rule.rawValue)
        severity.bind(problem.severity.rawValue)
        value.bind(problem.value)
        message.bind(problem.message)
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else {
            throw StoreError(path: problem.location.file, message: "recording a reject failed: \(String(cString: sqlite3_errstr(code)))")
        }
    }
}

/// One text parameter of a prepared statement, bound from a buffer that lives as long as the binding.
final class BoundText {
    private let statement: OpaquePointer?
    private let index: Int32
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity = 64
    private var count = -2  // -1: NULL is bound; -2: nothing yet

    init(_ statement: OpaquePointer?, _ index: Int32) {
        self.statement = statement
        self.index = index
        buffer = .allocate(capacity: capacity)
    }

    deinit { buffer.deallocate() }

    /// Binds `value`, unless the same text (or NULL) is bound already.
    func bind(_ value: String?) {
        guard var value else {
            if count != -1 {
                count = -1
                sqlite3_bind_null(statement, index)
            }
            return
        }
        value.withUTF8 { bytes in
            if count == bytes.count, count == 0 || memcmp(buffer, bytes.baseAddress!, count) == 0 { return }
            if bytes.count > capacity {
                buffer.deallocate()
                capacity = bytes.count * 2
                buffer = .allocate(capacity: capacity)
            }
            if !bytes.isEmpty { buffer.update(from: bytes.baseAddress!, count: bytes.count) }
            count = bytes.count
            // SQLITE_STATIC: SQLite reads the buffer in place, which stays unchanged until the next bind.
            _ = sqlite3_bind_text(statement, index, UnsafeRawPointer(buffer).assumingMemoryBound(to: CChar.self), Int32(count), nil)
        }
    }
}
