import Foundation
import RuralstatModel
import RuralstatReport

/// The submissions ledger as the terminal, a spreadsheet or a tool reads it.
enum LedgerText {
    static func render(_ entries: [SubmissionLedgerEntry], format: LedgerFormat) throws -> String {
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(entries), as: UTF8.self) + "\n"
        case .csv:
            let header = [
                "id", "received_at", "status", "sender", "message_id", "format", "file", "rows_read", "rows_new", "rows_revised",
                "rows_unchanged", "rows_deleted", "rows_rejected", "reason",
            ]
            var text = header.joined(separator: ",") + "\n"
            for entry in entries {
                let cells: [String] = [
                    String(entry.id), entry.receivedAt ?? "", entry.status, shown(entry.sender), shown(entry.messageID),
                    entry.format ?? "", shown(entry.fileName), String(entry.rowsRead), String(entry.rowsNew), String(entry.rowsRevised),
                    String(entry.rowsUnchanged), String(entry.rowsDeleted), String(entry.rowsRejected), shown(entry.reason, limit: 2_000),
                ]
                text += cells.map(CSVText.field).joined(separator: ",") + "\n"
            }
            return text
        case .text:
            return entries.map { entry in
                var line =
                    "\(entry.id)  \(entry.receivedAt ?? "")  \(entry.status.padding(toLength: 8, withPad: " ", startingAt: 0))  "
                    + "\(shown(entry.sender, empty: "-"))  \(shown(entry.fileName))  \(entry.rowsRead) rows: \(entry.rowsNew) new, \(entry.rowsRevised) revised, \(entry.rowsRejected) rejected"
                if let reason = entry.reason, entry.status != "applied" { line += "\n      \(shown(reason, limit: 300))" }
                return line + "\n"
            }.joined()
        }
    }

    static func detail(_ entry: SubmissionLedgerEntry) -> String {
        var lines = ["submission \(entry.id): \(entry.status)"]
        lines.append("  file        \(shown(entry.fileName))")
        lines.append("  sha-256     \(entry.contentHash)")
        lines.append("  received    \(entry.receivedAt ?? "?")")
        lines.append("  sender      \(shown(entry.sender, empty: "-"))   message \(shown(entry.messageID, empty: "-"))   format \(entry.format ?? "-")")
        lines.append(
            "  rows        \(entry.rowsRead) read: \(entry.rowsNew) new, \(entry.rowsRevised) revised, \(entry.rowsUnchanged) unchanged, "
                + "\(entry.rowsDeleted) deleted, \(entry.rowsRejected) rejected")
        if let reason = entry.reason { lines.append("  reason      \(shown(reason, limit: 2_000))") }
        return lines.joined(separator: "\n")
    }

    /// A text from the ledger, which came from a file (a header's sender, a file name), as a terminal
    /// or a spreadsheet should see it: capped, control characters escaped.
    private static func shown(_ text: String?, empty: String = "", limit: Int = EchoText.limit) -> String {
        guard let text else { return empty }
        return EchoText.isSafe(text, limit: limit) ? text : EchoText.quote(text, limit: limit)
    }
}
