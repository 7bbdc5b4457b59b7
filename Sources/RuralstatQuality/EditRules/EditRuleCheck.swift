import Foundation
import RuralstatAggregate
import RuralstatModel
import RuralstatRules

/// The evaluators' edit rules (`pipelines/rules.yaml`) on every unit and period: each unit's values
/// are gathered into one record (NaN where it reported nothing), every rule of its level is
/// evaluated compiled, and only failures are explained, so the cost is one pass over the partitions.
public struct EditRuleCheck: QualityCheck {
    /// The edit rules (`pipelines/rules.yaml`); each is evaluated on the units of the levels it applies to.
    public var rules: RuleSet

    /// `edit_rule`, the family's name: each finding and tally carries its own rule's id.
    public var ruleID: String { BuiltInRule.editRuleMethod }

    /// ``QualityCheck/relativeCost``: every rule over every unit.
    public var relativeCost: Int { 11 }

    /// Creates the check for these rules.
    public init(rules: RuleSet) { self.rules = rules }

    /// Findings for every unit, period and rule that fails, from one pass over the partitions.
    public func run(_ input: QualityInput) -> QualityResults {
        let table = input.table
        let codes = Array(Set(rules.rules.flatMap(\.indicators))).sorted()
        let slots = IndicatorSlots(codes)
        let compiled = rules.rules.map { $0.compiled(for: slots) }
        let localizer = ErrorLocalizer(rules: rules, slots: slots)
        // Each slot's column in the table (nil: nobody reported that indicator).
        let columns = codes.map { table.indicatorIndex($0) }
        return table.qualityResults(workers: input.workers) { partition -> QualityResults in
            var tallies = rules.rules.map { TallyCounter($0.id) }
            var found: [Finding] = []
            let period = table.periods[partition.period]
            let used = columns.map { $0.map { partition.columns[$0] } ?? IndicatorColumn() }
            // The units: every region in any column (a merge of sorted columns); then each slot's
            // values aligned to them, NaN where a unit did not report.
            let units = used.unitRegions
            let aligned = used.map { _ in
                let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: units.count)
                buffer.initialize(repeating: .nan)
                return buffer
            }
            used.forEachRow(in: units) { slot, unit, value in aligned[slot][unit] = value }
            defer { aligned.forEach { $0.deallocate() } }
            let views = aligned.map { UnsafeBufferPointer($0) }
            let levels = units.map { RegionCode(uncheckedRawValue: $0).level }
            var outcomes = [RuleOutcome](repeating: .pass, count: units.count)
            // Every failure, rule by rule and in unit order within a rule: the order findings are listed in.
            var failures: [(rule: Int, unit: Int)] = []
            for (index, rule) in rules.rules.enumerated() {
                outcomes.withUnsafeMutableBufferPointer { compiled[index].evaluate(columns: views, count: units.count, into: $0) }
                // Passes and units without the data are counted per level (the partition is one
                // province) and tallied once; failures are explained one by one below.
                var passed = [Int](repeating: 0, count: RegionLevel.allCases.count), unusable = passed
                for unit in units.indices where rule.applies(to: levels[unit]) {
                    switch outcomes[unit] {
                    case .pass: passed[levels[unit].rawValue] += 1
                    case .notApplicable: unusable[levels[unit].rawValue] += 1
                    case .fail:
                        tallies[index].fail(units[unit])
                        failures.append((index, unit))
                    }
                }
                for level in RegionLevel.allCases where passed[level.rawValue] + unusable[level.rawValue] > 0 {
                    tallies[index].add(
                        province: units[0], level: level, passed: passed[level.rawValue],
                        notApplicable: unusable[level.rawValue])
                }
            }
            // Each failing unit's likely wrong fields, from all the rules it fails (Fellegi–Holt).
            var failing: [Int: [Int]] = [:]
            for failure in failures { failing[failure.unit, default: []].append(failure.rule) }
            let bounds = codes.map { input.catalog.definition($0, year: period.year)?.validRange }
            var localized: [Int: [Int: ErrorLocalization]] = [:]
            var record = [Double](repeating: .nan, count: codes.count)
            for (unit, rulesFailed) in failing {
                for slot in codes.indices { record[slot] = views[slot][unit] }
                localized[unit] = record.withUnsafeBufferPointer { localizer.localize($0, level: levels[unit], failing: rulesFailed, bounds: bounds) }
            }
            for (index, unit) in failures {
                found.append(
                    finding(
                        rules.rules[index], record: views.map { $0[unit] }, slots: slots, region: units[unit], period: period,
                        localization: localized[unit]?[index], input: input))
            }
            return QualityResults(findings: found, tallies: tallies.flatMap(\.rows))
        }
    }

    private func finding(
        _ rule: EditRule, record: [Double], slots: IndicatorSlots, region: Int64, period: Period, localization: ErrorLocalization?,
        input: QualityInput
    ) -> Finding {
        let explanation = rule.explain(record, slots: slots)
        let code = RegionCode(uncheckedRawValue: region)
        // The finding is about the field most likely wrong when localisation names exactly one that the
        // rule reads; otherwise about the rule's first field.
        var indicator = rule.indicators.first
        if let sets = localization?.sets, sets.count == 1, sets[0].count == 1, rule.indicators.contains(sets[0][0]) { indicator = sets[0][0] }
        let message = rule.message.map { "\($0): " } ?? ""
        var text = "\(FindingText.unit(code, registry: input.registry)) in \(period): \(message)\(explanation) (rule \(rule.id): \(rule.text))"
        // The entries in one array: joining parameter lists finding by finding costs more than the rest of it.
        var parameters: [FindingParameters.Entry] = [.init(name: "rule", value: .text(rule.text)), .init(name: "tolerance", value: .number(rule.tolerance))]
        if let localization {
            text += "; " + localization.summary
            if let reason = localization.reason {
                parameters.append(.init(name: "not_localised", value: .text(reason)))
            } else {
                parameters.append(.init(name: "likely_wrong", value: .text(localization.sets.map { $0.joined(separator: "+") }.joined(separator: "|"))))
                parameters.append(.init(name: "change_weight", value: .number(localization.weight)))
                // The first set's reported values, for the Banff status file (FTI on each field).
                if let first = localization.sets.first {
                    parameters.append(.init(name: "likely_wrong_values", value: .numbers(first.map { slots[$0].map { record[$0] } ?? .nan })))
                }
                if !localization.imputed.isEmpty { parameters.append(.init(name: "to_impute", value: .text(localization.imputed.joined(separator: "+")))) }
            }
        }
        let (left, right) = (explanation.left, explanation.right)
        return Finding(
            ruleID: rule.id, method: BuiltInRule.editRuleMethod, severity: rule.severity, level: code.level, region: code, indicator: indicator,
            period: period, observed: left ?? indicator.flatMap { explanation.value(of: $0) }, expected: right,
            statisticName: left != nil && right != nil ? "difference" : nil,
            statistic: left.flatMap { l in right.map { l - $0 } }, parameters: FindingParameters(parameters),
            explanation: FindingText.tidy(text))
    }
}
