import Foundation
import GRDB
import RuralstatModel

extension SQLiteStore {
    /// A named progress mark of the nightly run: the newest submission a stage has taken in (0 when
    /// it never ran). Stages whose mark is behind the ledger have work to do — also after a crash.
    public func watermark(_ name: String) throws -> Int64 {
        try pool.read { try Int64.fetchOne($0, sql: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?", arguments: [name]) ?? 0 }
    }

    public func setWatermark(_ name: String, _ value: Int64) throws {
        try pool.write { try $0.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", arguments: [name, String(value)]) }
    }

    /// A stored setting (`nil` when unset).
    public func setting(_ key: String) throws -> String? {
        try pool.read { try String.fetchOne($0, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
    }

    public func setSetting(_ key: String, _ value: String) throws {
        try pool.write { try $0.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", arguments: [key, value]) }
    }

    /// Every rejected row and file, oldest first.
    public func storedRejects() throws -> [ValidationProblem] {
        try pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM rejects ORDER BY id").map(storedProblem) }
    }

    /// The rejected rows and files that belong to the subtree of `root`: a row by the region of its
    /// key, a whole file (or a row whose region cannot be read) by its sender's jurisdiction.
    public func storedRejects(within root: RegionCode) throws -> [ValidationProblem] {
        guard root != .national else { return try storedRejects() }
        return try pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT r.*, s.sender AS submission_sender FROM rejects r LEFT JOIN submissions s ON s.id = r.submission_id ORDER BY r.id"
            )
            .compactMap { row -> ValidationProblem? in
                let problem = try storedProblem(row)
                let keyRegion = problem.key.split(separator: "|", omittingEmptySubsequences: false).first.flatMap { try? RegionCode(String($0)) }
                let sender = (row["submission_sender"] as String?).flatMap { RegionCode(senderID: $0) }
                guard let region = keyRegion ?? sender else { return nil }
                return region.isWithin(root) ? problem : nil
            }
        }
    }

    /// How many submissions came from senders within the subtree of `root`.
    public func submissionCount(within root: RegionCode) throws -> Int {
        let senders = try pool.read { db in try String?.fetchAll(db, sql: "SELECT sender FROM submissions") }
        guard root != .national else { return senders.count }
        return senders.count { $0.flatMap { RegionCode(senderID: $0) }?.isWithin(root) == true }
    }

    /// Rows and files rejected by these runs (errors only: a warning rejects nothing).
    public func rejectCount(runs: [Int64]) throws -> Int {
        guard !runs.isEmpty else { return 0 }
        return try pool.read { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM rejects WHERE severity = 'error' AND run_id IN (\(runs.map { _ in "?" }.joined(separator: ",")))",
                arguments: StatementArguments(runs)) ?? 0
        }
    }

    /// Whether the store recorded a run with this id.
    public func runExists(_ id: Int64) throws -> Bool {
        try pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM runs WHERE id = ?", arguments: [id]) ?? 0 } > 0
    }

    /// Runs that started and never finished (the process was killed), newest first.
    public func unfinishedRuns() throws -> [(id: Int64, startedAt: String, command: String)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, started_at, command FROM runs WHERE status = 'running' ORDER BY id DESC").map {
                ($0["id"], $0["started_at"], $0["command"])
            }
        }
    }

    /// The newest `limit` runs (all when nil), newest first, with what each did to the store: the
    /// submissions it applied and rejected, the rollups it changed, the findings it first found.
    public func runs(limit: Int?) throws -> [StoredRun] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT r.*,
                        (SELECT count(*) FROM submissions s WHERE s.run_id = r.id AND s.status = 'applied') AS applied,
                        (SELECT count(*) FROM submissions s WHERE s.run_id = r.id AND s.status = 'rejected') AS rejected,
                        (SELECT count(*) FROM rollup_changes c WHERE c.run_id = r.id) AS rollups_changed,
                        (SELECT count(*) FROM findings f WHERE f.run_id = r.id) AS findings_found
                    FROM runs r ORDER BY r.id DESC LIMIT ?
                    """, arguments: [limit ?? -1]
            ).map { stored in
                let row = checked(stored, "runs")
                return StoredRun(
                    id: try row("id"), command: try row("command"), startedAt: try row("started_at"), finishedAt: try row.optional("finished_at"),
                    status: try row.choice("status", RunStatus.init(rawValue:)), exitCode: try row.optional("exit_code"),
                    softwareVersion: try row("software_version"), parameters: try row("parameters"), submissionsApplied: try row("applied"),
                    submissionsRejected: try row("rejected"), rollupsChanged: try row("rollups_changed"), findingsFound: try row("findings_found"))
            }
        }
    }

    /// Marks the runs that never finished as failed, so the ledger says what happened to them.
    public func closeUnfinishedRuns(before id: Int64) throws {
        try pool.write {
            try $0.execute(
                sql: "UPDATE runs SET status = 'failed', finished_at = ?, exit_code = 137 WHERE status = 'running' AND id < ?",
                arguments: [ISO8601DateFormatter().string(from: Date()), id])
        }
    }
}
