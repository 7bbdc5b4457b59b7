import Foundation
import PostgresNIO
import RuralstatModel
import RuralstatStore

@available(macOS 15, *)
extension ServerStore {
    static let ledgerColumns = """
        id, file_name, content_hash, sender, message_id, format, status, rows_read, rows_new, rows_revised, rows_unchanged, rows_deleted,
        rows_rejected, received_at, reason
        """

    public func ledger(_ filter: SubmissionFilter) throws -> [SubmissionLedgerEntry] {
        let statuses = filter.statuses.map { $0.map(\.rawValue).sorted() }, senders = filter.senders.map { $0.sorted() }
        let (since, part) = (filter.since, filter.fileContains)
        return try ledgerEntries(
            """
            SELECT \(unescaped: Self.ledgerColumns) FROM ruralstat.submissions
            WHERE (\(statuses)::text[] IS NULL OR status = ANY(\(statuses)))
              AND (\(senders)::text[] IS NULL OR sender = ANY(\(senders)))
              AND (\(since)::text IS NULL OR received_at >= \(since) COLLATE "C")
              AND (\(part)::text IS NULL OR strpos(file_name, \(part)) > 0)
            ORDER BY id
            """)
    }

    public func ledgerEntry(_ id: Int64) throws -> SubmissionLedgerEntry? {
        try ledgerEntries("SELECT \(unescaped: Self.ledgerColumns) FROM ruralstat.submissions WHERE id = \(id)").first
    }

    private func ledgerEntries(_ query: PostgresQuery) throws -> [SubmissionLedgerEntry] {
        try run { connection in
            try await connection.rows(query) {
                try $0.decode((Int64, String, String, String?, String?, String?, String, Int, Int, Int, Int, Int, Int, String?, String?).self)
            }
        }.map {
            SubmissionLedgerEntry(
                id: $0.0, fileName: $0.1, contentHash: $0.2, sender: $0.3, messageID: $0.4, format: $0.5, status: $0.6, rowsRead: $0.7,
                rowsNew: $0.8, rowsRevised: $0.9, rowsUnchanged: $0.10, rowsDeleted: $0.11, rowsRejected: $0.12, receivedAt: $0.13, reason: $0.14)
        }
    }

    static let rejectColumns = "file, line, element, column_name, key, rule, severity, value, message"

    /// Rejects as problems; a rule this version does not know keeps its name in the message.
    private func problems(_ query: PostgresQuery) throws -> [ValidationProblem] {
        try run { connection in
            try await connection.rows(query) {
                try $0.decode((String, Int?, String?, String?, String?, String, String, String?, String).self)
            }
        }.map { file, line, element, column, key, ruleText, severity, value, message in
            let rule = ValidationRule(rawValue: ruleText)
            return ValidationProblem(
                location: SourceLocation(file: file, line: line, element: element, column: column), key: key ?? "",
                rule: rule ?? .submissionRejected, severity: Severity(rawValue: severity), value: value ?? "",
                message: rule == nil ? "\(ruleText): \(message)" : message)
        }
    }

    public func rejects(ofSubmission id: Int64, limit: Int) throws -> (problems: [ValidationProblem], total: Int) {
        let total = try run { connection in
            try await connection.rows("SELECT count(*) FROM ruralstat.rejects WHERE submission_id = \(id)") { try $0.decode(Int.self) }[0]
        }
        let shown = try problems(
            "SELECT \(unescaped: Self.rejectColumns) FROM ruralstat.rejects WHERE submission_id = \(id) ORDER BY id LIMIT \(limit)")
        return (shown, total)
    }

    public func storedRejects() throws -> [ValidationProblem] {
        try problems("SELECT \(unescaped: Self.rejectColumns) FROM ruralstat.rejects ORDER BY id")
    }

    /// The rejects of a subtree: a reject's region is its key's region, or else the root of its
    /// sender's jurisdiction (set when it was written), so the subtree is a range of codes.
    public func storedRejects(within root: RegionCode) throws -> [ValidationProblem] {
        guard root != .national else { return try storedRejects() }
        return try problems(
            """
            SELECT \(unescaped: Self.rejectColumns) FROM ruralstat.rejects
            WHERE region >= \(root.rawValue) AND region < \(root.rawValue + root.subtreeSpan) ORDER BY id
            """)
    }

    public func submissionCount(within root: RegionCode) throws -> Int {
        let senders = try run { connection in
            try await connection.rows("SELECT sender FROM ruralstat.submissions") { try $0.decode(String?.self) }
        }
        guard root != .national else { return senders.count }
        return senders.count { $0.flatMap { RegionCode(senderID: $0) }?.isWithin(root) == true }
    }

    public func rejectCount(runs: [Int64]) throws -> Int {
        try run { connection in
            try await connection.rows("SELECT count(*) FROM ruralstat.rejects WHERE severity = 'error' AND run_id = ANY(\(runs))") {
                try $0.decode(Int.self)
            }[0]
        }
    }

    public func latestSubmission() throws -> Int64 {
        try run { connection in
            try await connection.rows("SELECT coalesce(max(id), 0) FROM ruralstat.submissions") { try $0.decode(Int64.self) }[0]
        }
    }

    public func submissionArrivals() throws -> [SubmissionArrival] {
        let rows = try run { connection in
            try await connection.rows(
                """
                SELECT sender, period, prepared_at, file_name FROM (
                    SELECT DISTINCT s.sender, t.period, s.prepared_at, s.file_name
                    FROM ruralstat.submissions s JOIN ruralstat.submission_partitions t ON t.submission_id = s.id
                    WHERE s.status = 'applied' AND s.sender IS NOT NULL AND s.prepared_at IS NOT NULL) arrivals
                ORDER BY sender COLLATE "C", period, prepared_at COLLATE "C"
                """
            ) { try $0.decode((String, String, String, String).self) }
        }
        return try rows.compactMap { sender, periodText, arrivedText, file in
            guard let arrived = MessageHeader.timestamp(arrivedText) else { return nil }
            guard let period = try? Period(periodText) else {
                throw problem("submission_partitions", "period", "holds '\(EchoText.quote(periodText))', which is not a period")
            }
            return SubmissionArrival(sender: sender, period: period, arrived: arrived, file: file)
        }
    }

    // MARK: Decisions on rejected submissions

    public func decisions(onSubmission id: Int64) throws -> [SubmissionDecision] {
        let rows = try run { connection in
            try await connection.rows(
                """
                SELECT submission_id, decision, \(unescaped: Self.timestamp("decided_at")), decided_by, reason, result_submission_id
                FROM ruralstat.submission_decisions WHERE submission_id = \(id) ORDER BY id
                """
            ) { try $0.decode((Int64, String, String, String, String?, Int64?).self) }
        }
        return try rows.map { row in
            guard let kind = SubmissionDecision.Kind(rawValue: row.1) else {
                throw problem("submission_decisions", "decision", "holds '\(EchoText.quote(row.1))', which is not one of its values")
            }
            return SubmissionDecision(
                submissionID: row.0, decision: kind, decidedAt: row.2, decidedBy: row.3, reason: row.4, resultSubmissionID: row.5)
        }
    }

    public func retire(_ id: Int64, by person: String, reason: String, runID: Int64?) throws {
        let outcome: String? = try run { connection in
            try await connection.transaction { connection throws(ServerStoreError) -> String? in
                let entries = try await connection.rows("SELECT status, content_hash FROM ruralstat.submissions WHERE id = \(id) FOR UPDATE") {
                    try $0.decode((String, String).self)
                }
                guard let entry = entries.first else { return "there is no submission \(id) in the ledger" }
                guard entry.0 == SubmissionStatus.rejected.rawValue else {
                    return "submission \(id) is \(entry.0); only a rejected submission can be retired"
                }
                let blocking = try await connection.rows(
                    "SELECT id FROM ruralstat.submissions WHERE content_hash = \(entry.1) AND status IN ('applied', 'test', 'retired')"
                ) { try $0.decode(Int64.self) }
                if let blocking = blocking.first {
                    return "the same content is already settled as submission \(blocking); nothing to retire"
                }
                try await connection.execute(
                    "UPDATE ruralstat.submissions SET status = 'retired', reason = coalesce(reason || '; ', '') || \("retired by \(person): \(reason)") WHERE id = \(id)"
                )
                try await connection.execute(
                    """
                    INSERT INTO ruralstat.submission_decisions (submission_id, decision, decided_at, decided_by, reason, run_id)
                    VALUES (\(id), 'retire', now(), \(person), \(reason), \(runID))
                    """)
                return nil
            }
        }
        if let outcome { throw SubmissionDecisionError(description: outcome) }
    }

    public func unretire(_ id: Int64, by person: String) throws {
        try run { connection in
            try await connection.execute(
                """
                UPDATE ruralstat.submissions SET status = 'rejected', reason = coalesce(reason || '; ', '') || \("offered again by \(person)")
                WHERE id = \(id) AND status = 'retired'
                """)
        }
    }

    public func reretire(_ id: Int64) throws {
        try run { connection in
            try await connection.execute("UPDATE ruralstat.submissions SET status = 'retired' WHERE id = \(id) AND status = 'rejected'")
        }
    }

    public func recordRetry(_ id: Int64, by person: String, reason: String?, result: Int64?, runID: Int64?) throws {
        try run { connection in
            try await connection.execute(
                """
                INSERT INTO ruralstat.submission_decisions (submission_id, decision, decided_at, decided_by, reason, result_submission_id, run_id)
                VALUES (\(id), 'retry', now(), \(person), \(reason), \(result), \(runID))
                """)
        }
    }
}
