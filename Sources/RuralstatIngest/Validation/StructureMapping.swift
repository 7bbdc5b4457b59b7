import Foundation
import RuralstatModel

/// How a sender's structure maps onto ruralstat's: which of its components are the region, the
/// indicator, the period and the rest, and which catalog indicator each of its indicator codes is.
/// A province that sends SDMX of its own structure (`GEO`, `INDIC_RR`, its own codes) is read through
/// one, instead of having every row rejected as "indicator is empty".
///
/// Written in YAML, named by a source of the nightly spec (`mapping:`) or by `--mapping`:
///
/// ```yaml
/// structure: CN_44:DF_RURAL(1.0)   # optional: a file naming another structure is refused whole
/// components:                       # the sender's component ids and what each is
///   GEO: region
///   INDIC_RR: indicator
///   TIME: period
/// indicators:                       # the sender's indicator codes and the catalog's
///   HH_TOT: HOUSEHOLDS
/// ```
public struct StructureMapping: Sendable, Hashable {
    /// The structure the mapping is for (`AGENCY:ID(VERSION)`, `AGENCY:ID` or `ID`); nil for any.
    public var structure: String?
    /// The sender's component ids (or column names) and their roles.
    public var components: [String: FieldRole]
    /// The sender's indicator codes and the catalog's; a code not listed is read as it is.
    public var indicators: [String: String]
    /// The file the mapping came from, as messages name it.
    public var file: String

    public init(structure: String? = nil, components: [String: FieldRole] = [:], indicators: [String: String] = [:], file: String = "") {
        self.structure = structure
        self.components = components
        self.indicators = indicators
        self.file = file
    }

    /// Reads a mapping file; every problem is named with its line and key.
    public init(contentsOfFile path: String) throws(SpecError) {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw SpecError(
                file: path, document: "structure mapping",
                problems: [YAMLProblem(line: nil, path: "(file)", message: "cannot be read: \(error.localizedDescription)")])
        }
        try self.init(yaml: text, file: path)
    }

    /// Reads a mapping from YAML text.
    public init(yaml: String, file: String) throws(SpecError) {
        let (root, sink) = YAMLFields.document(yaml)
        guard let root else { throw SpecError(file: file, document: "structure mapping", problems: sink.problems) }
        let names = Dictionary(uniqueKeysWithValues: FieldRole.allCases.map { ($0.description, $0) })
        var components: [String: FieldRole] = [:]
        for (component, roleName) in root.pairs("components", required: false) ?? [] {
            guard let role = names[roleName.lowercased()] else {
                root.problem("components", "'\(roleName)' (for \(component)) is not a role: \(FieldRole.allCases.map(\.description).joined(separator: ", "))")
                continue
            }
            components[component] = role
        }
        var indicators: [String: String] = [:]
        for (theirs, ours) in root.pairs("indicators", required: false) ?? [] { indicators[theirs] = ours }
        let structure = root.string("structure", required: false)
        if components.isEmpty && indicators.isEmpty && sink.problems.isEmpty {
            root.problem("components", "a mapping maps components or indicators (or both); this one maps neither")
        }
        root.rejectUnknownKeys()
        guard sink.problems.isEmpty else { throw SpecError(file: file, document: "structure mapping", problems: sink.problems) }
        self.init(structure: structure, components: components, indicators: indicators, file: file)
    }

    /// Checks the catalog codes the mapping names against the catalog (a typo is said at load, not as rejected rows).
    public func check(against catalog: IndicatorCatalog) throws(SpecError) {
        let unknown = indicators.filter { catalog.definitions(of: $0.value).isEmpty }.sorted { $0.key < $1.key }
        guard !unknown.isEmpty else { return }
        throw SpecError(
            file: file, document: "structure mapping",
            problems: unknown.map {
                YAMLProblem(line: nil, path: "indicators.\($0.key)", message: "'\($0.value)' is not an indicator of the catalog \(catalog.version)")
            })
    }

    /// Whether a file naming `reference` (`AGENCY:ID(VERSION)`, or an SDMX URN ending in one) is of the
    /// mapping's structure: the parts the mapping gives (agency, id, version) must agree.
    public func covers(_ reference: String) -> Bool {
        guard let structure else { return true }
        let mine = Self.parts(structure), theirs = Self.parts(reference)
        return mine.id == theirs.id && (mine.agency == nil || mine.agency == theirs.agency) && (mine.version == nil || mine.version == theirs.version)
    }

    /// The agency, id and version of `AGENCY:ID(VERSION)`, of a URN's tail after `=`, or of a bare id.
    static func parts(_ reference: String) -> (agency: String?, id: String, version: String?) {
        var text = Substring(reference.trimmingCharacters(in: .whitespaces))
        if let equals = text.lastIndex(of: "=") { text = text[text.index(after: equals)...] }
        var version: String?
        if text.hasSuffix(")"), let open = text.lastIndex(of: "(") {
            version = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
            text = text[..<open]
        }
        guard let colon = text.firstIndex(of: ":") else { return (nil, String(text), version) }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]), version)
    }

    /// The refusal of a file of another structure: nothing of it is read.
    func refusal(file: String, line: Int?, element: String? = nil, reference: String) -> IngestError {
        IngestError(
            file: file, line: line, element: element, rule: .unmappedStructure,
            message:
                "this file is of the structure \(EchoText.quote(reference, limit: 80)); its mapping \((self.file as NSString).lastPathComponent) is for \(structure ?? "any"); nothing of it was read"
        )
    }
}
