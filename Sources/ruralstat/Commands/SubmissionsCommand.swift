import ArgumentParser
import Foundation
import RuralstatIngest
import RuralstatModel
import RuralstatPipeline
import RuralstatStore

extension SubmissionStatus: ExpressibleByArgument {}

/// `ruralstat submissions`: the ledger of files offered, and the decisions an operator takes on them.
struct SubmissionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submissions",
        abstract: "List and show the submissions ledger; offer a rejected file again, or retire it.",
        discussion: """
            Every file offered to the store is in the ledger: applied, rejected (with the reason), a test message, or
            retired. A rejected file does not block its content: once what was wrong outside it is fixed (its sender, the
            registry, the catalog, the threshold), the same file is taken when offered again — by the nightly run, by
            'ingest', or by 'submissions retry N'. 'submissions retire N' marks a rejected file never to apply, so that a
            file left in an inbox stops being offered. Every retry and retirement is recorded with who and why.
            """,
        subcommands: [List.self, Show.self, Retry.self, Retire.self],
        defaultSubcommand: List.self
    )

    struct StoreOption: ParsableArguments {
        @Option(help: ArgumentHelp("The store.", valueName: "path"))
        var store = "reports/ruralstat.sqlite"
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List ledger entries, filtered.")

        @OptionGroup var store: StoreOption

        @Option(name: .customLong("status"), help: "Only these statuses (applied, rejected, test, retired); repeatable.")
        var statuses: [SubmissionStatus] = []

        @Option(name: .customLong("sender"), help: "Only these senders (as headers and file names give them, e.g. CN_130121); repeatable.")
        var senders: [String] = []

        @Option(help: ArgumentHelp("Only entries received on or after this date (2026-01-31 or an ISO 8601 time).", valueName: "date"))
        var since: String?

        @Option(help: ArgumentHelp("Only files whose name contains this.", valueName: "text"))
        var file: String?

        @Option(help: "text, csv or json.")
        var format: LedgerFormat = .text

        func run() throws {
            let database = try StoreAccess.open(store.store)
            if let since, MessageHeader.timestamp(since) == nil, MessageHeader.timestamp(since + "T00:00:00Z") == nil {
                throw ValidationError("--since '\(EchoText.quote(since))' is not a date (2026-01-31) or an ISO 8601 time")
            }
            let filter = SubmissionFilter(
                statuses: statuses.isEmpty ? nil : Set(statuses), senders: senders.isEmpty ? nil : Set(senders),
                since: since, fileContains: file)
            let entries = try database.ledger(filter)
            if !senders.isEmpty {
                let known = Set(try database.ledger().compactMap(\.sender))
                for sender in senders where !known.contains(sender) {
                    throw ValidationError("no submission of the ledger has the sender '\(EchoText.quote(sender))'" + Suggestion.text(sender, among: known))
                }
            }
            print(try LedgerText.render(entries, format: format), terminator: "")
            if entries.isEmpty, format == .text { FileHandle.standardError.write(Data("no submission matches\n".utf8)) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one submission: what it did, why it was rejected, its problems and the decisions on it.")

        @Argument(help: "The submission id (as 'submissions list' shows it).")
        var id: Int64

        @OptionGroup var store: StoreOption

        @Option(help: "How many of its problems to list.")
        var problems = 20

        func run() throws {
            let database = try StoreAccess.open(store.store)
            guard let entry = try database.ledgerEntry(id) else {
                throw SubmissionDecisionError(description: "there is no submission \(id) in the ledger of \(store.store)")
            }
            print(LedgerText.detail(entry))
            let (listed, total) = try database.rejects(ofSubmission: id, limit: max(0, problems))
            if total > 0 {
                print("problems (\(total)):")
                for problem in listed { print("  \(problem)") }
                if total > listed.count { print("  … \(total - listed.count) more") }
            }
            let decisions = try database.decisions(onSubmission: id)
            if !decisions.isEmpty {
                print("decisions:")
                for decision in decisions {
                    var line = "  \(decision.decidedAt) \(decision.decision.rawValue) by \(decision.decidedBy)"
                    if let reason = decision.reason { line += ": \(reason)" }
                    if let result = decision.resultSubmissionID { line += " → submission \(result)" }
                    print(line)
                }
            }
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Offer a rejected (or retired) submission's file again, as 'ingest' would.",
            discussion: "The file must still be where the ledger says, with the same content. The attempt is a new ledger entry, and the decision is recorded.")

        @Argument(help: "The submission id.")
        var id: Int64

        @OptionGroup var store: StoreOption

        @Option(help: ArgumentHelp("Why it is offered again (recorded).", valueName: "text"))
        var reason: String?

        @Option(help: ArgumentHelp("Who decides (recorded; default: the login name).", valueName: "name"))
        var by: String?

        @OptionGroup var rejects: RejectsOption
        @OptionGroup var catalog: CatalogOptions
        @OptionGroup var ingest: IngestArguments
        @OptionGroup var lock: LockOptions

        func run() throws {
            let (database, held) = try StoreAccess.openForWriting(store.store, command: "submissions retry", wait: lock.wait)
            defer { withExtendedLifetime(held) {} }
            guard let entry = try database.ledgerEntry(id) else {
                throw SubmissionDecisionError(description: "there is no submission \(id) in the ledger of \(store.store)")
            }
            guard entry.status == SubmissionStatus.rejected.rawValue || entry.status == SubmissionStatus.retired.rawValue else {
                throw SubmissionDecisionError(description: "submission \(id) is \(entry.status); only a rejected or retired submission can be offered again")
            }
            guard FileManager.default.fileExists(atPath: entry.fileName) else {
                throw SubmissionDecisionError(
                    description: "the file of submission \(id), \(entry.fileName), is no longer there; offer it with 'ruralstat ingest PATH'")
            }
            guard try ContentHash.sha256(of: entry.fileName) == entry.contentHash else {
                throw SubmissionDecisionError(
                    description:
                        "\(entry.fileName) has changed since submission \(id) was offered; a changed file is a new submission: 'ruralstat ingest \(entry.fileName)'"
                )
            }
            let person = by ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown"
            let wasRetired = entry.status == SubmissionStatus.retired.rawValue
            var line = ""
            let loaded = try catalog.loadCatalog()
            let status = try IngestRun(
                store: database, storePath: store.store, command: "submissions retry", catalog: loaded,
                options: try ingest.options(catalog: loaded), rejectsPath: rejects.rejects
            )
            .run(
                [entry.fileName], parameters: ["submission": String(id)], printTotals: false, retryRejected: true,
                before: { _ in
                    if wasRetired { try database.unretire(id, by: person) }
                },
                after: { run, results in
                    try database.recordRetry(id, by: person, reason: reason, result: results.first?.submissionID, runID: run)
                    line = results.first.map { "submission \(id) offered again: \(IngestSummary.word($0.kind))" } ?? ""
                },
                undo: {
                    if wasRetired { try? database.reretire(id) }
                })
            print(line)
            if status != .ok { throw ExitCode(status.rawValue) }
        }
    }

    struct Retire: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark a rejected submission never to apply; its file is then skipped when offered again.")

        @Argument(help: "The submission id.")
        var id: Int64

        @OptionGroup var store: StoreOption

        @Option(help: ArgumentHelp("Why (recorded; required).", valueName: "text"))
        var reason: String

        @Option(help: ArgumentHelp("Who decides (recorded; default: the login name).", valueName: "name"))
        var by: String?

        @OptionGroup var lock: LockOptions

        func run() throws {
            let (database, held) = try StoreAccess.openForWriting(store.store, command: "submissions retire", wait: lock.wait)
            defer { withExtendedLifetime(held) {} }
            let person = by ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown"
            let run = try database.beginRun(command: "submissions retire", parameters: ["submission": String(id), "store": store.store])
            do {
                try database.retire(id, by: person, reason: reason, runID: run)
            } catch {
                try? database.finishRun(run, status: .failed, exitCode: ExitStatus.invalidInput.rawValue)
                throw error
            }
            try database.finishRun(run, status: .succeeded, exitCode: 0)
            print("submission \(id) retired by \(person): \(reason)")
        }
    }
}

enum LedgerFormat: String, ExpressibleByArgument { case text, csv, json }
