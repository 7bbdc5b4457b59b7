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
        // Each rollup's predecessor (same region, level and indicator, one period earlier) by sorting
        // packed integer keys — (indicator, level, region) then period — and reading neighbours: no
        // hashing of strings or of a million keys.
        let all = input.history + input.rollups
        var indicators: [String: UInt64] = [:]
        var periodNumbers: [Period: Int] = [:]
        for period in Set(all.map(\.period)).sorted() { periodNumbers[period] = periodNumbers.count }
        var lastName = "", lastNumber: UInt64 = 0
        var keyed: [(key: UInt64, period: Int, index: Int)] = []
        keyed.reserveCapacity(all.count)
        for (index, rollup) in all.enumerated() where levels.contains(rollup.level) {
            if rollup.indicator != lastName {
                lastName = rollup.indicator
                lastNumber = indicators[rollup.indicator] ?? {
                    let next = UInt64(indicators.count)
                    indicators[rollup.indicator] = next
                    return next
                }()
            }
            // 12-digit codes fit in 40 bits, levels in 3, indicators in the rest.
            let key = lastNumber << 43 | UInt64(rollup.level.rawValue) << 40 | UInt64(rollup.region.rawValue)
            keyed.append((key, periodNumbers[rollup.period]!, index))
        }
        keyed.sort { ($0.key, $0.period) < ($1.key, $1.period) }
        let current = input.history.count
        for position in keyed.indices.dropFirst() {
            let (key, period, index) = keyed[position], before = keyed[position - 1]
            guard index >= current, before.key == key else { continue }
            let rollup = all[index]
            guard rollup.publication != .withheld, let previousPeriod = rollup.period.previous,
                  periodNumbers[previousPeriod] == period - 1, before.period == period - 1 else { continue }
            let previous = all[before.index]
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
                + "\(FindingText.amount(rollup.value, definition)) in \(rollup.period) is \(String(format: "%+.1f", 100 * (rate - 1))) % on "
                + "\(FindingText.amount(previous.value, definition)) in \(previousPeriod) (allowed \(String(format: "%+.0f", 100 * (maxDecrease - 1))) % "
                + "to \(String(format: "%+.0f", 100 * (maxIncrease - 1))) %; \(rollup.contributing) units now, \(previous.contributing) then)"
            found.append(Finding(ruleID: ruleID, method: "relative_rate_of_change", severity: .warning, level: rollup.level, region: rollup.region,
                                 indicator: rollup.indicator, period: rollup.period, observed: rollup.value, expected: previous.value,
                                 lowerBound: maxDecrease, upperBound: maxIncrease, statisticName: "rate_of_change", statistic: rate,
                                 parameters: "max_decrease=\(maxDecrease) max_increase=\(maxIncrease)", peerSize: rollup.contributing,
                                 explanation: FindingText.tidy(explanation)))
        }
        return QualityResults(findings: found, tallies: tally.rows)
    }
}
