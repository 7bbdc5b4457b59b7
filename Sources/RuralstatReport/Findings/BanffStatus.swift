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
/// Only findings that carry Banff's tier are written: the period-over-period outliers (HB and
/// sigma-gap, whose FTI/FTE follow Banff's definitions). Other findings name a unit or a rule, not
/// the field to impute, so they have no Banff status (error localisation would give one).
public enum BanffStatus {
    /// Banff's columns, in its order.
    static let header = ["unit_id", "FIELDID", "STATUS", "VALUE"]

    /// Writes one file per period into `folder` (paths made by `path`, relative names such as
    /// `quality/banff/outstatus_2024.csv`); returns the names written, in period order.
    public static func write(_ findings: [Finding], path: (String) throws -> String) throws -> [String] {
        var byPeriod: [Period: [Finding]] = [:]
        for finding in findings where finding.tier != nil && finding.indicator != nil && finding.period != nil {
            byPeriod[finding.period!, default: []].append(finding)
        }
        var names: [String] = []
        for period in byPeriod.keys.sorted() {
            let name = "quality/banff/outstatus_\(period).csv"
            let writer = try CSVWriter(path: try path(name), header: header, byteOrderMark: false)
            let rows = byPeriod[period]!.sorted { ($0.region, $0.indicator!) < ($1.region, $1.indicator!) }
            for finding in rows {
                writer.field(region: finding.region.rawValue)
                writer.field(finding.indicator!)
                writer.field(finding.tier!.rawValue)
                writer.field(finding.observed)
                writer.endRow()
            }
            try writer.close()
            names.append(name)
        }
        return names
    }
}
