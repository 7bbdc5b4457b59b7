import Testing
import TestSupport
@testable import RuralstatIngest
import RuralstatModel

/// Every kind of unreadable file ends with a clear error naming the file and the place.
@Suite("Malformed and hostile input")
struct MalformedInputTests {
    static func failure(_ name: String, _ bytes: [UInt8]) throws -> IngestError {
        let folder = try TemporaryFolder()
        let path = try folder.write(name, bytes)
        do {
            _ = try Fixtures.read(path)
        } catch let error as IngestError {
            #expect(error.location.file == path)
            return error
        }
        Issue.record("\(name) was read without an error")
        return IngestError(file: "", rule: .unreadable, message: "")
    }

    static let ssHead = """
        <?xml version="1.0" encoding="UTF-8"?>
        <message:StructureSpecificData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message">
        <message:DataSet><Series REF_AREA="130121101201" INDICATOR="HOUSEHOLDS"><Obs TIME_PERIOD="2024" OBS_VALUE="412"/></Series>
        """

    @Test func externalEntityIsRefused() throws {
        let xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE m [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
            <message:StructureSpecificData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message">
            <message:DataSet><Obs REF_AREA="&secret;" INDICATOR="HOUSEHOLDS" TIME_PERIOD="2024" OBS_VALUE="1"/></message:DataSet>
            </message:StructureSpecificData>
            """
        let error = try Self.failure("xxe.xml", Array(xxe.utf8))
        #expect(error.rule == .forbiddenDTD)
        #expect(error.location.line == 2)
        #expect(error.message.contains("document type declaration"))
    }

    @Test func entityExpansionBombIsRefused() throws {
        var bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
        for level in 1...9 {
            bomb += " <!ENTITY lol\(level) \"" + String(repeating: "&lol\(level == 1 ? "" : String(level - 1));", count: 10) + "\">\n"
        }
        bomb += "]>\n<message:GenericData xmlns:message=\"http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message\">&lol9;</message:GenericData>\n"
        let error = try Self.failure("bomb.xml", Array(bomb.utf8))
        #expect(error.rule == .forbiddenDTD)
    }

    @Test func undeclaredEntityIsMalformed() throws {
        let error = try Self.failure("entity.xml", Array((Self.ssHead + "<Obs REF_AREA=\"&x;\"/></message:DataSet></message:StructureSpecificData>").utf8))
        #expect(error.rule == .malformedXML)
        #expect(error.message.contains("Entity 'x' not defined"))
    }

    @Test func brokenXMLNamesTheLine() throws {
        let broken = Self.ssHead + "<Series REF_AREA=\"1\">\n<Obs TIME_PERIOD=\"2024\" OBS_VALUE=\"1\">\n</Series>\n</message:DataSet>"
        let error = try Self.failure("broken.xml", Array(broken.utf8))
        #expect(error.rule == .malformedXML)
        #expect(error.location.line == 5)
        #expect(error.message.hasPrefix("malformed XML: Opening and ending tag mismatch: Obs"))
    }

    @Test func truncatedXMLIsMalformed() throws {
        let error = try Self.failure("cut.xml", Array(Self.ssHead.utf8))
        #expect(error.rule == .malformedXML)
    }

    @Test func truncatedGzipOfXMLNamesTheOffset() throws {
        let folder = try TemporaryFolder()
        let whole = try folder.gzip(
            Array(
                (Self.ssHead
                    + String(
                        repeating: "<Series REF_AREA=\"130121101201\" INDICATOR=\"HOUSEHOLDS\"><Obs TIME_PERIOD=\"2024\" OBS_VALUE=\"412\"/></Series>\n",
                        count: 2000) + "</message:DataSet></message:StructureSpecificData>").utf8))
        let error = try Self.failure("cut.xml.gz", Array(whole.prefix(whole.count - 40)))
        #expect(error.rule == .truncatedCompression)
        #expect(error.message.contains("compressed byte \(whole.count - 40)"))
    }

    @Test func notAnSDMXMessage() throws {
        let error = try Self.failure("other.xml", Array("<?xml version=\"1.0\"?><html><body/></html>".utf8))
        #expect(error.rule == .unknownFormat)
        #expect(error.message.contains("<html>"))
    }

    @Test func unknownCSVLayoutNamesTheColumn() throws {
        let error = try Self.failure("odd.csv", Array("region,period,colour\n130121101201,2024,red\n".utf8))
        #expect(error.rule == .malformedHeader)
        #expect(error.location.column == "colour")
    }

    @Test func unbalancedQuoteInASubmission() throws {
        let error = try Self.failure("quote.csv", Array("region,indicator,period,value\n130121101201,HOUSEHOLDS,2024,\"412\n".utf8))
        #expect(error.rule == .unbalancedQuote)
        #expect(error.location.line == 2)
    }

    @Test func gzipBombSubmission() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("bomb.csv.gz", try folder.gzip([UInt8](repeating: 48, count: 8 << 20), level: 9))
        var options = Fixtures.options()
        options.limits = DecompressionLimits(maxBytes: 1 << 40, maxRatio: 50, ratioGraceBytes: 1 << 20)
        #expect {
            _ = try Fixtures.read(path, options: options)
        } throws: { error in (error as? IngestError)?.rule == .decompressionBomb }
    }

    @Test func invalidGB18030IsAnEncodingError() throws {
        // 0x81 0x20 is not a GB18030 character, and the bytes are not UTF-8 either.
        let error = try Self.failure("bad.csv", Array("region,indicator,period,value\n".utf8) + [0x81, 0x20, 0x0A])
        #expect(error.rule == .encoding)
    }
}
