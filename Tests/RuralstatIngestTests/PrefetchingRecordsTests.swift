import Foundation
import Testing
import TestSupport
@testable import RuralstatIngest

@Suite("PrefetchingRecords")
struct PrefetchingRecordsTests {
    /// A record as the submission reader sees it: its line, whether it is blank, its fields.
    struct Record: Equatable, CustomStringConvertible {
        var line: Int
        var isBlank: Bool
        var fields: [String]
        var description: String { "\(line)\(isBlank ? " blank" : ""): \(fields)" }
    }

    /// Every record of `records`, and the error that ended them, if any.
    static func read(_ records: some CSVRecords) -> (records: [Record], error: IngestError?) {
        var result: [Record] = []
        do {
            while try records.next() { result.append(Record(line: records.line, isBlank: records.isBlank, fields: records.strings)) }
        } catch {
            return (result, error)
        }
        return (result, nil)
    }

    /// The same bytes read directly and split ahead on the other thread.
    static func bothWays(_ bytes: [UInt8], bufferSize: Int) -> (
        direct: (records: [Record], error: IngestError?), ahead: (records: [Record], error: IngestError?)
    ) {
        let direct = read(CSVReader(source: Bytes(bytes), bufferSize: bufferSize, maxRecordBytes: 1 << 20))
        let ahead = read(PrefetchingRecords(CSVReader(source: Bytes(bytes), bufferSize: bufferSize, maxRecordBytes: 1 << 20), depth: 2))
        return (direct, ahead)
    }

    /// Random files: plain and quoted fields, blank lines, newlines inside quotes, CRLF, and now and
    /// then a field longer than a chunk; enough records to fill several chunks.
    @Test("records split ahead are the records read directly, with their lines")
    func sameRecordsProperty() {
        var random = SplitMix64(seed: 77)
        let alphabet: [String] = ["1", "0", "a", "Z", ".", " ", "村", ",", "\"", "\n", "\r\n"]
        for round in 0..<6 {
            var text = ""
            for _ in 0..<Int(random.next() % 16_000 + 4_000) {
                if random.next() % 50 == 0 {
                    text += "\n"  // a blank line
                    continue
                }
                let fields = (0..<Int(random.next() % 6 + 1)).map { _ -> String in
                    if random.next() % 5_000 == 0 { return String(repeating: "x", count: 600_000) }
                    let plain = random.next() % 10 != 0
                    let field = (0..<Int(random.next() % 12)).map { _ in alphabet[Int(random.next() % UInt64(plain ? 7 : alphabet.count))] }.joined()
                    return field.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
                }
                text += fields.joined(separator: ",") + (random.next() % 3 == 0 ? "\r\n" : "\n")
            }
            let (direct, ahead) = Self.bothWays(Array(text.utf8), bufferSize: Int(random.next() % 5_000 + 64))
            #expect(direct.error == nil)
            #expect(ahead.error == nil)
            #expect(ahead.records.count == direct.records.count, "round \(round)")
            #expect(ahead.records == direct.records, "round \(round)")
        }
    }

    /// An error (here a quote left open) comes after every record read before it, as it does directly.
    @Test func anErrorComesAfterTheRecordsBeforeIt() {
        let good = (1...20_000).map { "11010100\($0 % 10)201,HOUSEHOLDS,2024,\($0)" }.joined(separator: "\n")
        let (direct, ahead) = Self.bothWays(Array((good + "\n1,\"open\n2,x\n").utf8), bufferSize: 4_096)
        #expect(ahead.records.count == 20_000)
        #expect(ahead.records == direct.records)
        let error = try! #require(ahead.error)
        #expect(error.description == direct.error?.description)
        #expect(error.rule == .unbalancedQuote && error.location.line == 20_001)
        #expect(error.message == "a quoted field opened in field 2 is never closed before the end of the file")
    }

    /// A reader that stops after a few records lets the splitting thread end, and the file go.
    @Test func aReaderThatStopsEarlyLetsTheThreadEnd() throws {
        let rows = (1...200_000).map { "11010100\($0 % 10)201,HOUSEHOLDS,2024,\($0)\n" }.joined()
        let released = Released()
        do {
            let records = PrefetchingRecords(CSVReader(source: Bytes(Array(rows.utf8), released: released), bufferSize: 1 << 16), depth: 2)
            for _ in 0..<3 { #expect(try records.next()) }
            #expect(records.string(3) == "3")
        }
        let deadline = Date().addingTimeInterval(10)
        while !released.value, Date() < deadline { usleep(1_000) }
        #expect(released.value, "the splitting thread still holds the file")
    }

    /// Whether a source has been released.
    final class Released: @unchecked Sendable {
        private let lock = NSLock()
        private var released = false
        var value: Bool { lock.withLock { released } }
        func set() { lock.withLock { released = true } }
    }

    /// Bytes in memory as a byte source, noting when it is released.
    final class Bytes: ByteSource {
        private let bytes: [UInt8]
        private var offset = 0
        private let released: Released?
        var name: String { "memory.csv" }
        var bytesConsumed: Int { offset }

        init(_ bytes: [UInt8], released: Released? = nil) {
            self.bytes = bytes
            self.released = released
        }

        deinit { released?.set() }

        func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
            let count = min(buffer.count, bytes.count - offset)
            if count > 0 { bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: count) } }
            offset += count
            return count
        }
    }
}
