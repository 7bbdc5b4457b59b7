import Foundation
import Testing
import TestSupport

/// Hostile and broken inputs, made here, each offered to the real executable (`ruralstat ingest`) on
/// a copy of a store that already holds data. For every one: exit status 1, a message that names the
/// file, the place (line, element or byte) and the rule, and a store whose data are exactly as before.
@Suite("Hostile inputs", .serialized)
struct HostileInputTests {
    /// A store with a registry and a first submission, made once.
    static let base: (folder: TemporaryFolder, store: String) = {
        let folder = try! TemporaryFolder()
        let store = folder.path("base.sqlite")
        let catalog = CLI.root.appendingPathComponent("pipelines/indicators.yaml").path
        let registry = CLI.root.appendingPathComponent("sample-data/registry/regions_2023.csv").path
        _ = try! CLI.run(["init", "--store", store, "--registry", registry, "--catalog", catalog])
        let first = try! folder.write(
            "CN_130121_first.csv", "region,indicator,period,value\n130121101201,HOUSEHOLDS,2024,412\n130121101202,HOUSEHOLDS,2024,388\n")
        _ = try! CLI.run(["ingest", first, "--store", store, "--catalog", catalog, "--rejects", folder.path("r.csv")])
        _ = try! CLI.run(["rollup", "--store", store, "--catalog", catalog, "--rules", "none", "--no-checks"])
        return (folder, store)
    }()

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: @Sendable () throws -> [UInt8]
        /// The rule the message must name.
        var rule: String
        /// Where the message must point (a line `:2`, an element `Obs[1]`, a byte offset …).
        var place: String
        var testDescription: String { name }
    }

    static let header = "region,indicator,period,value"
    static func csv(_ rows: String...) -> @Sendable () -> [UInt8] {
        let text = ([header] + rows).joined(separator: "\n") + "\n"
        return { Array(text.utf8) }
    }
    static func bytes(_ value: [UInt8]) -> @Sendable () -> [UInt8] { { value } }
    static func text(_ value: String) -> @Sendable () -> [UInt8] { { Array(value.utf8) } }
    static func gzip(_ plain: @escaping @Sendable () throws -> [UInt8]) -> @Sendable () throws -> [UInt8] {
        { try TemporaryFolder().gzip(try plain()) }
    }
    static let sdmxHeader =
        "<message:Header><message:ID>H-1</message:ID><message:Test>false</message:Test><message:Prepared>2025-01-10T09:00:00</message:Prepared><message:Sender id=\"CN_130121\"/></message:Header>"
    static func xml(_ body: String, header: String = sdmxHeader, prolog: String = "") -> @Sendable () -> [UInt8] {
        let text = """
            <?xml version="1.0" encoding="UTF-8"?>\(prolog)
            <message:StructureSpecificData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message">
            \(header)
            <message:DataSet>\(body)</message:DataSet>
            </message:StructureSpecificData>
            """
        return { Array(text.utf8) }
    }
    static func obs(_ attributes: String) -> String { "<Obs \(attributes)/>" }
    static let goodObs = "REF_AREA=\"130121101201\" INDICATOR=\"HOUSEHOLDS\" TIME_PERIOD=\"2024\""

    static let cases: [Case] = [
        // Encodings.
        Case(
            name: "broken-utf8.csv", bytes: bytes(Array("\(header),备注\n130121101201,HOUSEHOLDS,2024,5,正常\n".utf8) + [0xFF, 0xFE, 0x41, 0x0A]), rule: "encoding",
            place: "is UTF-8 up to byte"),
        Case(
            name: "bad-gb18030.csv", bytes: bytes(Array("\(header)\n".utf8) + [0xB1, 0xB1, 0x0A, 0x81, 0x81, 0x81, 0x0A]), rule: "encoding", place: "near byte"),
        Case(
            name: "utf16-cut.csv", bytes: bytes([0xFF, 0xFE] + Array("region,indicator".utf8).flatMap { [$0, 0] } + [0x41]), rule: "encoding", place: "UTF-16LE"
        ),
        Case(
            name: "utf16-lone-surrogate.csv", bytes: bytes([0xFF, 0xFE] + Array("\(header)\n1".utf8).flatMap { [$0, 0] } + [0x00, 0xD8, 0x41, 0x00]),
            rule: "encoding", place: "UTF-16LE"),
        Case(name: "utf32-garbage.csv", bytes: bytes([0xFF, 0xFE, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x41, 0, 0, 0]), rule: "encoding", place: "UTF-32LE"),
        Case(name: "bom-only.csv", bytes: bytes([0xEF, 0xBB, 0xBF]), rule: "malformed_header", place: ":1"),
        Case(
            name: "double-bom-header-only.csv", bytes: bytes([0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF] + Array("\(header)\n".utf8)), rule: "empty_submission",
            place: "a header and no rows"),
        Case(
            name: "latin1.csv", bytes: bytes(Array("\(header),note\n130121101201,HOUSEHOLDS,2024,5,caf".utf8) + [0xFF, 0x0A]), rule: "encoding",
            place: "read as GB18030 because byte 0xFF"),
        // Line ends.
        Case(
            name: "lone-cr.csv", bytes: text("\(header)\r130121101201,HOUSEHOLDS,2024,5O\r130121101202,HOUSEHOLDS,2024,five\r"), rule: "value_not_numeric",
            place: "lone-cr.csv:3"),
        Case(
            name: "mixed-ends.csv", bytes: text("\(header)\r\n130121101201,HOUSEHOLDS,2024,x\n130121101202,HOUSEHOLDS,2024,y\r\n"), rule: "value_not_numeric",
            place: "mixed-ends.csv:3"),
        Case(
            name: "no-final-newline.csv", bytes: text("\(header)\n130121101201,HOUSEHOLDS,2024,1O"), rule: "value_not_numeric", place: "no-final-newline.csv:2"),
        Case(name: "blank-lines.csv", bytes: text("\n\n\n"), rule: "malformed_header", place: ":1"),
        Case(name: "cr-in-quotes.csv", bytes: text("\(header)\n\"13012110\r1201\",HOUSEHOLDS,2024,5\n"), rule: "malformed_region", place: "cr-in-quotes.csv:2"),
        // gzip damage.
        Case(
            name: "truncated.csv.gz",
            bytes: {
                let whole = try gzip(csv(String(repeating: "130121101201,HOUSEHOLDS,2024,5\n", count: 500)))(); return Array(whole.prefix(whole.count / 2))
            },
            rule: "truncated_compression", place: "compressed byte"),
        Case(
            name: "corrupt.csv.gz",
            bytes: {
                var whole = try gzip(csv(String(repeating: "130121101201,HOUSEHOLDS,2024,5\n", count: 500)))(); for index in 20..<40 { whole[index] ^= 0x5A };
                return whole
            },
            rule: "corrupt_compression", place: "compressed byte"),
        Case(
            name: "bomb.xml.gz",
            bytes: {
                let xml = Array(
                    "<?xml version=\"1.0\"?><message:StructureSpecificData xmlns:message=\"http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message\">\(sdmxHeader)<message:DataSet>"
                        .utf8)
                return try TemporaryFolder().gzip(
                    xml + [UInt8](repeating: 0x20, count: 80 << 20) + Array("</message:DataSet></message:StructureSpecificData>".utf8), level: 9)
            }, rule: "decompression_bomb", place: "gzip bomb"),
        Case(
            name: "trailing-garbage.csv.gz", bytes: { try gzip(csv("130121101201,HOUSEHOLDS,2024,5"))() + Array("tail".utf8) }, rule: "corrupt_compression",
            place: "trailing garbage"),
        Case(name: "gzip-header-only.gz", bytes: bytes([0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0x03]), rule: "truncated_compression", place: "compressed byte"),
        Case(
            name: "second-member-corrupt.csv.gz",
            bytes: {
                let member = try gzip(csv("130121101201,HOUSEHOLDS,2024,5"))(); var second = member; second[12] ^= 0xFF; second[13] ^= 0xFF;
                return member + second
            },
            rule: "compression", place: "compressed byte"),
        Case(
            name: "gzipped-dtd.xml.gz", bytes: gzip(xml(obs(goodObs + " OBS_VALUE=\"1\""), prolog: "<!DOCTYPE m [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>")),
            rule: "forbidden_dtd", place: ":1"),
        Case(name: "empty.csv.gz", bytes: gzip(bytes([])), rule: "malformed_header", place: "the file is empty"),
        // XML attacks.
        Case(
            name: "xxe-file.xml",
            bytes: xml(
                obs("REF_AREA=\"&e;\" INDICATOR=\"HOUSEHOLDS\" TIME_PERIOD=\"2024\" OBS_VALUE=\"1\""),
                prolog: "<!DOCTYPE m [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"), rule: "forbidden_dtd", place: ":1"),
        Case(
            name: "xxe-http.xml", bytes: xml(obs(goodObs + " OBS_VALUE=\"&e;\""), prolog: "<!DOCTYPE m [<!ENTITY e SYSTEM \"http://127.0.0.1:1/x\">]>"),
            rule: "forbidden_dtd", place: ":1"),
        Case(
            name: "billion-laughs.xml",
            bytes: xml(
                obs(goodObs + " OBS_VALUE=\"&l3;\""),
                prolog:
                    "<!DOCTYPE m [<!ENTITY l0 \"ha\"><!ENTITY l1 \"&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;\"><!ENTITY l2 \"&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;\"><!ENTITY l3 \"&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;\">]>"
            ),
            rule: "forbidden_dtd", place: ":1"),
        Case(
            name: "external-dtd.xml", bytes: xml(obs(goodObs + " OBS_VALUE=\"1\""), prolog: "<!DOCTYPE m SYSTEM \"http://127.0.0.1:1/m.dtd\">"),
            rule: "forbidden_dtd", place: ":1"),
        Case(
            name: "parameter-entity.xml",
            bytes: xml(obs(goodObs + " OBS_VALUE=\"1\""), prolog: "<!DOCTYPE m [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]>"), rule: "forbidden_dtd",
            place: ":1"),
        Case(
            name: "xinclude.xml", bytes: xml("<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"file:///etc/passwd\" parse=\"text\"/>"),
            rule: "empty_submission", place: "no observation"),
        // Deep nesting is no observation (libxml2's SAX keeps only the names on its stack).
        Case(
            name: "deep-nesting.xml", bytes: xml(String(repeating: "<a>", count: 5_000) + String(repeating: "</a>", count: 5_000)), rule: "empty_submission",
            place: "no observation"),
        Case(
            name: "huge-attribute.xml", bytes: { xml(obs(goodObs + " OBS_VALUE=\"" + String(repeating: "7", count: 11_000_000) + "\""))() },
            rule: "malformed_xml", place: "XML parser's limit"),
        Case(
            name: "foreign-namespace.xml",
            bytes: text(
                "<?xml version=\"1.0\"?><m:StructureSpecificData xmlns:m=\"urn:not-sdmx\"><m:Header><m:Test>true</m:Test></m:Header><m:DataSet/></m:StructureSpecificData>"
            ),
            rule: "unknown_format", place: ":1"),
        Case(name: "no-header.xml", bytes: xml(obs(goodObs + " OBS_VALUE=\"1\""), header: ""), rule: "malformed_header", place: "DataSet[1]"),
        Case(
            name: "unclosed.xml",
            bytes: text(
                "<?xml version=\"1.0\"?>\n<message:StructureSpecificData xmlns:message=\"http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message\">\n\(sdmxHeader)\n<message:DataSet>\n<Obs REF_AREA=\"1\">\n"
            ),
            rule: "malformed_xml", place: ":"),
        Case(name: "control-character.xml", bytes: xml(obs(goodObs + " OBS_VALUE=\"1\u{1}\"")), rule: "malformed_xml", place: ":4"),
        Case(name: "wrong-root.xml", bytes: text("<?xml version=\"1.0\"?><html><body>hello</body></html>"), rule: "unknown_format", place: ":1"),
        Case(
            name: "generic-formula.xml",
            bytes: text(
                """
                <?xml version="1.0"?>
                <message:GenericData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" xmlns:generic="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic">
                \(sdmxHeader)
                <message:DataSet><generic:Series><generic:SeriesKey><generic:Value id="REF_AREA" value="130121101201"/><generic:Value id="INDICATOR" value="HOUSEHOLDS"/></generic:SeriesKey>
                <generic:Obs><generic:ObsDimension value="2024"/><generic:ObsValue value="=1+2"/></generic:Obs></generic:Series></message:DataSet>
                </message:GenericData>
                """), rule: "value_not_numeric", place: "Obs[1]"),
        // A sender id with no region is noted, and the sender given on the command line is used.
        Case(
            name: "sender-formula.xml",
            bytes: xml(obs(goodObs + " OBS_VALUE=\"-1\""), header: sdmxHeader.replacingOccurrences(of: "CN_130121", with: "=HYPERLINK(&quot;http://x&quot;)")),
            rule: "value_out_of_range", place: "Obs[1]"),
        // Injection strings in every field that reaches a report.
        Case(name: "region-formula.csv", bytes: csv("\"=cmd|' /C calc'!A0\",HOUSEHOLDS,2024,5"), rule: "malformed_region", place: "region-formula.csv:2"),
        Case(
            name: "indicator-script.csv", bytes: csv("130121101201,<script>alert(1)</script>,2024,5"), rule: "unknown_indicator",
            place: "indicator-script.csv:2"),
        Case(
            name: "period-html.csv", bytes: csv("130121101201,HOUSEHOLDS,2024<img src=x onerror=alert(1)>,5"), rule: "malformed_period",
            place: "period-html.csv:2"),
        Case(name: "value-formula.csv", bytes: csv("130121101201,HOUSEHOLDS,2024,=1+2"), rule: "value_not_numeric", place: "value-formula.csv:2"),
        Case(
            name: "status-svg.csv", bytes: text("\(header),status\n130121101201,HOUSEHOLDS,2024,5,\"\"\"><svg onload=alert(1)>\"\n"), rule: "unknown_status",
            place: "status-svg.csv:2"),
        Case(
            name: "unit-formula.csv", bytes: text("\(header),unit\n130121101201,HOUSEHOLDS,2024,5,@SUM(A1)\n"), rule: "unit_mismatch",
            place: "unit-formula.csv:2"),
        Case(
            name: "unit-mult-formula.csv", bytes: text("\(header),unit_mult\n130121101201,HOUSEHOLDS,2024,5,-2+3\n"), rule: "unit_mismatch",
            place: "unit-mult-formula.csv:2"),
        Case(
            name: "freq-tab.csv", bytes: text("\(header),freq\n130121101201,HOUSEHOLDS,2024,5,\"\t=1\"\n"), rule: "frequency_mismatch", place: "freq-tab.csv:2"),
        Case(
            name: "region-sql.csv", bytes: csv("\"130121101201'; DROP TABLE observations;--\",HOUSEHOLDS,2024,5"), rule: "malformed_region",
            place: "region-sql.csv:2"),
        Case(
            name: "message-id-sql.xml",
            bytes: xml(obs(goodObs + " OBS_VALUE=\"-5\""), header: sdmxHeader.replacingOccurrences(of: "H-1", with: "x'); DELETE FROM observations; --")),
            rule: "value_out_of_range", place: "Obs[1]"),
        // Huge fields.
        Case(
            name: "long-line.csv", bytes: { Array("\(header)\n130121101201,HOUSEHOLDS,2024,".utf8) + [UInt8](repeating: 0x39, count: 17 << 20) + [0x0A] },
            rule: "record_too_long", place: "long-line.csv:2"),
        Case(
            name: "long-value.csv", bytes: { Array("\(header)\n130121101201,HOUSEHOLDS,2024,".utf8) + [UInt8](repeating: 0x78, count: 2 << 20) + [0x0A] },
            rule: "value_not_numeric", place: "bytes in all"),
        Case(
            name: "long-indicator.csv", bytes: csv("130121101201,\(String(repeating: "A", count: 1_000)),2024,5"), rule: "unknown_indicator",
            place: "1000 bytes long"),
        Case(
            name: "many-fields.csv", bytes: csv("130121101201,HOUSEHOLDS,2024,5" + String(repeating: ",9", count: 5_000)), rule: "field_count",
            place: "many-fields.csv:2"),
        Case(
            name: "long-header.csv", bytes: text("region,period," + Array(repeating: "x", count: 10_000).joined(separator: ",") + "\n130121101201,2024\n"),
            rule: "malformed_header", place: ":1"),
        Case(name: "long-region.csv", bytes: csv("\(String(repeating: "1", count: 300)),HOUSEHOLDS,2024,5"), rule: "malformed_region", place: "300 bytes long"),
        // Empty and header-only.
        Case(name: "zero.csv", bytes: bytes([]), rule: "malformed_header", place: "the file is empty"),
        Case(name: "header-only.csv", bytes: csv(), rule: "empty_submission", place: "a header and no rows"),
        Case(
            name: "header-only-bom.csv", bytes: bytes([0xEF, 0xBB, 0xBF] + Array("\(header)\r\n".utf8)), rule: "empty_submission", place: "a header and no rows"
        ),
        Case(name: "whitespace.csv", bytes: text("   \n \t\n"), rule: "malformed_header", place: ":1"),
        Case(name: "empty-dataset.xml", bytes: xml(""), rule: "empty_submission", place: "no observation"),
        Case(
            name: "header-only.xml",
            bytes: text(
                "<?xml version=\"1.0\"?><message:StructureSpecificData xmlns:message=\"http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message\">\(sdmxHeader)</message:StructureSpecificData>"
            ),
            rule: "empty_submission", place: "no observation"),
        // Numbers, periods, regions.
        Case(name: "plus.csv", bytes: csv("130121101201,HOUSEHOLDS,2024,+"), rule: "value_not_numeric", place: "plus.csv:2"),
        Case(name: "plus-dot.csv", bytes: csv("130121101201,HOUSEHOLDS,2024,+."), rule: "value_not_numeric", place: "plus-dot.csv:2"),
        Case(name: "infinite.csv", bytes: csv("130121101201,HOUSEHOLDS,2024,1e999"), rule: "value_not_numeric", place: "infinite.csv:2"),
        Case(name: "hex.csv", bytes: csv("130121101201,HOUSEHOLDS,2024,0x10"), rule: "value_not_numeric", place: "hex.csv:2"),
        Case(name: "comma-fraction.csv", bytes: csv("130121101201,HOUSEHOLDS,2024,\"1,234.5,6\""), rule: "value_not_numeric", place: "comma-fraction.csv:2"),
        Case(
            name: "nan-without-status.csv", bytes: csv("130121101201,HOUSEHOLDS,2024,NaN"), rule: "missing_value_without_status",
            place: "nan-without-status.csv:2"),
        Case(name: "far-future.csv", bytes: csv("130121101201,HOUSEHOLDS,2099,5"), rule: "period_outside_window", place: "far-future.csv:2"),
        Case(name: "ancient.csv", bytes: csv("130121101201,HOUSEHOLDS,1800,5"), rule: "period_outside_window", place: "ancient.csv:2"),
        Case(name: "month-13.csv", bytes: csv("130121101201,HOUSEHOLDS,2024-13,5"), rule: "malformed_period", place: "month-13.csv:2"),
        Case(name: "february-30.csv", bytes: csv("130121101201,HOUSEHOLDS,2024-02-30,5"), rule: "malformed_period", place: "february-30.csv:2"),
        Case(name: "outside-jurisdiction.csv", bytes: csv("440121101201,HOUSEHOLDS,2024,5"), rule: "outside_jurisdiction", place: "outside-jurisdiction.csv:2"),
        Case(name: "unknown-region.csv", bytes: csv("130121101999,HOUSEHOLDS,2024,5"), rule: "unknown_region", place: "unknown-region.csv:2"),
        // Other bytes.
        Case(
            name: "nul-bytes.csv", bytes: bytes(Array("\(header)\n130121101201,HOUSEHOLDS,2024,4".utf8) + [0] + Array("2\n".utf8)), rule: "value_not_numeric",
            place: "'4\\02'"),
        Case(
            name: "image.png", bytes: bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, 0xFF, 0xD8, 0x91, 0x0A]),
            rule: "encoding", place: "read as GB18030"),
        Case(
            name: "archive.zip", bytes: bytes(Array("PK".utf8) + [0x03, 0x04, 0x14, 0, 0, 0, 0x08, 0] + Array("region.csv".utf8) + [0x0A]),
            rule: "malformed_header", place: ":1"),
        Case(name: "only-nuls.csv", bytes: bytes([UInt8](repeating: 0, count: 1_000) + [0x0A]), rule: "malformed_header", place: "\\0\\0"),
        Case(
            name: "duplicate-contradictory.csv", bytes: csv("130121101203,HOUSEHOLDS,2024,5", "130121101203,HOUSEHOLDS,2024,6"),
            rule: "duplicate_contradictory", place: "duplicate-contradictory.csv:"),
    ]

    @Test("refused with a clear message, the store's data unchanged", arguments: cases)
    func hostile(_ hostile: Case) throws {
        let base = Self.base
        let folder = try TemporaryFolder()
        let store = folder.path("store.sqlite")
        try FileManager.default.copyItem(atPath: base.store, toPath: store)
        let before = try StoreDump.data(store)
        let path = try folder.write(hostile.name, try hostile.bytes())
        let result = try CLI.run([
            "ingest", path, "--store", store, "--sender", "CN_1301", "--rejects", folder.path("rejects.csv"),
            "--catalog", CLI.root.appendingPathComponent("pipelines/indicators.yaml").path,
        ])
        #expect(result.status == 1, "\(result.all.prefix(600))")
        #expect(result.output.contains(path), "\(result.all.prefix(600))")
        #expect(result.output.contains(hostile.rule), "\(result.all.prefix(600))")
        #expect(result.output.contains(hostile.place), "\(result.all.prefix(600))")
        // Every message is short, however large the input.
        #expect(result.all.utf8.count < 8_000, "\(result.all.utf8.count) bytes of output")
        #expect(try StoreDump.data(store) == before)
        // Nothing from the file runs as a formula in the rejects log.
        let rejects = (try? String(contentsOfFile: folder.path("rejects.csv"), encoding: .utf8)) ?? ""
        for line in rejects.split(separator: "\n") {
            for cell in line.split(separator: ",") where cell.first.map({ "=+@\t\r".contains($0) }) == true {
                Issue.record("a cell that a spreadsheet runs: \(cell.prefix(60))")
            }
        }
    }

    @Test func thereAreSixtyOrMore() { #expect(Self.cases.count >= 60) }
}
