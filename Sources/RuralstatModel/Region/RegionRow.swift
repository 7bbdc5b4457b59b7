/// One row of a division list in the NBS layout: `code,name,parent_code[,urban_rural_class]`.
public struct RegionRow: Sendable, Hashable {
    /// The unit's code as written (2 to 12 digits).
    public var code: String
    /// The unit's name, e.g. `井陉县`.
    public var name: String
    /// Empty for a province (its parent is the nation).
    public var parentCode: String
    /// The NBS urban–rural class (`220`), or empty when the list gives none.
    public var urbanRuralClass: String
    /// Where the row is, for problems.
    public var location: SourceLocation

    /// Creates a row; see the properties for each field.
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
    /// A code that is not a statistical division code.
    case malformedCode = "malformed_code"
    /// A parent code that is not a statistical division code.
    case malformedParent = "malformed_parent"
    /// A parent that the list does not define.
    case unknownParent = "unknown_parent"
    /// A code defined twice.
    case duplicateCode = "duplicate_code"
    /// Parent links that loop, or a unit naming itself as its parent where that cannot mark a span.
    case cycle = "cycle"
    /// A parent that is not at, and does not stand for, the level directly above.
    case wrongParentLevel = "wrong_parent_level"
    /// A code that does not begin with the digits of its parent.
    case parentNotPrefix = "parent_not_prefix"
    /// An urban–rural class that is not one of the NBS codes (111…220).
    case unknownUrbanRuralClass = "unknown_urban_rural_class"
    /// A unit without a name.
    case emptyName = "empty_name"
    /// A row whose number of fields differs from the header's.
    case fieldCount = "field_count"
}

/// One problem found in a division list.
public struct RegistryProblem: Sendable, Hashable, CustomStringConvertible {
    /// Where the row is in the division list.
    public let location: SourceLocation
    /// The rule the row breaks.
    public let rule: RegistryRule
    /// The code of the unit at fault.
    public let code: String
    /// What is wrong, for people.
    public let message: String

    /// Creates a problem; see the properties for each field.
    public init(location: SourceLocation, rule: RegistryRule, code: String, message: String) {
        self.location = location
        self.rule = rule
        self.code = code
        self.message = message
    }

    /// `file:line: rule: message`, one line.
    public var description: String { "\(location): \(rule.rawValue): \(message)" }
}

/// A division list that does not form a valid tree; carries every problem found.
public struct RegistryLoadError: Error, Sendable, CustomStringConvertible {
    /// Every problem found, not just the first.
    public let problems: [RegistryProblem]

    /// Creates the error from the problems found.
    public init(problems: [RegistryProblem]) { self.problems = problems }

    /// The number of problems and the first 20 of them, one a line.
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
