import Foundation
import RuralstatAggregate
import RuralstatModel

/// A unit whose figure has not moved in `minimumPeriods` or more consecutive periods: real
/// amounts (grain output, income) change from year to year; a copied-forward figure does not.
/// Counts are left out: a village's 184 households may well be 184 three years running.
///
/// How likely a figure is to stay put by chance is read from its peers. A village's figure moves
/// mostly with its township's (the weather, prices), and around that by its own part: in each
/// period the relative change of a unit is taken as normal around its siblings' median change c
/// (the other children of its parent, when at least 5 have both figures), with spread σ = 1.4826 ·
/// the median absolute departure of the province's units from their siblings' medians. A figure v
/// published to a resolution r (the finest the indicator's figures show, 0.1 t say, or the unit's
/// own reporting step when it reports in tens) stays the same with P = Φ((h − c)/σ) − Φ((−h − c)/σ),
/// h = r / 2|v|: likely in a township that hardly moved, unlikely in one that moved by 15 %.
/// Without enough siblings (or where σ is 0, most units moving exactly with their siblings), c = 0
/// and σ comes from the province's median change m (σ = 1.4826 · m). A run of L equal periods
/// among T has p = (T − L + 1) · ∏ P over its L − 1 steps (a union over where it may start). Every unit's series of every amount in the country is one test: the p-values are
/// adjusted together (Benjamini–Hochberg) and a run is flagged where q ≤ `falseDiscoveryRate`, so
/// that about that share of the flags, at most, are honest figures that stayed put. A fixed fact
/// (a distance) never moves and is never flagged.
public struct ConstantSeriesCheck: QualityCheck {
    /// The shortest run of equal consecutive periods that can be flagged (3 by default); a province needs as many periods.
    public var minimumPeriods: Int
    /// The expected share of honest figures among the runs flagged (0.05).
    public var falseDiscoveryRate: Double

    /// `constant_series`, tallied per unit and indicator; a unit with fewer reported periods than `minimumPeriods` is not applicable.
    public var ruleID: String { BuiltInRule.constantSeries }

    /// Creates the check with these parameters; see each property.
    public init(minimumPeriods: Int = 3, falseDiscoveryRate: Double = 0.05) {
        precondition(minimumPeriods >= 2, "a run needs at least two periods")
        self.minimumPeriods = minimumPeriods
        self.falseDiscoveryRate = falseDiscoveryRate
    }

    /// A run that may be flagged (its p is at most the false-discovery rate), with what explains it.
    struct Run: Sendable {
        var region: Int64
        var indicator: String
        var definition: Indicator
        var value: Double
        var length: Int
        var first: Period
        var last: Period
        /// The province's median relative change a period, the spread around the siblings' medians,
        /// and the siblings' median change in each step of the run (nil: compared with the province
        /// instead, for too few siblings or no spread).
        var change: Double
        var spread: Double
        var peerChanges: [Double?]
        var resolution: Double
        var p: Double
    }

    /// One pass's runs, how many series it tested, and the series that passed or had too few periods.
    struct Evidence: Sendable {
        var runs: [Run] = []
        var tested = 0
        var tally: TallyCounter
    }

    /// Findings for each unit's longest constant run of an amount, province by province over the
    /// table's periods; the false-discovery rate holds over the whole country (province passes
    /// gather their runs, and the nation's pass judges them all).
    public func run(_ input: QualityInput) -> QualityResults {
        let evidence = self.evidence(input)
        switch input.scope {
        case .whole:
            return conclude([evidence], input: input)
        case .province(let nationwide):
            nationwide.add(evidence, rule: ruleID)
            return QualityResults()
        case .nation(let nationwide, _):
            return conclude(nationwide.all(ruleID, as: Evidence.self) + [evidence], input: input)
        }
    }

    /// Every unit's series of every amount, province by province, in period order: its longest
    /// constant run and how likely that is by chance.
    func evidence(_ input: QualityInput) -> Evidence {
        let table = input.table
        var evidence = Evidence(tally: TallyCounter(ruleID))
        // Partitions of one province, in period order.
        let provinces = Dictionary(grouping: table.partitions.indices) { table.partitions[$0].province }
        for province in provinces.keys.sorted() {
            let partitions = provinces[province]!.sorted { table.partitions[$0].period < table.partitions[$1].period }
            guard partitions.count >= minimumPeriods else { continue }
            let reportingStep = Self.reportingSteps(table, partitions: partitions, catalog: input.catalog)
            let periods = partitions.map { table.periods[table.partitions[$0].period] }
            for (index, code) in table.indicators.enumerated() {
                guard let definition = input.catalog.definition(code, year: periods.last!.year), definition.kind == .amount else { continue }
                // Each unit's values over the periods (NaN where it did not report).
                var series: [Int64: [Double]] = [:]
                for (position, partition) in partitions.enumerated() {
                    let column = table.partitions[partition].columns[index]
                    for row in 0..<column.count {
                        series[column.regions[row], default: [Double](repeating: .nan, count: partitions.count)][position] = column.values[row]
                    }
                }
                let (change, resolution) = Self.typicalChange(series.values)
                let peers = PeerChanges(series, periods: partitions.count, marginal: change)
                for (region, values) in series.sorted(by: { $0.key < $1.key }) {
                    guard values.filter({ !$0.isNaN }).count >= minimumPeriods else {
                        evidence.tally.notApplicable(region)
                        continue
                    }
                    evidence.tested += 1
                    let run = Self.longestConstantRun(values)
                    guard run.length >= minimumPeriods else {
                        evidence.tally.pass(region)
                        continue
                    }
                    // A unit that reports in tens or hundreds repeats its figure far more often.
                    let resolution = max(resolution, reportingStep[region] ?? 0)
                    // Each step of the run: the unit's change was 0; what its siblings' said it would be.
                    let expected = (run.start..<(run.start + run.length - 1)).map { peers.expectation(region, step: $0, own: 0) }
                    let stay = expected.map { PeerChanges.chanceOfStaying(center: $0.center, sigma: $0.sigma, value: run.value, resolution: resolution) }
                    let p = min(1, Double(values.count - run.length + 1) * stay.reduce(1, *))
                    // q is never below p: a larger p can never be flagged.
                    guard p <= falseDiscoveryRate else {
                        evidence.tally.pass(region)
                        continue
                    }
                    evidence.runs.append(
                        Run(
                            region: region, indicator: code, definition: definition, value: run.value, length: run.length,
                            first: periods[run.start], last: periods[run.start + run.length - 1], change: change, spread: peers.spread,
                            peerChanges: expected.map { $0.siblings ? $0.center : nil }, resolution: resolution, p: p))
                }
            }
        }
        return evidence
    }

    /// The runs of every pass, adjusted together; flagged where q ≤ the false-discovery rate.
    private func conclude(_ passes: [Evidence], input: QualityInput) -> QualityResults {
        var tally = TallyCounter(ruleID)
        for pass in passes { tally.add(pass.tally) }
        let tested = passes.reduce(0) { $0 + $1.tested }
        let runs = passes.flatMap(\.runs).sorted { ($0.region, $0.indicator) < ($1.region, $1.indicator) }
        let q = Significance.benjaminiHochberg(runs.map(\.p), among: tested)
        var found: [Finding] = []
        for (run, q) in zip(runs, q) {
            guard q <= falseDiscoveryRate else {
                tally.pass(run.region)
                continue
            }
            tally.fail(run.region)
            let code = RegionCode(uncheckedRawValue: run.region)
            // What it is compared with: its siblings' changes, or (too few siblings) the province's typical change.
            let moves = run.peerChanges.map { $0.map { NumberText.format("%+.1f", 100 * $0) + " %" } ?? "?" }.joined(separator: ", ")
            let provinceSpread = NumberText.format("%.1f", 100 * PeerChanges.spread(fromMedian: run.change))
            let comparison =
                run.peerChanges.allSatisfy { $0 == nil }
                ? "while such figures in its province move by \(NumberText.format("%.1f", 100 * run.change)) % a period (compared with its province: too few siblings, or siblings that all move alike; "
                : "while its siblings' figures moved by a median of \(moves) (give or take \(NumberText.format("%.1f", 100 * run.spread)) %"
                    + (run.peerChanges.contains { $0 == nil } ? "; ?: too few siblings, compared with 0 give or take \(provinceSpread) %; " : "; ")
            let explanation =
                "\(FindingText.unit(code, registry: input.registry)): \(FindingText.indicator(run.indicator, run.definition)) "
                + "was \(FindingText.amount(run.value, run.definition)) in each of \(run.length) periods, \(run.first) to \(run.last), "
                + comparison + "given to \(FindingText.number(run.resolution)), so a run as long has p \(NumberText.format("%.2g", run.p)) by chance; "
                + "Benjamini–Hochberg q \(NumberText.format("%.2g", q)) ≤ \(FindingText.number(falseDiscoveryRate)) over \(tested) series)"
            found.append(
                Finding(
                    ruleID: ruleID, method: "unchanged_value", severity: .info, level: code.level, region: code,
                    indicator: run.indicator, period: run.last, observed: run.value, statisticName: "periods", statistic: Double(run.length),
                    parameters: [
                        "minimum_periods": .integer(minimumPeriods), "median_change": .number(run.change), "spread": .number(run.spread),
                        "resolution": .number(run.resolution), "p_value": .number(run.p), "q_value": .number(q), "fdr": .number(falseDiscoveryRate),
                        "tests": .integer(tested),
                    ],
                    explanation: FindingText.tidy(explanation)))
        }
        return QualityResults(findings: found, tallies: tally.rows)
    }

    /// The median relative change between consecutive present values over all series, and the finest
    /// resolution their figures show (10⁻ᵏ for k decimals, up to 6).
    static func typicalChange(_ series: Dictionary<Int64, [Double]>.Values) -> (change: Double, resolution: Double) {
        var changes: [Double] = []
        var decimals = 0
        for values in series {
            for index in values.indices where !values[index].isNaN {
                while decimals < 6 {
                    let scaled = values[index] * pow(10, Double(decimals))
                    if abs(scaled - scaled.rounded()) <= 1e-6 * max(1, abs(scaled)) { break }  // 1.95 · 100 is 194.99999999999997
                    decimals += 1
                }
                if index > 0, let change = PeerChanges.change(values, step: index - 1) { changes.append(abs(change)) }
            }
        }
        guard !changes.isEmpty else { return (0, 1) }
        let change = changes.withUnsafeMutableBufferPointer { OrderStatistics.median($0) }
        return (change, pow(10, -Double(decimals)))
    }

    /// Each unit's reporting step: the coarsest power of ten (10 to 10⁴) that at least 60 % of its
    /// amounts of 100 or more, over every indicator and period, are multiples of — 10 for a unit that
    /// reports in tens (a figure or two may come otherwise: a correction, a figure taken from
    /// elsewhere). Only units with at least 4 such figures have one: a single figure is a multiple
    /// of 10 one time in ten by chance.
    static func reportingSteps(_ table: ObservationTable, partitions: [Int], catalog: IndicatorCatalog) -> [Int64: Double] {
        // Per unit: how many figures of 100 or more, and how many are multiples of 10, 100, 1000, 10⁴.
        var counts: [Int64: SIMD8<Int32>] = [:]
        for partition in partitions {
            let period = table.periods[table.partitions[partition].period]
            for (index, column) in table.partitions[partition].columns.enumerated() where !column.isEmpty {
                guard catalog.definition(table.indicators[index], year: period.year)?.kind == .amount else { continue }
                for row in 0..<column.count {
                    let value = abs(column.values[row])
                    guard value >= 100, value < 1e15 else { continue }
                    var tally = SIMD8<Int32>(1, 0, 0, 0, 0, 0, 0, 0)
                    var step = 10.0
                    for slot in 1...4 where value.truncatingRemainder(dividingBy: step) == 0 {
                        tally[slot] = 1
                        step *= 10
                    }
                    counts[column.regions[row], default: .zero] &+= tally
                }
            }
        }
        return counts.compactMapValues { tally in
            guard tally[0] >= 4 else { return nil }
            let coarsest = (1...4).last { Double(tally[$0]) >= 0.6 * Double(tally[0]) }
            return coarsest.map { pow(10, Double($0)) }
        }
    }

    /// The relative changes of one indicator's units in one province, step by step: each parent's
    /// children's changes, a unit's expected change (the median of its siblings', leaving its own
    /// out), and the spread of the units' changes around those.
    struct PeerChanges {
        /// The fewest siblings (other than the unit) with both figures whose median stands for its expected change.
        static let minimumSiblings = 5
        /// Per parent, per step (from period t to t + 1): its children's relative changes, sorted.
        private var changes: [Int64: [[Double]]] = [:]
        /// 1.4826 · the median |change − siblings' median| over every unit and step; 0 without any
        /// unit with enough siblings, or where most units move exactly with their siblings (then the
        /// province's spread stands in: a spread of 0 would make any other change impossible).
        private(set) var spread = 0.0
        private let marginal: Double

        init(_ series: [Int64: [Double]], periods: Int, marginal: Double) {
            self.marginal = marginal
            for (region, values) in series {
                guard let parent = RegionCode(uncheckedRawValue: region).parentByDigits?.rawValue else { continue }
                for step in 0..<max(0, periods - 1) {
                    guard let change = Self.change(values, step: step) else { continue }
                    changes[parent, default: Array(repeating: [], count: periods - 1)][step].append(change)
                }
            }
            for parent in changes.keys { changes[parent] = changes[parent]!.map { $0.sorted() } }
            var departures: [Double] = []
            for (region, values) in series {
                for step in 0..<max(0, periods - 1) {
                    if let change = Self.change(values, step: step), let center = siblingsMedian(region, step: step, own: change) {
                        departures.append(abs(change - center))
                    }
                }
            }
            if !departures.isEmpty { spread = Self.spread(fromMedian: departures.withUnsafeMutableBufferPointer { OrderStatistics.median($0) }) }
        }

        /// The relative change from period `step` to the next, when both are present and the first is not 0.
        static func change(_ values: [Double], step: Int) -> Double? {
            let (before, after) = (values[step], values[step + 1])
            guard !before.isNaN, !after.isNaN, before != 0 else { return nil }
            return (after - before) / abs(before)
        }

        /// The median change of the unit's siblings in `step`, its own change `own` left out, when
        /// it has at least ``minimumSiblings``.
        func siblingsMedian(_ region: Int64, step: Int, own: Double) -> Double? {
            guard let parent = RegionCode(uncheckedRawValue: region).parentByDigits?.rawValue, let all = changes[parent]?[step],
                let position = Self.position(of: own, in: all), all.count - 1 >= Self.minimumSiblings
            else { return nil }
            // The others are `all` without `position`: their k-th is all[k], or all[k + 1] from `position` on.
            func other(_ k: Int) -> Double { k < position ? all[k] : all[k + 1] }
            let count = all.count - 1
            return count % 2 == 1 ? other(count / 2) : (other(count / 2 - 1) + other(count / 2)) / 2
        }

        /// Where `value` is in the ascending `sorted` (binary search).
        private static func position(of value: Double, in sorted: [Double]) -> Int? {
            var (low, high) = (0, sorted.count)
            while low < high {
                let middle = (low + high) / 2
                if sorted[middle] < value { low = middle + 1 } else { high = middle }
            }
            return low < sorted.count && sorted[low] == value ? low : nil
        }

        /// The expected change of the unit in `step` and its spread: around its siblings' median with
        /// the spread around such medians, or, with too few siblings (or no spread), around 0 with
        /// the province's spread (1.4826 · its median change). `own` is the unit's change in the step.
        func expectation(_ region: Int64, step: Int, own: Double) -> (center: Double, sigma: Double, siblings: Bool) {
            if spread > 0, let center = siblingsMedian(region, step: step, own: own) { return (center, spread, true) }
            return (0, Self.spread(fromMedian: marginal), false)
        }

        /// The standard deviation of a normal change whose absolute values have median `median`
        /// (1.4826 = 1 / Φ⁻¹(0.75), to the four places the check has always used).
        static func spread(fromMedian median: Double) -> Double { 1.4826 * median }

        /// P(a figure `value`, published to `resolution`, is the same after the step): its relative
        /// change is normal around `center` with spread `sigma`: Φ((h − c)/σ) − Φ((−h − c)/σ),
        /// h = resolution / 2|value|. With σ = 0 (a figure that never moves), it stays put for sure.
        static func chanceOfStaying(center: Double, sigma: Double, value: Double, resolution: Double) -> Double {
            let half = resolution / (2 * abs(value))
            guard sigma > 0 else { return abs(center) < half ? 1 : 0 }
            // Symmetric in c: as two upper tails beyond |c|, so that a figure far from its peers'
            // change keeps the digits of its tiny chance.
            let distance = abs(center)
            return max(0, Significance.normalTail((distance - half) / sigma) - Significance.normalTail((distance + half) / sigma))
        }
    }

    /// The longest run of equal, present, non-zero values in consecutive periods.
    static func longestConstantRun(_ values: [Double]) -> (start: Int, length: Int, value: Double) {
        var best = (start: 0, length: 0, value: Double.nan)
        var start = 0
        while start < values.count {
            var end = start + 1
            if !values[start].isNaN && values[start] != 0 {
                while end < values.count, values[end] == values[start] { end += 1 }
                if end - start > best.length { best = (start, end - start, values[start]) }
            }
            start = end
        }
        return best
    }
}
