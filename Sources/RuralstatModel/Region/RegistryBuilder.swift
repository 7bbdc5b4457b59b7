/// Builds a ``RegionRegistry`` from division-list rows, one at a time, and checks the tree.
///
/// Rows are kept compactly (codes as integers, names in one byte buffer), so that loading a national
/// edition of some 665k units does not hold a `String` per field. A row whose parent is its own code
/// marks a unit that stands for the next level too (the NBS list repeats 东莞 441900 as its own
/// county). ``build()`` collects every problem before throwing.
public struct RegistryBuilder {
    /// The NBS edition year of the registry being built.
    public let edition: Int
    private var pending: [Pending] = []
    private var names: [UInt8] = []
    private var files: [String] = []
    private var problems: [RegistryProblem] = []

    private struct Pending {
        var code: Int64
        var parent: Int64
        var nameStart: Int32
        var nameEnd: Int32
        var urban: UrbanRuralClass?
        var file: Int32
        var line: Int32
    }

    /// Starts an empty builder for one edition.
    public init(edition: Int) { self.edition = edition }

    /// Adds one row; a malformed field is recorded as a problem with its file and line.
    public mutating func add(code codeText: String, name: String, parentCode: String, urbanRuralClass: String, file: String, line: Int) {
        if files.last != file { files.append(file) }
        let location = SourceLocation(file: file, line: line)
        let code: RegionCode
        do { code = try RegionCode(codeText) } catch {
            problems.append(RegistryProblem(location: location, rule: .malformedCode, code: codeText, message: error.description))
            return
        }
        var parent = RegionCode.national
        if !parentCode.isEmpty {
            do { parent = try RegionCode(parentCode) } catch {
                problems.append(
                    RegistryProblem(
                        location: location, rule: .malformedParent, code: codeText,
                        message: "parent of \(code): \(error.description)"))
                return
            }
        }
        if name.isEmpty {
            problems.append(RegistryProblem(location: location, rule: .emptyName, code: codeText, message: "unit \(code) has no name"))
        }
        var urban: UrbanRuralClass?
        if !urbanRuralClass.isEmpty {
            urban = UrbanRuralClass(rawValue: urbanRuralClass)
            if urban == nil {
                problems.append(
                    RegistryProblem(
                        location: location, rule: .unknownUrbanRuralClass, code: codeText,
                        message: "unit \(code) has urban–rural class '\(urbanRuralClass)'; expected one of "
                            + UrbanRuralClass.allCases.map(\.rawValue).joined(separator: ", ")))
            }
        }
        let start = Int32(names.count)
        names.append(contentsOf: name.utf8)
        pending.append(
            Pending(
                code: code.rawValue, parent: parent.rawValue, nameStart: start, nameEnd: Int32(names.count),
                urban: urban, file: Int32(files.count - 1), line: Int32(clamping: line)))
    }

    /// Records a problem found while reading a row (a wrong field count, say).
    public mutating func add(problem: RegistryProblem) { problems.append(problem) }

    private func name(_ row: Pending) -> String { String(decoding: names[Int(row.nameStart)..<Int(row.nameEnd)], as: UTF8.self) }
    private func location(_ row: Pending) -> SourceLocation { SourceLocation(file: files[Int(row.file)], line: Int(row.line)) }
    private func code(_ value: Int64) -> RegionCode { RegionCode(uncheckedRawValue: value) }

    /// Checks the tree and returns the registry, or throws with every problem found.
    public func build() throws(RegistryLoadError) -> RegionRegistry {
        var problems = self.problems
        let (definitions, selfParented) = definitionsInCodeOrder(&problems)
        let codes = definitions.map(\.code)
        // A self-parented row marks a unit that also stands for the level below (东莞 441900).
        var spanning = [Bool](repeating: false, count: definitions.count)
        for row in selfParented {
            if let found = codes.sortedIndex(of: row.code), code(row.code).level < .village {
                spanning[found] = true
            } else {
                problems.append(problem(row, .cycle, "unit \(code(row.code)) names itself as its parent"))
            }
        }
        var parents = [Int32](repeating: -1, count: definitions.count)
        var known = [Bool](repeating: true, count: definitions.count)
        for (position, row) in definitions.enumerated() where row.parent != 0 {
            if let parent = codes.sortedIndex(of: row.parent) {
                parents[position] = Int32(parent)
            } else {
                known[position] = false
                problems.append(
                    problem(row, .unknownParent, "unit \(code(row.code)) '\(name(row))' names parent \(code(row.parent)), which is not in the list"))
            }
        }
        let inCycle = cycleMembers(definitions, parents: parents, &problems)
        func lowest(_ position: Int) -> RegionLevel {
            let level = code(definitions[position].code).level
            return spanning[position] ? level.child! : level
        }
        for (position, row) in definitions.enumerated() where !inCycle[position] && known[position] {
            let parentIndex = Int(parents[position])
            if let message = parentLevelProblem(row, parentLowest: parentIndex < 0 ? nil : lowest(parentIndex)) {
                problems.append(message)
            }
        }
        guard problems.isEmpty else {
            throw RegistryLoadError(
                problems: problems.sorted {
                    ($0.location.file, $0.location.line ?? 0) < ($1.location.file, $1.location.line ?? 0)
                })
        }
        return RegionRegistry(edition: edition, table: unitTable(definitions, parents: parents, spanning: spanning, lowest: lowest))
    }

    private func problem(_ row: Pending, _ rule: RegistryRule, _ message: String) -> RegistryProblem {
        RegistryProblem(location: location(row), rule: rule, code: code(row.code).description, message: message)
    }

    /// The units in code order (file order among equal codes), each defined once; the self-parented
    /// rows, which mark spans, apart.
    private func definitionsInCodeOrder(_ problems: inout [RegistryProblem]) -> (definitions: [Pending], selfParented: [Pending]) {
        let order = pending.indices.sorted { (pending[$0].code, $0) < (pending[$1].code, $1) }
        var definitions: [Pending] = []
        var selfParented: [Pending] = []
        for index in order {
            let row = pending[index]
            if row.parent == row.code {
                selfParented.append(row)
            } else if let last = definitions.last, last.code == row.code {
                problems.append(
                    problem(row, .duplicateCode, "unit \(code(row.code)) '\(name(row))' is already defined at \(location(last)) as '\(name(last))'"))
            } else {
                definitions.append(row)
            }
        }
        return (definitions, selfParented)
    }

    /// Which units lie on a cycle of parent links: a walk up from every unit that meets itself is a
    /// cycle, reported once, from its smallest code.
    private func cycleMembers(_ definitions: [Pending], parents: [Int32], _ problems: inout [RegistryProblem]) -> [Bool] {
        var state = [UInt8](repeating: 0, count: definitions.count)  // 0 unvisited, 1 on the path, 2 done, 3 in a cycle
        for start in definitions.indices where state[start] == 0 {
            var path: [Int] = []
            var current = start
            while current >= 0, state[current] == 0 {
                state[current] = 1
                path.append(current)
                current = Int(parents[current])
            }
            if current >= 0, state[current] == 1 {
                let loop = Array(path[path.firstIndex(of: current)!...])
                for member in loop { state[member] = 3 }
                let first = loop.min { definitions[$0].code < definitions[$1].code }!
                let rotated = Array(loop[loop.firstIndex(of: first)!...] + loop[..<loop.firstIndex(of: first)!])
                problems.append(
                    problem(
                        definitions[first], .cycle,
                        "parent links form a cycle: "
                            + (rotated + [first]).map { code(definitions[$0].code).description }.joined(separator: " → ")))
            }
            for member in path where state[member] == 1 { state[member] = 2 }
        }
        return state.map { $0 == 3 }
    }

    /// A unit's parent must stand for the level just above it (a spanning parent for two levels), and
    /// its code must begin with the parent's digits. `parentLowest` is the lowest level the parent
    /// stands for (`nil`: the nation).
    private func parentLevelProblem(_ row: Pending, parentLowest: RegionLevel?) -> RegistryProblem? {
        let child = code(row.code), parent = code(row.parent)
        let expected = child.level.parent!
        let standsFor = parentLowest.map { parent.level...$0 } ?? RegionLevel.national...RegionLevel.national
        if !standsFor.contains(expected) {
            return problem(
                row, .wrongParentLevel,
                "\(child.level) \(child) '\(name(row))' has parent \(parent) at \(parent.level) level; expected a parent at \(expected) level")
        }
        if !child.isWithin(parent) {
            return problem(row, .parentNotPrefix, "unit \(child) '\(name(row))' does not begin with the digits of its parent \(parent)")
        }
        return nil
    }

    /// The registry's columnar table: codes, parent indices, names packed into one byte array.
    private func unitTable(_ definitions: [Pending], parents: [Int32], spanning: [Bool], lowest: (Int) -> RegionLevel) -> UnitTable {
        var nameBytes: [UInt8] = []
        nameBytes.reserveCapacity(names.count)
        var nameEnds: [UInt32] = []
        nameEnds.reserveCapacity(definitions.count)
        for row in definitions {
            nameBytes.append(contentsOf: names[Int(row.nameStart)..<Int(row.nameEnd)])
            nameEnds.append(UInt32(nameBytes.count))
        }
        return UnitTable(
            codes: definitions.map(\.code), parents: parents,
            lowest: definitions.indices.map { UInt8(lowest($0).rawValue) },
            kinds: definitions.indices.map { RegionKind.classify(code(definitions[$0].code), spansLowerLevel: spanning[$0]) },
            urban: definitions.map(\.urban), names: nameBytes, nameEnds: nameEnds)
    }
}
