import GRDB
import GRDBSQLite

/// Inserts rows many to a statement (`INSERT … VALUES (…), (…), …`), bound with the SQLite C API:
/// within one statement SQLite keeps its place in the B-tree, where a statement per row seeks from
/// the root each time and pays the statement's own cost per row.
struct MultiRowInsert {
    let db: Database
    let store: String
    /// `INSERT [OR …] INTO table (columns)`.
    let head: String
    let columns: Int
    /// Rows per statement, within SQLite's 32,766 parameters.
    var rowsPerStatement = 128

    /// Inserts `count` rows; `bind(statement, base, row)` binds row `row` at parameters `base`,
    /// `base + 1`, … (one-based, as SQLite counts them).
    func insert(_ count: Int, bind: (OpaquePointer?, Int32, Int) -> Void) throws {
        var statements: [Int: Statement] = [:]
        var start = 0
        while start < count {
            let rows = min(rowsPerStatement, count - start)
            let statement: Statement
            if let prepared = statements[rows] {
                statement = prepared
            } else {
                statement = try db.makeStatement(sql: "\(head) VALUES \(Self.values(rows: rows, columns: columns))")
                statements[rows] = statement
            }
            let handle = statement.sqliteStatement
            for row in 0..<rows { bind(handle, Int32(row * columns + 1), start + row) }
            let code = sqlite3_step(handle)
            sqlite3_reset(handle)
            guard code == SQLITE_DONE else {
                throw StoreError(path: store, message: "writing failed: \(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
            }
            start += rows
        }
    }

    /// `(?, ?, …), (?, ?, …), …`: the parameters of `rows` rows of `columns` values (plain `?`:
    /// numbered ones cost SQLite a list search each while preparing).
    static func values(rows: Int, columns: Int) -> String {
        let tuple = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        return Array(repeating: tuple, count: rows).joined(separator: ", ")
    }

    /// Binds a text, which SQLite copies (the Swift string's bytes live only during the call).
    static func bind(_ statement: OpaquePointer?, _ index: Int32, _ text: String) {
        var text = text
        text.withUTF8 { bytes in
            guard let start = bytes.baseAddress, !bytes.isEmpty else {
                _ = sqlite3_bind_text(statement, index, "", 0, transient)
                return
            }
            _ = sqlite3_bind_text(statement, index, UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self), Int32(bytes.count), transient)
        }
    }

    /// SQLite's "copy the bytes before the call returns" destructor.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
}
