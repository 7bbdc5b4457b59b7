import Foundation

/// A buffered CSV writer that formats numbers itself and writes in large blocks: the store-less
/// rollup writes a million rows, where `String` interpolation per cell would dominate. A path
/// ending in `.gz` is written gzip-compressed.
public final class CSVWriter {
    private let sink: any ByteSink
    private var buffer: [UInt8] = []
    private var atLineStart = true
    private var failure: (any Error)?
    public let path: String

    /// Creates (or truncates) the file; `byteOrderMark` for files Excel in a Chinese office opens.
    public init(path: String, header: [String], byteOrderMark: Bool = false) throws {
        self.path = path
        self.sink = try OutputFile.open(path)
        buffer.reserveCapacity(1 << 20)
        if byteOrderMark { buffer.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
        for name in header { field(name) }
        endRow()
    }

    private func separator() {
        if !atLineStart { buffer.append(UInt8(ascii: ",")) }
        atLineStart = false
    }

    /// A text cell, quoted when needed and made safe against spreadsheet formulas.
    public func field(_ text: String) {
        separator()
        var text = text
        text.withUTF8 { bytes in
            // Plain text (nearly every cell) goes in as it is; the rest through CSVText.
            let risky =
                bytes.first.map(CSVText.leadsFormula) ?? false
                || bytes.contains { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }
            if risky {
                buffer.append(contentsOf: CSVText.field(String(decoding: bytes, as: UTF8.self)).utf8)
            } else {
                buffer.append(contentsOf: bytes)
            }
        }
    }

    /// A number: integers without a fraction, others in the shortest form that reads back exactly;
    /// NaN as an empty cell.
    public func field(_ value: Double) {
        separator()
        if value.isNaN { return }
        if value == value.rounded(), abs(value) < 1e15 {
            append(Int64(value))
        } else {
            buffer.append(contentsOf: value.description.utf8)
        }
    }

    public func field(_ value: Int) {
        separator()
        append(Int64(value))
    }

    /// An optional number; nil as an empty cell.
    public func field(_ value: Double?) {
        if let value { field(value) } else { separator() }
    }

    /// A 12-digit region code, zero-padded, without making a `String`.
    public func field(region: Int64) {
        separator()
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(48, count: 12))
        var rest = region
        for index in stride(from: start + 11, through: start, by: -1) {
            buffer[index] = UInt8(48 + rest % 10)
            rest /= 10
        }
    }

    private func append(_ value: Int64) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = buffer.count
        repeat {
            buffer.append(UInt8(48 + magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        buffer[start...].reverse()
    }

    public func endRow() {
        buffer.append(10)
        atLineStart = true
        if buffer.count >= 1 << 20 {
            // Rows stay a cheap, non-throwing call; the first write error is kept and thrown by close().
            do { try flush() } catch {
                failure = failure ?? error
                buffer.removeAll(keepingCapacity: true)
            }
        }
    }

    private func flush() throws {
        try sink.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and closes the file (a write error surfaces here).
    public func close() throws {
        if let failure { throw failure }
        try flush()
        try sink.close()
    }
}
