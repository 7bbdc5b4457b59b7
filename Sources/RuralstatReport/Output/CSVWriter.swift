import Foundation
import RuralstatModel

/// A buffered CSV writer that formats numbers itself and writes in large blocks: the store-less
/// rollup writes a million rows, where `String` interpolation per cell would dominate. A path
/// ending in `.gz` is written gzip-compressed.
public final class CSVWriter {
    private let sink: any ByteSink
    /// The row being built and the rows not yet written. One value, changed by one call per cell,
    /// without the run-time exclusivity check each access to a class's stored property otherwise costs
    /// (checks were a sixth of writing a million rollups): a writer belongs to one thread, and no call
    /// reaches `out` while another holds it.
    @exclusivity(unchecked) private var out = CSVBytes()
    private var failure: (any Error)?
    public let path: String

    /// Creates (or truncates) the file; `byteOrderMark` for files Excel in a Chinese office opens.
    public init(path: String, header: [String], byteOrderMark: Bool = false) throws {
        self.path = path
        self.sink = try OutputFile.open(path)
        out.bytes.reserveCapacity(1 << 20 + 4096)
        if byteOrderMark { out.bytes.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
        for name in header { field(name) }
        endRow()
    }

    /// A text cell, quoted when needed and made safe against spreadsheet formulas.
    public func field(_ text: String) { out.text(text) }

    /// A number: integers without a fraction, others in the shortest form that reads back to the
    /// value rounded to 15 significant digits (``NumberText/computed(_:)``: no float noise); NaN as an empty cell.
    public func field(_ value: Double) { out.number(value) }

    public func field(_ value: Int) { out.integer(Int64(value)) }

    /// An optional number; nil as an empty cell.
    public func field(_ value: Double?) {
        if let value { out.number(value) } else { out.empty() }
    }

    /// A 12-digit region code, zero-padded, without making a `String`.
    public func field(region: Int64) { out.region(region) }

    public func endRow() {
        if out.endRow() {
            // Rows stay a cheap, non-throwing call; the first write error is kept and thrown by close().
            do { try flush() } catch {
                failure = failure ?? error
                out.bytes.removeAll(keepingCapacity: true)
            }
        }
    }

    private func flush() throws {
        try sink.write(out.bytes)
        out.bytes.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and closes the file (a write error surfaces here).
    public func close() throws {
        if let failure { throw failure }
        try flush()
        try sink.close()
    }
}

/// The bytes of a CSV file being written, and whether the next cell starts a line.
private struct CSVBytes {
    var bytes: [UInt8] = []
    var atLineStart = true

    private mutating func separator() {
        if !atLineStart { bytes.append(UInt8(ascii: ",")) }
        atLineStart = false
    }

    mutating func empty() { separator() }

    mutating func text(_ text: String) {
        separator()
        var text = text
        text.withUTF8 { cell in
            // Plain text (nearly every cell) goes in as it is; the rest through CSVText.
            let risky =
                cell.first.map(CSVText.leadsFormula) ?? false
                || cell.contains { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }
            if risky {
                bytes.append(contentsOf: CSVText.field(String(decoding: cell, as: UTF8.self)).utf8)
            } else {
                bytes.append(contentsOf: cell)
            }
        }
    }

    mutating func number(_ value: Double) {
        separator()
        if value.isNaN { return }
        if value == value.rounded(), abs(value) < 1e15 {
            digits(Int64(value))
        } else if let decimal = ComputedDecimal(value) {
            decimal.append(to: &bytes)
        } else {
            var text = NumberText.computed(value)
            text.withUTF8 { bytes.append(contentsOf: $0) }
        }
    }

    mutating func integer(_ value: Int64) {
        separator()
        digits(value)
    }

    mutating func region(_ region: Int64) {
        separator()
        var code: (UInt64, UInt64) = (0, 0)  // 12 ASCII digits, filled from the right
        withUnsafeMutableBytes(of: &code) { digits in
            var rest = region
            for index in stride(from: 11, through: 0, by: -1) {
                digits[index] = UInt8(48 + rest % 10)
                rest /= 10
            }
            bytes.append(contentsOf: digits[0..<12])
        }
    }

    private mutating func digits(_ value: Int64) {
        ComputedDecimal.append(digits: value.magnitude, places: 0, negative: value < 0, to: &bytes)
    }

    /// Ends the row; true when enough is buffered to be written.
    mutating func endRow() -> Bool {
        bytes.append(10)
        atLineStart = true
        return bytes.count >= 1 << 20
    }
}
