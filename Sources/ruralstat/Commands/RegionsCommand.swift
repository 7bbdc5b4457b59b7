import ArgumentParser
import RuralstatModel
import RuralstatStore

/// `ruralstat regions`: load, validate and show the division registry.
struct RegionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regions",
        abstract: "Validate, show and load the statistical division registry.",
        subcommands: [Validate.self, Show.self, Load.self],
        defaultSubcommand: Show.self
    )

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check division lists: codes, parents, cycles, duplicates, levels.",
            discussion: "Prints the units per level and kind; exits 1 and lists every problem when the lists do not form a valid tree."
        )
        @OptionGroup var registry: RegistryOptions

        func run() throws {
            let loaded = try registry.loadRegistry()
            print("registry edition \(loaded.edition): \(loaded.count) units, valid")
            print("  " + RegistryReport.levelCounts(loaded))
            print("  " + RegistryReport.kindCounts(loaded))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a subtree of the registry.",
            discussion: "Example: ruralstat regions show 4419 --depth 2 --registry regions_2023.csv"
        )
        @Argument(help: "The root of the subtree: a 2-, 4-, 6-, 9- or 12-digit code, or a unit's name such as 河北省 (default: the nation).")
        var code: String?

        @Option(help: "How many levels below the root to show.")
        var depth = 1

        @OptionGroup var registry: RegistryOptions

        func run() throws {
            let loaded = try registry.loadRegistry()
            guard depth >= 0 else { throw ValidationError("--depth takes 0 or more levels") }
            let root = try code.map(loaded.resolve) ?? .national
            print(RegistryReport.tree(loaded, root: root, depth: depth), terminator: "")
        }
    }

    struct Load: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Load division lists into a store (replacing that edition).")

        @Option(help: ArgumentHelp("The store to load into.", valueName: "path"))
        var into = "reports/ruralstat.sqlite"

        @OptionGroup var registry: RegistryOptions
        @OptionGroup var lock: LockOptions

        func run() throws {
            guard !registry.registryFiles.isEmpty else { throw ValidationError("give the division lists with --registry FILE...") }
            let loaded = try registry.loadRegistry()
            let (store, held) = try StoreAccess.openForWriting(into, command: "regions load", wait: lock.wait)
            defer { withExtendedLifetime(held) {} }
            try store.saveRegistry(loaded)
            print("loaded registry edition \(loaded.edition) (\(loaded.count) units) into \(into)")
        }
    }
}

/// Text views of a registry for the terminal.
enum RegistryReport {
    static func levelCounts(_ registry: RegionRegistry) -> String {
        let counts = Dictionary(grouping: registry.allUnits, by: \.level).mapValues(\.count)
        return RegionLevel.allCases.dropFirst().map { "\($0) \(counts[$0] ?? 0)" }.joined(separator: ", ")
    }

    static func kindCounts(_ registry: RegionRegistry) -> String {
        let counts = Dictionary(grouping: registry.allUnits, by: \.kind).mapValues(\.count)
        return RegionKind.allCases.compactMap { kind in counts[kind].map { "\(kind.rawValue) \($0)" } }.joined(separator: ", ")
    }

    static func tree(_ registry: RegionRegistry, root: RegionCode, depth: Int) -> String {
        var lines = ""
        func describe(_ code: RegionCode) -> String {
            guard let unit = registry.unit(code) else { return "000000000000  全国 (national)" }
            var text = "\(code)  \(unit.name)  [\(unit.level)"
            if unit.lowestLevel != unit.level { text += "…\(unit.lowestLevel)" }
            if unit.kind != .regular { text += ", \(unit.kind.rawValue)" }
            if let urban = unit.urbanRuralClass { text += ", class \(urban.rawValue)" }
            return text + "]  \(registry.children(of: code).count) children"
        }
        func walk(_ code: RegionCode, _ indent: Int) {
            lines += String(repeating: "  ", count: indent) + describe(code) + "\n"
            guard indent < depth else { return }
            for child in registry.children(of: code) { walk(child, indent + 1) }
        }
        walk(root, 0)
        return lines
    }
}
