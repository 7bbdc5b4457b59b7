import ArgumentParser
import RuralstatModel

/// The codes people type into filters (`--level`, `--region`, `--indicator`), checked:
/// an unknown one is an error that says what is known, never an empty result.
enum FilterArguments {
    static func level(_ name: String) throws -> RegionLevel {
        guard let level = RegionLevel(name: name) else {
            let known = RegionLevel.allCases.map(\.description)
            throw ValidationError("unknown level '\(EchoText.quote(name))' (\(known.joined(separator: ", ")))" + Suggestion.text(name, among: known))
        }
        return level
    }

    /// A region by code or by name, which the registry (when there is one) must hold.
    static func region(_ text: String, registry: RegionRegistry?) throws -> RegionCode {
        guard let registry else { return try RegionCode(text) }
        return try registry.resolve(text)
    }

    /// An indicator of the store's catalog, given by its code or by a name (Chinese, or English in any case).
    static func indicator(_ text: String, among names: [(code: String, nameZh: String, nameEn: String)]) throws -> String {
        if let exact = names.first(where: { $0.code == text }) { return exact.code }
        let matches = Set(names.filter { $0.nameZh == text || $0.nameEn.lowercased() == text.lowercased() }.map(\.code))
        if matches.count == 1 { return matches.first! }
        if matches.count > 1 { throw ValidationError("'\(EchoText.quote(text))' names several indicators (\(matches.sorted().joined(separator: ", ")))") }
        let known = Set(names.map(\.code) + names.map(\.nameZh))
        throw ValidationError("indicator '\(EchoText.quote(text))' is not in the store's catalog" + Suggestion.text(text, among: known))
    }
}
