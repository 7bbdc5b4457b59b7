import Foundation
import RuralstatAggregate
import RuralstatModel

/// The same figure reported by many units of one reporter for one indicator and period — copied
/// rather than measured. Zeros and small whole numbers repeat naturally and are left out.
public struct RepeatedValuesCheck: QualityCheck {
    /// The level of the reporter whose units' figures are compared (the county by default).
    public var reporterLevel = RegionLevel.county
    /// A value shared by at least this many units …
    public var minimumRepeats = 5
    /// … and by at least this share of the reporter's units is a finding.
    public var minimumShare = 0.1
    /// Values below this (in absolute terms) are not considered.
    public var smallestValue = 100.0

    /// `repeated_values`, tallied once per reporter, indicator and period.
    public var ruleID: String { BuiltInRule.repeatedValues }

    /// The check with the defaults above (set a property to change one).
    public init() {}

    /// Findings for each reporter, additive indicator and period where one figure is shared by too many of its units.
    public func run(_ input: QualityInput) -> QualityResults {
        input.table.columnResults(ruleID: ruleID, catalog: input.catalog, workers: input.workers) { column, code, period, definition, tally in
            guard let definition, definition.kind.isAdditive else { return [] }
            var found: [Finding] = []
            var counter = EqualValues()
            Hierarchy.forEachRun(column.regions, level: reporterLevel) { run, reporter in
                let (start, end) = (run.lowerBound, run.upperBound)
                counter.reset(for: end - start)
                for row in start..<end where abs(column.values[row]) >= smallestValue { counter.add(column.values[row]) }
                let units = end - start
                if let (value, repeats) = counter.mostRepeated,
                    repeats >= minimumRepeats, Double(repeats) >= minimumShare * Double(units)
                {
                    tally.fail(reporter)
                    let region = RegionCode(uncheckedRawValue: reporter)
                    let examples = (start..<end).filter { column.values[$0] == value }.prefix(5).map { "\(RegionCode(uncheckedRawValue: column.regions[$0]))" }
                    let explanation =
                        "\(FindingText.unit(region, registry: input.registry)): \(repeats) of its \(units) units reported "
                        + "\(FindingText.indicator(code, definition)) \(FindingText.amount(value, definition)) exactly for \(period) "
                        + "(e.g. \(examples.joined(separator: ", "))); at most \(minimumRepeats - 1) or \(Int(100 * minimumShare)) % would be chance"
                    found.append(
                        Finding(
                            ruleID: ruleID, method: "identical_values", severity: .warning, level: region.level, region: region,
                            indicator: code, period: period, observed: value, statisticName: "repeats", statistic: Double(repeats),
                            parameters: [
                                "minimum_repeats": .integer(minimumRepeats), "minimum_share": .number(minimumShare), "smallest_value": .number(smallestValue),
                            ],
                            peerSize: units, explanation: FindingText.tidy(explanation)))
                } else {
                    tally.pass(reporter)
                }
            }
            return found
        }
    }
}

/// Counts of equal values among one reporter's figures, in a table that is emptied and reused run
/// after run.
private struct EqualValues {
    private var table = PackedKeyTable()

    mutating func reset(for count: Int) { table.reset(for: count) }

    /// Counts one value (not NaN).
    mutating func add(_ value: Double) {
        let slot = table.slot((value + 0).bitPattern)  // −0 + 0 is +0: equal values, equal bits
        table[slot: slot] += 1
    }

    /// The most repeated value and its count; the smallest of equally repeated ones, so that the
    /// choice does not depend on where values landed in the table.
    var mostRepeated: (value: Double, repeats: Int)? {
        var best: (value: Double, repeats: Int)?
        for slot in table.filled {
            let (value, count) = (Double(bitPattern: table.key(at: slot)), table[slot: slot])
            if best == nil || count > best!.repeats || (count == best!.repeats && value < best!.value) { best = (value, count) }
        }
        return best
    }
}
