import Foundation
import RuralstatAggregate
import RuralstatModel

/// Parents against their children, level by level, within a tolerance that allows for rounding:
///
/// - **reported vs reported**: a region that reports a total itself (a county's households) against
///   the sum of what its children at the next reported level reported (its townships'), with
///   missing children handled by one of VTL's `check_hierarchy` modes;
/// - **computed vs reported**: the rollup of its base units against the total it reported.
///
///     tolerance = max(absolute, relative · |P|, (n + 1) · u / 2)
///
/// with P the parent's reported value, n the children and u the unit the figures are rounded to
/// (each child and the parent may be off by u/2). A finding reports the imbalance — P − ΣC for
/// reported children (VTL's left − right), computed − reported for a rollup (as the rollup table
/// has it) — the relative imbalance, the tolerance applied and the mode. Only additive indicators
/// (amounts and counts summed by the catalog) are balanced.
public struct BalanceCheck: QualityCheck {
    /// VTL 2.0's modes for missing children (`check_hierarchy … mode`).
    public enum MissingChildren: String, Sendable, Hashable, CaseIterable {
        /// Evaluate only when every expected child reported (VTL's default).
        case nonNull = "non_null"
        /// Missing children count as 0; skip when parent and children are all zero or missing.
        case nonZero = "non_zero"
        /// Evaluate when at least one child reported; a missing child makes the result null.
        case partialNull = "partial_null"
        /// Evaluate when at least one child reported, missing ones as 0.
        case partialZero = "partial_zero"
        /// Always evaluate; a missing child makes the result null.
        case alwaysNull = "always_null"
        /// Always evaluate, missing children as 0.
        case alwaysZero = "always_zero"

        /// Whether the comparison has a value, given the children present out of those expected.
        func evaluates(present: Int, expected: Int, allZero: Bool) -> Bool {
            let complete = present >= expected
            switch self {
            case .nonNull, .partialNull, .alwaysNull: return complete && present > 0  // null + x is null
            case .nonZero: return !allZero
            case .partialZero: return present > 0
            case .alwaysZero: return true
            }
        }
    }

    /// The least tolerance, in the indicator's unit; 0 by default, so the relative tolerance rules.
    public var absoluteTolerance: Double
    /// The tolerance as a share of |P|, the parent's reported value; 0.001 (0.1 %) by default.
    public var relativeTolerance: Double
    /// The unit each indicator's figures are rounded to (1 for whole households); 0 when unknown.
    public var roundingUnits: [String: Double]
    /// How missing children count in reported-vs-children comparisons; VTL's default `.nonNull` by default.
    public var mode: MissingChildren

    /// `hierarchy_balance` for both comparisons; the finding's method (`computed_vs_reported`, `reported_vs_children`) tells them apart.
    public var ruleID: String { BuiltInRule.hierarchyBalance }

    /// ``QualityCheck/relativeCost``: every rollup against its reported total.
    public var relativeCost: Int { 6 }

    /// Creates the check with these parameters; see each property.
    public init(
        absoluteTolerance: Double = 0, relativeTolerance: Double = 0.001, roundingUnits: [String: Double] = [:],
        mode: MissingChildren = .nonNull
    ) {
        self.absoluteTolerance = absoluteTolerance
        self.relativeTolerance = relativeTolerance
        self.roundingUnits = roundingUnits
        self.mode = mode
    }

    /// The tolerance for a reported value `reported` made of `count` rounded figures.
    public func tolerance(reported: Double, count: Int, indicator: String) -> Double {
        let unit = roundingUnits[indicator] ?? 0
        return max(absoluteTolerance, relativeTolerance * abs(reported), Double(count + 1) * unit / 2)
    }

    /// Findings for every rollup against the total its region reported, then for every reported parent against its children.
    public func run(_ input: QualityInput) -> QualityResults {
        var results = computedAgainstReported(input.rollups, catalog: input.catalog, registry: input.registry)
        results.append(reportedAgainstChildren(input))
        return results
    }

    // MARK: Computed against reported

    func computedAgainstReported(_ rollups: [Rollup], catalog: IndicatorCatalog, registry: RegionRegistry?) -> QualityResults {
        var tally = TallyCounter(ruleID)
        var found: [Finding] = []
        // Only rollups with a reported total are read whole (a copy of each costs more than the test).
        for index in rollups.indices where rollups[index].reported != nil {
            let rollup = rollups[index]
            guard let reported = rollup.reported, let imbalance = rollup.imbalance else { continue }
            guard !rollup.value.isNaN else {
                tally.notApplicable(rollup.region.rawValue)
                continue
            }
            let limit = tolerance(reported: reported, count: rollup.contributing, indicator: rollup.indicator)
            guard abs(imbalance) > limit else {
                tally.pass(rollup.region.rawValue)
                continue
            }
            tally.fail(rollup.region.rawValue)
            let definition = catalog.definition(rollup.indicator, year: rollup.period.year)
            let relative = rollup.relativeImbalance.map { NumberText.format(", %+.2f %%", 100 * $0) } ?? ""
            let children = "its \(rollup.contributing) reporting unit\(rollup.contributing == 1 ? "" : "s")"
            let explanation =
                "\(FindingText.unit(rollup.region, registry: registry)): \(FindingText.indicator(rollup.indicator, definition)) "
                + "reported \(FindingText.amount(reported, definition)), but \(children) add up to \(FindingText.amount(rollup.value, definition)) "
                + "(imbalance \(FindingText.number(imbalance))\(relative); tolerance \(FindingText.number(limit)))"
            found.append(
                Finding(
                    ruleID: ruleID, method: "computed_vs_reported", severity: .warning, level: rollup.level, region: rollup.region,
                    indicator: rollup.indicator, period: rollup.period, observed: reported, expected: rollup.value,
                    lowerBound: rollup.value - limit, upperBound: rollup.value + limit, statisticName: "imbalance",
                    statistic: imbalance, parameters: parameters(rollup.indicator, limit), peerSize: rollup.contributing,
                    explanation: FindingText.tidy(explanation)))
        }
        return QualityResults(findings: found, tallies: tally.rows)
    }

    private func parameters(_ indicator: String, _ limit: Double) -> FindingParameters {
        [
            "absolute": .number(absoluteTolerance), "relative": .number(relativeTolerance), "unit": .number(roundingUnits[indicator] ?? 0),
            "tolerance": .number(limit), "mode": .text(mode.rawValue),
        ]
    }

    // MARK: Reported against reported

    /// Every reported parent against its children at the next level that reported the indicator.
    func reportedAgainstChildren(_ input: QualityInput) -> QualityResults {
        let table = input.table
        // Expected children per child level: how many units of that level the registry has under each
        // parent — only for the levels where some indicator has reports at two levels.
        // Only indicators reported at two levels or more can balance; their columns tell which child levels there are.
        let balanced = Set(input.catalog.definitions.filter { $0.reportedLevels.count > 1 && $0.kind.isAdditive }.map(\.code))
        var childLevels: Set<RegionLevel> = []
        for partition in table.partitions {
            for (index, column) in partition.columns.enumerated() where !column.isEmpty && balanced.contains(table.indicators[index]) {
                let levels = column.levels
                if levels.count > 1 { childLevels.formUnion(levels.filter { $0 > .province }) }
            }
        }
        let expected: [RegionLevel: ExpectedUnits] =
            input.registry.map { registry in
                Dictionary(uniqueKeysWithValues: childLevels.map { ($0, ExpectedUnits(registry: registry, baseLevel: $0)) })
            } ?? [:]
        return table.columnResults(ruleID: ruleID, catalog: input.catalog, workers: input.workers) { column, code, period, definition, tally in
            guard balanced.contains(code), let definition, definition.aggregation == .sum else { return [] }
            return balance(
                column, indicator: code, definition: definition, period: period, expected: expected, registry: input.registry,
                tally: &tally)
        }
    }

    private func balance(
        _ column: IndicatorColumn, indicator: String, definition: Indicator, period: Period,
        expected: [RegionLevel: ExpectedUnits], registry: RegionRegistry?, tally: inout TallyCounter
    ) -> [Finding] {
        let levels = column.levels
        guard levels.count > 1 else { return [] }
        var found: [Finding] = []
        for (parentLevel, childLevel) in zip(levels, levels.dropFirst()) {
            // Sorted rows: a parent's run starts with the parent's own row, its children follow in it.
            // (A code that stands for two levels, as 441900000000 does, is a parent only at its own.)
            Hierarchy.forEachRun(column.regions, level: parentLevel) { run, parent in
                guard column.regions[run.lowerBound] == parent, RegionCode(uncheckedRawValue: parent).level == parentLevel else { return }
                let reported = column.values[run.lowerBound]
                var children = (sum: CompensatedSum(), present: 0, allZero: true)
                for index in run.dropFirst() where RegionCode(uncheckedRawValue: column.regions[index]).level == childLevel {
                    children.sum.add(column.values[index])
                    children.present += 1
                    children.allZero = children.allZero && column.values[index] == 0
                }
                let expectedChildren = expected[childLevel].map { $0.count(parentLevel, parent) } ?? children.present
                guard mode.evaluates(present: children.present, expected: expectedChildren, allZero: children.allZero && reported == 0) else {
                    tally.notApplicable(parent)
                    return
                }
                let total = children.sum.value
                let imbalance = reported - total
                let limit = tolerance(reported: reported, count: max(children.present, expectedChildren), indicator: indicator)
                guard abs(imbalance) > limit else {
                    tally.pass(parent)
                    return
                }
                tally.fail(parent)
                let region = RegionCode(uncheckedRawValue: parent)
                let missing = max(0, expectedChildren - children.present)
                let relative = reported == 0 ? "" : NumberText.format(", %+.2f %%", 100 * imbalance / abs(reported))
                let explanation =
                    "\(FindingText.unit(region, registry: registry)): \(FindingText.indicator(indicator, definition)) "
                    + "reported \(FindingText.amount(reported, definition)), but the \(children.present) \(childLevel.chineseName) figures reported under it "
                    + "add up to \(FindingText.amount(total, definition))\(missing > 0 ? " (\(missing) of \(expectedChildren) missing, counted as 0)" : "") "
                    + "(imbalance \(FindingText.number(imbalance))\(relative); tolerance \(FindingText.number(limit)))"
                found.append(
                    Finding(
                        ruleID: ruleID, method: "reported_vs_children", severity: .warning, level: parentLevel, region: region,
                        indicator: indicator, period: period, observed: reported, expected: total,
                        lowerBound: total - limit, upperBound: total + limit, statisticName: "imbalance", statistic: imbalance,
                        parameters: parameters(indicator, limit) + ["children": .text(childLevel.description), "missing": .integer(missing)],
                        peerSize: children.present, explanation: FindingText.tidy(explanation)))
            }
        }
        return found
    }
}
