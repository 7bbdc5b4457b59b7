import ArgumentParser
import RuralstatIngest
import RuralstatModel
import RuralstatRules
import RuralstatStore

/// Where a command finds the division registry: division-list files, or a store.
struct RegistryOptions: ParsableArguments {
    @Option(
        name: .customLong("registry"), parsing: .upToNextOption,
        help: ArgumentHelp("Division lists in the NBS layout (code,name,parent_code[,urban_rural_class]).", valueName: "file"))
    var registryFiles: [String] = []

    @Option(help: "The registry edition year (default: the year in the file names, e.g. nbs2023_*.csv).")
    var edition: Int?

    @Option(help: ArgumentHelp("Read the registry from this store instead of files.", valueName: "path"))
    var store: String?

    func loadRegistry() throws -> RegionRegistry {
        if !registryFiles.isEmpty {
            return try ReferenceFiles.loadRegistry(paths: registryFiles, edition: edition)
        }
        guard let store else {
            throw ValidationError("give the registry with --registry FILE... or --store PATH")
        }
        guard let registry = try StoreAccess.open(store).loadRegistry(edition: edition) else {
            throw ExitStatus.Classified(
                exitStatus: .invalidInput,
                description:
                    "the store \(store) holds no registry\(edition.map { " of edition \($0)" } ?? ""); load one with 'ruralstat init' or 'ruralstat regions load'"
            )
        }
        return registry
    }
}

/// Where a command finds the indicator catalog.
struct CatalogOptions: ParsableArguments {
    @Option(name: .customLong("catalog"), help: ArgumentHelp("The indicator catalog (YAML).", valueName: "file"))
    var catalogFile = "pipelines/indicators.yaml"

    func loadCatalog() throws -> IndicatorCatalog { try ReferenceFiles.loadCatalog(path: catalogFile) }
}

/// Where a command finds the evaluators' edit rules.
struct RulesOptions: ParsableArguments {
    @Option(name: .customLong("rules"), help: ArgumentHelp("The edit rules (YAML); 'none' for none.", valueName: "file"))
    var rulesFile = "pipelines/rules.yaml"

    func loadRules(catalog: IndicatorCatalog) throws -> RuleSet? {
        if rulesFile == "none" { return nil }
        do {
            return try RuleSet(contentsOfFile: rulesFile, knownIndicators: Set(catalog.codes))
        } catch {
            throw ExitStatus.Classified(exitStatus: .invalidInput, description: "\(error)")
        }
    }
}
