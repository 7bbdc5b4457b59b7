import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import RuralstatModel
import Testing
import TestSupport
import ZIPFoundation
@testable import RuralstatReport

/// The XLSX writer (libxlsxwriter), read back part by part by an independent reader (zip + XML):
/// cells, number formats and fonts, notes, panes, print setup and properties.
@Suite("Spreadsheets")
struct SpreadsheetTests {
    /// Every element of one XML part with its attributes and text, in document order.
    final class Elements: NSObject, XMLParserDelegate {
        var elements: [(name: String, attributes: [String: String], text: String)] = []
        private var open: [Int] = []

        func parser(
            _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            elements.append((element, attributes, ""))
            open.append(elements.count - 1)
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            for index in open { elements[index].text += string }
        }

        func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) { open.removeLast() }

        func all(_ name: String) -> [[String: String]] { elements.filter { $0.name == name }.map(\.attributes) }
        func first(_ name: String) -> [String: String]? { all(name).first }
    }

    static func part(_ path: String, _ entry: String) throws -> Elements {
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        let file = try #require(archive[entry], "no \(entry) in the workbook")
        var data = Data()
        _ = try archive.extract(file) { data.append($0) }
        let reader = Elements()
        let parser = XMLParser(data: data)
        parser.delegate = reader
        #expect(parser.parse(), "\(entry) is not well-formed XML")
        return reader
    }

    /// A cell as the sheet holds it: its value or inline text, its type, its number format and whether its font is italic.
    struct ReadCell {
        var value: String
        var type: String?
        var format: String
        var italic: Bool
    }

    static func cells(_ path: String, sheet: Int) throws -> [String: ReadCell] {
        let styles = try part(path, "xl/styles.xml")
        var codes = ["0": "General"]
        for format in styles.all("numFmt") { codes[format["numFmtId"]!] = format["formatCode"]! }
        let fonts = styles.elements.filter { $0.name == "font" || $0.name == "i" }
        var italic: [Bool] = []  // per font: an <i/> follows it before the next font
        for element in fonts { if element.name == "font" { italic.append(false) } else { italic[italic.count - 1] = true } }
        let xfs = styles.elements.drop { $0.name != "cellXfs" }.filter { $0.name == "xf" }.map(\.attributes)
        let sheet = try part(path, "xl/worksheets/sheet\(sheet).xml")
        var result: [String: ReadCell] = [:]
        var current: String?
        for element in sheet.elements {
            switch element.name {
            case "c":
                let style = xfs[Int(element.attributes["s"] ?? "0")!]
                current = element.attributes["r"]
                result[current!] = ReadCell(
                    value: "", type: element.attributes["t"], format: codes[style["numFmtId"] ?? "0"] ?? "?",
                    italic: italic[Int(style["fontId"] ?? "0")!])
            case "v", "t": if let current { result[current]!.value = element.text }
            default: break
            }
        }
        return result
    }

    @Test func cellsNotesPanesAndPrintSetupReadBack() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("t.xlsx")
        let sheet = Spreadsheet.Sheet(
            name: "县 county [2024]", header: ["region", "名称", "households", "rate", "income"],
            rows: [
                [
                    .text("130121000000"), .text("井陉县"), .number(28504, .grouped(decimals: 0)), .number(87.25, .percent(decimals: 1)),
                    .number(2.1 + 3.17, .grouped(decimals: 2)),
                ],
                [
                    .text("130122000000"), .text("=HYPERLINK(\"http://x\")"), .noted(1234.5, .grouped(decimals: 0), note: "partial: coverage 87 %"),
                    .noted(nil, .percent(decimals: 1), note: "withheld: coverage 40 %"), .empty,
                ],
                [.text("<b>&amp;</b>"), .text("a\u{1}b\u{FFFE}"), .number(2024, .plain), .number(.nan, .percent(decimals: 1)), .empty],
            ], frozenColumns: 1)
        let created = Date(timeIntervalSince1970: 1_790_000_000)
        try Spreadsheet(sheets: [sheet, sheet], properties: .init(title: "乡村振兴指标", subject: "s", created: created)).write(to: path)

        let c = try Self.cells(path, sheet: 1)
        #expect(c["A1"]?.value == "region" && c["B1"]?.value == "名称")
        #expect(c["A2"]?.value == "130121000000" && c["A2"]?.type == "inlineStr")  // codes stay text, leading digits intact
        #expect(c["C2"]?.value == "28504" && c["C2"]?.type == nil && c["C2"]?.format == "#,##0" && c["C2"]?.italic == false)
        #expect(c["D2"]?.value == "87.25" && c["D2"]?.format == "0.0\"%\"")
        #expect(c["E2"]?.value == "5.27" && c["E2"]?.format == "#,##0.00")  // 15 significant digits: no float noise
        // A would-be formula is an inline string: shown as text, never run.
        #expect(c["B3"]?.value == "=HYPERLINK(\"http://x\")" && c["B3"]?.type == "inlineStr")
        // Marked figures: a number (or an empty cell) in italics with the column's format, never text.
        #expect(c["C3"]?.value == "1234.5" && c["C3"]?.type == nil && c["C3"]?.format == "#,##0" && c["C3"]?.italic == true)
        #expect(c["D3"]?.value == "" && c["D3"]?.format == "0.0\"%\"" && c["D3"]?.italic == true)
        #expect(c["A4"]?.value == "<b>&amp;</b>" && c["B4"]?.value == "a\u{FFFD}b\u{FFFD}" && c["C4"]?.value == "2024" && c["C4"]?.format == "0")
        #expect(c["D4"] == nil && c["E3"] == nil)

        let notes = try Self.part(path, "xl/comments1.xml")
        #expect(notes.all("comment").map { $0["ref"]! } == ["C3", "D3"])
        #expect(notes.elements.filter { $0.name == "text" }.map(\.text) == ["partial: coverage 87 %", "withheld: coverage 40 %"])
        #expect(notes.elements.first { $0.name == "author" }?.text == "ruralstat")

        let worksheet = try Self.part(path, "xl/worksheets/sheet1.xml")
        let pane = try #require(worksheet.first("pane"))
        #expect(pane["state"] == "frozen" && pane["ySplit"] == "1" && pane["xSplit"] == "1")
        let setup = try #require(worksheet.first("pageSetup"))
        #expect(setup["orientation"] == "landscape" && setup["paperSize"] == "9" && setup["fitToHeight"] == "0")
        #expect(worksheet.first("pageSetUpPr")?["fitToPage"] == "1")
        #expect(worksheet.first("autoFilter")?["ref"] == "A1:E4")
        #expect(worksheet.elements.first { $0.name == "oddFooter" }?.text == "&L&A&R&P / &N")

        let workbook = try Self.part(path, "xl/workbook.xml")
        #expect(workbook.all("sheet").map { $0["name"]! } == ["县 county _2024_", "县 county _2024_ 2"])
        // The header repeats on printed pages, with the frozen columns.
        #expect(workbook.elements.filter { $0.name == "definedName" }.map(\.text).contains("'县 county _2024_'!$A:$A,'县 county _2024_'!$1:$1"))
        let core = try Self.part(path, "docProps/core.xml")
        #expect(core.elements.first { $0.name == "dc:title" }?.text == "乡村振兴指标")
        #expect(core.elements.first { $0.name == "dc:creator" }?.text == "ruralstat")
        #expect(core.elements.first { $0.name == "dcterms:created" }?.text == "2026-09-21T14:13:20Z")
    }

    /// A sheet wider than half-size printing allows is printed at 60 % across pages instead of fit to one page width.
    @Test func aWideSheetPrintsAcrossPages() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("wide.xlsx")
        let header = ["region"] + (1...40).map { "indicator \($0)" }
        let row: [Spreadsheet.Cell] = [.text("130121000000")] + (1...40).map { .number(Double($0), .grouped(decimals: 2)) }
        try Spreadsheet(
            sheets: [Spreadsheet.Sheet(name: "wide", header: header, rows: [row], frozenColumns: 1)],
            properties: .init(title: "t", created: Date())
        ).write(to: path)
        let worksheet = try Self.part(path, "xl/worksheets/sheet1.xml")
        #expect(worksheet.first("pageSetUpPr")?["fitToPage"] == nil && worksheet.first("pageSetup")?["scale"] == "60")
    }

    @Test func aWorkbookThatCannotBeWrittenNamesTheFileAndLeavesNone() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("missing-folder/t.xlsx")
        let book = Spreadsheet(sheets: [Spreadsheet.Sheet(name: "s", header: ["x"], rows: [[.text("y")]])], properties: .init(title: "t", created: Date()))
        #expect {
            try book.write(to: path)
        } throws: { error in
            "\(error)".hasPrefix(path + ": the workbook could not be written")
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    /// A value's cell follows its publication: published plain, partial marked with its coverage, withheld marked and empty.
    @Test func publicationDecidesTheMark() {
        var row = IndicatorTable.Row(
            level: .county, region: try! RegionCode("130121000000"), regionName: "井陉县", indicator: "RURAL_TAP_WATER_RATE", nameZh: "自来水普及率",
            nameEn: "tap water", period: try! Period("2024"), value: 87.25, unit: "%", kind: .rate, decimals: 1, coverage: 0.9, publication: .published)
        let format = Spreadsheet.NumberFormat.of(row.kind, decimals: row.decimals)
        #expect(format.code == "0.0\"%\"" && Spreadsheet.NumberFormat.of(.count, decimals: 0).code == "#,##0")
        #expect(ReportWriter.valueCell(row, format: format) == .number(87.25, format))
        row.publication = .partial
        #expect(ReportWriter.valueCell(row, format: format) == .noted(87.25, format, note: "partial: coverage 90 % (部分)"))
        (row.publication, row.value, row.coverage) = (.withheld, nil, 0.4)
        #expect(ReportWriter.valueCell(row, format: format) == .noted(nil, format, note: "withheld: coverage 40 % (不发布)"))
    }
}
