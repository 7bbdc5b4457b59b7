import Foundation
import RuralstatModel

/// An indicator table written as files: CSV (UTF-8 with a BOM so that Excel in a Chinese office
/// opens it right; cells that would run as formulas made safe) in the long and the wide form, and
/// Markdown. The long form has a `publication` column; the wide form a `CODE_mark` column beside each
/// indicator's values; Markdown marks a partial value `*` and shows a withheld one as `—`.
public enum TableFiles {
    static let longHeader = [
        "level", "region", "region_name", "indicator", "name_zh", "name_en", "period", "value", "unit", "coverage",
        "publication", "target_year", "target", "attainment_percent", "meets_target",
    ]

    public static func writeLongCSV(_ table: IndicatorTable, to path: String) throws {
        let writer = try CSVWriter(path: path, header: longHeader, byteOrderMark: true)
        for row in table.rows {
            writer.field(row.level.description)
            writer.field(region: row.region.rawValue)
            writer.field(row.regionName)
            writer.field(row.indicator)
            writer.field(row.nameZh)
            writer.field(row.nameEn)
            writer.field(row.period.description)
            writer.field(row.value)
            writer.field(row.unit)
            writer.field(row.coverage)
            writer.field(row.publication.rawValue)
            writer.field(row.targetYear.map(Double.init))
            writer.field(row.target?.description ?? "")
            writer.field(row.attainment)
            writer.field(row.meetsTarget.map { $0 ? "yes" : "no" } ?? "")
            writer.endRow()
        }
        try writer.close()
    }

    /// One row per region and period, and per indicator two columns: its value, a number or empty
    /// (withheld or not reported), and `CODE_mark` (`partial` or `withheld`, else empty). Marks never
    /// go into the number's cell, so that every value column reads as numbers (pandas, Excel, R).
    public static func writeWideCSV(_ table: IndicatorTable, to path: String) throws {
        let writer = try CSVWriter(
            path: path, header: ["level", "region", "region_name", "period"] + table.indicators.flatMap { [$0.label, "\($0.code)_mark"] },
            byteOrderMark: true)
        for line in table.wide {
            writer.field(line.level.description)
            writer.field(region: line.region.rawValue)
            writer.field(line.regionName)
            writer.field(line.period.description)
            for cell in line.cells {
                writer.field(cell?.value)
                writer.field(cell.map(mark) ?? "")
            }
            writer.endRow()
        }
        try writer.close()
    }

    /// The publication mark of a value: `partial`, `withheld`, or empty for a published one.
    static func mark(_ row: IndicatorTable.Row) -> String { row.publication == .published ? "" : row.publication.rawValue }

    /// A cell of the Markdown table: the value, `*` after a partial one, `—` for a withheld one.
    static func cellText(_ row: IndicatorTable.Row) -> String {
        guard let value = row.value else { return row.publication == .withheld ? "—" : "" }
        return number(value) + (row.publication == .partial ? "*" : "")
    }

    /// A figure for people: up to four significant decimals, no exponent.
    public static func number(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        let magnitude = abs(value)
        let decimals = magnitude >= 100 ? 1 : magnitude >= 1 ? 2 : 4
        var text = String(format: "%.\(decimals)f", value)
        while text.contains("."), text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// A Markdown table per period, regions down, indicators across (with their units), and a legend.
    public static func markdown(_ table: IndicatorTable, title: String) -> String {
        var text = "# \(escape(title))\n\n"
        let wide = table.wide  // computed: once, not once per period
        let periods = Array(Set(wide.map(\.period))).sorted()
        for period in periods {
            text += "## \(period)\n\n| 地区 region | " + table.indicators.map { escape($0.label) }.joined(separator: " | ") + " |\n"
            text += "|---|" + String(repeating: "---:|", count: table.indicators.count) + "\n"
            for line in wide where line.period == period {
                let cells: [String] = line.cells.map { cell in cell.map(cellText) ?? "" }
                text += "| \(escape(line.regionName)) \(line.region.shortDescription) | \(cells.joined(separator: " | ")) |\n"
            }
            text += "\n"
        }
        text += "`*` partial: fewer units reported than the coverage threshold; `—` withheld: too few units to publish.\n"
        return text
    }

    /// Text from submissions or the registry, safe inside a Markdown table cell.
    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "|": result += "\\|"
            case "\n", "\r": result += " "
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "&": result += "&amp;"
            default: result.append(character)
            }
        }
        return result
    }
}
