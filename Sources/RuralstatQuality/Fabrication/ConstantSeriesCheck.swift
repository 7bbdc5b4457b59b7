import Foundation
import RuralstatAggregate
import RuralstatModel

/// A unit whose figure has not moved in `minimumPeriods` or more consecutive periods: real
/// amounts (grain output, income) change from year to year; a copied-forward figure does not.
/// Counts are left out: a village's 184 households may well be 184 three years running.
///
/// How likely a figure is to stay put by chance is read from the data. With m the indicator's
/// median relative change between consecutive periods (over all units), a unit at value v moves by
/// about s = 1.4826 · m · |v| a period; published to a resolution r (the finest the indicator's
/// figures show, 0.1 t say), it stays the same with probability P ≈ r / (s · √(2π)). A run of L equal
/// periods then has probability P^(L−1), and is flagged only when fewer than `expectedByChance`
/// such runs would be expected among the n units (n · P^(L−1) < 0.05). A fixed fact (a distance) has
/// m = 0 and is never flagged; a small figure with few digits needs a longer run.
public struct ConstantSeriesCheck: QualityCheck {
    /// The shortest run of equal consecutive periods that can be flagged (3 by default); a province needs as many periods.
    public var minimumPeriods: Int
    /// A run is flagged when fewer than this many such runs would be expected by chance among the units (0.05).
    public var expectedByChance: Double

    /// `constant_series`, tallied per unit and indicator; a unit with fewer reported periods than `minimumPeriods` is not applicable.
    public var ruleID: String { BuiltInRule.constantSeries }

    /// Creates the check with these parameters; see each property.
    public init(minimumPeriods: Int = 3, expectedByChance: Double = 0.05) {
        self.minimumPeriods = minimumPeriods
        self.expectedByChance = expectedByChance
    }

    /// Findings for each unit's longest constant run of an amount, province by province over the table's periods.
    public func run(_ input: QualityInput) -> QualityResults {
        let table = input.table
        var tally = TallyCounter(ruleID)
        var found: [Finding] = []
        // Partitions of one province, in period order.
        let provinces = Dictionary(grouping: table.partitions.indices) { table.partitions[$0].province }
        for province in provinces.keys.sorted() {
            let partitions = provinces[province]!.sorted { table.partitions[$0].period < table.partitions[$1].period }
            guard partitions.count >= minimumPeriods else { continue }
            let reportingStep = Self.reportingSteps(table, partitions: partitions, catalog: input.catalog)
            for (index, code) in table.indicators.enumerated() {
                let periods = partitions.map { table.periods[table.partitions[$0].period] }
                guard let definition = input.catalog.definition(code, year: periods.last!.year), definition.kind == .amount else { continue }
                // Each unit's values over the periods (NaN where it did not report).
                var series: [Int64: [Double]] = [:]
                for (position, partition) in partitions.enumerated() {
                    let column = table.partitions[partition].columns[index]
                    for row in 0..<column.count {
                        series[column.regions[row], default: [Double](repeating: .nan, count: partitions.count)][position] = column.values[row]
                    }
                }
                let runs = series.mapValues(Self.longestConstantRun)
                let (change, resolution) = Self.typicalChange(series.values)
                for (region, values) in series.sorted(by: { $0.key < $1.key }) {
                    let run = runs[region]!
                    // A unit that reports in tens or hundreds repeats its figure far more often.
                    let resolution = max(resolution, reportingStep[region] ?? 0)
                    let spread = 1.4826 * change * abs(run.value)
                    let perPeriod = spread > 0 ? min(1, resolution / (spread * (2 * Double.pi).squareRoot())) : 1
                    let chance = Double(series.count) * pow(perPeriod, Double(run.length - 1))
                    guard run.length >= minimumPeriods, chance < expectedByChance else {
                        if values.filter({ !$0.isNaN }).count >= minimumPeriods { tally.pass(region) } else { tally.notApplicable(region) }
                        continue
                    }
                    tally.fail(region)
                    let code = RegionCode(uncheckedRawValue: region)
                    let explanation =
                        "\(FindingText.unit(code, registry: input.registry)): \(FindingText.indicator(table.indicators[index], definition)) "
                        + "was \(FindingText.amount(run.value, definition)) in each of \(run.length) periods, \(periods[run.start]) to \(periods[run.start + run.length - 1]) "
                        + "(its figures move by \(NumberText.format("%.1f", 100 * change)) % a period and are given to \(FindingText.number(resolution)), "
                        + "so \(NumberText.format("%.2g", chance)) such runs would be expected among \(series.count) units)"
                    found.append(
                        Finding(
                            ruleID: ruleID, method: "unchanged_value", severity: .info, level: code.level, region: code,
                            indicator: table.indicators[index], period: periods[run.start + run.length - 1], observed: run.value,
                            expected: chance, statisticName: "periods", statistic: Double(run.length),
                            parameters: [
                                "minimum_periods": .integer(minimumPeriods), "median_change": .number(change), "resolution": .number(resolution),
                                "expected_by_chance": .number(expectedByChance),
                            ],
                            explanation: FindingText.tidy(explanation)))
                }
            }
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
                if index > 0, !values[index - 1].isNaN, values[index - 1] != 0 {
                    changes.append(abs(values[index] - values[index - 1]) / abs(values[index - 1]))
                }
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
