/// The statistical division tree of one NBS edition, with explicit parent links.
///
/// Built from a division list (``RegionRow``s) by ``init(edition:rows:)``, which checks the tree and
/// reports every problem at once. Parent links come from the list, not from the digits, so the
/// irregular real tree works: municipality placeholders, province-direct county groups, prefecture
/// cities without a county level, virtual units.
public struct RegionRegistry: Sendable {
    /// The NBS edition year (the 2023 edition covers divisions as of 2023-06-30).
    public let edition: Int
    private let units: [RegionCode: RegionUnit]
    private let childrenByParent: [RegionCode: [RegionCode]]

    /// Every unit, in code order.
    public var allUnits: [RegionUnit] { units.values.sorted { $0.code < $1.code } }
    public var count: Int { units.count }

    public func unit(_ code: RegionCode) -> RegionUnit? { units[code] }
    public func contains(_ code: RegionCode) -> Bool { code == .national || units[code] != nil }

    /// The direct children of a unit (or of the nation), in code order.
    public func children(of code: RegionCode) -> [RegionCode] { childrenByParent[code] ?? [] }

    /// The ancestor of `code` that stands for `level`, following explicit parent links.
    ///
    /// Returns `RegionCode.national` for `.national`, `code` itself when it stands for `level`,
    /// and `nil` when the code is unknown or the branch has no unit at that level.
    public func ancestor(of code: RegionCode, at level: RegionLevel) -> RegionCode? {
        if level == .national { return .national }
        var current = code
        while let unit = units[current] {
            if unit.stands(for: level) { return current }
            if unit.level < level { return nil }
            current = unit.parent
        }
        return nil
    }

    /// Whether `code` lies in the subtree of `root` by explicit links (a unit is in its own subtree).
    public func isWithin(_ code: RegionCode, _ root: RegionCode) -> Bool {
        if root == .national { return contains(code) }
        guard let rootUnit = units[root] else { return false }
        return ancestor(of: code, at: rootUnit.level) == root
    }

    /// The units that stand for `level` in the subtree of `root`, in code order. Placeholders do not
    /// count as units of their own level.
    public func units(at level: RegionLevel, under root: RegionCode = .national) -> [RegionCode] {
        var result: [RegionCode] = []
        var stack = [root]
        while let current = stack.popLast() {
            if current != .national, let unit = units[current], unit.stands(for: level) {
                if !unit.kind.isPlaceholder { result.append(current) }
                if unit.lowestLevel >= level { continue }
            }
            stack.append(contentsOf: children(of: current))
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

    init(edition: Int, units: [RegionCode: RegionUnit]) {
        self.edition = edition
        self.units = units
        var children: [RegionCode: [RegionCode]] = [:]
        for unit in units.values { children[unit.parent, default: []].append(unit.code) }
        for key in children.keys { children[key]!.sort() }
        self.childrenByParent = children
    }
}

/// Several registry editions side by side; a reporting year is checked against the edition in force.
public struct RegistryEditions: Sendable {
    public let editions: [RegionRegistry]

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
    public let reportingYear: Int
    public let editions: [Int]
    public var description: String {
        "no division registry edition is in force for reporting year \(reportingYear) "
            + "(loaded editions: \(editions.map(String.init).joined(separator: ", ")))"
    }
}
