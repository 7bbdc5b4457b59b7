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

    /// The findings as a JSON array of objects (absent numbers are null), keys as in the CSV, written
    /// one finding at a time: the text is JSONEncoder's pretty print of the whole array, without the
    /// whole array in memory (encoding 45,000 findings at once was the nightly run's peak, 130 MB).
    public static func writeJSON(_ findings: [Finding], registry: RegionRegistry?, to path: String) throws {
        let encoder = JSONEncoder()
        // An encoder, not JSONSerialization: sorting the keys of untyped dictionaries compared boxed
        // strings and took a fifth of the nightly run at 45,000 findings.
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let sink = try OutputFile.open(path)
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        for (index, finding) in findings.enumerated() {
            bytes += Array((index == 0 ? "\n  " : ",\n  ").utf8)
            // An element of a pretty-printed array is indented two spaces more; its strings hold no raw newline.
            for byte in try encoder.encode(JSONFinding(finding, regionName: name(finding.region, registry))) {
                bytes.append(byte)
                if byte == 10 { bytes += [32, 32] }
            }
            if bytes.count >= 1 << 20 {
                try sink.write(bytes)
                bytes.removeAll(keepingCapacity: true)
            }
        }
        bytes += Array((findings.isEmpty ? "\n\n]" : "\n]").utf8)
        try sink.write(bytes)
        try sink.close()
    }

    /// A finding as `findings.json` holds it: every field present, null when empty.
    struct JSONFinding: Encodable {
        let finding: Finding
        let regionName: String

        init(_ finding: Finding, regionName: String) {
            self.finding = finding
            self.regionName = regionName
        }

        enum Key: String, CodingKey {
            case explanation, expected, indicator, level, lower_bound, method, observed, parameters, peer_group, peer_size, period, region
            case region_name, rule_id, severity, statistic, statistic_name, tier, upper_bound
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            func number(_ value: Double?) -> Double? { value.flatMap { $0.isFinite ? $0 : nil } }
            try container.encode(finding.explanation, forKey: .explanation)
            try container.encode(number(finding.expected), forKey: .expected)
            try container.encode(finding.indicator, forKey: .indicator)
            try container.encode(finding.level.description, forKey: .level)
            try container.encode(number(finding.lowerBound), forKey: .lower_bound)
            try container.encode(finding.method, forKey: .method)
            try container.encode(number(finding.observed), forKey: .observed)
            try container.encode(finding.parameters.description, forKey: .parameters)
            try container.encode(finding.peerGroup?.description, forKey: .peer_group)
            try container.encode(finding.peerSize, forKey: .peer_size)
            try container.encode(finding.period?.description, forKey: .period)
            try container.encode(finding.region.description, forKey: .region)
            try container.encode(regionName, forKey: .region_name)
            try container.encode(finding.ruleID, forKey: .rule_id)
            try container.encode(finding.severity.rawValue, forKey: .severity)
            try container.encode(number(finding.statistic), forKey: .statistic)
            try container.encode(finding.statisticName, forKey: .statistic_name)
            try container.encode(finding.tier?.rawValue, forKey: .tier)
            try container.encode(number(finding.upperBound), forKey: .upper_bound)
        }
    }

    private static func name(_ region: RegionCode, _ registry: RegionRegistry?) -> String {
        region == .national ? "全国" : registry?.unit(region)?.name ?? ""
    }
}
