import ArgumentParser
import Foundation
import RuralstatReport

/// How a listing command prints its rows: aligned for people, CSV or JSON for programs.
enum ListingFormat: String, ExpressibleByArgument { case table, csv, json }

/// Rows of cells for the terminal or a file, and JSON: the listing commands' outputs.
enum TextTable {
    /// Columns padded to their widest cell (by characters: a Chinese name counts one each).
    static func aligned(_ rows: [[String]]) -> String {
        let widths = (rows.first ?? []).indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { line in
            line.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }

    /// RFC 4180 CSV, text cells made formula-safe.
    static func csv(_ rows: [[String]]) -> String {
        rows.map { $0.map(CSVText.field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// Pretty JSON with snake_case keys in a stable order, and a final newline.
    static func json(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(value) + Data("\n".utf8)
    }
}
