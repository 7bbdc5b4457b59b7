import Testing
import TestSupport
@testable import RuralstatIngest

@Suite("CSVReader")
struct CSVReaderTests {
    /// Reads every record of `text`, with a tiny buffer so that records straddle refills.
    static func records(_ text: String, bufferSize: Int = 7) throws -> [[String]] {
        try records(bytes: Array(text.utf8), bufferSize: bufferSize)
    }

    static func records(bytes: [UInt8], bufferSize: Int = 7) throws -> [[String]] {
        let folder = try TemporaryFolder()
        let path = try folder.write("in.csv", bytes)
        let reader = CSVReader(source: try ByteSources.open(path), bufferSize: bufferSize)
        var result: [[String]] = []
        while try reader.next() { result.append(reader.strings) }
        return result
    }

    @Test(
        "RFC 4180 cases",
        arguments: [
            ("a,b,c\n1,2,3\n", [["a", "b", "c"], ["1", "2", "3"]]),
            ("a,b\r\n1,2\r\n", [["a", "b"], ["1", "2"]]),
            ("a,b\n1,2", [["a", "b"], ["1", "2"]]),
            ("\"a,1\",\"say \"\"hi\"\"\"\n", [["a,1", "say \"hi\""]]),
            ("\"line\nbreak\",x\r\n\"\",\n", [["line\nbreak", "x"], ["", ""]]),
            ("x,,\n,,\n", [["x", "", ""], ["", "", ""]]),
            ("\u{FEFF}代码,名称\n110000000000,北京市\n", [["代码", "名称"], ["110000000000", "北京市"]]),
            ("\"quoted\"\r\n", [["quoted"]]),
            ("a\n\nb\n", [["a"], [""], ["b"]]),
            ("\"ends with quote\"\"\"", [["ends with quote\""]]),
            ("\"\"\"\"", [["\""]]),
            ("a\rb,c\n", [["a\rb", "c"]]),
        ])
    func parses(text: String, expected: [[String]]) throws {
        for size in [1, 2, 3, 7, 64, 1 << 16] {
            #expect(try Self.records(text, bufferSize: size) == expected, "buffer size \(size)")
        }
    }

    @Test func lineNumbersCountNewlinesInsideQuotes() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("in.csv", "h1,h2\n\"two\nlines\",x\nlast,y\n")
        let reader = CSVReader(source: try ByteSources.open(path), bufferSize: 4)
        var lines: [Int] = []
        while try reader.next() { lines.append(reader.line) }
        #expect(lines == [1, 2, 4])
    }

    @Test(
        "malformed quoting is an error naming the line",
        arguments: [
            ("a,b\n\"open,c\n", 2, "a quoted field opened in field 1 is never closed before the end of the file"),
            ("a,b\nx\"y,c\n", 2, "a quote appears inside an unquoted field; quote the whole field and double the quote"),
            ("a,b\n\"x\"y,c\n", 2, "text follows the closing quote of a quoted field"),
        ])
    func malformed(text: String, line: Int, message: String) throws {
        #expect {
            _ = try Self.records(text)
        } throws: { error in
            guard let error = error as? IngestError else { return false }
            return error.rule == .unbalancedQuote && error.location.line == line && error.message == message
        }
    }

    @Test("random records round-trip through RFC 4180 quoting")
    func roundTripProperty() throws {
        var random = SplitMix64(seed: 42)
        let alphabet: [String] = ["a", "Z", "9", ",", "\"", "\n", "\r\n", " ", "村", "é", ";"]
        for _ in 0..<200 {
            let rows = (0..<Int(random.next() % 5 + 1)).map { _ in
                (0..<Int(random.next() % 4 + 1)).map { _ in
                    (0..<Int(random.next() % 6)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }.joined()
                }
            }
            let text =
                rows.map { row in
                    row.map { field in "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",")
                }.joined(separator: random.next() % 2 == 0 ? "\n" : "\r\n") + "\n"
            #expect(try Self.records(text, bufferSize: Int(random.next() % 9 + 1)) == rows)
        }
    }

    /// Fields quoted only where they must be (so most records are split in place, 64 bytes of
    /// specials at a time), of lengths that cross the 64-byte blocks and the buffer's end anywhere.
    @Test("random records quoted only where needed round-trip, whatever the buffer size")
    func roundTripPlainFieldsProperty() throws {
        var random = SplitMix64(seed: 43)
        let alphabet: [String] = ["a", "Z", "9", ".", "-", " ", "村", "é", ";", "\r", ",", "\"", "\n"]
        for _ in 0..<300 {
            // Mostly plain characters; a special one in about one field of twenty.
            let rows = (0..<Int(random.next() % 12 + 1)).map { _ in
                (0..<Int(random.next() % 9 + 1)).map { _ in
                    let plain = random.next() % 20 != 0
                    return (0..<Int(random.next() % 40)).map { _ in
                        alphabet[Int(random.next() % UInt64(plain ? 9 : alphabet.count))]
                    }.joined()
                }
            }
            let text =
                rows.map { row in
                    row.map { field in
                        field.contains(where: { ",\"\n\r".contains($0) })
                            ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
                    }.joined(separator: ",")
                }.joined(separator: random.next() % 2 == 0 ? "\n" : "\r\n") + (random.next() % 2 == 0 ? "\n" : "")
            // A record of one empty field reads as a blank line; the generator avoids that shape.
            guard !rows.contains(where: { $0 == [""] }) else { continue }
            let size = Int(random.next() % 300 + 1)
            #expect(try Self.records(text, bufferSize: size) == rows, "buffer size \(size): \(text.debugDescription)")
        }
    }

    @Test func gzipInputReadsTheSame() throws {
        let folder = try TemporaryFolder()
        let text = (0..<5_000).map { "11010100\($0 % 10)201,HOUSEHOLDS,2024,\($0)" }.joined(separator: "\n") + "\n"
        let path = try folder.write("in.csv.gz", try folder.gzip(Array(text.utf8)))
        let reader = CSVReader(source: try ByteSources.open(path), bufferSize: 1000)
        var count = 0, sum = 0
        while try reader.next() {
            count += 1
            sum += Int(reader.string(3))!
        }
        #expect(count == 5_000)
        #expect(sum == (0..<5_000).reduce(0, +))
    }
}
