import ArgumentParser
import Foundation
import RuralstatModel
import RuralstatReport

/// `ruralstat catalog`: validate and list the indicator catalog.
struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Validate, list and export the indicator catalog.",
        subcommands: [Validate.self, List.self, Export.self],
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

extension CatalogCommand {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the indicator system as an SDMX structure message (codelists, concepts, DSD, dataflow).",
            discussion: """
                The codelists are CL_REGION (the registry edition's units and the nation, with parents; in 3.0 the tree as \
                the hierarchy H_REGION), CL_INDICATOR (the catalog, in Chinese and English), CL_FREQ, CL_OBS_STATUS, \
                CL_UNIT_MULT and CL_PUBLICATION; the DSD DSD_RRS; and the dataflow CN_RRS:DF_RRS(1.0) that the data \
                messages of `ruralstat report` reference. A path ending in .gz is written gzip-compressed.
                """)
        @OptionGroup var catalog: CatalogOptions
        @OptionGroup var registry: RegistryOptions

        @Flag(help: "Write SDMX (the only export there is; named so that the command says what it writes).")
        var sdmx = false

        @Option(help: "The SDMX-ML version: 2.1 or 3.0.")
        var sdmxVersion: String = "2.1"

        @Option(help: "The sender named in the message header.")
        var sender = "CN_RRS"

        @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Where to write the message.", valueName: "file"))
        var output: String

        func validate() throws {
            guard sdmx else { throw ValidationError("say what to export: --sdmx") }
            guard SDMXStructureWriter.Version(rawValue: sdmxVersion) != nil else {
                throw ValidationError("--sdmx-version '\(sdmxVersion)' is not 2.1 or 3.0")
            }
        }

        func run() throws {
            let writer = SDMXStructureWriter(catalog: try catalog.loadCatalog(), registry: try registry.loadRegistry(), sender: sender, prepared: Date())
            try writer.write(SDMXStructureWriter.Version(rawValue: sdmxVersion)!, to: output)
            print(
                "wrote \(output): the SDMX-ML \(sdmxVersion) structure of \(writer.catalog.codes.count) indicators and \(writer.registry.map(\.count) ?? 0) regions"
            )
        }
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
