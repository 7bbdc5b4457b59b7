/// The statistical division tree of one NBS edition, with explicit parent links.
///
/// Built by ``RegistryBuilder`` (or ``init(edition:rows:)``), which checks the tree and reports every
/// problem at once. Parent links come from the list, not from the digits, so the irregular real
/// tree works: municipality placeholders, province-direct county groups, prefecture cities without
/// a county level, virtual units.
///
/// Stored as columns sorted by code (about 40 bytes a unit, so the 620k villages of a national
/// edition fit in some 25 MB); a ``RegionUnit`` is made when asked for.
public struct RegionRegistry: Sendable {
    /// The NBS edition year (the 2023 edition covers divisions as of 2023-06-30).
    public let edition: Int
    let table: UnitTable

    /// The number of units (the nation is not one).
    public var count: Int { table.codes.count }

    /// Every unit, in code order.
    public var allUnits: [RegionUnit] { (0..<count).map(table.unit) }

    /// The unit with this code, or `nil` when the edition does not hold it (as for the nation, which is no unit).
    public func unit(_ code: RegionCode) -> RegionUnit? { table.index(of: code.rawValue).map(table.unit) }
    /// The name of the unit `code`, if the edition holds it (what an explanation needs, without the rest of the unit).
    public func name(of code: RegionCode) -> String? { table.index(of: code.rawValue).map(table.name) }
    /// Appends the name of the unit `code` as UTF-8 to `bytes`, preceded by `separator`, when the
    /// edition holds it (an explanation written as bytes, without a string for the name).
    public func appendName(of code: RegionCode, after separator: UInt8, to bytes: inout [UInt8]) {
        guard let index = table.index(of: code.rawValue) else { return }
        bytes.append(separator)
        bytes.append(contentsOf: table.nameBytes(index))
    }
    /// Whether the edition holds `code`; the nation always counts as held.
    public func contains(_ code: RegionCode) -> Bool { code == .national || table.index(of: code.rawValue) != nil }

    /// The direct children of a unit (or of the nation), in code order.
    public func children(of code: RegionCode) -> [RegionCode] {
        table.childIndices(of: code == .national ? -1 : table.index(of: code.rawValue) ?? -2)
            .map { RegionCode(uncheckedRawValue: table.codes[Int($0)]) }
    }

    /// The ancestor of `code` that stands for `level`, following explicit parent links.
    ///
    /// Returns `RegionCode.national` for `.national`, `code` itself when it stands for `level`,
    /// and `nil` when the code is unknown or the branch has no unit at that level.
    public func ancestor(of code: RegionCode, at level: RegionLevel) -> RegionCode? {
        if level == .national { return .national }
        guard var index = table.index(of: code.rawValue) else { return nil }
        while true {
            let unitLevel = RegionCode(uncheckedRawValue: table.codes[index]).level
            if level >= unitLevel, level.rawValue <= Int(table.lowest[index]) {
                return RegionCode(uncheckedRawValue: table.codes[index])
            }
            if unitLevel < level { return nil }
            let parent = Int(table.parents[index])
            if parent < 0 { return nil }
            index = parent
        }
    }

    /// Whether `code` lies in the subtree of `root` by explicit links (a unit is in its own subtree).
    public func isWithin(_ code: RegionCode, _ root: RegionCode) -> Bool {
        if root == .national { return contains(code) }
        guard contains(root) else { return false }
        return ancestor(of: code, at: root.level) == root
    }

    /// The units that stand for `level` in the subtree of `root`, in code order. Placeholders do not
    /// count as units of their own level.
    public func units(at level: RegionLevel, under root: RegionCode = .national) -> [RegionCode] {
        var result: [RegionCode] = []
        var stack: [Int] = [root == .national ? -1 : table.index(of: root.rawValue) ?? -2]
        while let current = stack.popLast() {
            if current == -2 { continue }
            if current >= 0 {
                let unit = table.unit(current)
                if unit.stands(for: level) {
                    if !unit.kind.isPlaceholder { result.append(unit.code) }
                    if unit.lowestLevel >= level { continue }
                }
            }
            stack.append(contentsOf: table.childIndices(of: current).map(Int.init))
        }
        return result.sorted()
    }

    /// Checks that this edition may be used for a reporting year: the edition in force for a year
    /// is the newest edition published no later than that year.
    public func checkInForce(reportingYear: Int) throws(RegistryEditionError) {
        guard reportingYear >= edition else {
            throw RegistryEditionError(reportingYear: reportingYear, editions: [edition])
        }
    }
}

/// The registry's columns, sorted by code.
final class UnitTable: Sendable {
    let codes: [Int64]
    /// Index of the parent, or -1 for a province (whose parent is the nation).
    let parents: [Int32]
    /// The lowest level each unit stands for (`RegionLevel.rawValue`).
    let lowest: [UInt8]
    let kinds: [RegionKind]
    let urban: [UrbanRuralClass?]
    let names: [UInt8]
    let nameEnds: [UInt32]
    /// Children of unit i are `children[childStarts[i] ..< childStarts[i + 1]]`; the nation's are `roots`.
    let childStarts: [Int32]
    let children: [Int32]
    let roots: [Int32]
    /// The codes' six-digit prefixes (a county with its townships and villages, or a prefecture's or
    /// province's own code), ascending, and where each one's codes begin (one more at the end): a
    /// lookup searches the few hundred codes of one prefix, in a page or two, rather than the
    /// whole table (550,000 codes for the country), whose search misses the cache at every step.
    let prefixes: [Int64]
    let prefixStarts: [Int]

    init(codes: [Int64], parents: [Int32], lowest: [UInt8], kinds: [RegionKind], urban: [UrbanRuralClass?], names: [UInt8], nameEnds: [UInt32]) {
        self.codes = codes
        self.parents = parents
        self.lowest = lowest
        self.kinds = kinds
        self.urban = urban
        self.names = names
        self.nameEnds = nameEnds
        var counts = [Int32](repeating: 0, count: codes.count + 1)
        for parent in parents where parent >= 0 { counts[Int(parent) + 1] += 1 }
        for index in 1..<counts.count { counts[index] += counts[index - 1] }
        var fill = counts
        var children = [Int32](repeating: 0, count: codes.count)
        var roots: [Int32] = []
        for (index, parent) in parents.enumerated() {
            if parent < 0 {
                roots.append(Int32(index))
            } else {
                children[Int(fill[Int(parent)])] = Int32(index)
                fill[Int(parent)] += 1
            }
        }
        self.childStarts = counts
        self.children = children
        self.roots = roots
        var prefixes: [Int64] = [], prefixStarts: [Int] = []
        for (index, code) in codes.enumerated() where prefixes.last != code / Self.prefixDivisor {
            prefixes.append(code / Self.prefixDivisor)
            prefixStarts.append(index)
        }
        prefixStarts.append(codes.count)
        self.prefixes = prefixes
        self.prefixStarts = prefixStarts
    }

    private static let prefixDivisor: Int64 = 1_000_000

    func index(of code: Int64) -> Int? {
        guard let prefix = prefixes.sortedIndex(of: code / Self.prefixDivisor) else { return nil }
        return codes.sortedIndex(of: code, in: prefixStarts[prefix]..<prefixStarts[prefix + 1])
    }

    /// Indices of the children of unit `index` (-1: the nation), in code order.
    func childIndices(of index: Int) -> ArraySlice<Int32> {
        if index == -1 { return roots[...] }
        guard index >= 0 else { return [] }
        return children[Int(childStarts[index])..<Int(childStarts[index + 1])]
    }

    func name(_ index: Int) -> String { String(decoding: nameBytes(index), as: UTF8.self) }

    func nameBytes(_ index: Int) -> ArraySlice<UInt8> { names[(index == 0 ? 0 : Int(nameEnds[index - 1]))..<Int(nameEnds[index])] }

    func unit(_ index: Int) -> RegionUnit {
        let parent = parents[index]
        return RegionUnit(
            code: RegionCode(uncheckedRawValue: codes[index]), name: name(index),
            parent: parent < 0 ? .national : RegionCode(uncheckedRawValue: codes[Int(parent)]),
            lowestLevel: RegionLevel(rawValue: Int(lowest[index]))!, kind: kinds[index], urbanRuralClass: urban[index])
    }
}

/// Several registry editions side by side; a reporting year is checked against the edition in force.
public struct RegistryEditions: Sendable {
    /// The editions, oldest first.
    public let editions: [RegionRegistry]

    /// Holds the editions given, sorted by edition year.
    public init(_ editions: [RegionRegistry]) { self.editions = editions.sorted { $0.edition < $1.edition } }

    /// The newest edition published no later than `year`.
    public func inForce(for year: Int) throws(RegistryEditionError) -> RegionRegistry {
        guard let registry = editions.last(where: { $0.edition <= year }) else {
            throw RegistryEditionError(reportingYear: year, editions: editions.map(\.edition))
        }
        return registry
    }
}

/// A reporting year for which no loaded registry edition is in force.
public struct RegistryEditionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The reporting year asked for.
    public let reportingYear: Int
    /// The edition years that were loaded.
    public let editions: [Int]
    /// Names the reporting year and the loaded editions.
    public var description: String {
        "no division registry edition is in force for reporting year \(reportingYear) "
            + "(loaded editions: \(editions.map(String.init).joined(separator: ", ")))"
    }
}

extension Array where Element == Int64 {
    /// The position of `value` in this sorted array, or in its sorted `range` (binary search), or `nil`.
    func sortedIndex(of value: Int64, in range: Range<Int>? = nil) -> Int? {
        let range = range ?? indices
        var low = range.lowerBound, high = range.upperBound
        while low < high {
            let middle = (low + high) / 2
            if self[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low < range.upperBound && self[low] == value ? low : nil
    }
}
