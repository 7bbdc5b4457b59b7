import ArgumentParser
import RuralstatModel

/// `ruralstat catalog`: validate and list the indicator catalog.
struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Validate and list the indicator catalog.",
        subcommands: [Validate.self, List.self],
        defaultSubcommand: List.self
    )

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the catalog: fields, references, cycles, kinds and units, validity windows.")
        @OptionGroup var catalog: CatalogOptions

        func run() throws {
            let loaded = try catalog.loadCatalog()
            let derived = loaded.definitions.filter(\.aggregation.isDerived).count
            print(
                "catalog \(loaded.version) (\(catalog.catalogFile)): \(loaded.codes.count) indicators, "
                    + "\(loaded.definitions.count) definitions (\(derived) computed bottom-up), valid")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the indicators with their unit, kind, levels and rule.")
        @OptionGroup var catalog: CatalogOptions

        @Option(help: "Only the definitions in force in this reporting year.")
        var year: Int?

        @Option(help: "Output format: text or csv.")
        var format: ListFormat = .text

        enum ListFormat: String, ExpressibleByArgument { case text, csv }

        func run() throws {
            let loaded = try catalog.loadCatalog()
            let shown = loaded.definitions.filter { year == nil || $0.isValid(in: year!) }
            switch format {
            case .csv:
                print("code,definition_version,valid_from,valid_to,name_zh,name_en,unit,kind,levels,aggregation")
                for d in shown {
                    let fields = [
                        d.code, d.definitionVersion, String(d.validFrom), d.validTo.map(String.init) ?? "", d.nameZh,
                        d.nameEn, d.scaledUnit, d.kind.rawValue, d.reportedLevels.map(\.description).joined(separator: " "),
                        d.aggregation.description,
                    ]
                    print(fields.map(csvField).joined(separator: ","))
                }
            case .text:
                for d in shown {
                    let window = "\(d.validFrom)–\(d.validTo.map(String.init) ?? "")"
                    let levels = d.reportedLevels.isEmpty ? "computed" : d.reportedLevels.map(\.description).joined(separator: ",")
                    print(
                        "\(d.code.padding(40)) \(window.padding(10)) \(d.scaledUnit.padding(8)) \(d.kind.rawValue.padding(7)) \(levels.padding(26)) \(d.aggregation)  \(d.nameZh)"
                    )
                }
            }
        }

        private func csvField(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
