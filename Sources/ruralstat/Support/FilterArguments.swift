import ArgumentParser
import RuralstatModel

/// The codes people type into filters (`--level`, `--region`), checked:
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
}
