import RuralstatModel

/// How many units of a base level the registry has under every region, so a rollup can say what
/// share of its units reported. Placeholders are not units; a unit that spans levels counts once.
public struct ExpectedUnits: Sendable {
    /// The level whose units are counted: an indicator's deepest reported level, such as village.
    public let baseLevel: RegionLevel
    private let counts: [Int: [Int64: Int]]  // level.rawValue → region → units
    /// Every base-level unit in the registry: the count under the nation.
    public let national: Int

    /// Counts the registry's units at `baseLevel` under every region of the levels above it.
    public init(registry: RegionRegistry, baseLevel: RegionLevel) {
        self.baseLevel = baseLevel
        // Sorted codes put each region's units in one run: one count per region and level, not one
        // dictionary update per unit and level.
        let units = registry.units(at: baseLevel).map(\.rawValue).sorted()
        var counts: [Int: [Int64: Int]] = [:]
        for level in RegionLevel.allCases where level > .national && level < baseLevel {
            var regions: [Int64: Int] = [:]
            Hierarchy.forEachRun(units, level: level) { run, region in regions[region] = run.count }
            counts[level.rawValue] = regions
        }
        self.counts = counts
        self.national = units.count
    }

    /// The base-level units under `region` at `level`.
    public func count(_ level: RegionLevel, _ region: Int64) -> Int {
        level == .national ? national : counts[level.rawValue]?[region] ?? 0
    }
}
