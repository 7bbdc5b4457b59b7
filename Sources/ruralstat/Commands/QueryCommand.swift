import ArgumentParser
import Foundation
import RuralstatModel
import RuralstatReport
import RuralstatStore

/// `ruralstat query`: the stored rollups an analyst asks for, with their names, units, coverage,
/// publication marks and findings, as a table, CSV or JSON.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "List stored rollups by indicator, region, level and period, with names, units, coverage, publication and findings.",
        discussion: """
            Indicators and regions are given by code or by name (--indicator 粮食产量, --region 兴泉市); an unknown one is an
            error that says what is known. --region R --depth 1 lists R and its children; without --depth, R's whole subtree.
            Each row carries the name and unit of the indicator's definition valid in its period, so an indicator with two
            definition versions is never listed twice (the store's rollup_table view). --values lists the figures units
            reported (the current observations, with sender and file) instead of the rollups.
            """
    )

    @Option(help: ArgumentHelp("The store.", valueName: "path"))
    var store = "reports/ruralstat.sqlite"

    @Option(name: .customLong("indicator"), help: "An indicator, by code or name; repeatable, at least one.")
    var indicators: [String] = []

    @Option(help: "Only this region and the regions below it (a code or a name).")
    var region: String?

    @Option(help: "With --region: how many levels below it (0: the region alone).")
    var depth: Int?

    @Option(name: .customLong("level"), help: "Only these levels; repeatable.")
    var levels: [String] = []

    @Option(help: ArgumentHelp("The first period (e.g. 2023).", valueName: "period"))
    var from: String?

    @Option(help: ArgumentHelp("The last period.", valueName: "period"))
    var to: String?

    @Flag(help: "The figures units reported (current observations) instead of the rollups.")
    var values = false

    @Option(help: "table, csv or json.")
    var format: ListingFormat = .table

    func validate() throws {
        if indicators.isEmpty { throw ValidationError("give at least one --indicator (a code or a name)") }
        if let depth, depth < 0 { throw ValidationError("--depth must be 0 or more, not \(depth)") }
        if depth != nil && region == nil { throw ValidationError("--depth needs --region") }
    }

    func run() throws {
        let database = try StoreAccess.open(store)
        let registry = try database.loadRegistry(edition: nil)
        let names = try database.indicatorNames()
        let codes = try Set(indicators.map { try FilterArguments.indicator($0, among: names) })
        let from = try self.from.map { try Period($0).description }, to = try self.to.map { try Period($0).description }
        if let from, let to, from > to { throw ValidationError("--from \(from) comes after --to \(to)") }
        let query = RollupQuery(
            indicators: codes, from: from, to: to, levels: levels.isEmpty ? nil : Set(try levels.map(FilterArguments.level)),
            region: try region.map { try FilterArguments.region($0, registry: registry) }, depth: depth)
        if values {
            let rows = try database.observationTable(query)
            if rows.isEmpty { FileHandle.standardError.write(Data("ruralstat: no observation matches the query\n".utf8)) }
            let cells = rows.map(Self.fields)
            switch format {
            case .table:
                let shown = Self.shownValueColumns
                print(TextTable.aligned([shown.map { Self.valueColumns[$0] }] + cells.map { row in shown.map { row[$0] } }), terminator: "")
            case .csv: FileHandle.standardOutput.write(Data(TextTable.csv([Self.valueColumns] + cells).utf8))
            case .json: FileHandle.standardOutput.write(try TextTable.json(rows))
            }
            return
        }
        let rows = try database.rollupTable(query)
        if rows.isEmpty { FileHandle.standardError.write(Data("ruralstat: no rollup matches the query\n".utf8)) }
        switch format {
        case .table: print(Self.table(rows), terminator: "")
        case .csv: FileHandle.standardOutput.write(Data(Self.csv(rows).utf8))
        case .json: FileHandle.standardOutput.write(try TextTable.json(rows))
        }
    }

    static let valueColumns = [
        "level", "region", "region_name", "indicator", "name_zh", "period", "value", "unit", "unit_mult", "status", "sender", "file", "findings",
    ]
    /// The columns of `valueColumns` the table shows.
    static let shownValueColumns = [0, 1, 2, 3, 5, 6, 7, 9, 10, 12]

    static func fields(_ row: ObservationTableRow) -> [String] {
        [
            row.level, row.region, row.regionName ?? "", row.indicator, row.nameZh ?? "", row.period, NumberText.shortest(row.value), row.unit ?? "",
            row.unitMultiplier.map(String.init) ?? "", row.status ?? "", row.sender, row.file, String(row.findings),
        ]
    }

    static let columns = [
        "level", "region", "region_name", "indicator", "name_zh", "period", "value", "unit", "unit_mult", "numerator", "denominator",
        "contributing", "expected", "coverage", "publication", "findings", "definition_version",
    ]

    static func fields(_ row: RollupTableRow) -> [String] {
        [
            row.level, row.region, row.regionName ?? "", row.indicator, row.nameZh ?? "", row.period, row.value.map(NumberText.computed) ?? "",
            row.unit ?? "", row.unitMultiplier.map(String.init) ?? "", NumberText.computed(row.numerator), NumberText.computed(row.denominator),
            String(row.contributing), String(row.expected), row.coverage.map(NumberText.computed) ?? "", row.publication, String(row.findings),
            row.definitionVersion ?? "",
        ]
    }

    /// The rows as CSV.
    static func csv(_ rows: [RollupTableRow]) -> String { TextTable.csv([columns] + rows.map(fields)) }

    /// The columns people read first, aligned.
    static func table(_ rows: [RollupTableRow]) -> String {
        let shown = ["level", "region", "region_name", "indicator", "period", "value", "unit", "coverage", "publication", "findings"]
        let positions = shown.map { columns.firstIndex(of: $0)! }
        return TextTable.aligned(
            [shown]
                + rows.map { row in
                    let all = fields(row); return positions.map { all[$0] }
                })
    }
}
