import RuralstatModel

/// A key a submission gives more than once, and what the store says about it: identical repeats are
/// merged into the first row (a warning each), contradictory ones are all rejected, the first too
/// (an error each), because which one the sender meant cannot be known.
package struct RepeatedKey {
    /// One row that gives the key, in document order.
    package struct Row {
        package var line: Int32
        package var value: Double
        package var status: UInt8

        package init(line: Int32, value: Double, status: UInt8) {
            self.line = line
            self.value = value
            self.status = status
        }
    }

    /// Whether every row gives the same value (bit for bit, NaN as NaN) and status.
    package let identical: Bool
    /// The problems, one for each row that is not applied: every row but the first when identical,
    /// every row otherwise; `row` is its index in the rows given.
    package let problems: [(row: Int, problem: ValidationProblem)]

    /// - Parameter key: the key as rejects show it, `region|indicator|period`.
    package init(key: String, file: String, rows: [Row]) {
        func same(_ a: Row, _ b: Row) -> Bool {
            (a.value.isNaN ? b.value.isNaN : a.value.bitPattern == b.value.bitPattern) && a.status == b.status
        }
        let first = rows[0]
        identical = rows.allSatisfy { same($0, first) }
        let variants = Set(rows.map { "\($0.value.bitPattern)|\($0.status)" }).count
        var problems: [(row: Int, problem: ValidationProblem)] = []
        for (position, row) in rows.enumerated() where !(identical && position == 0) {
            let message =
                identical
                ? "repeats line \(first.line) with the same value; merged"
                : "the message gives \(variants) different values for this key; all are rejected"
            problems.append(
                (
                    position,
                    ValidationProblem(
                        location: SourceLocation(file: file, line: Int(row.line)), key: key,
                        rule: identical ? .duplicateIdentical : .duplicateContradictory,
                        value: row.value.isNaN ? "" : String(row.value), message: message)
                ))
        }
        self.problems = problems
    }
}
