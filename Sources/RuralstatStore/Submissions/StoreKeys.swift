import GRDB
import RuralstatModel

/// The integer codes the store gives indicators and periods (`indicator_keys`, `period_keys`): the
/// values are clustered on (period, region, indicator), and small integers keep that key short.
/// Read once per transaction; a code the store has not seen yet gets the next number.
struct StoreKeys {
    private(set) var indicatorIDs: [String: Int64] = [:]
    private(set) var periodIDs: [String: Int64] = [:]

    init(_ db: Database, store: String) throws {
        for stored in try Row.fetchAll(db, sql: "SELECT id, code FROM indicator_keys") {
            let row = StoredRow(row: stored, table: "indicator_keys", store: store)
            indicatorIDs[try row("code")] = try row("id")
        }
        for stored in try Row.fetchAll(db, sql: "SELECT id, period FROM period_keys") {
            let row = StoredRow(row: stored, table: "period_keys", store: store)
            periodIDs[try row("period")] = try row("id")
        }
    }

    /// The number of an indicator code, given one if it has none yet.
    mutating func indicator(_ code: String, _ db: Database) throws -> Int64 {
        if let id = indicatorIDs[code] { return id }
        try db.execute(sql: "INSERT INTO indicator_keys (code) VALUES (?)", arguments: [code])
        indicatorIDs[code] = db.lastInsertedRowID
        return db.lastInsertedRowID
    }

    /// The number of a period, given one if it has none yet.
    mutating func period(_ text: String, _ db: Database) throws -> Int64 {
        if let id = periodIDs[text] { return id }
        try db.execute(sql: "INSERT INTO period_keys (period) VALUES (?)", arguments: [text])
        periodIDs[text] = db.lastInsertedRowID
        return db.lastInsertedRowID
    }

    /// Codes by number, for reading values back.
    static func codes(_ db: Database, store: String) throws -> (indicators: [Int64: String], periods: [Int64: Period]) {
        let keys = try StoreKeys(db, store: store)
        var periods: [Int64: Period] = [:]
        for (text, id) in keys.periodIDs {
            do { periods[id] = try Period(text) } catch {
                throw StoredRow(row: Row(), table: "period_keys", store: store)
                    .problem("period", "holds '\(EchoText.quote(text))', which is not a period")
            }
        }
        return (Dictionary(uniqueKeysWithValues: keys.indicatorIDs.map { ($0.value, $0.key) }), periods)
    }
}

/// The clustering key of a value: (period, region, indicator), packed into two words so that sorting
/// and comparing millions of them is cheap. Region codes have 12 digits, below 2⁴⁰.
struct ValueKey: Comparable, Hashable {
    var major: UInt64
    var indicator: Int64

    init(period: Int64, region: Int64, indicator: Int64) {
        major = UInt64(period) << 40 | UInt64(region)
        self.indicator = indicator
    }

    var period: Int64 { Int64(major >> 40) }
    var region: Int64 { Int64(major & (1 << 40 - 1)) }

    static func < (lhs: ValueKey, rhs: ValueKey) -> Bool {
        lhs.major != rhs.major ? lhs.major < rhs.major : lhs.indicator < rhs.indicator
    }
}
