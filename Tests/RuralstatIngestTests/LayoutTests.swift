import Foundation
import Testing
import TestSupport
@testable import RuralstatIngest
import RuralstatModel

/// The same three observations in every layout and format must read to the same rows.
@Suite("Layouts and formats")
struct LayoutTests {
    static let expected: [(region: String, indicator: String, period: String, value: Double)] = [
        ("130121101201", "HOUSEHOLDS", "2024", 412),
        ("130121101201", "POPULATION", "2024", 1290),
        ("130121101202", "HOUSEHOLDS", "2024", 388),
    ]

    static func check(_ rows: [ObservationRow], action: Action = .merge) {
        #expect(
            rows.map { "\($0.region!) \($0.indicator!) \($0.period!) \($0.value) \($0.action)" }
                == expected.map { "\($0.region) \($0.indicator) \($0.period) \($0.value) \(action)" })
    }

    static let files: [(name: String, text: String, format: SubmissionFormat)] = [
        (
            "long.csv",
            """
            region,indicator,period,value,status
            130121101201,HOUSEHOLDS,2024,412,A
            130121101201,POPULATION,2024,1290,A
            130121101202,HOUSEHOLDS,2024,388,A

            """, .csvLong
        ),
        (
            "long-chinese.csv",
            "\u{FEFF}地区代码,指标代码,时期,数值\r\n130121101201,HOUSEHOLDS,2024,412\r\n130121101201,POPULATION,2024,\"1,290\"\r\n130121101202,HOUSEHOLDS,2024,３８８\r\n",
            .csvLong
        ),
        (
            "long-reordered.csv",
            "VALUE;Period;Indicator;Region\n412;2024;HOUSEHOLDS;130121101201\n1290;2024;POPULATION;130121101201\n388;2024;HOUSEHOLDS;130121101202\n", .csvLong
        ),
        ("wide.csv", "region,period,HOUSEHOLDS,POPULATION\n130121101201,2024,412,1290\n130121101202,2024,388,\n", .csvWide),
        (
            "sdmx10.csv",
            """
            DATAFLOW,FREQ,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,UNIT_MULT,OBS_STATUS
            CN_RRS:DF_RRS(1.0),A,130121101201,HOUSEHOLDS,2024,412,0,A
            CN_RRS:DF_RRS(1.0),A,130121101201,POPULATION,2024,1290,0,A
            CN_RRS:DF_RRS(1.0),A,130121101202,HOUSEHOLDS,2024,388,0,A

            """, .sdmxCSV10
        ),
        (
            "sdmx10-semicolon.csv",
            "DATAFLOW;REF_AREA;INDICATOR;TIME_PERIOD;OBS_VALUE\nX;130121101201;HOUSEHOLDS;2024;412\nX;130121101201;POPULATION;2024;1290\nX;130121101202;HOUSEHOLDS;2024;388\n",
            .sdmxCSV10
        ),
        (
            "sdmx20.csv",
            """
            STRUCTURE,STRUCTURE_ID,ACTION,FREQ,REF_AREA: Region,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_STATUS
            dataflow,CN_RRS:DF_RRS(1.0),M,A,130121101201,HOUSEHOLDS,2024,412,A
            dataflow,CN_RRS:DF_RRS(1.0),A,A,130121101201,POPULATION,2024,1290,A
            dataflow,CN_RRS:DF_RRS(1.0),M,A,130121101202,HOUSEHOLDS,,,
            dataflow,CN_RRS:DF_RRS(1.0),I,A,130121101202,HOUSEHOLDS,2024,388,A

            """, .sdmxCSV20
        ),
    ]

    @Test("CSV layouts", arguments: 0..<7)
    func csvLayouts(index: Int) throws {
        let file = Self.files[index]
        let folder = try TemporaryFolder()
        let path = try folder.write(file.name, file.text)
        let (rows, report, rejects) = try Fixtures.read(path)
        #expect(rejects.isEmpty, "\(rejects)")
        #expect(report.format == file.format)
        Self.check(rows)
        // The same file gzip-compressed reads the same.
        let gz = try folder.write(file.name + ".gz", try folder.gzip(Array(file.text.utf8)))
        Self.check(try Fixtures.read(gz).rows)
    }

    @Test func gb18030File() throws {
        let folder = try TemporaryFolder()
        let text = "地区代码,指标代码,时期,数值,状态\n130121101201,HOUSEHOLDS,2024,412,A\n130121101201,POPULATION,2024,1290,A\n130121101202,HOUSEHOLDS,2024,388,A\n"
        let encoded = try Self.gb18030(text)
        #expect(encoded != Array(text.utf8))
        let path = try folder.write("gbk.csv", encoded)
        Self.check(try Fixtures.read(path).rows)
        var options = Fixtures.options()
        options.encoding = .gb18030
        Self.check(try Fixtures.read(path, options: options).rows)
        // Read as UTF-8 by force, the Chinese header is not understood: a clear header error.
        options.encoding = .utf8
        #expect(throws: IngestError.self) { try Fixtures.read(path, options: options) }
    }

    static func gb18030(_ text: String) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
        process.arguments = ["-f", "UTF-8", "-t", "GB18030"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(data)
    }

    static let header = """
        <message:Header><message:ID>T-1</message:ID><message:Test>false</message:Test>
        <message:Prepared>2025-01-10T09:00:00+08:00</message:Prepared><message:Sender id="CN_130121"/>
        <message:Structure structureID="RRS" dimensionAtObservation="%DIM%"><common:StructureUsage><Ref agencyID="CN_RRS" id="DF_RRS" version="1.0"/></common:StructureUsage></message:Structure>
        </message:Header>
        """

    static let xmlFiles: [(name: String, text: String, format: SubmissionFormat)] = [
        (
            "generic-series.xml",
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <m:GenericData xmlns:m="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common" xmlns:g="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic">
            \(header.replacingOccurrences(of: "message:", with: "m:").replacingOccurrences(of: "%DIM%", with: "TIME_PERIOD"))
            <m:DataSet structureRef="RRS" action="Merge">
              <g:Group type="G"><g:GroupKey><g:Value id="REF_AREA" value="130121101201"/></g:GroupKey><g:Attributes><g:Value id="UNIT_MULT" value="0"/></g:Attributes></g:Group>
              <g:Series><g:SeriesKey><g:Value id="FREQ" value="A"/><g:Value id="REF_AREA" value="130121101201"/><g:Value id="INDICATOR" value="HOUSEHOLDS"/></g:SeriesKey>
                <g:Obs><g:ObsDimension value="2024"/><g:ObsValue value="412"/><g:Attributes><g:Value id="OBS_STATUS" value="A"/></g:Attributes></g:Obs></g:Series>
              <g:Series><g:SeriesKey><g:Value id="FREQ" value="A"/><g:Value id="REF_AREA" value="130121101201"/><g:Value id="INDICATOR" value="POPULATION"/></g:SeriesKey>
                <g:Obs><g:ObsDimension value="2024"/><g:ObsValue value="1290"/></g:Obs></g:Series>
              <g:Series><g:SeriesKey><g:Value id="FREQ" value="A"/><g:Value id="REF_AREA" value="130121101202"/><g:Value id="INDICATOR" value="HOUSEHOLDS"/></g:SeriesKey>
                <g:Obs><g:ObsDimension value="2024"/><g:ObsValue value="388"/></g:Obs></g:Series>
            </m:DataSet></m:GenericData>
            """, .sdmxGeneric21
        ),
        (
            "generic-flat.xml",
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <message:GenericData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common" xmlns:generic="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic">
            \(header.replacingOccurrences(of: "%DIM%", with: "AllDimensions"))
            <message:DataSet structureRef="RRS">
              <generic:Obs><generic:ObsKey><generic:Value id="REF_AREA" value="130121101201"/><generic:Value id="INDICATOR" value="HOUSEHOLDS"/><generic:Value id="TIME_PERIOD" value="2024"/></generic:ObsKey><generic:ObsValue value="412"/></generic:Obs>
              <generic:Obs><generic:ObsKey><generic:Value id="REF_AREA" value="130121101201"/><generic:Value id="INDICATOR" value="POPULATION"/><generic:Value id="TIME_PERIOD" value="2024"/></generic:ObsKey><generic:ObsValue value="1.29"/><generic:Attributes><generic:Value id="UNIT_MULT" value="3"/></generic:Attributes></generic:Obs>
              <generic:Obs><generic:ObsKey><generic:Value id="REF_AREA" value="130121101202"/><generic:Value id="INDICATOR" value="HOUSEHOLDS"/><generic:Value id="TIME_PERIOD" value="2024"/></generic:ObsKey><generic:ObsValue value="388"/></generic:Obs>
            </message:DataSet></message:GenericData>
            """, .sdmxGeneric21
        ),
        (
            "ss21.xml",
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <message:StructureSpecificData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common" xmlns:ss="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ns1="urn:x">
            \(header.replacingOccurrences(of: "%DIM%", with: "TIME_PERIOD"))
            <message:DataSet ss:structureRef="RRS" ss:dataScope="Dataflow" ss:action="Append" xsi:type="ns1:DataSetType">
              <Series FREQ="A" REF_AREA="130121101201" INDICATOR="HOUSEHOLDS"><Obs TIME_PERIOD="2024" OBS_VALUE="412" OBS_STATUS="A"/></Series>
              <Series FREQ="A" REF_AREA="130121101201" INDICATOR="POPULATION" UNIT_MULT="0"><Obs TIME_PERIOD="2024" OBS_VALUE="1290"/></Series>
              <Series FREQ="A" REF_AREA="130121101202" INDICATOR="HOUSEHOLDS"><Obs TIME_PERIOD="2024" OBS_VALUE="388"/></Series>
            </message:DataSet></message:StructureSpecificData>
            """, .sdmxStructureSpecific21
        ),
        (
            "ss30.xml",
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <message:StructureSpecificData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message" xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v3_0/common" xmlns:ss="http://www.sdmx.org/resources/sdmxml/schemas/v3_0/data/structurespecific">
            \(header.replacingOccurrences(of: "%DIM%", with: "TIME_PERIOD"))
            <message:DataSet ss:structureRef="RRS" ss:action="Merge">
              <Obs FREQ="A" REF_AREA="130121101201" INDICATOR="HOUSEHOLDS" TIME_PERIOD="2024" OBS_VALUE="412"/>
              <Obs FREQ="A" REF_AREA="130121101201" INDICATOR="POPULATION" TIME_PERIOD="2024" OBS_VALUE="1290"/>
              <Obs FREQ="A" REF_AREA="130121101202" INDICATOR="HOUSEHOLDS" TIME_PERIOD="2024" OBS_VALUE="388"/>
            </message:DataSet></message:StructureSpecificData>
            """, .sdmxStructureSpecific30
        ),
    ]

    @Test("SDMX-ML messages", arguments: 0..<4)
    func xmlMessages(index: Int) throws {
        let file = Self.xmlFiles[index]
        let folder = try TemporaryFolder()
        let path = try folder.write(file.name, file.text)
        let (rows, report, rejects) = try Fixtures.read(path, options: Fixtures.options(sender: "1301"))
        #expect(rejects.isEmpty, "\(rejects)")
        #expect(report.format == file.format)
        #expect(report.header.messageID == "T-1")
        #expect(report.header.sender == "CN_130121")
        #expect(report.jurisdiction?.root.description == "130121000000")
        Self.check(rows)
        let gz = try folder.write(file.name + ".gz", try folder.gzip(Array(file.text.utf8)))
        Self.check(try Fixtures.read(gz, options: Fixtures.options(sender: "1301")).rows)
    }
}
