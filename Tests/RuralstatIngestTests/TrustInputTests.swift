import Foundation
import Testing
import TestSupport
@testable import RuralstatIngest
import RuralstatModel

/// Inputs that once were read wrongly or reported misleadingly: each is now read right, or refused
/// with a message that says what was found.
@Suite("Inputs read right or refused plainly")
struct TrustInputTests {
    static let header = "region,indicator,period,value"
    static let good = "130121101201,HOUSEHOLDS,2024,412"

    static func read(_ name: String, _ bytes: [UInt8], options: IngestOptions = Fixtures.options()) throws
        -> (rows: [ObservationRow], report: ValidationReport, rejects: [ValidationProblem])
    {
        let folder = try TemporaryFolder()
        return try Fixtures.read(try folder.write(name, bytes), options: options)
    }

    static func failure(_ name: String, _ bytes: [UInt8]) throws -> IngestError {
        do {
            _ = try read(name, bytes)
        } catch let error as IngestError {
            return error
        }
        Issue.record("\(name) was read without an error")
        return IngestError(file: "", rule: .unreadable, message: "")
    }

    static func message(sender: String = "CN_130121", test: Bool, namespace: String = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message") -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <message:StructureSpecificData xmlns:message="\(namespace)">
        <message:Header><message:ID>M-1</message:ID><message:Test>\(test)</message:Test><message:Prepared>2025-01-10T09:00:00</message:Prepared><message:Sender id="\(sender)"/></message:Header>
        <message:DataSet><Series REF_AREA="130121101201" INDICATOR="HOUSEHOLDS"><Obs TIME_PERIOD="2024" OBS_VALUE="400"/></Series></message:DataSet>
        </message:StructureSpecificData>
        """
    }

    // MARK: SDMX headers (defect 5)

    @Test func aMessageOutsideTheSDMXNamespacesIsRefused() throws {
        let error = try Self.failure("foreign.xml", Array(Self.message(test: true, namespace: "urn:example:not-sdmx").utf8))
        #expect(error.rule == .unknownFormat)
        #expect(error.message.contains("is in the namespace 'urn:example:not-sdmx', not an SDMX message namespace"))
        // The same message in the SDMX namespace is a test message, and is not applied.
        let read = try Self.read("test.xml", Array(Self.message(test: true).utf8))
        #expect(read.report.header.isTest && !read.report.shouldApply && read.report.header.messageID == "M-1")
    }

    @Test func aDataSetBeforeAnyHeaderIsRefused() throws {
        let text = """
            <?xml version="1.0"?>
            <message:StructureSpecificData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message">
            <message:DataSet><Obs REF_AREA="130121101201" INDICATOR="HOUSEHOLDS" TIME_PERIOD="2024" OBS_VALUE="400"/></message:DataSet>
            </message:StructureSpecificData>
            """
        let error = try Self.failure("headless.xml", Array(text.utf8))
        #expect(error.rule == .malformedHeader)
        #expect(error.message.contains("comes before any message Header"))
        #expect(error.location.element == "/StructureSpecificData/DataSet[1]")
    }

    // MARK: Encodings and bytes (defect 11)

    static func utf16(_ text: String, bigEndian: Bool, mark: Bool) -> [UInt8] {
        var bytes: [UInt8] = mark ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
        for unit in text.utf16 { bytes += bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        return bytes
    }

    @Test("UTF-16, with or without its mark, is read", arguments: [(false, true), (true, true), (false, false), (true, false)])
    func utf16IsRead(bigEndian: Bool, mark: Bool) throws {
        let csv = Self.utf16("\(Self.header)\n\(Self.good)\n130121101202,HOUSEHOLDS,2024,7\n", bigEndian: bigEndian, mark: mark)
        let read = try Self.read("u16.csv", csv)
        #expect(read.rows.map(\.value) == [412, 7])
        #expect(read.report.rowsRejected == 0)
    }

    @Test func utf16XMLIsRead() throws {
        let xml = Self.utf16(
            Self.message(test: false).replacingOccurrences(of: "encoding=\"UTF-8\"", with: "encoding=\"UTF-16\""), bigEndian: false, mark: true)
        let read = try Self.read("u16.xml", xml)
        #expect(read.rows.map(\.value) == [400])
    }

    @Test func brokenUTF8IsNamedAsSuch() throws {
        let text = Array("\(Self.header),名称备注\n\(Self.good),正常\n".utf8) + [0xFF, 0xFE, 0x41] + Array(",x\n".utf8)
        let error = try Self.failure("broken.csv", text)
        #expect(error.rule == .encoding)
        #expect(error.message.contains("is UTF-8 up to byte") && error.message.contains("not GB18030 either"))
    }

    @Test func invalidGB18030SaysWhyItWasReadAsGB18030() throws {
        let text = Array("\(Self.header)\n".utf8) + [0xB1, 0xB1, 0x0A] + Array(repeating: 0x81, count: 3) + [0x0A]
        let error = try Self.failure("gb.csv", text)
        #expect(error.rule == .encoding)
        #expect(error.message.contains("not valid GB18030 (read as GB18030 because byte 0xB1 at offset"))
    }

    @Test func loneCarriageReturnsEndLines() throws {
        let read = try Self.read("mac.csv", Array("\(Self.header)\r\(Self.good)\r130121101202,HOUSEHOLDS,2024,x\r".utf8))
        #expect(read.rows.map(\.value) == [412])
        #expect(read.rejects.contains { $0.rule == .valueNotNumeric && $0.location.line == 3 })
        #expect(read.rejects.contains { $0.rule == .leniency && $0.message.contains("carriage return alone") })
    }

    @Test func extraByteOrderMarksAreDroppedAndSaid() throws {
        let read = try Self.read("boms.csv", [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF] + Array("\(Self.header)\n\(Self.good)\n".utf8))
        #expect(read.rows.map(\.value) == [412])
        #expect(read.rejects.contains { $0.rule == .leniency && $0.message.contains("2 UTF-8 byte-order marks") })
    }

    @Test func trailingBytesAfterAGzipStreamAreNamed() throws {
        let folder = try TemporaryFolder()
        let gzip = try folder.gzip(Array("\(Self.header)\n\(Self.good)\n".utf8))
        let error = try Self.failure("tail.csv.gz", gzip + Array("garbage".utf8))
        #expect(error.rule == .corruptCompression)
        #expect(error.message.contains("trailing garbage") && error.message.contains("starting 0x67"))
        // Zero padding after the stream, as some tools write, is not damage.
        #expect(try Self.read("padded.csv.gz", gzip + [UInt8](repeating: 0, count: 512)).rows.count == 1)
    }

    @Test func aHugeAttributeIsSaidToBeTooLarge() throws {
        let huge = Self.message(test: false).replacingOccurrences(
            of: "OBS_VALUE=\"400\"", with: "OBS_VALUE=\"" + String(repeating: "4", count: 11_000_000) + "\"")
        let error = try Self.failure("huge.xml", Array(huge.utf8))
        #expect(error.rule == .malformedXML)
        #expect(error.message.contains("larger than the XML parser's limit"))
        #expect(error.message.count < 400)
    }

    @Test func anOverlongRecordIsRefusedWithoutEchoingIt() throws {
        let line = "130121101201,HOUSEHOLDS,2024," + String(repeating: "9", count: 17 << 20)
        let error = try Self.failure("long.csv", Array("\(Self.header)\n\(line)\n".utf8))
        #expect(error.rule == .recordTooLong)
        #expect(error.location.line == 2)
        #expect(error.description.count < 400)
    }

    @Test func echoedTextIsCappedAndControlCharactersEscaped() throws {
        let long = String(repeating: "x", count: 5_000_000)
        let read = try Self.read("echo.csv", Array("\(Self.header)\n130121101201,HOUSEHOLDS,2024,\(long)\n130121101202,HOUSEHOLDS,2024,4\u{0}2\n".utf8))
        let capped = try #require(read.rejects.first { $0.location.line == 2 })
        #expect(capped.value.count < 260 && capped.value.hasSuffix("… (5000000 bytes in all)"), "\(capped.rule) \(capped.value.suffix(40))")
        #expect(capped.message.count < 300)
        let nul = try #require(read.rejects.first { $0.location.line == 3 })
        #expect(nul.value == "4\\02" && nul.message == "'4\\02' is not a number")
    }

    @Test func valuesInMessagesAreExact() throws {
        let read = try Self.read("exact.csv", Array("\(Self.header)\n130121101201,HOUSEHOLDS,2024,4000000.0000001\n".utf8))
        #expect(read.rejects.first?.message == "4000000.0000001 户 is outside the valid range 0–1000000 of HOUSEHOLDS")
    }

    // MARK: Periods (defect 12)

    @Test(
        "periods outside the catalog's window are rejected",
        arguments: [
            ("2099", "period 2099 has not begun (today is 2026-11-30)"), ("9999", "period 9999 has not begun"), ("2026-12", "period 2026-12 has not begun"),
            ("1800", "period 1800 is before 1949, the first year the catalog accepts"),
        ])
    func periodWindow(period: String, message: String) throws {
        var options = Fixtures.options()
        options.today = ISO8601DateFormatter().date(from: "2026-11-30T12:00:00Z")!
        let read = try Self.read("future.csv", Array("\(Self.header)\n130121101201,HOUSEHOLDS,\(period),5\n".utf8), options: options)
        #expect(read.rows.isEmpty)
        let problem = try #require(read.rejects.first)
        #expect(problem.rule == .periodOutsideWindow)
        #expect(problem.message.hasPrefix(message), "\(problem.message)")
        // The day before, a month that has begun is fine.
        #expect(try Self.read("now.csv", Array("\(Self.header)\n130121101201,HOUSEHOLDS,2026,5\n".utf8), options: options).rows.count == 1)
    }

    @Test func aCatalogMaySetTheWindow() throws {
        let catalog = try IndicatorCatalog(
            yaml: """
                version: "w"
                periods: {earliest: 2000, latest: 2035}
                indicators:
                  - {code: HOUSEHOLDS, name_zh: 户数, name_en: Households, unit: 户, kind: count, levels: [village], aggregation: sum, valid_from: 2016}
                """, file: "w.yaml")
        #expect(catalog.periodWindow == PeriodWindow(earliest: 2000, latest: 2035))
        let today = Date()
        #expect(catalog.periodWindow.problem(try Period("2035"), today: today) == nil)
        #expect(catalog.periodWindow.problem(try Period("2036"), today: today) == "period 2036 is after 2035, the last year the catalog accepts")
    }

    // MARK: Empty inputs (defect 10)

    @Test func aHeaderWithoutRowsIsAnEmptySubmission() throws {
        let read = try Self.read("empty.csv", Array("\(Self.header)\n".utf8))
        #expect(!read.report.shouldApply)
        #expect(read.rejects.map(\.rule) == [.emptySubmission])
        #expect(read.report.refusal?.contains("a header and no rows") == true)
        let dataset = Self.message(test: false).replacingOccurrences(
            of: "<Series REF_AREA=\"130121101201\" INDICATOR=\"HOUSEHOLDS\"><Obs TIME_PERIOD=\"2024\" OBS_VALUE=\"400\"/></Series>", with: "")
        let empty = try Self.read("empty.xml", Array(dataset.utf8))
        #expect(empty.rejects.map(\.rule) == [.emptySubmission] && !empty.report.shouldApply)
        #expect(try Self.failure("zero.csv", []).message.contains("the file is empty"))
    }
}
