import Foundation

/// A region that a person named, by code or by name, that the registry does not hold (or holds twice).
public struct RegionLookupError: Error, Sendable, CustomStringConvertible {
    /// What was not found, or which units share the name, with the candidates.
    public let description: String
}

extension RegionRegistry {
    /// The units whose name is exactly `name`, in code order.
    public func codes(named name: String) -> [RegionCode] {
        (0..<count).filter { table.name($0) == name }.map { RegionCode(uncheckedRawValue: table.codes[$0]) }
    }

    /// The region a person means by `text`: a code (2, 4, 6, 9 or 12 digits, or `national`/`全国`)
    /// that the registry holds, or the name of exactly one unit (`河北省`, `井陉县`). A code the registry
    /// does not hold, an unknown name or a name several units share is an error that says so, with
    /// the candidates.
    public func resolve(_ text: String) throws(RegionLookupError) -> RegionCode {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if ["national", "全国", "0", "000000000000"].contains(trimmed.lowercased()) { return .national }
        if trimmed.unicodeScalars.allSatisfy({ $0.properties.numericType != nil }) {
            let code: RegionCode
            do { code = try RegionCode(trimmed) } catch { throw RegionLookupError(description: error.description) }
            guard contains(code) else {
                throw RegionLookupError(description: "region \(code) is not in the \(edition) division registry")
            }
            return code
        }
        let matches = codes(named: trimmed)
        if matches.count == 1 { return matches[0] }
        if matches.isEmpty {
            let names = Set((0..<count).map(table.name))
            throw RegionLookupError(
                description: "no unit of the \(edition) division registry is named '\(EchoText.quote(trimmed))'"
                    + Suggestion.text(trimmed, among: names))
        }
        let listed = matches.prefix(8).map { code -> String in
            let unit = unit(code)!
            let parent = unit.parent == .national ? "" : ", in \(self.unit(unit.parent)?.name ?? unit.parent.description)"
            return "\(code) (\(unit.level)\(parent))"
        }
        throw RegionLookupError(
            description: "\(matches.count) units are named '\(trimmed)': \(listed.joined(separator: "; "))\(matches.count > 8 ? "; …" : ""); give the code")
    }
}
