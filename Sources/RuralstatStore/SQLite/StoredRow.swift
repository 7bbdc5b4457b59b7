import GRDB
import RuralstatModel

/// A row read back from the store, whose every value is checked: SQLite keeps any value in any
/// column, and an analyst may have changed the file with `sqlite3`, so a value of the wrong type, a
/// NULL where one is needed, or a level, period or status that is not one, is an error that says
/// which table, column and value — never a crash.
struct StoredRow {
    let row: Row
    let table: String
    let store: String

    /// The value of `column`, which must be there and of type `T`.
    func callAsFunction<T: DatabaseValueConvertible>(_ column: String) throws -> T {
        guard let value = try optional(column) as T? else { throw problem(column, "is empty (NULL)") }
        return value
    }

    /// The value of `column`, or nil for NULL; another type is an error.
    func optional<T: DatabaseValueConvertible>(_ column: String) throws -> T? {
        try convert(row[column], column)
    }

    /// The value at a column position (faster than by name, for the million-row reads).
    func callAsFunction<T: DatabaseValueConvertible>(_ index: Int) throws -> T {
        guard let value = try optional(index) as T? else { throw problem(name(index), "is empty (NULL)") }
        return value
    }

    func optional<T: DatabaseValueConvertible>(_ index: Int) throws -> T? {
        let stored: DatabaseValue = row[index]
        if stored.isNull { return nil }
        if let value = T.fromDatabaseValue(stored) { return value }
        return try convert(stored, name(index))
    }

    private func convert<T: DatabaseValueConvertible>(_ stored: DatabaseValue, _ column: String) throws -> T? {
        if stored.isNull { return nil }
        guard let value = T.fromDatabaseValue(stored) else { throw problem(column, "holds \(shown(stored)), not a \(T.self)") }
        return value
    }

    private func name(_ index: Int) -> String { Array(row.columnNames)[index] }

    func level(_ column: String) throws -> RegionLevel {
        let name: String = try self(column)
        guard let level = RegionLevel(name: name) else { throw problem(column, "holds '\(EchoText.quote(name))', which is not a level") }
        return level
    }

    func period(_ column: String) throws -> Period {
        let text: String = try self(column)
        do { return try Period(text) } catch { throw problem(column, "holds '\(EchoText.quote(text))', which is not a period") }
    }

    func optionalPeriod(_ column: String) throws -> Period? {
        guard (try optional(column) as String?) != nil else { return nil }
        return try period(column)
    }

    /// A value one of whose spellings `parse` knows.
    func choice<T>(_ column: String, _ parse: (String) -> T?) throws -> T {
        let text: String = try self(column)
        guard let value = parse(text) else { throw problem(column, "holds '\(EchoText.quote(text))', which is not one of its values") }
        return value
    }

    private func shown(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: "NULL"
        case .int64(let number): "the integer \(number)"
        case .double(let number): "the number \(number)"
        case .string(let text): "the text '\(EchoText.quote(text))'"
        case .blob(let data): "a blob of \(data.count) bytes"
        }
    }

    func problem(_ column: String, _ what: String) -> StoreError {
        StoreError(
            path: store,
            message:
                "table \(table), column \(column) \(what); was the store changed by hand? Mend the row (for rollups and findings, 'ruralstat rollup --full' rebuilds them)"
        )
    }
}

extension SQLiteStore {
    func checked(_ row: Row, _ table: String) -> StoredRow { StoredRow(row: row, table: table, store: path) }
}
