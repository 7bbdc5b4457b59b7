import Foundation
import RuralstatModel

/// The flags as Banff status files, so that an office that continues in Statistics Canada's Banff
/// (imputation, prorating) takes them over: one file per period, `quality/banff/outstatus_<period>.csv`,
/// with Banff's columns `unit_id, FIELDID, STATUS, VALUE` (the layout of `outlier`'s `outstatus`):
/// - `unit_id`: the 12-digit region code;
/// - `FIELDID`: the indicator code;
/// - `STATUS`: `FTI` (field to impute) or `FTE` (field to exclude, e.g. as a donor);
/// - `VALUE`: the value the flag is on.
///
/// Two kinds of finding name a field and are written:
/// - the period-over-period outliers (HB and sigma-gap), with the tier Banff's `outlier` gives;
/// - failed edit rules, as Banff's `errorloc` does: `FTI` on every field of the unit's lightest set
///   (the first when several weigh the same, as ruralstat lists them) and on its missing fields
///   (`VALUE` empty), once per unit, field and period however many rules it fails.
///
/// Other findings name a unit or a rule, not a field, so they have no Banff status.
public enum BanffStatus {
    /// Banff's columns, in its order.
    static let header = ["unit_id", "FIELDID", "STATUS", "VALUE"]

    /// Writes one file per period into `folder` (paths made by `path`, relative names such as
    /// `quality/banff/outstatus_2024.csv`); returns the names written, in period order.
    public static func write(_ findings: [Finding], path: (String) throws -> String) throws -> [String] {
        var byPeriod: [Period: [Row]] = [:]
        for finding in findings {
            guard let period = finding.period else { continue }
            byPeriod[period, default: []] += rows(of: finding)
        }
        var names: [String] = []
        for period in byPeriod.keys.sorted() {
            let name = "quality/banff/outstatus_\(period).csv"
            let writer = try CSVWriter(path: try path(name), header: header, byteOrderMark: false)
            var seen: Set<String> = []
            for row in byPeriod[period]!.sorted(by: { ($0.unit, $0.field) < ($1.unit, $1.field) }) {
                guard seen.insert("\(row.unit) \(row.field) \(row.status)").inserted else { continue }
                writer.field(region: row.unit)
                writer.field(row.field)
                writer.field(row.status)
                writer.field(row.value)
                writer.endRow()
            }
            try writer.close()
            names.append(name)
        }
        return names
    }

    /// One line of a status file.
    struct Row {
        var unit: Int64
        var field: String
        var status: String
        var value: Double?
    }

    /// The status lines a finding gives: its tier on its field, or FTI on the fields localised for a
    /// failed edit rule.
    static func rows(of finding: Finding) -> [Row] {
        let unit = finding.region.rawValue
        if let tier = finding.tier, let indicator = finding.indicator {
            return [Row(unit: unit, field: indicator, status: tier.rawValue, value: finding.observed)]
        }
        guard finding.method == BuiltInRule.editRuleMethod, case .text(let sets)? = finding.parameters["likely_wrong"] else { return [] }
        let fields = sets.split(separator: "|").first.map { $0.split(separator: "+").map(String.init) } ?? []
        let values = finding.parameters.numbers("likely_wrong_values") ?? []
        var rows = fields.enumerated().map { index, field in
            Row(unit: unit, field: field, status: "FTI", value: index < values.count && !values[index].isNaN ? values[index] : nil)
        }
        if case .text(let missing)? = finding.parameters["to_impute"] {
            rows += missing.split(separator: "+").map { Row(unit: unit, field: String($0), status: "FTI", value: nil) }
        }
        return rows
    }
}
