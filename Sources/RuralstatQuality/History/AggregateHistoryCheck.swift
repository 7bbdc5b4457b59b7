import Foundation
import RuralstatModel

/// Rollups against their own history (Deequ's RelativeRateOfChange): a region's aggregate that
/// changed by more than the allowed rate since the previous period is a finding, even when each of
/// its units looks normal on its own (many small shifts the same way, or units gone missing).
public struct AggregateHistoryCheck: QualityCheck {
    /// value(t) / value(t − 1) must lie in [maxDecrease, maxIncrease].
    public var maxDecrease: Double
    /// The highest allowed ratio value(t) / value(t − 1): 1.4 by default, a rise of 40 % (`maxDecrease`, 0.7, is a fall of 30 %).
    public var maxIncrease: Double
    /// The levels checked (units below are the peer checks' business).
    public var levels: Set<RegionLevel>

    /// `aggregate_history`, tallied per rollup with a predecessor; a predecessor withheld or not positive makes it not applicable.
    public var ruleID: String { BuiltInRule.aggregateHistory }

    /// ``QualityCheck/relativeCost``: every rollup against the previous period's.
    public var relativeCost: Int { 4 }

    /// Creates the check with these parameters; see each property.
    public init(
        maxDecrease: Double = 0.7, maxIncrease: Double = 1.4,
        levels: Set<RegionLevel> = [.national, .province, .prefecture, .county]
    ) {
        self.maxDecrease = maxDecrease
        self.maxIncrease = maxIncrease
        self.levels = levels
    }

    /// Findings for every rollup of the checked levels, unless withheld, against its region's rollup one period earlier (from `history` or this run).
    public func run(_ input: QualityInput) -> QualityResults {
        // Each rollup's predecessor (same indicator, level and region, one period earlier) is found
        // by a packed integer key — indicator, period, level and 12-digit region in 64 bits — in a
        // table of every rollup of the checked levels: no hashing of strings or of structures. Past
        // 1,023 indicators or 2,047 periods the key no longer fits, and a dictionary takes over.
        let (history, rollups) = (input.history, input.rollups)
        var periodSet = Set<Period>()
        var indicatorNumbers: [String: UInt64] = [:]
        var last: (indicator: String, period: Period)?
        // Fields are read in place (`part[index].period`): a copy of each rollup costs more than the rest.
        for part in [history, rollups] {
            for index in part.indices {
                if let last, last.indicator == part[index].indicator, last.period == part[index].period { continue }
                last = (part[index].indicator, part[index].period)
                periodSet.insert(part[index].period)
                if indicatorNumbers[part[index].indicator] == nil { indicatorNumbers[part[index].indicator] = UInt64(indicatorNumbers.count) }
            }
        }
        let periodNumbers = Dictionary(uniqueKeysWithValues: periodSet.sorted().enumerated().map { ($1, UInt64($0)) })
        if periodNumbers.count < 1 << 11, indicatorNumbers.count < 1 << 10 {
            var index = PackedIndex(table: PackedKeyTable(capacity: history.count + rollups.count))
            return check(input, periods: periodNumbers, indicators: indicatorNumbers, index: &index)
        }
        var index = DictionaryIndex()
        return check(input, periods: periodNumbers, indicators: indicatorNumbers, index: &index)
    }

    private func check<Index: HistoryIndex>(
        _ input: QualityInput, periods periodNumbers: [Period: UInt64], indicators indicatorNumbers: [String: UInt64],
        index table: inout Index
    ) -> QualityResults {
        var tally = TallyCounter(ruleID)
        var found: [Finding] = []
        let (history, rollups) = (input.history, input.rollups)
        func rollupAt(_ index: Int) -> Rollup { index < history.count ? history[index] : rollups[index - history.count] }
        let checked = RegionLevel.bits(levels)
        // Rollups come in runs of one indicator and one period: the last numbers are kept.
        var indicator = (code: "", number: UInt64(0))
        var period = (period: Period?.none, number: UInt64(0))
        func periodNumber(_ value: Period) -> UInt64 {
            if value != period.period { period = (value, periodNumbers[value]!) }
            return period.number
        }
        func key(_ code: String, _ level: RegionLevel, _ region: RegionCode, period: UInt64) -> HistoryKey {
            if code != indicator.code { indicator = (code, indicatorNumbers[code]!) }
            return HistoryKey(indicator: indicator.number, period: period, level: UInt64(level.rawValue), region: UInt64(region.rawValue))
        }
        for (offset, part) in [(0, history), (history.count, rollups)] {
            for index in part.indices where checked & part[index].level.bit != 0 {
                table.insert(key(part[index].indicator, part[index].level, part[index].region, period: periodNumber(part[index].period)), offset + index)
            }
        }
        for index in rollups.indices {
            guard checked & rollups[index].level.bit != 0, rollups[index].publication != .withheld, let previousPeriod = rollups[index].period.previous,
                let before = periodNumbers[previousPeriod],
                let earlier = table.find(key(rollups[index].indicator, rollups[index].level, rollups[index].region, period: before))
            else { continue }
            let rollup = rollups[index]
            let previous = rollupAt(earlier)
            guard previous.value > 0, rollup.value.isFinite, previous.publication != .withheld else {
                tally.notApplicable(rollup.region.rawValue)
                continue
            }
            let rate = rollup.value / previous.value
            guard rate < maxDecrease || rate > maxIncrease else {
                tally.pass(rollup.region.rawValue)
                continue
            }
            tally.fail(rollup.region.rawValue)
            let definition = input.catalog.definition(rollup.indicator, year: rollup.period.year)
            let explanation =
                "\(FindingText.unit(rollup.region, registry: input.registry)): \(FindingText.indicator(rollup.indicator, definition)) "
                + "\(FindingText.amount(rollup.value, definition)) in \(rollup.period) is \(NumberText.format("%+.1f", 100 * (rate - 1))) % on "
                + "\(FindingText.amount(previous.value, definition)) in \(previousPeriod) (allowed \(NumberText.format("%+.0f", 100 * (maxDecrease - 1))) % "
                + "to \(NumberText.format("%+.0f", 100 * (maxIncrease - 1))) %; \(rollup.contributing) units now, \(previous.contributing) then)"
            found.append(
                Finding(
                    ruleID: ruleID, method: "relative_rate_of_change", severity: .warning, level: rollup.level, region: rollup.region,
                    indicator: rollup.indicator, period: rollup.period, observed: rollup.value, expected: previous.value,
                    lowerBound: maxDecrease, upperBound: maxIncrease, statisticName: "rate_of_change", statistic: rate,
                    parameters: ["max_decrease": .number(maxDecrease), "max_increase": .number(maxIncrease)], peerSize: rollup.contributing,
                    explanation: FindingText.tidy(explanation)))
        }
        // Listed by indicator, then from the nation down, as the rollup tables are.
        found.sort { a, b in
            let (left, right) = ((a.indicator ?? "", a.level, a.region), (b.indicator ?? "", b.level, b.region))
            return left != right ? left < right : a.period! < b.period!
        }
        return QualityResults(findings: found, tallies: tally.rows)
    }
}

/// A rollup's place in the history: indicator and period numbered, level, region.
struct HistoryKey: Hashable {
    var indicator: UInt64
    var period: UInt64
    var level: UInt64
    var region: UInt64
}

/// Where a rollup's index is found by its ``HistoryKey``.
protocol HistoryIndex {
    mutating func insert(_ key: HistoryKey, _ index: Int)
    func find(_ key: HistoryKey) -> Int?
}

/// Indicator in 10 bits, period in 11, level in 3, the 12-digit region in 40: one 64-bit key.
struct PackedIndex: HistoryIndex {
    var table: PackedKeyTable

    @inline(__always)
    private func pack(_ key: HistoryKey) -> UInt64 { key.indicator << 54 | key.period << 43 | key.level << 40 | key.region }

    mutating func insert(_ key: HistoryKey, _ index: Int) {
        let slot = table.slot(pack(key))
        table[slot: slot] = index
    }

    func find(_ key: HistoryKey) -> Int? { table.value(pack(key)) }
}

/// Any number of indicators and periods, at a dictionary's cost.
struct DictionaryIndex: HistoryIndex {
    var map: [HistoryKey: Int] = [:]
    mutating func insert(_ key: HistoryKey, _ index: Int) { map[key] = index }
    func find(_ key: HistoryKey) -> Int? { map[key] }
}
