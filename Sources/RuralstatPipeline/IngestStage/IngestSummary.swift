import Foundation
import RuralstatIngest
import RuralstatModel

/// The lines an operator reads after `ingest` or a run: one per file, and the totals.
public enum IngestSummary {
    /// What happened to a file, in a word.
    public static func word(_ kind: SubmissionIngestor.FileResult.Kind) -> String {
        switch kind {
        case .applied: "applied"
        case .rejected, .refused: "rejected"
        case .test: "test message, checked only"
        case .alreadySeen(let earlier):
            switch earlier.status {
            case .retired: "retired before"
            case .rejected: "rejected before"
            case .applied, .test: "seen before"
            }
        case .unreadable: "unreadable"
        }
    }

    public static func line(_ result: SubmissionIngestor.FileResult) -> String {
        let name = result.file
        var text: String
        switch result.kind {
        case .alreadySeen(let earlier) where earlier.status == .retired:
            return "\(name): retired as submission \(earlier.id) (\(earlier.reason ?? "no reason given")); not applied"
        case .alreadySeen(let earlier) where earlier.status == .rejected:
            return "\(name): rejected before as submission \(earlier.id) (\(earlier.receivedAt)) under the same registry, catalog and options: "
                + "\(earlier.reason ?? "no reason recorded"); not read again — 'ruralstat submissions retry \(earlier.id)' reads it again, "
                + "and so does any run once the registry, catalog or options change"
        case .alreadySeen(let earlier):
            return "\(name): already seen as submission \(earlier.id) (\(earlier.status.rawValue), \(earlier.receivedAt)); not applied again"
        case .unreadable(let reason):
            text = "\(name): REJECTED, unreadable: \(reason)"
        case .refused(let reason):
            text = "\(name): REJECTED: \(reason)"
        case .applied, .rejected, .test:
            guard let outcome = result.outcome else { return "\(name): ?" }
            text = "\(name): \(outcome.status.rawValue)"
            if let format = result.report?.format { text += " [\(format.rawValue)]" }
            text +=
                " — \(outcome.rowsRead) rows read: \(outcome.rowsNew) new, \(outcome.rowsRevised) revised, "
                + "\(outcome.rowsUnchanged) unchanged, \(outcome.rowsDeleted) deleted, \(outcome.rowsRejected) rejected"
            let warnings = outcome.warnings + outcome.duplicatesMerged
            if warnings > 0 { text += ", \(warnings) warnings" }
            text += String(format: " (%.2f s reading, %.2f s merging after the read)", outcome.secondsReading, outcome.secondsMerging)
            if let reason = outcome.reason { text += "\n  \(reason)" }
            // The first errors, whether reading found them or the store (duplicate keys, a reused message ID).
            let errors = ((result.report?.problems ?? []) + outcome.problems).filter { $0.severity == .error }
            for problem in errors.prefix(5) { text += "\n  \(problem)" }
            let total = (result.report?.errorCount ?? 0) + outcome.problems.count { $0.severity == .error }
            if total > min(5, errors.count) { text += "\n  … \(total - min(5, errors.count)) more errors (see the rejects log)" }
        }
        if let earlier = result.earlierAttempt {
            text += "\n  offered before as submission \(earlier.id) (\(earlier.receivedAt)), rejected: \(earlier.reason ?? "no reason recorded")"
        }
        return text
    }

    /// The files refused as a whole: rejected, unreadable, or without a sender.
    static func isRefused(_ kind: SubmissionIngestor.FileResult.Kind) -> Bool {
        switch kind {
        case .rejected, .unreadable, .refused: true
        case .applied, .test, .alreadySeen: false
        }
    }

    public static func totals(_ results: [SubmissionIngestor.FileResult], rejectsPath: String?) -> String {
        let outcomes = results.compactMap(\.outcome)
        let seen = results.filter { if case .alreadySeen = $0.kind { true } else { false } }.count
        let rows = outcomes.reduce(0) { $0 + $1.rowsRead }
        let seconds = results.reduce(0) { $0 + $1.seconds }
        var text =
            "\(results.count) files: \(results.filter { $0.kind == .applied }.count) applied, "
            + "\(results.filter { isRefused($0.kind) }.count) rejected, \(seen) already seen"
        text +=
            "; \(rows) rows: \(outcomes.reduce(0) { $0 + $1.rowsApplied }) applied, \(outcomes.reduce(0) { $0 + $1.rowsUnchanged }) unchanged, "
            + "\(outcomes.reduce(0) { $0 + $1.rowsRejected }) rejected"
        if seconds > 0, rows > 0 { text += String(format: " (%.0f rows/s)", Double(rows) / seconds) }
        if results.isEmpty || results.count == seen { text += "\nno new work" }
        if let rejectsPath { text += "\nrejects: \(rejectsPath)" }
        return text
    }
}

/// The report of `ruralstat check`, as text for a clerk or JSON for a tool.
public enum CheckReport {
    public static func text(_ reports: [ValidationReport]) -> String {
        var text = ""
        for report in reports {
            if let fatal = report.fatal {
                text += "\(report.file): cannot be read: \(fatal)\n"
                continue
            }
            let verdict = report.hasErrors ? "\(report.errorCount) errors" : "ok"
            text +=
                "\(report.file): \(verdict) [\(report.format?.rawValue ?? "?")] — \(report.rowsRead) rows, "
                + "\(report.rowsAccepted) accepted, \(report.rowsRejected) rejected, \(report.warnings) warnings\n"
            for problem in report.problems { text += "  \(problem)\n" }
            let shown = report.problems.count
            let total = report.countsByRule.values.reduce(0, +)
            if total > shown { text += "  … \(total - shown) more problems\n" }
            if !report.countsByRule.isEmpty {
                text +=
                    "  by rule: "
                    + report.countsByRule.sorted { $0.key.rawValue < $1.key.rawValue }
                    .map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ") + "\n"
            }
        }
        return text
    }

    public static func json(_ reports: [ValidationReport]) throws -> String {
        struct Problem: Encodable {
            var file: String, line: Int?, element: String?, column: String?, key: String, rule: String, severity: String, value: String, message: String
        }
        struct File: Encodable {
            var file: String, format: String?, sender: String?, messageID: String?, rowsRead: Int, rowsAccepted: Int, rowsRejected: Int
            var warnings: Int, errors: Int, fatal: String?, countsByRule: [String: Int], problems: [Problem]
        }
        let files = reports.map { report in
            File(
                file: report.file, format: report.format?.rawValue, sender: report.jurisdiction?.sender, messageID: report.header.messageID,
                rowsRead: report.rowsRead, rowsAccepted: report.rowsAccepted, rowsRejected: report.rowsRejected,
                warnings: report.warnings, errors: report.errorCount, fatal: report.fatal?.description,
                countsByRule: Dictionary(uniqueKeysWithValues: report.countsByRule.map { ($0.key.rawValue, $0.value) }),
                problems: report.problems.map {
                    Problem(
                        file: $0.location.file, line: $0.location.line, element: $0.location.element, column: $0.location.column,
                        key: $0.key, rule: $0.rule.rawValue, severity: $0.severity.rawValue, value: $0.value, message: $0.message)
                })
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(files), as: UTF8.self)
    }
}
