import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import Testing
import TestSupport
import ZIPFoundation
@testable import RuralstatReport

/// The XLSX writer, read back cell by cell by an independent reader (zip + XML).
@Suite("Spreadsheets")
struct SpreadsheetTests {
    /// Cells of a sheet by reference: (value, type, style).
    final class SheetReader: NSObject, XMLParserDelegate {
        var cells: [String: (value: String, type: String?, style: String?)] = [:]
        var frozen = false
        private var reference = "", type: String?, style: String?, text = "", inValue = false

        func parser(
            _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            switch element {
            case "c": (reference, type, style, text) = (attributes["r"] ?? "", attributes["t"], attributes["s"], "")
            case "v", "t": inValue = true
            case "pane": frozen = attributes["state"] == "frozen" && attributes["ySplit"] == "1"
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { if inValue { text += string } }

        func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
            if element == "v" || element == "t" { inValue = false }
            if element == "c" { cells[reference] = (text, type, style) }
        }
    }

    static func read(_ path: String, entry: String) throws -> Data {
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        let file = try #require(archive[entry])
        var data = Data()
        _ = try archive.extract(file) { data.append($0) }
        return data
    }

    @Test func cellsReadBackWithTheirTypesAndFormats() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("t.xlsx")
        let sheet = Spreadsheet.Sheet(
            name: "县 county [2024]", header: ["region", "名称", "households", "rate"],
            rows: [
                [.text("130121000000"), .text("井陉县"), .number(28504, .integer), .number(87.25, .percent)],
                [.text("130122000000"), .text("=HYPERLINK(\"http://x\")"), .number(1234.5, .decimal), .empty],
                [.text("<b>&amp;</b>"), .text("a\u{1}b\u{FFFE}"), Spreadsheet.number(7), Spreadsheet.number(.nan)],
            ])
        try Spreadsheet(sheets: [sheet, Spreadsheet.Sheet(name: "second", header: ["x"], rows: [])]).write(to: path)
        let reader = SheetReader()
        let parser = XMLParser(data: try Self.read(path, entry: "xl/worksheets/sheet1.xml"))
        parser.delegate = reader
        #expect(parser.parse())
        #expect(reader.frozen)
        let c = reader.cells
        #expect(c["A1"]?.value == "region" && c["A1"]?.style == "4" && c["B1"]?.value == "名称")
        #expect(c["A2"]?.value == "130121000000" && c["A2"]?.type == "inlineStr")  // codes stay text, leading digits intact
        #expect(c["C2"]?.value == "28504" && c["C2"]?.type == nil && c["C2"]?.style == "1")
        #expect(c["D2"]?.value == "87.25" && c["D2"]?.style == "3")
        #expect(c["C3"]?.value == "1234.5" && c["C3"]?.style == "2" && c["D3"] == nil)
        // A would-be formula is an inline string: shown as text, never run.
        #expect(c["B3"]?.value == "=HYPERLINK(\"http://x\")" && c["B3"]?.type == "inlineStr")
        #expect(c["A4"]?.value == "<b>&amp;</b>" && c["B4"]?.value == "a\u{FFFD}b\u{FFFD}" && c["C4"]?.value == "7" && c["D4"] == nil)
        let workbook = String(decoding: try Self.read(path, entry: "xl/workbook.xml"), as: UTF8.self)
        #expect(workbook.contains("name=\"县 county _2024_\"") && workbook.contains("name=\"second\""))
        #expect(
            Spreadsheet.columnName(0) == "A" && Spreadsheet.columnName(25) == "Z" && Spreadsheet.columnName(26) == "AA" && Spreadsheet.columnName(701) == "ZZ")
    }
}
