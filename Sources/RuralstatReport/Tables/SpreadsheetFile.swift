import CXLSXWriter
import Foundation
import RuralstatModel

/// A spreadsheet (Office Open XML, `.xlsx`) written by libxlsxwriter, a maintained C library, as
/// analysts open it: a bold header row that stays put when scrolling (and the region columns too in
/// the wide sheets), one number format per column, figures that need a word (partial coverage,
/// withheld) in a marked style with the word in a cell comment, column widths, an autofilter, and a
/// print setup (landscape A4, fit to the page width, the header repeated on every page, page numbers).
///
/// Text is always written as a string, never as a formula, so text from submissions cannot run.
public struct Spreadsheet: Sendable {
    /// How a column's numbers are shown; one per column, so a column reads alike from top to bottom.
    public enum NumberFormat: Sendable, Hashable {
        /// A year or a count that is not a quantity: digits only (`0`).
        case plain
        /// Thousands separators and a fixed number of decimals (`#,##0`, `#,##0.00`).
        case grouped(decimals: Int)
        /// A percentage already in 0…100, with a fixed number of decimals and a percent sign (`0.0"%"`).
        case percent(decimals: Int)

        /// The format of an indicator's values: a percent for a rate, the catalog's decimals.
        public static func of(_ kind: ValueKind, decimals: Int) -> NumberFormat {
            kind == .rate ? .percent(decimals: decimals) : .grouped(decimals: decimals)
        }

        /// Excel's format code.
        public var code: String {
            func fraction(_ decimals: Int) -> String { decimals > 0 ? "." + String(repeating: "0", count: decimals) : "" }
            return switch self {
            case .plain: "0"
            case .grouped(let decimals): "#,##0" + fraction(decimals)
            case .percent(let decimals): "0" + fraction(decimals) + "\"%\""
            }
        }
    }

    public enum Cell: Sendable, Hashable {
        case text(String)
        case number(Double, NumberFormat)
        /// A figure that needs a word, as partial coverage or withheld publication: the marked style
        /// and the note as a cell comment; nil when the figure is not shown.
        case noted(Double?, NumberFormat, note: String)
        case empty
    }

    /// A sheet's rows below its header, made one at a time as they are written: with libxlsxwriter's
    /// constant-memory mode, a sheet of a million cells never holds them all (the 30M-row nightly's
    /// workbook held 172 MB of cells before they were written).
    public struct Rows: RandomAccessCollection, Sendable {
        public let startIndex = 0
        public let endIndex: Int
        private let make: @Sendable (Int) -> [Cell]

        /// `count` rows, the row at `index` made by `make(index)` each time it is asked for.
        public init(count: Int, _ make: @escaping @Sendable (Int) -> [Cell]) {
            endIndex = count
            self.make = make
        }

        /// Rows already made.
        public init(_ rows: [[Cell]]) { self.init(count: rows.count) { rows[$0] } }

        public subscript(index: Int) -> [Cell] { make(index) }
    }

    public struct Sheet: Sendable {
        public var name: String
        public var header: [String]
        public var rows: Rows
        /// Column widths in characters (nil: from the header and the first rows).
        public var widths: [Double]?
        /// The leading columns that stay put when scrolling sideways and print on every page.
        public var frozenColumns: Int

        public init(name: String, header: [String], rows: [[Cell]], widths: [Double]? = nil, frozenColumns: Int = 0) {
            self.init(name: name, header: header, rows: Rows(rows), widths: widths, frozenColumns: frozenColumns)
        }

        public init(name: String, header: [String], rows: Rows, widths: [Double]? = nil, frozenColumns: Int = 0) {
            self.name = name
            self.header = header
            self.rows = rows
            self.widths = widths
            self.frozenColumns = frozenColumns
        }
    }

    /// The document's properties, as File › Properties shows them.
    public struct Properties: Sendable {
        public var title: String
        public var subject: String
        public var keywords: String
        public var comments: String
        /// When the figures were made (the run's time), so that a rewrite of the same figures is the same file.
        public var created: Date

        public init(title: String, subject: String = "", keywords: String = "", comments: String = "", created: Date) {
            self.title = title
            self.subject = subject
            self.keywords = keywords
            self.comments = comments
            self.created = created
        }
    }

    public var sheets: [Sheet]
    public var properties: Properties

    public init(sheets: [Sheet], properties: Properties) {
        self.sheets = sheets
        self.properties = properties
    }

    /// Writes the workbook; a failure names the file and what libxlsxwriter said, and leaves no file.
    public func write(to path: String) throws {
        let file = try SpreadsheetFile(path: path, properties: properties)
        for sheet in sheets { try file.add(sheet) }
        try file.close()
    }

    /// Sheet names: at most 31 characters, none of `[]:*?/\`.
    static func sheetName(_ name: String) -> String {
        String(name.map { "[]:*?/\\".contains($0) ? "_" : $0 }.prefix(31))
    }

    /// Text as a cell may hold it: characters XML cannot carry become U+FFFD (a cell never loses them
    /// silently), and text past Excel's 32,767 characters is cut with an ellipsis.
    static func cellText(_ text: String) -> String {
        let scalars = text.unicodeScalars
        var result =
            scalars.allSatisfy { MarkupText.carried($0) == $0 } ? text : String(String.UnicodeScalarView(scalars.map(MarkupText.carried)))
        if result.unicodeScalars.count > 32_767 { result = String(String.UnicodeScalarView(result.unicodeScalars.prefix(32_766))) + "…" }
        return result
    }

    /// The width of text in characters, a CJK character counting two.
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 ? 2 : 1) }
    }

    /// A number as a cell holds it: rounded to 15 significant digits, as Excel keeps them and as the
    /// CSV tables write computed figures (``NumberText/computed(_:)``), so the two agree digit for digit.
    static func figure(_ value: Double) -> Double { Double(NumberText.computed(value)) ?? value }

    /// A column's width in characters: the widest of the header (which wraps, so it counts up to 16)
    /// and the first rows' cells, a CJK character counting two, within 8…48.
    static func width(of column: Int, in sheet: Sheet) -> Double {
        var widest = min(16, displayWidth(sheet.header[column]))
        for row in sheet.rows.prefix(200) where column < row.count {
            switch row[column] {
            case .text(let text): widest = max(widest, displayWidth(text))
            case .number(let value, let format), .noted(let value?, let format, _):
                widest = max(widest, displayWidth(NumberText.readable(value)) + (format == .plain ? 0 : 4))
            case .noted(nil, _, _), .empty: break
            }
        }
        return Double(min(48, max(8, widest + 2)))
    }
}

/// A workbook written a sheet at a time: each sheet's rows go to disk as they are made (libxlsxwriter's
/// constant-memory mode), so a report's sheets need not all be held at once. A failure names the file
/// and what libxlsxwriter said, and leaves no file.
public final class SpreadsheetFile {
    private var book: Workbook?
    private let path: String
    private var names: Set<String> = []

    /// Starts the workbook at `path` (replacing a file there) with the document's properties.
    public init(path: String, properties: Spreadsheet.Properties) throws {
        self.path = path
        try? FileManager.default.removeItem(atPath: path)
        // Said here, before libxlsxwriter, which would print its own message to standard error.
        let folder = (path as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.isEmpty ? "." : folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw SpreadsheetError(path: path, message: "the folder \(folder) does not exist")
        }
        // Constant memory: each row goes to disk when the next begins, and strings are written inline.
        var options = lxw_workbook_options(constant_memory: 1, tmpdir: nil, use_zip64: 1)
        guard let workbook = workbook_new_opt(path, &options) else {
            throw SpreadsheetError(path: path, message: "libxlsxwriter could not create the workbook")
        }
        book = Workbook(pointer: workbook, path: path)
        try guarded { try $0.setProperties(properties) }
    }

    /// Adds a sheet after the others, writing its rows; names are made unique after the characters Excel forbids are replaced.
    public func add(_ sheet: Spreadsheet.Sheet) throws {
        var name = Spreadsheet.sheetName(sheet.name)
        var suffix = 2
        while names.contains(name) {
            name = String(Spreadsheet.sheetName(sheet.name).prefix(28)) + " \(suffix)"
            suffix += 1
        }
        names.insert(name)
        try guarded { try $0.add(sheet, name: name) }
    }

    /// Finishes the file.
    public func close() throws {
        guard let pointer = book?.pointer else { return }
        book = nil
        let status = workbook_close(pointer)
        guard status == LXW_NO_ERROR else {
            try? FileManager.default.removeItem(atPath: path)
            throw SpreadsheetError(path: path, message: String(cString: lxw_strerror(status)))
        }
    }

    /// A workbook left unfinished (an error on the way) is closed and removed.
    deinit { abandon() }

    private func guarded(_ body: (inout Workbook) throws -> Void) throws {
        guard var current = book else { throw SpreadsheetError(path: path, message: "the workbook was closed already") }
        do {
            try body(&current)
            book = current
        } catch {
            book = current
            abandon()
            throw error
        }
    }

    private func abandon() {
        guard let pointer = book?.pointer else { return }
        book = nil
        _ = workbook_close(pointer)
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A workbook that could not be written: the file and libxlsxwriter's reason.
public struct SpreadsheetError: Error, CustomStringConvertible {
    public let path: String
    public let message: String
    public var description: String { "\(path): the workbook could not be written: \(message)" }
}

/// One workbook being written through libxlsxwriter, with its formats made once each.
private struct Workbook {
    let pointer: UnsafeMutablePointer<lxw_workbook>
    let path: String
    private var formats: [String: UnsafeMutablePointer<lxw_format>] = [:]

    init(pointer: UnsafeMutablePointer<lxw_workbook>, path: String) {
        self.pointer = pointer
        self.path = path
    }

    private func check(_ status: lxw_error, _ what: @autoclosure () -> String) throws {
        guard status == LXW_NO_ERROR else {
            throw SpreadsheetError(path: path, message: "\(what()): \(String(cString: lxw_strerror(status)))")
        }
    }

    func setProperties(_ properties: Spreadsheet.Properties) throws {
        // libxlsxwriter copies the strings before the call returns.
        try properties.title.withCString { title in
            try properties.subject.withCString { subject in
                try properties.keywords.withCString { keywords in
                    try properties.comments.withCString { comments in
                        try "ruralstat".withCString { author in
                            var fields = lxw_doc_properties()
                            fields.title = UnsafeMutablePointer(mutating: title)
                            fields.subject = UnsafeMutablePointer(mutating: subject)
                            fields.keywords = UnsafeMutablePointer(mutating: keywords)
                            fields.comments = UnsafeMutablePointer(mutating: comments)
                            fields.author = UnsafeMutablePointer(mutating: author)
                            fields.created = time_t(properties.created.timeIntervalSince1970)
                            try check(workbook_set_properties(pointer, &fields), "the document properties")
                        }
                    }
                }
            }
        }
    }

    /// The format of a header cell, a text cell, or a number (marked or not); made on first use.
    private mutating func format(header: Bool = false, number: Spreadsheet.NumberFormat? = nil, marked: Bool = false)
        -> UnsafeMutablePointer<lxw_format>?
    {
        let key = "\(header)|\(number?.code ?? "")|\(marked)"
        if let format = formats[key] { return format }
        guard let format = workbook_add_format(pointer) else { return nil }
        if header {
            format_set_bold(format)
            format_set_text_wrap(format)
            format_set_align(format, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue))
            format_set_bottom(format, UInt8(LXW_BORDER_THIN.rawValue))
            format_set_bg_color(format, 0xF2F2F2)
        }
        if let number { format_set_num_format(format, number.code) }
        if marked {
            // Partial or withheld: italic on a light amber fill, the word in the cell's comment.
            format_set_italic(format)
            format_set_bg_color(format, 0xFFF2CC)
        }
        formats[key] = format
        return format
    }

    mutating func add(_ sheet: Spreadsheet.Sheet, name: String) throws {
        guard let worksheet = workbook_add_worksheet(pointer, name) else {
            throw SpreadsheetError(path: path, message: "libxlsxwriter refused the sheet name '\(name)'")
        }
        let columns = sheet.header.count
        guard sheet.rows.count < 1_048_576, columns <= 16_384 else {
            throw SpreadsheetError(
                path: path,
                message:
                    "sheet '\(name)' has \(sheet.rows.count) rows and \(columns) columns; a sheet holds at most 1,048,575 rows below its header and 16,384 columns"
            )
        }
        let widths = (0..<columns).map { sheet.widths?[$0] ?? Spreadsheet.width(of: $0, in: sheet) }
        for (column, width) in widths.enumerated() {
            try check(worksheet_set_column(worksheet, lxw_col_t(column), lxw_col_t(column), width, nil), "the width of column \(column + 1) of '\(name)'")
        }
        worksheet_freeze_panes(worksheet, 1, lxw_col_t(sheet.frozenColumns))
        worksheet_set_comments_author(worksheet, "ruralstat")
        worksheet_set_landscape(worksheet)
        worksheet_set_paper(worksheet, 9)  // A4
        // A landscape A4 page holds about 130 characters of columns at full size. A sheet is fit to the
        // page width (as many pages down as needed) while that keeps the print at half size or more; a
        // wider one (a wide sheet of 40 indicators) prints at 60 % across pages, its region columns repeated.
        if widths.reduce(0, +) <= 260 {
            worksheet_fit_to_pages(worksheet, 1, 0)
        } else {
            worksheet_set_print_scale(worksheet, 60)
        }
        try check(worksheet_repeat_rows(worksheet, 0, 0), "the repeated header of '\(name)'")
        if sheet.frozenColumns > 0 {
            try check(worksheet_repeat_columns(worksheet, 0, lxw_col_t(sheet.frozenColumns - 1)), "the repeated columns of '\(name)'")
        }
        try check(worksheet_set_footer(worksheet, "&L&A&R&P / &N"), "the footer of '\(name)'")
        if columns > 0 {
            try check(
                worksheet_autofilter(worksheet, 0, 0, lxw_row_t(sheet.rows.count), lxw_col_t(columns - 1)), "the autofilter of '\(name)'")
        }

        let header = format(header: true)
        // The header wraps within its column; its row is as tall as the most lines a title needs (up to 5).
        let lines = zip(sheet.header, widths).map { title, width in Int((Double(Spreadsheet.displayWidth(title)) / max(1, width - 1)).rounded(.up)) }.max() ?? 1
        try check(worksheet_set_row(worksheet, 0, 15 * Double(min(5, max(1, lines))), header), "the header row of '\(name)'")
        for (column, title) in sheet.header.enumerated() {
            try check(worksheet_write_string(worksheet, 0, lxw_col_t(column), Spreadsheet.cellText(title), header), "the header of '\(name)'")
        }
        for (index, cells) in sheet.rows.enumerated() {
            let row = lxw_row_t(index + 1)
            for (column, cell) in cells.enumerated() {
                let col = lxw_col_t(column)
                let status: lxw_error
                switch cell {
                case .empty:
                    continue
                case .text(let text):
                    status = worksheet_write_string(worksheet, row, col, Spreadsheet.cellText(text), nil)
                case .number(let value, let number):
                    guard value.isFinite else { continue }
                    status = worksheet_write_number(worksheet, row, col, Spreadsheet.figure(value), format(number: number))
                case .noted(let value, let number, let note):
                    let marked = format(number: number, marked: true)
                    if let value, value.isFinite {
                        status = worksheet_write_number(worksheet, row, col, Spreadsheet.figure(value), marked)
                    } else {
                        status = worksheet_write_blank(worksheet, row, col, marked)
                    }
                    try check(status, "row \(index + 2), column \(column + 1) of '\(name)'")
                    try check(
                        worksheet_write_comment(worksheet, row, col, Spreadsheet.cellText(note)),
                        "the note of row \(index + 2), column \(column + 1) of '\(name)'")
                    continue
                }
                try check(status, "row \(index + 2), column \(column + 1) of '\(name)'")
            }
        }
    }
}
