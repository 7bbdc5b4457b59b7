import Foundation
import RuralstatAggregate
import RuralstatModel

/// The evaluators' edit rules (`pipelines/rules.yaml`) on every unit and period: each unit's values
/// are gathered into one record (NaN where it reported nothing), every rule of its level is
/// evaluated compiled, and only failures are explained, so the cost is one pass over the partitions.
public struct EditRuleCheck: QualityCheck {
    public var rules: RuleSet

    public var ruleID: String { "edit_rule" }

    public init(rules: RuleSet) { self.rules = rules }

    public func run(_ input: QualityInput) -> QualityResults {
        let table = input.table
        let codes = Array(Set(rules.rules.flatMap(\.indicators))).sorted()
        let slots = IndicatorSlots(codes)
        let compiled = rules.rules.map { $0.compiled(for: slots) }
        // Each slot's column in the table (nil: nobody reported that indicator).
        let columns = codes.map { table.indicatorIndex($0) }
        var results = QualityResults()
        for part in table.mapPartitions(workers: input.workers, { partition -> QualityResults in
            var tallies = Dictionary(uniqueKeysWithValues: rules.rules.map { ($0.id, TallyCounter($0.id)) })
            var found: [Finding] = []
            let period = table.periods[partition.period]
            let used = columns.map { $0.map { partition.columns[$0] } ?? IndicatorColumn() }
            var cursors = [Int](repeating: 0, count: used.count)
            var record = [Double](repeating: .nan, count: codes.count)
            for region in Self.regions(in: used) {
                for slot in used.indices {
                    let column = used[slot]
                    while cursors[slot] < column.count, column.regions[cursors[slot]] < region { cursors[slot] += 1 }
                    record[slot] = cursors[slot] < column.count && column.regions[cursors[slot]] == region ? column.values[cursors[slot]] : .nan
                }
                let level = RegionCode(uncheckedRawValue: region).level
                for (index, rule) in rules.rules.enumerated() where rule.applies(to: level) {
                    switch compiled[index].evaluate(record) {
                    case .pass: tallies[rule.id]!.pass(region)
                    case .notApplicable: tallies[rule.id]!.notApplicable(region)
                    case .fail:
                        tallies[rule.id]!.fail(region)
                        found.append(finding(rule, record: record, slots: slots, region: region, period: period, input: input))
                    }
                }
            }
            return QualityResults(findings: found, tallies: rules.rules.flatMap { tallies[$0.id]!.rows })
        }) { results.append(part) }
        return results
    }

    /// The regions that reported any of the columns, ascending.
    static func regions(in columns: [IndicatorColumn]) -> [Int64] {
        var all: [Int64] = []
        for column in columns { all.append(contentsOf: column.regions) }
        all.sort()
        var unique: [Int64] = []
        unique.reserveCapacity(all.count)
        for region in all where unique.last != region { unique.append(region) }
        return unique
    }

    private func finding(_ rule: EditRule, record: [Double], slots: IndicatorSlots, region: Int64, period: Period,
                         input: QualityInput) -> Finding {
        let explanation = rule.explain(record, slots: slots)
        let code = RegionCode(uncheckedRawValue: region)
        let message = rule.message.map { "\($0): " } ?? ""
        let indicator = rule.indicators.first
        let text = "\(FindingText.unit(code, registry: input.registry)) in \(period): \(message)\(explanation) (rule \(rule.id): \(rule.text))"
        let (left, right) = (explanation.left, explanation.right)
        return Finding(ruleID: rule.id, method: "edit_rule", severity: rule.severity, level: code.level, region: code, indicator: indicator,
                       period: period, observed: left ?? indicator.flatMap { explanation.value(of: $0) }, expected: right,
                       statisticName: left != nil && right != nil ? "difference" : nil,
                       statistic: left.flatMap { l in right.map { l - $0 } }, parameters: "rule=\(rule.text) tolerance=\(rule.tolerance)",
                       explanation: FindingText.tidy(text))
    }
}
