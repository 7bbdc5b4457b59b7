import Foundation
import ZIPFoundation

/// A real spreadsheet (Office Open XML, `.xlsx`): sheets with a bold header row that stays put
/// when scrolling, numbers stored as numbers with a number format (thousands separators, decimals,
/// percent), text as inline strings — which a spreadsheet never runs as a formula, so text from
/// submissions cannot inject one. The container is a zip written with ZIPFoundation.
public struct Spreadsheet: Sendable {
    public enum NumberFormat: Int, Sendable {
        /// `#,##0`
        case integer = 1
        /// `#,##0.00`
        case decimal = 2
        /// `0.0"%"`: a percentage already in 0…100.
        case percent = 3
    }

    public enum Cell: Sendable, Hashable {
        case text(String)
        case number(Double, NumberFormat)
        case empty
    }

    public struct Sheet: Sendable {
        public var name: String
        public var header: [String]
        public var rows: [[Cell]]
        /// Column widths in characters (nil: a default from the header).
        public var widths: [Double]?

        public init(name: String, header: [String], rows: [[Cell]], widths: [Double]? = nil) {
            self.name = name
            self.header = header
            self.rows = rows
            self.widths = widths
        }
    }

    public var sheets: [Sheet]

    public init(sheets: [Sheet]) { self.sheets = sheets }

    /// A number with the format its size suggests (whole numbers with separators, else two decimals).
    public static func number(_ value: Double?) -> Cell {
        guard let value, value.isFinite else { return .empty }
        return .number(value, value == value.rounded() ? .integer : .decimal)
    }

    public func write(to path: String) throws {
        try? FileManager.default.removeItem(atPath: path)
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        func add(_ name: String, _ text: String) throws {
            let data = Data(text.utf8)
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        let ns = "http://schemas.openxmlformats.org"
        try add(
            "[Content_Types].xml",
            """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="\(ns)/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\(sheets.indices.map { "<Override PartName=\"/xl/worksheets/sheet\($0 + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>" }.joined())</Types>
            """)
        try add(
            "_rels/.rels",
            """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="\(ns)/package/2006/relationships"><Relationship Id="rId1" Type="\(ns)/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
            """)
        try add(
            "xl/workbook.xml",
            """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="\(ns)/spreadsheetml/2006/main" xmlns:r="\(ns)/officeDocument/2006/relationships"><sheets>\(sheets.enumerated().map { "<sheet name=\"\(MarkupText.escape(Self.sheetName($1.name)))\" sheetId=\"\($0 + 1)\" r:id=\"rId\($0 + 1)\"/>" }.joined())</sheets></workbook>
            """)
        try add(
            "xl/_rels/workbook.xml.rels",
            """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="\(ns)/package/2006/relationships">\(sheets.indices.map { "<Relationship Id=\"rId\($0 + 1)\" Type=\"\(ns)/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>" }.joined())<Relationship Id="rId\(sheets.count + 1)" Type="\(ns)/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>
            """)
        // Cell styles: 0 plain, 1 #,##0, 2 #,##0.00, 3 0.0"%", 4 the bold header.
        try add(
            "xl/styles.xml",
            """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <styleSheet xmlns="\(ns)/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="0.0&quot;%&quot;"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="3" applyNumberFormat="1"/><xf numFmtId="4" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="0" fontId="1" applyFont="1"/></cellXfs></styleSheet>
            """)
        for (index, sheet) in sheets.enumerated() { try add("xl/worksheets/sheet\(index + 1).xml", Self.sheetXML(sheet)) }
    }

    static func sheetXML(_ sheet: Sheet) -> String {
        var xml =
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        // The header row stays put when scrolling.
        xml +=
            "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews>"
        let widths = sheet.widths ?? sheet.header.map { Swift.max(10, Swift.min(40, Double($0.count) * 1.6)) }
        xml +=
            "<cols>" + widths.enumerated().map { "<col min=\"\($0 + 1)\" max=\"\($0 + 1)\" width=\"\($1)\" customWidth=\"1\"/>" }.joined()
            + "</cols><sheetData>"
        xml += row(1, sheet.header.map { .text($0) }, style: 4)
        for (index, cells) in sheet.rows.enumerated() { xml += row(index + 2, cells, style: nil) }
        return xml + "</sheetData></worksheet>"
    }

    private static func row(_ number: Int, _ cells: [Cell], style: Int?) -> String {
        var xml = "<row r=\"\(number)\">"
        for (column, cell) in cells.enumerated() {
            let reference = columnName(column) + String(number)
            switch cell {
            case .empty: continue
            case .text(let text):
                xml +=
                    "<c r=\"\(reference)\" t=\"inlineStr\"\(style.map { " s=\"\($0)\"" } ?? "")><is><t xml:space=\"preserve\">\(MarkupText.escape(text))</t></is></c>"
            case .number(let value, let format):
                xml +=
                    "<c r=\"\(reference)\" s=\"\(format.rawValue)\"><v>\(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : value.description)</v></c>"
            }
        }
        return xml + "</row>"
    }

    /// A, B, …, Z, AA, AB, …
    static func columnName(_ index: Int) -> String {
        var name = "", value = index + 1
        while value > 0 {
            let remainder = (value - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            value = (value - 1) / 26
        }
        return name
    }

    /// Sheet names: at most 31 characters, none of `[]:*?/\`.
    static func sheetName(_ name: String) -> String {
        String(name.map { "[]:*?/\\".contains($0) ? "_" : $0 }.prefix(31))
    }
}
