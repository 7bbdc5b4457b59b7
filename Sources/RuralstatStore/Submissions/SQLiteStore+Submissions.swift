import GRDB
import RuralstatModel

extension SQLiteStore {
    public func submission(withHash hash: String) throws -> StoredSubmission? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT id, file_name, status, received_at, sender, message_id FROM submissions WHERE content_hash = ?",
                             arguments: [hash]).map(StoredSubmission.init(row:))
        }
    }

    /// Applies one submission in one transaction: the reader runs inside it, staging accepted rows;
    /// then duplicates are settled and the rows are merged into the observations in document order.
    /// If `read` throws, nothing of the submission stays in the store.
    public func apply(_ record: SubmissionRecord, runID: Int64?, read: (any SubmissionSink) throws -> SubmissionVerdict) throws -> ApplyOutcome {
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO submissions (file_name, content_hash, received_at, run_id, status) VALUES (?, ?, ?, ?, 'rejected')
                """, arguments: [record.fileName, record.contentHash, record.receivedAt, runID])
            let id = db.lastInsertedRowID
            try StagingTable.reset(db)
            let sink = try StagingSink(db: db, submissionID: id, runID: runID, file: record.fileName)
            let verdict = try read(sink)
            var outcome = ApplyOutcome(submissionID: id, status: .rejected)
            outcome.rowsRead = verdict.rowsRead
            outcome.rowsRejected = verdict.rowsRejected
            outcome.warnings = verdict.warnings
            if let sender = verdict.header.sender, let messageID = verdict.header.messageID,
               let earlier = try Row.fetchOne(db, sql: "SELECT id, file_name FROM submissions WHERE sender = ? AND message_id = ?",
                                              arguments: [sender, messageID]) {
                let earlierID: Int64 = earlier["id"], earlierFile: String = earlier["file_name"]
                outcome.reason = "message ID '\(messageID)' of sender '\(sender)' was already used by submission \(earlierID) (\(earlierFile)) with other content; a revision needs a new message ID"
                let problem = ValidationProblem(location: SourceLocation(file: record.fileName), key: "", rule: .messageIDReused,
                                                value: messageID, message: outcome.reason!)
                try sink.reject(problem)
                outcome.problems.append(problem)
                outcome.rowsRejected = verdict.rowsRead
            } else if verdict.isTest {
                outcome.status = .test
                outcome.reason = "a test message (Test=true) is checked but not applied"
            } else if !verdict.apply {
                outcome.reason = "rejected as a whole: \(verdict.rowsRejected) of \(verdict.rowsRead) rows break the rules, above the pipeline's threshold"
                outcome.rowsRejected = verdict.rowsRead
            } else {
                outcome.status = .applied
                try StagingTable.settleDuplicates(db, sink: sink, outcome: &outcome)
                try StagingTable.merge(db, submissionID: id, outcome: &outcome)
            }
            try db.execute(sql: """
                UPDATE submissions SET sender = ?, message_id = ?, format = ?, prepared_at = ?, status = ?, reason = ?,
                    rows_read = ?, rows_new = ?, rows_revised = ?, rows_unchanged = ?, rows_deleted = ?, rows_rejected = ?, warnings = ?
                WHERE id = ?
                """, arguments: [
                    outcome.reason?.hasPrefix("message ID") == true ? nil : verdict.header.sender,
                    outcome.reason?.hasPrefix("message ID") == true ? nil : verdict.header.messageID,
                    verdict.format, verdict.header.prepared, outcome.status.rawValue, outcome.reason,
                    outcome.rowsRead, outcome.rowsNew, outcome.rowsRevised, outcome.rowsUnchanged, outcome.rowsDeleted,
                    outcome.rowsRejected, outcome.warnings + outcome.duplicatesMerged, id,
                ])
            try db.execute(sql: "DELETE FROM staging")
            return outcome
        }
    }

    /// Records a file that could not be read at all: a rejected ledger entry with the reason, and
    /// one reject row, so that the failure is visible and the same file is not tried again.
    public func recordUnreadable(_ record: SubmissionRecord, runID: Int64?, problem: ValidationProblem) throws -> Int64 {
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO submissions (file_name, content_hash, received_at, run_id, status, reason) VALUES (?, ?, ?, ?, 'rejected', ?)
                """, arguments: [record.fileName, record.contentHash, record.receivedAt, runID, problem.message])
            let id = db.lastInsertedRowID
            try RejectWriter(db: db, submissionID: id, runID: runID).write(problem)
            return id
        }
    }
}

extension StoredSubmission {
    init(row: Row) {
        self.init(id: row["id"], fileName: row["file_name"], status: SubmissionStatus(rawValue: row["status"]) ?? .rejected,
                  receivedAt: row["received_at"], sender: row["sender"], messageID: row["message_id"])
    }
}

/// Writes problems to the rejects table.
struct RejectWriter {
    let statement: Statement
    let submissionID: Int64
    let runID: Int64?

    init(db: Database, submissionID: Int64, runID: Int64?) throws {
        statement = try db.makeStatement(sql: """
            INSERT INTO rejects (run_id, submission_id, file, line, element, column_name, key, rule, severity, value, message)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        self.submissionID = submissionID
        self.runID = runID
    }

    func write(_ problem: ValidationProblem) throws {
        try statement.execute(arguments: [
            runID, submissionID, problem.location.file, problem.location.line, problem.location.element, problem.location.column,
            problem.key.isEmpty ? nil : problem.key, problem.rule.rawValue, problem.severity.rawValue, problem.value, problem.message,
        ])
    }
}

/// Stages a submission's accepted rows in a temporary table inside the submission's transaction.
final class StagingSink: SubmissionSink {
    let file: String
    private let insert: Statement
    private let rejects: RejectWriter
    private var sequence = 0

    init(db: Database, submissionID: Int64, runID: Int64?, file: String) throws {
        insert = try db.makeStatement(sql: """
            INSERT INTO staging (seq, region, indicator, period, value, status, action, line) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        rejects = try RejectWriter(db: db, submissionID: submissionID, runID: runID)
        self.file = file
    }

    func add(_ batch: ObservationBatch) throws {
        let periods = batch.periodTable.map(\.description)
        for index in 0..<batch.count {
            sequence += 1
            let indicator = batch.indicators[index] == ObservationBatch.wildcardIndex ? nil : batch.indicatorCodes[Int(batch.indicators[index])]
            let period = batch.periods[index] == ObservationBatch.wildcardIndex ? nil : periods[Int(batch.periods[index])]
            let value = batch.values[index]
            let status = batch.statuses[index]
            try insert.execute(arguments: [
                sequence, batch.regions[index], indicator, period, value.isNaN ? nil : value,
                status == 0 ? nil : String(UnicodeScalar(status)), Int(batch.actions[index]), Int(batch.lines[index]),
            ])
        }
    }

    func reject(_ problem: ValidationProblem) throws { try rejects.write(problem) }
}
