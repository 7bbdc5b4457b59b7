/// One row of a division list in the NBS layout: `code,name,parent_code[,urban_rural_class]`.
public struct RegionRow: Sendable, Hashable {
    public var code: String
    public var name: String
    /// Empty for a province (its parent is the nation).
    public var parentCode: String
    public var urbanRuralClass: String
    public var location: SourceLocation

    public init(code: String, name: String, parentCode: String, urbanRuralClass: String = "",
                location: SourceLocation) {
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
    /// Builds and checks the tree of one edition from division-list rows.
    ///
    /// A row whose parent is its own code marks a unit that stands for the next level too (the NBS
    /// list repeats 东莞 441900 as its own county). Every problem is collected before throwing.
    public init(edition: Int, rows: [RegionRow]) throws(RegistryLoadError) {
        var problems: [RegistryProblem] = []
        func problem(_ row: RegionRow, _ rule: RegistryRule, _ message: String) {
            problems.append(RegistryProblem(location: row.location, rule: rule, code: row.code, message: message))
        }

        struct Parsed { var row: RegionRow; var code: RegionCode; var parent: RegionCode; var urban: UrbanRuralClass? }
        var definitions: [RegionCode: Parsed] = [:]
        var selfParented: [Parsed] = []
        for row in rows {
            let code: RegionCode
            do { code = try RegionCode(row.code) } catch {
                problem(row, .malformedCode, error.description)
                continue
            }
            var parent = RegionCode.national
            if !row.parentCode.isEmpty {
                do { parent = try RegionCode(row.parentCode) } catch {
                    problem(row, .malformedParent, "parent of \(code): \(error.description)")
                    continue
                }
            }
            if row.name.isEmpty { problem(row, .emptyName, "unit \(code) has no name") }
            var urban: UrbanRuralClass?
            if !row.urbanRuralClass.isEmpty {
                urban = UrbanRuralClass(rawValue: row.urbanRuralClass)
                if urban == nil {
                    problem(row, .unknownUrbanRuralClass,
                            "unit \(code) has urban–rural class '\(row.urbanRuralClass)'; expected one of "
                                + UrbanRuralClass.allCases.map(\.rawValue).joined(separator: ", "))
                }
            }
            let parsed = Parsed(row: row, code: code, parent: parent, urban: urban)
            if parent == code {
                selfParented.append(parsed)
            } else if let first = definitions[code] {
                problem(row, .duplicateCode, "unit \(code) '\(row.name)' is already defined at \(first.row.location) as '\(first.row.name)'")
            } else {
                definitions[code] = parsed
            }
        }

        var spanning: Set<RegionCode> = []
        for parsed in selfParented {
            if definitions[parsed.code] != nil, parsed.code.level < .village {
                spanning.insert(parsed.code)
            } else {
                problem(parsed.row, .cycle, "unit \(parsed.code) names itself as its parent")
            }
        }

        for parsed in definitions.values where parsed.parent != .national && definitions[parsed.parent] == nil {
            problem(parsed.row, .unknownParent, "unit \(parsed.code) '\(parsed.row.name)' names parent \(parsed.parent), which is not in the list")
        }

        // Cycles: walk up from every unit; a walk that meets itself is a cycle (reported once).
        var inCycle: Set<RegionCode> = []
        var acyclic: Set<RegionCode> = [.national]
        for start in definitions.keys.sorted() where !acyclic.contains(start) && !inCycle.contains(start) {
            var path: [RegionCode] = []
            var onPath: Set<RegionCode> = []
            var current = start
            while !acyclic.contains(current), !inCycle.contains(current), let parsed = definitions[current] {
                if onPath.contains(current) {
                    let loop = Array(path[path.firstIndex(of: current)!...])
                    inCycle.formUnion(loop)
                    problem(definitions[loop.min()!]!.row, .cycle,
                            "parent links form a cycle: " + (loop + [current]).map(\.description).joined(separator: " → "))
                    break
                }
                path.append(current)
                onPath.insert(current)
                current = parsed.parent
            }
            acyclic.formUnion(path.filter { !inCycle.contains($0) })
        }

        func lowest(_ code: RegionCode) -> RegionLevel {
            spanning.contains(code) ? code.level.child! : code.level
        }
        for parsed in definitions.values where !inCycle.contains(parsed.code) {
            let code = parsed.code, parent = parsed.parent
            guard parent == .national || definitions[parent] != nil else { continue }
            let expected = code.level.parent!
            let standsFor = parent == .national ? RegionLevel.national...RegionLevel.national : parent.level...lowest(parent)
            if !standsFor.contains(expected) {
                problem(parsed.row, .wrongParentLevel,
                        "\(code.level) \(code) '\(parsed.row.name)' has parent \(parent) at \(parent.level) level; expected a parent at \(expected) level")
            } else if !code.isWithin(parent) {
                problem(parsed.row, .parentNotPrefix,
                        "unit \(code) '\(parsed.row.name)' does not begin with the digits of its parent \(parent)")
            }
        }

        guard problems.isEmpty else {
            throw RegistryLoadError(problems: problems.sorted {
                ($0.location.file, $0.location.line ?? 0) < ($1.location.file, $1.location.line ?? 0)
            })
        }
        var units: [RegionCode: RegionUnit] = [:]
        units.reserveCapacity(definitions.count)
        for parsed in definitions.values {
            let spans = spanning.contains(parsed.code)
            units[parsed.code] = RegionUnit(
                code: parsed.code, name: parsed.row.name, parent: parsed.parent,
                lowestLevel: lowest(parsed.code),
                kind: RegionKind.classify(parsed.code, spansLowerLevel: spans),
                urbanRuralClass: parsed.urban)
        }
        self.init(edition: edition, units: units)
    }
}
