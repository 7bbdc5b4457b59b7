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
            let header = ["id", "received_at", "status", "sender", "message_id", "format", "file", "rows_read", "rows_new", "rows_revised",
                          "rows_unchanged", "rows_deleted", "rows_rejected", "reason"]
            var text = header.joined(separator: ",") + "\n"
            for entry in entries {
                let cells: [String] = [String(entry.id), entry.receivedAt ?? "", entry.status, entry.sender ?? "", entry.messageID ?? "",
                                       entry.format ?? "", entry.fileName, String(entry.rowsRead), String(entry.rowsNew), String(entry.rowsRevised),
                                       String(entry.rowsUnchanged), String(entry.rowsDeleted), String(entry.rowsRejected), entry.reason ?? ""]
                text += cells.map(CSVText.field).joined(separator: ",") + "\n"
            }
            return text
        case .text:
            return entries.map { entry in
                var line = "\(entry.id)  \(entry.receivedAt ?? "")  \(entry.status.padding(toLength: 8, withPad: " ", startingAt: 0))  "
                    + "\(entry.sender ?? "-")  \(entry.fileName)  \(entry.rowsRead) rows: \(entry.rowsNew) new, \(entry.rowsRevised) revised, \(entry.rowsRejected) rejected"
                if let reason = entry.reason, entry.status != "applied" { line += "\n      \(EchoText.quote(reason, limit: 300))" }
                return line + "\n"
            }.joined()
        }
    }

    static func detail(_ entry: SubmissionLedgerEntry) -> String {
        var lines = ["submission \(entry.id): \(entry.status)"]
        lines.append("  file        \(entry.fileName)")
        lines.append("  sha-256     \(entry.contentHash)")
        lines.append("  received    \(entry.receivedAt ?? "?")")
        lines.append("  sender      \(entry.sender ?? "-")   message \(entry.messageID ?? "-")   format \(entry.format ?? "-")")
        lines.append("  rows        \(entry.rowsRead) read: \(entry.rowsNew) new, \(entry.rowsRevised) revised, \(entry.rowsUnchanged) unchanged, "
                     + "\(entry.rowsDeleted) deleted, \(entry.rowsRejected) rejected")
        if let reason = entry.reason { lines.append("  reason      \(reason)") }
        return lines.joined(separator: "\n")
    }
}
