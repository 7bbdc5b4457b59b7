import NIOCore

/// Rows in the text format of PostgreSQL's `COPY … FROM STDIN`: fields separated by tabs, rows by
/// newlines, `\N` for NULL, and a backslash, tab, newline or carriage return in a text escaped. A NUL
/// byte, which no PostgreSQL text can hold, becomes U+FFFD (texts from files may carry one).
/// Numbers are written in their shortest form that reads back to the same value.
struct CopyRows: Sendable {
    private(set) var buffer = ByteBuffer()
    private var fieldsInRow = 0
    /// Rows ended so far.
    private(set) var count = 0

    init(capacity: Int = 1 << 16) { buffer.reserveCapacity(capacity) }

    private mutating func separate() {
        if fieldsInRow > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
        fieldsInRow += 1
    }

    mutating func null() {
        separate()
        buffer.writeStaticString("\\N")
    }

    mutating func text(_ value: String?) {
        guard var value else { return null() }
        separate()
        value.withUTF8 { bytes in
            var start = 0
            for (index, byte) in bytes.enumerated() where byte == 92 || byte == 9 || byte == 10 || byte == 13 || byte == 0 {
                buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<index])))
                let escaped: StaticString = byte == 92 ? "\\\\" : byte == 9 ? "\\t" : byte == 10 ? "\\n" : byte == 13 ? "\\r" : "\u{FFFD}"
                buffer.writeStaticString(escaped)
                start = index + 1
            }
            buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start...])))
        }
    }

    mutating func integer<Value: BinaryInteger>(_ value: Value?) {
        guard let value else { return null() }
        separate()
        buffer.writeString(String(value))
    }

    /// A number; NaN and the infinities as NULL (the store keeps no non-finite value).
    mutating func number(_ value: Double?) {
        guard let value, value.isFinite else { return null() }
        separate()
        buffer.writeString(value.description)
    }

    mutating func endRow() {
        buffer.writeInteger(UInt8(ascii: "\n"))
        fieldsInRow = 0
        count += 1
    }

    /// Hands the rows over and starts empty.
    mutating func take() -> ByteBuffer {
        let taken = buffer
        buffer = ByteBuffer()
        buffer.reserveCapacity(taken.capacity)
        count = 0
        return taken
    }
}

extension String {
    /// The text with each NUL, which no PostgreSQL text can hold, as U+FFFD: for texts from files
    /// (names, header fields, echoed values) that go to the server as parameters.
    var storable: String { contains("\u{0}") ? replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : self }
}
