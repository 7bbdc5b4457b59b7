import Foundation
import RuralstatAggregate
import RuralstatModel

/// Units whose change since the previous period stands out among their peers' changes: the
/// Hidiroglou-Berthelot or the sigma-gap method (both exactly as Banff computes them), run within
/// each parent's units (a township's villages). A group with too few usable units borrows its
/// parent's group (the township's county), and the finding says so; Banff would skip it. As
/// Statistics Norway's Kostra does, a group where most units did not change at all is left alone:
/// there the quartiles of the changes are all 0 and HB would flag every unit that moved.
public struct PeriodOverPeriodCheck: QualityCheck {
    /// The outlier method run on each group's changes, with its Banff parameters.
    public enum Method: Sendable, Hashable {
        /// Hidiroglou-Berthelot on each unit's ratio current / previous (Banff's HISTORIC mode).
        case hidiroglouBerthelot(HidiroglouBerthelot.Parameters)
        /// Sigma-gap on the sorted ratios current / previous (Banff's SIGMAGAP with `indata_hist`).
        case sigmaGap(SigmaGap.Parameters)

        var name: String {
            switch self {
            case .hidiroglouBerthelot: "hidiroglou_berthelot"
            case .sigmaGap: "sigma_gap"
            }
        }

        var minimumObservations: Int {
            switch self {
            case .hidiroglouBerthelot(let parameters): parameters.minimumObservations
            case .sigmaGap(let parameters): parameters.minimumObservations
            }
        }
    }

    /// The method run on each group of units; by default HB with ``defaultParameters``.
    public var method: Method
    /// The indicators checked; nil: every amount of the catalog (small counts change by whole units,
    /// which HB reads as large relative moves).
    public var indicators: Set<String>?
    /// HB flags only a change that differs from its group's median change by at least this share,
    /// |r / r_M − 1| ≥ 0.20 by default: where many units move alike, HB's quartiles collapse and its
    /// bounds with them, and a change of 0.5 % beside a median of 1 % would be flagged; and villages'
    /// own yearly changes of 10–20 % are no error. 0 is Banff-exact.
    public var minimumChange = 0.20
    /// Indicators checked with a method or parameters of their own (a volatile output beside a
    /// steady count); the others use ``method`` and ``minimumChange``.
    public var byIndicator: [String: Override] = [:]

    /// One indicator's own method and guard.
    public struct Override: Sendable, Hashable {
        /// The method and its Banff parameters for this indicator.
        public var method: Method
        /// The guard against collapsed spread for this indicator (HB only).
        public var minimumChange: Double

        /// Creates the override; see the properties for each field.
        public init(method: Method, minimumChange: Double) {
            self.method = method
            self.minimumChange = minimumChange
        }
    }

    /// The check as it runs on `indicator`: with the indicator's override when it has one.
    func variant(for indicator: String) -> PeriodOverPeriodCheck {
        guard let override = byIndicator[indicator] else { return self }
        var variant = self
        variant.method = override.method
        variant.minimumChange = override.minimumChange
        return variant
    }

    /// HB with C = 7 for imputation and 5 for exclusion, U = 0 (Banff's), A = 0.05 and at least 10 usable units.
    public static let defaultParameters = HidiroglouBerthelot.Parameters(mii: 7, mei: 5, exponent: 0)

    /// Banff's default exponent U = 0 weighs every unit alike (U > 0 lets big units' changes count
    /// more, and also makes their ordinary changes stand out). C = 7 for imputation, with the 20 %
    /// guard (``minimumChange``) against a township's quartiles from a dozen units collapsing: on
    /// realistic data (changes of 10–20 % a year, mostly shared by a township) it catches four in five
    /// values off by ×1.5–2 or ×0.5–0.7 at a strict precision near 0.9, where C = 20 caught one in
    /// three (`ruralstat sample-data evaluate --profile realistic`).
    public init(method: Method = .hidiroglouBerthelot(defaultParameters), indicators: Set<String>? = nil) {
        self.method = method
        self.indicators = indicators
    }

    /// `period_over_period`; the finding's method is `hidiroglou_berthelot` or `sigma_gap`.
    public var ruleID: String { BuiltInRule.periodOverPeriod }

    /// ``QualityCheck/relativeCost``: a sort per township and indicator over every village value, and the most findings.
    public var relativeCost: Int { 18 }

    /// Findings for every partition of the table whose province also has the previous period.
    public func run(_ input: QualityInput) -> QualityResults {
        let (table, catalog, registry) = (input.table, input.catalog, input.registry)
        let partitionIndex = Dictionary(
            uniqueKeysWithValues: table.partitions.enumerated().map { index, partition in
                (PartitionKey(period: partition.period, province: partition.province), index)
            })
        return table.qualityResults(workers: input.workers) { partition -> QualityResults in
            let period = table.periods[partition.period]
            guard let previousPeriod = period.previous, let previousIndex = table.periods.firstIndex(of: previousPeriod),
                let earlier = partitionIndex[PartitionKey(period: previousIndex, province: partition.province)]
            else { return QualityResults() }
            var tally = TallyCounter(ruleID)
            var found: [Finding] = []
            for (index, column) in partition.columns.enumerated() where !column.isEmpty {
                let code = table.indicators[index]
                let definition = catalog.definition(code, year: period.year)
                guard indicators?.contains(code) ?? (definition?.kind == .amount) else { continue }
                let pairs = UnitPairs(current: column, previous: table.partitions[earlier].columns[index])
                found += variant(for: code).check(
                    pairs, indicator: code, definition: definition, period: period, previousPeriod: previousPeriod,
                    registry: registry, tally: &tally)
            }
            return QualityResults(findings: found, tallies: tally.rows)
        }
    }

    private struct PartitionKey: Hashable {
        var period: Int
        var province: Int
    }

    /// The units of the deepest level of a column, with their previous value (NaN when absent).
    struct UnitPairs {
        var level: RegionLevel
        var regions: [Int64] = []
        var current: [Double] = []
        var previous: [Double] = []

        init(current column: IndicatorColumn, previous earlier: IndicatorColumn) {
            level = column.deepestLevel
            regions.reserveCapacity(column.count)
            current.reserveCapacity(column.count)
            previous.reserveCapacity(column.count)
            var cursor = 0
            for index in 0..<column.count where RegionCode(uncheckedRawValue: column.regions[index]).level == level {
                let region = column.regions[index]
                while cursor < earlier.count, earlier.regions[cursor] < region { cursor += 1 }
                regions.append(region)
                current.append(column.values[index])
                previous.append(cursor < earlier.count && earlier.regions[cursor] == region ? earlier.values[cursor] : .nan)
            }
        }
    }

    /// One flagged unit of a group, in the method's terms.
    struct Flag {
        var index: Int
        var status: OutlierStatus
        var statisticName: String
        var statistic: Double
        var lower: Double?
        var upper: Double?
        var expected: Double?
        /// The method's numbers for the explanation.
        var detail: ExplanationText
    }

    /// A checked group: its flags (indices into the group) and how many units it used.
    struct GroupOutcome {
        var checked: Bool
        /// Indices (into the group) of the values the method could use.
        var usedIndices: [Int]
        var flags: [Flag]
        /// How many units repeated last period's figure, when that is why the group was left alone.
        var repeated: Int? = nil

        var used: Int { usedIndices.count }
    }

    /// Whether at least half of a group's units reported the same value again: there the quartiles
    /// of the changes are 0, and the group is left alone.
    static func mostlyUnchanged<Values: RandomAccessCollection<Double>>(_ current: Values, _ previous: Values) -> Bool where Values.Index == Int {
        let unchanged = unchangedCount(current, previous)
        return unchanged * 2 >= current.count && !current.isEmpty
    }

    /// How many units reported the same value as in the previous period.
    static func unchangedCount<Values: RandomAccessCollection<Double>>(_ current: Values, _ previous: Values) -> Int where Values.Index == Int {
        var unchanged = 0
        for index in current.indices where current[index] == previous[index] { unchanged += 1 }
        return unchanged
    }

    func run(current: [Double], previous: [Double]) -> GroupOutcome {
        if Self.mostlyUnchanged(current, previous) {
            return GroupOutcome(checked: false, usedIndices: [], flags: [], repeated: Self.unchangedCount(current, previous))
        }
        switch method {
        case .hidiroglouBerthelot(let parameters):
            let method = HidiroglouBerthelot(parameters)
            let result = method.check(current: current, previous: previous)
            let screen = HidiroglouBerthelot.Screen(
                used: result.admission.used.count, checked: result.checked, flagged: !result.flagged.isEmpty, medianRatio: result.medianRatio ?? .nan,
                q1: result.q1, median: result.median, q3: result.q3,
                bounds: .init(
                    imputeLeft: result.imputeLeft, excludeLeft: result.excludeLeft, excludeRight: result.excludeRight, imputeRight: result.imputeRight))
            return outcome(of: method, screen: screen, used: result.admission.used, flagged: result.flagged)
        case .sigmaGap(let parameters):
            let result = SigmaGap(parameters).check(current: current, previous: previous)
            let flags = result.flagged.map { score -> Flag in
                let status = score.status!
                let limit = status.tier == .impute ? result.imputeGap! : result.excludeGap!
                return Flag(
                    index: score.index, status: status, statisticName: "gap", statistic: score.gap ?? .nan, lower: nil, upper: limit,
                    expected: nil,
                    detail: """
                        its change ×\(number: score.value) lies beyond a gap of \(number: score.gap ?? .nan) in the sorted changes, \
                        wider than \(number: limit) (β \(number: limit / result.deviation) · σ \(number: result.deviation), \
                        \(parameters.deviation.rawValue.uppercased()))
                        """)
            }
            return GroupOutcome(checked: result.checked, usedIndices: result.admission.used, flags: flags)
        }
    }

    /// A checked HB group's outcome from its numbers and flagged scores: the guard against collapsed
    /// spread drops a flag too close to the median change, and each flag kept gets its explanation.
    func outcome(of method: HidiroglouBerthelot, screen: HidiroglouBerthelot.Screen, used: [Int], flagged: [HidiroglouBerthelot.Score]) -> GroupOutcome {
        let kept = flagged.filter { score in
            guard let ratio = score.ratio, screen.medianRatio != 0, !screen.medianRatio.isNaN else { return true }
            return abs(ratio / screen.medianRatio - 1) >= minimumChange
        }
        guard !kept.isEmpty else { return GroupOutcome(checked: screen.checked, usedIndices: used, flags: []) }
        let (parameters, bounds, medianRatio) = (method.parameters, screen.bounds, screen.medianRatio)
        let numbers: ExplanationText = """
            Q1 \(number: screen.q1), M \(number: screen.median), Q3 \(number: screen.q3); \
            U \(number: parameters.exponent), A \(number: parameters.mdm)
            """
        let flags = kept.map { score -> Flag in
            let status = score.status!
            let (lower, upper) = status.tier == .impute ? (bounds.imputeLeft, bounds.imputeRight) : (bounds.excludeLeft, bounds.excludeRight)
            let bound = status.isLeft ? lower! : upper!
            let words = "\(status.isLeft ? "below" : "above") the \(status.tier == .impute ? "imputation" : "exclusion") bound"
            return Flag(
                index: score.index, status: status, statisticName: "hb_effect", statistic: score.effect, lower: lower,
                upper: upper, expected: score.previous.map { $0 * medianRatio },
                detail: """
                    its change ×\(number: score.ratio!) against the group's median ×\(number: medianRatio); \
                    HB effect \(number: score.effect) is \(words) \(number: bound) (\(numbers))
                    """)
        }
        return GroupOutcome(checked: screen.checked, usedIndices: used, flags: flags)
    }

    private func check(
        _ pairs: UnitPairs, indicator: String, definition: Indicator?, period: Period, previousPeriod: Period,
        registry: RegionRegistry?, tally: inout TallyCounter
    ) -> [Finding] {
        guard let parentLevel = pairs.level.parent, parentLevel > .national else { return [] }
        let wider = parentLevel.parent.flatMap { $0 > .national ? $0 : nil }
        // The method's parameters with each status, made once: tens of thousands of flags share them.
        let parameters = Dictionary(
            uniqueKeysWithValues: OutlierStatus.allCases.map { status in
                (status, FindingParameters(methodParameters.entries + [.init(name: "status", value: .text(status.rawValue))]))
            })
        var found: [Finding] = []
        func report(_ outcome: GroupOutcome, range: Range<Int>, group: Int64, level: RegionLevel, note: String, only: Range<Int>? = nil) {
            let counted = only ?? range
            // Used indices ascend, and so do the flagged ones sorted: walk them beside the units instead of building sets.
            var next = outcome.usedIndices.startIndex, nextFlag = 0
            let flagged = outcome.flags.map { range.lowerBound + $0.index }.sorted()
            for unit in counted {
                let region = pairs.regions[unit]
                while next < outcome.usedIndices.endIndex, range.lowerBound + outcome.usedIndices[next] < unit { next += 1 }
                while nextFlag < flagged.count, flagged[nextFlag] < unit { nextFlag += 1 }
                let used = next < outcome.usedIndices.endIndex && range.lowerBound + outcome.usedIndices[next] == unit
                if !outcome.checked || !used {
                    tally.notApplicable(region)
                } else if nextFlag < flagged.count && flagged[nextFlag] == unit {
                    tally.fail(region)
                } else {
                    tally.pass(region)
                }
            }
            for flag in outcome.flags {
                let unit = range.lowerBound + flag.index
                if let only, !only.contains(unit) { continue }
                found.append(
                    finding(
                        flag, pairs: pairs, unit: unit, indicator: indicator, definition: definition, period: period,
                        previousPeriod: previousPeriod, group: group, level: level, size: outcome.used, note: note,
                        parameters: parameters, registry: registry))
            }
        }
        // Most groups have nothing to report: those are screened without a record and counted here
        // (every unit is of one level in this partition's province); the rest get their flags from the
        // screen's numbers (U = 0) or from the method run in full, and are reported unit by unit.
        var (passed, notApplicable) = (0, 0)
        var scratch = [Double](repeating: 0, count: 2 * pairs.count)
        func look(_ range: Range<Int>) -> Look {
            let quiet = scratch.withUnsafeMutableBufferPointer { scratch in
                pairs.current.withUnsafeBufferPointer { current in
                    pairs.previous.withUnsafeBufferPointer { previous in
                        screen(
                            current: UnsafeBufferPointer(rebasing: current[range]), previous: UnsafeBufferPointer(rebasing: previous[range]),
                            scratch: scratch)
                    }
                }
            }
            return quiet ?? .full(run(current: Array(pairs.current[range]), previous: Array(pairs.previous[range])))
        }
        /// Tallies the units of `only` (by default the whole group) by the look at the group in
        /// `range`, and explains its flags among them.
        func record(_ look: Look, range: Range<Int>, group: Int64, level: RegionLevel, note: String = "", only: Range<Int>? = nil) {
            switch look {
            case .quiet(_, let checked, _):
                let counted = only ?? range
                let used = checked ? pairs.admitted(counted) : 0
                passed += used
                notApplicable += counted.count - used
            case .full(let outcome):
                report(outcome, range: range, group: group, level: level, note: note, only: only)
            }
        }
        Hierarchy.forEachRun(pairs.regions, level: wider ?? parentLevel) { outer, outerGroup in
            var widerLook: Look?
            Hierarchy.forEachRun(pairs.regions, in: outer, level: parentLevel) { range, group in
                let own = look(range)
                guard !own.checked, let wider else { return record(own, range: range, group: group, level: parentLevel) }
                if widerLook == nil { widerLook = look(outer) }
                guard let widerLook, widerLook.checked else { return record(own, range: range, group: group, level: parentLevel) }
                // Why the units' own group could not be used, with its true size.
                let why =
                    own.repeated.map { "\($0) of its \(parentLevel)'s \(range.count) units repeated last period's figure" }
                    ?? "its \(parentLevel) has only \(own.used) usable units\(own.used < range.count ? " (of \(range.count))" : "")"
                record(
                    widerLook, range: outer, group: outerGroup, level: wider, note: "; \(why), so the \(wider)'s \(widerLook.used) are the peers", only: range)
            }
        }
        if passed + notApplicable > 0 {
            tally.add(province: pairs.regions[0], level: pairs.level, passed: passed, notApplicable: notApplicable)
        }
        return found
    }

    /// What became of a group: screened without a record (nothing in it is flagged), or its outcome
    /// unit by unit (its flags from the screen's numbers, or from the method run in full).
    enum Look {
        /// Nothing flagged; `repeated` says how many units repeated last period's figure when that left it unchecked.
        case quiet(used: Int, checked: Bool, repeated: Int? = nil)
        case full(GroupOutcome)

        var checked: Bool {
            switch self {
            case .quiet(_, let checked, _): checked
            case .full(let outcome): outcome.checked
            }
        }

        var used: Int {
            switch self {
            case .quiet(let used, _, _): used
            case .full(let outcome): outcome.used
            }
        }

        var repeated: Int? {
            switch self {
            case .quiet(_, _, let repeated): repeated
            case .full(let outcome): outcome.repeated
            }
        }
    }

    /// The fast look at a group (HB only, see ``HidiroglouBerthelot/screen(current:previous:scratch:minimumChange:)``):
    /// quiet when nothing is flagged; without the size term (U = 0) a flagged group's outcome from
    /// the screen's numbers; nil for the rest (sigma-gap, U > 0), so that it is looked at in full.
    func screen(current: UnsafeBufferPointer<Double>, previous: UnsafeBufferPointer<Double>, scratch: UnsafeMutableBufferPointer<Double>) -> Look? {
        guard case .hidiroglouBerthelot(let parameters) = method else { return nil }
        if Self.mostlyUnchanged(current, previous) { return .quiet(used: 0, checked: false, repeated: Self.unchangedCount(current, previous)) }
        let method = HidiroglouBerthelot(parameters)
        let screened = method.screen(current: current, previous: previous, scratch: scratch, minimumChange: minimumChange)
        guard screened.flagged else { return .quiet(used: screened.used, checked: screened.checked) }
        guard parameters.exponent == 0 else { return nil }
        let (used, flagged) = method.flags(current: current, previous: previous, screen: screened)
        return .full(outcome(of: method, screen: screened, used: used, flagged: flagged))
    }

    private func finding(
        _ flag: Flag, pairs: UnitPairs, unit: Int, indicator: String, definition: Indicator?, period: Period,
        previousPeriod: Period, group: Int64, level: RegionLevel, size: Int, note: String,
        parameters: [OutlierStatus: FindingParameters], registry: RegionRegistry?
    ) -> Finding {
        let region = RegionCode(uncheckedRawValue: pairs.regions[unit])
        let (current, previous) = (pairs.current[unit], pairs.previous[unit])
        let explanation: ExplanationText = """
            \(unit: region, registry: registry): \(indicator: indicator, definition) \
            \(amount: current, definition) in \(period) after \(amount: previous, definition) in \(previousPeriod); \
            \(flag.detail) among the \(size) units of its \(level)\(note) — \(flag.status.tier.rawValue) \(flag.status.rawValue)
            """
        return Finding(
            ruleID: BuiltInRule.periodOverPeriod, method: method.name, severity: flag.status.tier == .impute ? .warning : .info,
            tier: flag.status.tier, level: region.level, region: region, indicator: indicator, period: period,
            observed: current, expected: flag.expected, lowerBound: flag.lower, upperBound: flag.upper,
            statisticName: flag.statisticName, statistic: flag.statistic,
            parameters: parameters[flag.status]!,
            peerGroup: RegionCode(uncheckedRawValue: group), peerSize: size, explanation: explanation.text)
    }

    private var methodParameters: FindingParameters {
        // An unset optional parameter is shown as "-", as Banff's logs do.
        func optional(_ value: Double?) -> FindingParameters.Value { value.map { .number($0) } ?? .text("-") }
        switch method {
        case .hidiroglouBerthelot(let p):
            return [
                "mii": optional(p.mii), "mei": optional(p.mei), "mdm": .number(p.mdm), "exponent": .number(p.exponent),
                "side": .text(p.side.rawValue), "min_obs": .integer(p.minimumObservations), "min_change": .number(minimumChange),
            ]
        case .sigmaGap(let p):
            return [
                "beta_i": optional(p.betaI), "beta_e": optional(p.betaE), "sigma": .text(p.deviation.rawValue),
                "start_centile": .number(p.effectiveStartCentile), "side": .text(p.side.rawValue), "min_obs": .integer(p.minimumObservations),
            ]
        }
    }
}

extension PeriodOverPeriodCheck.UnitPairs {
    var count: Int { regions.count }

    /// How many units of `range` have both values positive: those a ratio method can use.
    func admitted(_ range: Range<Int>) -> Int {
        var count = 0
        for index in range where current[index] > 0 && previous[index] > 0 { count += 1 }
        return count
    }
}
