import Foundation
import RuralstatModel

/// Reported against computed aggregates: where a unit reports a total itself (a county sends its own
/// households), the sum of its units must agree within a tolerance that allows for rounding.
///
/// tolerance = max(absolute, relative · |P|, (n + 1) · u / 2), with P the reported value, n the
/// contributing units and u the unit figures are rounded to (each of the n children and the parent
/// may be off by u/2). The finding reports the imbalance (computed − reported), the relative
/// imbalance and the tolerance applied.
public struct BalanceCheck: Sendable {
    public var absoluteTolerance: Double
    public var relativeTolerance: Double
    /// The unit each indicator's figures are rounded to (1 for whole households); 0 when unknown.
    public var roundingUnits: [String: Double]

    public init(absoluteTolerance: Double = 0, relativeTolerance: Double = 0.001, roundingUnits: [String: Double] = [:]) {
        self.absoluteTolerance = absoluteTolerance
        self.relativeTolerance = relativeTolerance
        self.roundingUnits = roundingUnits
    }

    /// The tolerance for a reported value `reported` made of `count` rounded figures.
    public func tolerance(reported: Double, count: Int, indicator: String) -> Double {
        let unit = roundingUnits[indicator] ?? 0
        return max(absoluteTolerance, relativeTolerance * abs(reported), Double(count + 1) * unit / 2)
    }

    public func findings(_ rollups: [Rollup], catalog: IndicatorCatalog, registry: RegionRegistry?) -> [Finding] {
        rollups.compactMap { rollup in
            guard let reported = rollup.reported, let imbalance = rollup.imbalance, !rollup.value.isNaN else { return nil }
            let limit = tolerance(reported: reported, count: rollup.contributing, indicator: rollup.indicator)
            guard abs(imbalance) > limit else { return nil }
            let definition = catalog.definition(rollup.indicator, year: rollup.period.year)
            let unit = definition?.scaledUnit ?? ""
            let name = registry?.unit(rollup.region).map { " \($0.name)" } ?? ""
            let relative = rollup.relativeImbalance.map { String(format: ", %+.2f %%", 100 * $0) } ?? ""
            let children = "its \(rollup.contributing) reporting unit\(rollup.contributing == 1 ? "" : "s")"
            let explanation = "\(rollup.level.chineseName) \(rollup.region)\(name): \(definition?.nameZh ?? "") \(rollup.indicator) reported "
                + "\(FindingText.number(reported)) \(unit), but \(children) add up to \(FindingText.number(rollup.value)) \(unit) "
                + "(imbalance \(FindingText.number(imbalance))\(relative); tolerance \(FindingText.number(limit)))"
            return Finding(ruleID: "hierarchy_balance", method: "computed_vs_reported", severity: .warning, level: rollup.level,
                           region: rollup.region, indicator: rollup.indicator, period: rollup.period, observed: reported,
                           expected: rollup.value, statisticName: "imbalance", statistic: imbalance,
                           parameters: "absolute=\(absoluteTolerance) relative=\(relativeTolerance) unit=\(roundingUnits[rollup.indicator] ?? 0) tolerance=\(limit)",
                           peerGroup: nil, peerSize: rollup.contributing,
                           explanation: explanation.replacingOccurrences(of: "  ", with: " "))
        }
    }
}
