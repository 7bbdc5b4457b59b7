import Foundation
import GRDB
import RuralstatModel

/// What an operator decided about a submission, as the ledger records it.
public struct SubmissionDecision: Sendable, Hashable {
    public enum Kind: String, Sendable { case retry, retire }
    public var submissionID: Int64
    public var decision: Kind
    public var decidedAt: String
    public var decidedBy: String
    public var reason: String?
    /// For a retry: the submission the new attempt became.
    public var resultSubmissionID: Int64?

    package init(
        submissionID: Int64, decision: Kind, decidedAt: String, decidedBy: String, reason: String?, resultSubmissionID: Int64?
    ) {
        self.submissionID = submissionID
        self.decision = decision
        self.decidedAt = decidedAt
        self.decidedBy = decidedBy
        self.reason = reason
        self.resultSubmissionID = resultSubmissionID
    }
}

/// Which ledger entries to list.
public struct SubmissionFilter: Sendable {
    public var statuses: Set<SubmissionStatus>?
    /// Senders as their headers or files name them.
    public var senders: Set<String>?
    /// Entries received on or after this ISO 8601 date or time.
    public var since: String?
    /// A substring of the file name.
    public var fileContains: String?

    public init(statuses: Set<SubmissionStatus>? = nil, senders: Set<String>? = nil, since: String? = nil, fileContains: String? = nil) {
        self.statuses = statuses
        self.senders = senders
        self.since = since
        self.fileContains = fileContains
    }
}

/// A decision that cannot be taken, and why.
public struct SubmissionDecisionError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}

extension SQLiteStore {
    /// The ledger entries the filter selects, oldest first.
    public func ledger(_ filter: SubmissionFilter) throws -> [SubmissionLedgerEntry] {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let statuses = filter.statuses {
            conditions.append("status IN (\(statuses.map { _ in "?" }.joined(separator: ",")))")
            arguments += statuses.map(\.rawValue).sorted() as [any DatabaseValueConvertible]
        }
        if let senders = filter.senders {
            conditions.append("sender IN (\(senders.map { _ in "?" }.joined(separator: ",")))")
            arguments += senders.sorted() as [any DatabaseValueConvertible]
        }
        if let since = filter.since {
            conditions.append("received_at >= ?")
            arguments.append(since)
        }
        if let part = filter.fileContains {
            conditions.append("instr(file_name, ?) > 0")
            arguments.append(part)
        }
        let condition = conditions.isEmpty ? "1" : conditions.joined(separator: " AND ")
        return try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM submissions WHERE \(condition) ORDER BY id", arguments: StatementArguments(arguments))
                .map(ledgerEntry)
        }
    }

    /// One ledger entry.
    public func ledgerEntry(_ id: Int64) throws -> SubmissionLedgerEntry? {
        try pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM submissions WHERE id = ?", arguments: [id]).map(ledgerEntry) }
    }

    /// The problems recorded for one submission, in order (at most `limit`), and how many there are in all.
    public func rejects(ofSubmission id: Int64, limit: Int) throws -> (problems: [ValidationProblem], total: Int) {
        try pool.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM rejects WHERE submission_id = ?", arguments: [id]) ?? 0
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM rejects WHERE submission_id = ? ORDER BY id LIMIT ?", arguments: [id, limit])
            return (try rows.map(storedProblem), total)
        }
    }

    /// The decisions taken on one submission, oldest first.
    public func decisions(onSubmission id: Int64) throws -> [SubmissionDecision] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM submission_decisions WHERE submission_id = ? ORDER BY id", arguments: [id]).map { stored in
                let row = checked(stored, "submission_decisions")
                return SubmissionDecision(
                    submissionID: try row("submission_id"), decision: try row.choice("decision", SubmissionDecision.Kind.init(rawValue:)),
                    decidedAt: try row("decided_at"), decidedBy: try row("decided_by"), reason: try row.optional("reason"),
                    resultSubmissionID: try row.optional("result_submission_id"))
            }
        }
    }

    /// Marks a rejected submission never to apply: its content is then skipped when offered again.
    public func retire(_ id: Int64, by person: String, reason: String, runID: Int64?) throws {
        try pool.write { db in
            guard let entry = try Row.fetchOne(db, sql: "SELECT status, content_hash FROM submissions WHERE id = ?", arguments: [id]) else {
                throw SubmissionDecisionError(description: "there is no submission \(id) in the ledger")
            }
            let status: String = entry["status"]
            guard status == SubmissionStatus.rejected.rawValue else {
                throw SubmissionDecisionError(description: "submission \(id) is \(status); only a rejected submission can be retired")
            }
            let hash: String = entry["content_hash"]
            if let blocking = try Int64.fetchOne(
                db, sql: "SELECT id FROM submissions WHERE content_hash = ? AND status IN ('applied', 'test', 'retired')",
                arguments: [hash])
            {
                throw SubmissionDecisionError(description: "the same content is already settled as submission \(blocking); nothing to retire")
            }
            // The reason it was rejected stays; the retirement is added to it.
            try db.execute(
                sql: "UPDATE submissions SET status = 'retired', reason = coalesce(reason || '; ', '') || ? WHERE id = ?",
                arguments: ["retired by \(person): \(reason)", id])
            try db.execute(
                sql: """
                    INSERT INTO submission_decisions (submission_id, decision, decided_at, decided_by, reason, run_id)
                    VALUES (?, 'retire', ?, ?, ?, ?)
                    """, arguments: [id, Timestamp.now(), person, reason, runID])
        }
    }

    /// Takes a retired submission back to rejected, so that its content may be offered again (the
    /// retry that follows records the decision); ``reretire(_:)`` undoes it when that retry fails.
    public func unretire(_ id: Int64, by person: String) throws {
        try pool.write { db in
            try db.execute(
                sql: "UPDATE submissions SET status = 'rejected', reason = coalesce(reason || '; ', '') || ?1 WHERE id = ?2 AND status = 'retired'",
                arguments: ["offered again by \(person)", id])
        }
    }

    /// Restores a retirement that ``unretire(_:by:)`` took back, when the retry failed.
    public func reretire(_ id: Int64) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE submissions SET status = 'retired' WHERE id = ? AND status = 'rejected'", arguments: [id])
        }
    }

    /// Records that a rejected submission was offered again, and what the attempt became.
    public func recordRetry(_ id: Int64, by person: String, reason: String?, result: Int64?, runID: Int64?) throws {
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO submission_decisions (submission_id, decision, decided_at, decided_by, reason, result_submission_id, run_id)
                    VALUES (?, 'retry', ?, ?, ?, ?, ?)
                    """, arguments: [id, Timestamp.now(), person, reason, result, runID])
        }
    }
}

extension SQLiteStore {
    func ledgerEntry(_ stored: Row) throws -> SubmissionLedgerEntry {
        let row = checked(stored, "submissions")
        return SubmissionLedgerEntry(
            id: try row("id"), fileName: try row("file_name"), contentHash: try row("content_hash"), sender: try row.optional("sender"),
            messageID: try row.optional("message_id"), format: try row.optional("format"), status: try row("status"),
            rowsRead: try row("rows_read"), rowsNew: try row("rows_new"), rowsRevised: try row("rows_revised"),
            rowsUnchanged: try row("rows_unchanged"), rowsDeleted: try row("rows_deleted"), rowsRejected: try row("rows_rejected"),
            receivedAt: try row.optional("received_at"), reason: try row.optional("reason"))
    }

    /// A stored reject; one whose rule this version does not know is still shown, as a submission-level problem.
    func storedProblem(_ stored: Row) throws -> ValidationProblem {
        let row = checked(stored, "rejects")
        let ruleText: String = try row("rule")
        let rule = ValidationRule(rawValue: ruleText) ?? .submissionRejected
        let location = SourceLocation(
            file: try row("file"), line: try row.optional("line"), element: try row.optional("element"),
            column: try row.optional("column_name"))
        let message: String = try row("message")
        return ValidationProblem(
            location: location, key: try row.optional("key") ?? "", rule: rule,
            severity: Severity(rawValue: try row("severity")), value: try row.optional("value") ?? "",
            message: ValidationRule(rawValue: ruleText) == nil ? "\(ruleText): \(message)" : message)
    }
}
