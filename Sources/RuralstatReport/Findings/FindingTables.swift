import Foundation
import RuralstatModel

/// Findings and their tallies as files: CSV for spreadsheets (UTF-8 with BOM, formula-safe) and
/// JSON for programs. Used by `ruralstat rollup --from`, `ruralstat flags` and the reports.
public enum FindingTables {
    static let columns = [
        "rule_id", "method", "severity", "tier", "level", "region", "region_name", "indicator", "period", "observed", "expected",
        "lower_bound", "upper_bound", "statistic_name", "statistic", "parameters", "peer_group", "peer_size", "explanation",
    ]

    /// One row per finding, with the numbers that explain it.
    public static func writeCSV(_ findings: [Finding], registry: RegionRegistry?, to path: String) throws {
        let writer = try CSVWriter(path: path, header: columns, byteOrderMark: true)
        for finding in findings {
            writer.field(finding.ruleID)
            writer.field(finding.method)
            writer.field(finding.severity.rawValue)
            writer.field(finding.tier?.rawValue ?? "")
            writer.field(finding.level.description)
            writer.field(region: finding.region.rawValue)
            writer.field(name(finding.region, registry))
            writer.field(finding.indicator ?? "")
            writer.field(finding.period?.description ?? "")
            for number in [finding.observed, finding.expected, finding.lowerBound, finding.upperBound] { writer.field(number) }
            writer.field(finding.statisticName ?? "")
            writer.field(finding.statistic)
            writer.field(finding.parameters.description)
            writer.field(finding.peerGroup?.description ?? "")
            writer.field(finding.peerSize.map(Double.init))
            writer.field(finding.explanation)
            writer.endRow()
        }
        try writer.close()
    }

    /// Items checked, passed, failed and not applicable per rule, level and province.
    public static func writeSummaryCSV(_ tallies: [RuleTally], to path: String) throws {
        let writer = try CSVWriter(
            path: path, header: ["rule_id", "level", "province", "checked", "passed", "failed", "not_applicable", "fail_rate"],
            byteOrderMark: true)
        for tally in tallies {
            writer.field(tally.ruleID)
            writer.field(tally.level.description)
            writer.field(region: tally.province.rawValue)
            writer.field(Double(tally.checked))
            writer.field(Double(tally.passed))
            writer.field(Double(tally.failed))
            writer.field(Double(tally.notApplicable))
            writer.field(tally.checked == 0 ? nil : Double(tally.failed) / Double(tally.checked))
            writer.endRow()
        }
        try writer.close()
    }

    /// The findings as a JSON array of objects (absent numbers are null), keys as in the CSV.
    public static func json(_ findings: [Finding], registry: RegionRegistry?) throws -> Data {
        let objects: [[String: Any]] = findings.map { finding in
            func number(_ value: Double?) -> Any { value.flatMap { $0.isFinite ? $0 : nil } ?? NSNull() }
            func text(_ value: String?) -> Any { value ?? NSNull() }
            return [
                "rule_id": finding.ruleID, "method": finding.method, "severity": finding.severity.rawValue, "tier": text(finding.tier?.rawValue),
                "level": finding.level.description, "region": finding.region.description, "region_name": name(finding.region, registry),
                "indicator": text(finding.indicator), "period": text(finding.period?.description), "observed": number(finding.observed),
                "expected": number(finding.expected), "lower_bound": number(finding.lowerBound), "upper_bound": number(finding.upperBound),
                "statistic_name": text(finding.statisticName), "statistic": number(finding.statistic), "parameters": finding.parameters.description,
                "peer_group": text(finding.peerGroup?.description), "peer_size": finding.peerSize ?? NSNull(), "explanation": finding.explanation,
            ]
        }
        return try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    private static func name(_ region: RegionCode, _ registry: RegionRegistry?) -> String {
        region == .national ? "全国" : registry?.unit(region)?.name ?? ""
    }
}
