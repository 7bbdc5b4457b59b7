/// One row of a division list in the NBS layout: `code,name,parent_code[,urban_rural_class]`.
public struct RegionRow: Sendable, Hashable {
    public var code: String
    public var name: String
    /// Empty for a province (its parent is the nation).
    public var parentCode: String
    public var urbanRuralClass: String
    public var location: SourceLocation

    public init(
        code: String, name: String, parentCode: String, urbanRuralClass: String = "",
        location: SourceLocation
    ) {
        self.code = code
        self.name = name
        self.parentCode = parentCode
        self.urbanRuralClass = urbanRuralClass
        self.location = location
    }
}

/// A rule the registry checks when it is built.
public enum RegistryRule: String, Sendable, Codable, CaseIterable {
    case malformedCode = "malformed_code"
    case malformedParent = "malformed_parent"
    case unknownParent = "unknown_parent"
    case duplicateCode = "duplicate_code"
    case cycle = "cycle"
    case wrongParentLevel = "wrong_parent_level"
    case parentNotPrefix = "parent_not_prefix"
    case unknownUrbanRuralClass = "unknown_urban_rural_class"
    case emptyName = "empty_name"
    case fieldCount = "field_count"
}

/// One problem found in a division list.
public struct RegistryProblem: Sendable, Hashable, CustomStringConvertible {
    public let location: SourceLocation
    public let rule: RegistryRule
    public let code: String
    public let message: String

    public init(location: SourceLocation, rule: RegistryRule, code: String, message: String) {
        self.location = location
        self.rule = rule
        self.code = code
        self.message = message
    }

    public var description: String { "\(location): \(rule.rawValue): \(message)" }
}

/// A division list that does not form a valid tree; carries every problem found.
public struct RegistryLoadError: Error, Sendable, CustomStringConvertible {
    public let problems: [RegistryProblem]

    public init(problems: [RegistryProblem]) { self.problems = problems }

    public var description: String {
        let shown = problems.prefix(20).map { "  " + $0.description }.joined(separator: "\n")
        let more = problems.count > 20 ? "\n  … and \(problems.count - 20) more" : ""
        return "the division list has \(problems.count) problem\(problems.count == 1 ? "" : "s"):\n\(shown)\(more)"
    }
}

extension RegionRegistry {
    /// Builds and checks the tree of one edition from division-list rows (see ``RegistryBuilder``).
    public init(edition: Int, rows: [RegionRow]) throws(RegistryLoadError) {
        var builder = RegistryBuilder(edition: edition)
        for row in rows {
            builder.add(
                code: row.code, name: row.name, parentCode: row.parentCode, urbanRuralClass: row.urbanRuralClass,
                file: row.location.file, line: row.location.line ?? 0)
        }
        self = try builder.build()
    }
}
