import ArgumentParser
import Foundation
import RuralstatModel
import RuralstatReport
import RuralstatStore

/// `ruralstat runs`: the history of the store, newest first — every invocation that changed it, how
/// it ended, and what it did.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List the runs that changed the store, newest first, with how each ended and what it did.",
        discussion: """
            Each run: its id, command, start and finish, status (running, succeeded, failed) and exit code, and what it did:
            submissions applied and rejected, rollups added, changed or removed, findings found first. A run killed midway
            shows as failed with exit code 137 once the next run has started.
            """
    )

    @Option(help: ArgumentHelp("The store.", valueName: "path"))
    var store = "reports/ruralstat.sqlite"

    @Option(help: "Only the newest N runs.")
    var last: Int?

    @Option(help: "table, csv or json.")
    var format: ListingFormat = .table

    func validate() throws {
        if let last, last < 1 { throw ValidationError("--last must be 1 or more, not \(last)") }
    }

    static let columns = ["id", "command", "started_at", "finished_at", "status", "exit_code", "applied", "rejected", "rollups_changed", "findings_found"]

    static func fields(_ run: StoredRun) -> [String] {
        [
            String(run.id), run.command, run.startedAt, run.finishedAt ?? "", run.status.rawValue, run.exitCode.map(String.init) ?? "",
            String(run.submissionsApplied), String(run.submissionsRejected), String(run.rollupsChanged), String(run.findingsFound),
        ]
    }

    func run() throws {
        let runs = try StoreAccess.open(store).runs(limit: last)
        switch format {
        case .table: print(TextTable.aligned([Self.columns] + runs.map(Self.fields)), terminator: "")
        case .csv: FileHandle.standardOutput.write(Data(TextTable.csv([Self.columns] + runs.map(Self.fields)).utf8))
        case .json:
            FileHandle.standardOutput.write(try TextTable.json(runs))
        }
    }
}
