import Foundation
import RuralstatModel

/// Rollups against their own history (Deequ's RelativeRateOfChange): a region's aggregate that
/// changed by more than the allowed rate since the previous period is a finding, even when each of
/// its units looks normal on its own (many small shifts the same way, or units gone missing).
public struct AggregateHistoryCheck: QualityCheck {
    /// value(t) / value(t − 1) must lie in [maxDecrease, maxIncrease].
    public var maxDecrease: Double
    public var maxIncrease: Double
    /// The levels checked (units below are the peer checks' business).
    public var levels: Set<RegionLevel>

    public var ruleID: String { "aggregate_history" }

    public init(maxDecrease: Double = 0.7, maxIncrease: Double = 1.4,
                levels: Set<RegionLevel> = [.national, .province, .prefecture, .county]) {
        self.maxDecrease = maxDecrease
        self.maxIncrease = maxIncrease
        self.levels = levels
    }

    public func run(_ input: QualityInput) -> QualityResults {
        var tally = TallyCounter(ruleID)
        var found: [Finding] = []
        // Each rollup's predecessor (same indicator, level and region, one period earlier) is found
        // by a packed integer key — indicator, level, 12-digit region and period in 64 bits — in a
        // table of every rollup of the checked levels: no hashing of strings or of structures.
        let (history, rollups) = (input.history, input.rollups)
        func rollupAt(_ index: Int) -> Rollup { index < history.count ? history[index] : rollups[index - history.count] }
        var periodSet = Set<Period>()
        var lastPeriod: Period?
        for index in 0..<(history.count + rollups.count) where rollupAt(index).period != lastPeriod {
            lastPeriod = rollupAt(index).period
            periodSet.insert(lastPeriod!)
        }
        let periodNumbers = Dictionary(uniqueKeysWithValues: periodSet.sorted().enumerated().map { ($1, UInt64($0)) })
        precondition(periodNumbers.count < 1 << 11, "aggregate history: more than 2047 periods")
        let checked = RegionLevel.bits(levels)
        // Rollups come in runs of one indicator and one period: the last numbers are kept.
        var indicatorNumbers: [String: UInt64] = [:]
        var indicator = (code: "", number: UInt64(0))
        var period = (period: Period?.none, number: UInt64(0))
        func periodNumber(_ value: Period) -> UInt64 {
            if value != period.period { period = (value, periodNumbers[value]!) }
            return period.number
        }
        /// Indicator in 10 bits, period in 11, level in 3, the 12-digit region in 40.
        func key(_ rollup: Rollup, period: UInt64) -> UInt64 {
            if rollup.indicator != indicator.code {
                let number = indicatorNumbers[rollup.indicator] ?? UInt64(indicatorNumbers.count)
                precondition(number < 1 << 10, "aggregate history: more than 1023 indicators")
                indicatorNumbers[rollup.indicator] = number
                indicator = (rollup.indicator, number)
            }
            return indicator.number << 54 | period << 43 | UInt64(rollup.level.rawValue) << 40 | UInt64(rollup.region.rawValue)
        }
        var table = PackedKeyTable(capacity: history.count + rollups.count)
        for index in 0..<(history.count + rollups.count) {
            let rollup = rollupAt(index)
            guard checked & rollup.level.bit != 0 else { continue }
            let slot = table.slot(key(rollup, period: periodNumber(rollup.period)))
            table[slot: slot] = index
        }
        for index in history.count..<(history.count + rollups.count) {
            let rollup = rollupAt(index)
            guard checked & rollup.level.bit != 0, rollup.publication != .withheld, let previousPeriod = rollup.period.previous,
                  let before = periodNumbers[previousPeriod], let earlier = table.value(key(rollup, period: before)) else { continue }
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
            let explanation = "\(FindingText.unit(rollup.region, registry: input.registry)): \(FindingText.indicator(rollup.indicator, definition)) "
                + "\(FindingText.amount(rollup.value, definition)) in \(rollup.period) is \(FindingText.format("%+.1f", 100 * (rate - 1))) % on "
                + "\(FindingText.amount(previous.value, definition)) in \(previousPeriod) (allowed \(FindingText.format("%+.0f", 100 * (maxDecrease - 1))) % "
                + "to \(FindingText.format("%+.0f", 100 * (maxIncrease - 1))) %; \(rollup.contributing) units now, \(previous.contributing) then)"
            found.append(Finding(ruleID: ruleID, method: "relative_rate_of_change", severity: .warning, level: rollup.level, region: rollup.region,
                                 indicator: rollup.indicator, period: rollup.period, observed: rollup.value, expected: previous.value,
                                 lowerBound: maxDecrease, upperBound: maxIncrease, statisticName: "rate_of_change", statistic: rate,
                                 parameters: "max_decrease=\(maxDecrease) max_increase=\(maxIncrease)", peerSize: rollup.contributing,
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
