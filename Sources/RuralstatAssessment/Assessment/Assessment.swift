import Foundation
import RuralstatModel

/// The yearly assessment (Art. 19, Art. 23): for each level the spec names, the composite index of
/// its regions from their rollups, ranked overall and within classes, with rank intervals and
/// progress. Pure: it reads the rollups and findings it is given and writes nothing.
public struct Assessment: Sendable {
    /// The spec.
    public var spec: AssessmentSpec
    /// The catalog (directions, targets, ranges).
    public var catalog: IndicatorCatalog
    /// The registry, for names (optional).
    public var registry: RegionRegistry?

    /// An assessment by this spec.
    public init(spec: AssessmentSpec, catalog: IndicatorCatalog, registry: RegionRegistry?) {
        self.spec = spec
        self.catalog = catalog
        self.registry = registry
    }

    /// The year assessed: the spec's, or the latest in which the level has values for at least the
    /// screening share of the framework's indicators that it ever has (an early, lone rollup of a
    /// new year does not make that year the one assessed).
    public func year(in rollups: [Rollup], level: RegionLevel) -> Int? {
        if let year = spec.year { return year }
        let codes = Set(spec.framework.indicators)
        var byYear: [Int: Set<String>] = [:]
        for rollup in rollups
        where rollup.level == level && codes.contains(rollup.indicator) && rollup.period.frequency == .annual && rollup.value.isFinite
            && rollup.publication != .withheld
        {
            byYear[rollup.period.year, default: []].insert(rollup.indicator)
        }
        let most = byYear.values.map(\.count).max() ?? 0
        let needed = max(1, Int((spec.index.minimumCoverage * Double(most)).rounded(.up)))
        return byYear.filter { $0.value.count >= needed }.keys.max()
    }

    /// Assesses one level. `errorKeys` are the (region, indicator, period) of error-level findings.
    public func assess(level: RegionLevel, rollups: [Rollup], errorKeys: Set<String>, workers: Int? = nil) throws(AssessmentError) -> LevelAssessment {
        guard let year = year(in: rollups, level: level) else {
            throw AssessmentError("no annual rollups of the framework's indicators at \(level) level to assess")
        }
        let atLevel = rollups.filter { $0.level == level && $0.period.frequency == .annual }
        let years = Set(atLevel.map(\.period.year))
        guard years.contains(year) else { throw AssessmentError("no rollups at \(level) level for \(year)") }
        let previous = years.filter { $0 < year }.max()
        let baseline = spec.baselineYear ?? years.min()
        // The framework as this level can fill it: an indicator without a usable value (none at all, or
        // none left by the data rules) is dropped and said, and so is a dimension left empty.
        let (full, marked, _) = self.matrix(spec.framework, rollups: atLevel, years: [year], errorKeys: errorKeys)
        let present = Set(full.columns.filter { $0.values.contains { !$0.isNaN } }.map(\.code))
        let dropped = spec.framework.indicators.filter { !present.contains($0) }
        var framework = spec.framework
        framework.dimensions = framework.dimensions.compactMap { dimension in
            var kept = dimension
            kept.indicators = dimension.indicators.filter(present.contains)
            return kept.indicators.isEmpty ? nil : kept
        }
        guard !framework.dimensions.isEmpty else { throw AssessmentError("no indicator of the framework has values at \(level) level in \(year)") }
        var index = spec.index
        index.framework = framework
        let matrix = IndicatorMatrix(units: full.units, columns: full.columns.filter { present.contains($0.code) })
        let result = try index.build(matrix)
        let classes = try RegionClasses.classes(of: result.units, from: spec.classes)
        var classSizes: [String: Int] = [:]
        for name in classes.compactMap({ $0 }) { classSizes[name, default: 0] += 1 }
        var uncertainty: UncertaintyAnalysis.Result?
        if var analysis = spec.uncertainty {
            if let workers { analysis.workers = workers }
            uncertainty = try analysis.run(index, on: matrix)
        }
        let progress = try self.progress(index, rollups: atLevel, units: result.units, year: year, previous: previous, baseline: baseline, errorKeys: errorKeys)
        return LevelAssessment(
            level: level, year: year, framework: framework, dropped: dropped, result: result,
            names: result.units.map { registry?.unit($0)?.name ?? "" }, classes: classes,
            classRanks: Ranking.minRanks(result.index, classes: classes), classSizes: classSizes,
            marked: result.rows.map { marked[$0] }, progress: progress, uncertainty: uncertainty)
    }

    /// The key of an error-level finding, as ``assess(level:rollups:errorKeys:workers:)`` takes it.
    public static func key(region: RegionCode, indicator: String, period: Period) -> String { "\(region.rawValue)|\(indicator)|\(period)" }

    /// The matrix of region-years (one row per region and year), how many values each row had
    /// marked, and each row's year.
    func matrix(_ framework: AssessmentFramework, rollups: [Rollup], years: [Int], errorKeys: Set<String>) -> (IndicatorMatrix, [Int], [Int]) {
        let wanted = Set(years)
        var cells: [String: Rollup] = [:]
        var rows: Set<String> = []
        for rollup in rollups where wanted.contains(rollup.period.year) {
            cells["\(rollup.region.rawValue)|\(rollup.period.year)|\(rollup.indicator)"] = rollup
            rows.insert("\(rollup.region.rawValue)|\(rollup.period.year)")
        }
        // Rows in year order, then region order (the assessed year's regions first when it is first).
        let ordered = rows.map { row -> (RegionCode, Int) in
            let parts = row.split(separator: "|")
            return (RegionCode(uncheckedRawValue: Int64(parts[0])!), Int(parts[1])!)
        }.sorted { (years.firstIndex(of: $0.1)!, $0.0) < (years.firstIndex(of: $1.1)!, $1.0) }
        var marked = [Int](repeating: 0, count: ordered.count)
        let columns = framework.indicators.map { code -> IndicatorMatrix.Column in
            let definition = catalog.definitions(of: code).last
            let values = ordered.enumerated().map { row, unit -> Double in
                guard let rollup = cells["\(unit.0.rawValue)|\(unit.1)|\(code)"], rollup.value.isFinite, rollup.publication != .withheld else { return .nan }
                var use = AssessmentSpec.DataUse.use
                if rollup.publication == .partial { use = spec.partial }
                if errorKeys.contains(Self.key(region: rollup.region, indicator: code, period: rollup.period)), spec.errorFindings != .use {
                    use = use == .missing ? .missing : spec.errorFindings
                }
                switch use {
                case .use: return rollup.value
                case .mark:
                    marked[row] += 1
                    return rollup.value
                case .missing: return .nan
                }
            }
            return IndicatorMatrix.Column(
                code: code, direction: definition?.direction ?? .higher, target: definition?.target(inForce: years[0])?.target,
                goalposts: spec.goalposts[code] ?? definition?.validRange, values: values)
        }
        return (IndicatorMatrix(units: ordered.map(\.0), columns: columns), marked, ordered.map(\.1))
    }

    /// Changes of score and rank since the previous year and the baseline, on one index built over
    /// the region-years of the years compared.
    func progress(
        _ index: CompositeIndex, rollups: [Rollup], units: [RegionCode], year: Int, previous: Int?, baseline: Int?, errorKeys: Set<String>
    ) throws(AssessmentError) -> [AssessmentProgress] {
        let others = [previous, baseline].compactMap { $0 }.filter { $0 != year }
        var progress = units.map { _ in AssessmentProgress(previousYear: previous, baselineYear: baseline) }
        guard !others.isEmpty else { return progress }
        let years = [year] + Array(Set(others)).sorted(by: >)
        let (panel, _, panelYears) = matrix(index.framework, rollups: rollups, years: years, errorKeys: errorKeys)
        let built = try index.build(panel)
        // The panel's rows are (region, year): its units repeat codes, so rows are told apart by position.
        let kept = built.units, rowYears = built.rows.map { panelYears[$0] }
        func scoresAndRanks(_ y: Int) -> [RegionCode: (Double, Int)] {
            let rows = kept.indices.filter { rowYears[$0] == y }
            let ranks = Ranking.minRanks(rows.map { built.index[$0] })
            return Dictionary(uniqueKeysWithValues: zip(rows, ranks).map { (kept[$0.0], (built.index[$0.0], $0.1)) })
        }
        let now = scoresAndRanks(year)
        let then = previous.map(scoresAndRanks), start = baseline.map(scoresAndRanks)
        for (position, unit) in units.enumerated() {
            guard let current = now[unit] else { continue }
            if let old = then?[unit] {
                progress[position].scoreChange = current.0 - old.0
                progress[position].rankChange = old.1 - current.1
            }
            if let old = start?[unit], baseline != year {
                progress[position].scoreChangeSinceBaseline = current.0 - old.0
                progress[position].rankChangeSinceBaseline = old.1 - current.1
            }
        }
        return progress
    }
}
