import Foundation
import RuralstatAggregate
import RuralstatModel

/// Who did not report: regions whose rollup rests on fewer of their expected units than
/// `minimumCoverage` (the missing units named at the lowest level), and senders whose submission
/// for a period came late or not at all.
public struct CoverageCheck: QualityCheck {
    /// A rollup covering less than this share of its expected units is a finding.
    public var minimumCoverage: Double
    /// Submissions are due this many days after the period ends (nil: no deadline; 90 by default).
    public var deadlineDays: Int?
    /// The senders expected to submit for every period of the run.
    public var expectedSenders: [String]
    /// At most this many missing units are named in one explanation.
    public var namedUnits = 8

    /// `coverage` for missing units; findings on late or missing submissions carry `submission_timeliness`.
    public var ruleID: String { BuiltInRule.coverage }

    /// ``QualityCheck/relativeCost``: a walk over the rollups.
    public var relativeCost: Int { 2 }

    /// Creates the check with these parameters; see each property.
    public init(minimumCoverage: Double = 0.95, deadlineDays: Int? = 90, expectedSenders: [String] = []) {
        self.minimumCoverage = minimumCoverage
        self.deadlineDays = deadlineDays
        self.expectedSenders = expectedSenders
    }

    /// Findings for rollups short of their expected units, then for late and missing submissions.
    public func run(_ input: QualityInput) -> QualityResults {
        var results = missingUnits(input)
        // Submissions are judged once: over the whole country, or in the nation's pass.
        if case .province = input.scope { return results }
        results.append(submissions(input))
        return results
    }

    /// Regions whose rollups fall short of the expected units.
    func missingUnits(_ input: QualityInput) -> QualityResults {
        var tally = TallyCounter(ruleID)
        var found: [Finding] = []
        let reported = ReportedUnits(input.table)
        // Indicators the units report themselves; a derived rate's coverage is its parts'.
        let reportedByUnits = Set(input.catalog.definitions.filter { !$0.reportedLevels.isEmpty }.map(\.code))
        var last = (indicator: "", reportedByUnits: false)  // rollups come in runs of one indicator
        for rollup in input.rollups {
            if rollup.indicator != last.indicator { last = (rollup.indicator, reportedByUnits.contains(rollup.indicator)) }
            guard last.reportedByUnits else { continue }
            guard let expected = rollup.expected, expected > 0, let coverage = rollup.coverage else { continue }
            guard coverage < minimumCoverage else {
                tally.pass(rollup.region.rawValue)
                continue
            }
            tally.fail(rollup.region.rawValue)
            let definition = input.catalog.definition(rollup.indicator, year: rollup.period.year)
            let base = definition?.reportedLevels.max() ?? .village
            var named = ""
            if let registry = input.registry, rollup.level.child == base {
                let missing = registry.units(at: base, under: rollup.region)
                    .filter { !reported.contains($0.rawValue, indicator: rollup.indicator, period: rollup.period) }
                named =
                    ": "
                    + missing.prefix(namedUnits).map { code in registry.name(of: code).map { "\(code) \($0)" } ?? "\(code)" }
                    .joined(separator: ", ") + (missing.count > namedUnits ? " and \(missing.count - namedUnits) more" : "")
            }
            let explanation =
                "\(FindingText.unit(rollup.region, registry: input.registry)): \(rollup.contributing) of \(expected) "
                + "\(base.chineseName) units reported \(FindingText.indicator(rollup.indicator, definition)) for \(rollup.period) "
                + "(\(NumberText.format("%.1f", 100 * coverage)) %, below \(NumberText.format("%.0f", 100 * minimumCoverage)) %); "
                + "\(expected - rollup.contributing) missing\(named)"
            found.append(
                Finding(
                    ruleID: ruleID, method: "missing_units", severity: .warning, level: rollup.level, region: rollup.region,
                    indicator: rollup.indicator, period: rollup.period, observed: Double(rollup.contributing),
                    expected: Double(expected), lowerBound: minimumCoverage, statisticName: "coverage", statistic: coverage,
                    parameters: ["minimum_coverage": .number(minimumCoverage), "base_level": .text(base.description)], peerSize: expected,
                    explanation: FindingText.tidy(explanation)))
        }
        return QualityResults(findings: found, tallies: tally.rows)
    }

    /// Late and missing submissions per sender and period.
    func submissions(_ input: QualityInput) -> QualityResults {
        var tally = TallyCounter(BuiltInRule.submissionTimeliness)
        var found: [Finding] = []
        var periods = Set(input.table.periods)
        if case .nation(_, let all) = input.scope { periods = Set(all) }
        let byKey = Dictionary(grouping: input.arrivals) { SenderPeriod(sender: $0.sender, period: $0.period) }
        for period in periods.sorted() {
            let deadline = deadlineDays.map { Self.deadline(of: period, days: $0) }
            let senders = Set(expectedSenders + input.arrivals.filter { $0.period == period }.map(\.sender)).sorted()
            for sender in senders {
                let region = RegionCode(senderID: sender) ?? .national
                guard let first = byKey[SenderPeriod(sender: sender, period: period)]?.min(by: { $0.arrived < $1.arrived }) else {
                    tally.fail(region.rawValue)
                    found.append(
                        Finding(
                            ruleID: BuiltInRule.submissionTimeliness, method: "missing_submission", severity: .warning, level: region.level,
                            region: region, indicator: nil, period: period, observed: nil,
                            parameters: ["expected_senders": .integer(expectedSenders.count)],
                            explanation: "sender \(sender) sent nothing for \(period)"))
                    continue
                }
                guard let deadline, first.arrived > deadline else {
                    tally.pass(region.rawValue)
                    continue
                }
                tally.fail(region.rawValue)
                let days = first.arrived.timeIntervalSince(deadline) / 86_400
                found.append(
                    Finding(
                        ruleID: BuiltInRule.submissionTimeliness, method: "late_submission", severity: .info, level: region.level,
                        region: region, indicator: nil, period: period, observed: days, upperBound: 0,
                        statisticName: "days_late", statistic: days, parameters: ["deadline_days": .integer(deadlineDays!)],
                        explanation: "sender \(sender)'s submission for \(period) (\((first.file as NSString).lastPathComponent)) "
                            + "arrived \(NumberText.format("%.1f", days)) days after the deadline \(ISO8601DateFormatter().string(from: deadline))"))
            }
        }
        return QualityResults(findings: found, tallies: tally.rows)
    }

    /// `days` after the end of `period` (midnight UTC).
    static func deadline(of period: Period, days: Int) -> Date {
        let unixEpoch = (try! Period("1970-01-01")).startDay
        let end = (period.next ?? period).startDay
        return Date(timeIntervalSince1970: Double(end - unixEpoch + days) * 86_400)
    }

    private struct SenderPeriod: Hashable {
        var sender: String
        var period: Period
    }

    /// Which (region, indicator, period) the table holds.
    private struct ReportedUnits {
        let table: ObservationTable
        let partitions: [PartitionKey: Int]

        struct PartitionKey: Hashable {
            var period: Period
            var province: Int64
        }

        init(_ table: ObservationTable) {
            self.table = table
            partitions = Dictionary(
                uniqueKeysWithValues: table.partitions.enumerated().map { index, partition in
                    (PartitionKey(period: table.periods[partition.period], province: Int64(partition.province) * 10_000_000_000), index)
                })
        }

        func contains(_ region: Int64, indicator: String, period: Period) -> Bool {
            guard let column = table.indicatorIndex(indicator),
                let partition = partitions[PartitionKey(period: period, province: Hierarchy.ancestorCode(region, .province))]
            else { return false }
            let regions = table.partitions[partition].columns[column].regions
            var low = 0, high = regions.count
            while low < high {
                let middle = (low + high) / 2
                if regions[middle] < region { low = middle + 1 } else { high = middle }
            }
            return low < regions.count && regions[low] == region
        }
    }
}
