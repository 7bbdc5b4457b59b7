import GRDBSQLite
import RuralstatModel

/// Reading the columns of a statement stepped with the SQLite C API, as the million-row reads do
/// (the registry, the current values, the rollups): a text without a copy through GRDB, and a
/// value as an error message about a row changed by hand shows it.
enum ColumnReading {
    /// The column's text ("" for NULL).
    static func text(_ statement: OpaquePointer?, _ column: Int32) -> String {
        guard let bytes = sqlite3_column_text(statement, column) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(statement, column))), as: UTF8.self)
    }

    /// The column's value for a message: `NULL`, `the integer 5`, `the number 1.5`, `the text '…'` (quoted safely), `a blob`.
    static func shown(_ statement: OpaquePointer?, _ column: Int32) -> String {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_NULL: "NULL"
        case SQLITE_INTEGER: "the integer \(sqlite3_column_int64(statement, column))"
        case SQLITE_FLOAT: "the number \(sqlite3_column_double(statement, column))"
        case SQLITE_TEXT: "the text '\(EchoText.quote(text(statement, column)))'"
        default: "a blob"
        }
    }
}
