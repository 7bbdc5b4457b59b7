import RuralstatModel

/// A registry edition read back from a store's `regions` table, a row at a time, in code order.
///
/// The builder checks every code and parent again, as it does for a file. A unit that stands for the
/// next level too (a prefecture-level city without counties) is stored once, with its lowest level;
/// the self-parented row that makes it so is restored here.
package struct StoredRegistry {
    private var builder: RegistryBuilder
    private let source: String
    private var line = 0

    package init(edition: Int, source: String) {
        builder = RegistryBuilder(edition: edition)
        self.source = source
    }

    package mutating func add(code: String, name: String, parent: RegionCode, urbanRuralClass: String, lowestLevel: String) {
        line += 1
        builder.add(
            code: code, name: name, parentCode: parent == .national ? "" : parent.description, urbanRuralClass: urbanRuralClass,
            file: source, line: line)
        if let parsed = try? RegionCode(code), lowestLevel != parsed.level.description {
            builder.add(code: code, name: name, parentCode: code, urbanRuralClass: "", file: source, line: line)
        }
    }

    /// The registry, or nil when no row was added.
    package func build() throws -> RegionRegistry? {
        line > 0 ? try builder.build() : nil
    }
}
