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

    private struct Key: Hashable {
        var level: RegionLevel
        var region: RegionCode
        var indicator: String
        var period: Period
    }

    public func run(_ input: QualityInput) -> QualityResults {
        var tally = TallyCounter(ruleID)
        var found: [Finding] = []
        var earlier: [Key: Rollup] = [:]
        for rollup in input.history + input.rollups where levels.contains(rollup.level) {
            earlier[Key(level: rollup.level, region: rollup.region, indicator: rollup.indicator, period: rollup.period)] = rollup
        }
        for rollup in input.rollups where levels.contains(rollup.level) && rollup.publication != .withheld {
            guard let previousPeriod = rollup.period.previous,
                  let previous = earlier[Key(level: rollup.level, region: rollup.region, indicator: rollup.indicator, period: previousPeriod)]
            else { continue }
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
