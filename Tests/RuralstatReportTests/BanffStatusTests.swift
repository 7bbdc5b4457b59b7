import Foundation
import RuralstatModel
import Testing
import TestSupport

@testable import RuralstatReport

@Suite("Banff status files")
struct BanffStatusTests {
    static func finding(_ region: Int64, _ indicator: String, _ period: String, tier: OutlierTier?, observed: Double) throws -> Finding {
        Finding(
            ruleID: BuiltInRule.periodOverPeriod, method: "hidiroglou_berthelot", severity: .warning, tier: tier, level: .village,
            region: RegionCode(uncheckedRawValue: region), indicator: indicator, period: try Period(period), observed: observed, parameters: [:],
            explanation: "e")
    }

    /// One file a period with Banff's columns, rows in unit order; findings without a tier have no status.
    @Test func oneFileAPeriodInBanffsLayout() throws {
        let folder = try TemporaryFolder()
        let findings = [
            try Self.finding(130_122_101_202, "GRAIN_OUTPUT", "2024", tier: .exclude, observed: 110),
            try Self.finding(130_122_101_201, "GRAIN_OUTPUT", "2024", tier: .impute, observed: 20.5),
            try Self.finding(130_122_101_201, "HOUSEHOLDS", "2023", tier: .impute, observed: 400),
            try Self.finding(130_122_101_203, "HOUSEHOLDS", "2024", tier: nil, observed: 7),
        ]
        let names = try BanffStatus.write(findings) { name in
            let path = folder.path(name)
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            return path
        }
        #expect(names == ["quality/banff/outstatus_2023.csv", "quality/banff/outstatus_2024.csv"])
        let text = try String(contentsOfFile: folder.path(names[1]), encoding: .utf8)
        #expect(text == "unit_id,FIELDID,STATUS,VALUE\n130122101201,GRAIN_OUTPUT,FTI,20.5\n130122101202,GRAIN_OUTPUT,FTE,110\n")
        #expect(try String(contentsOfFile: folder.path(names[0]), encoding: .utf8) == "unit_id,FIELDID,STATUS,VALUE\n130122101201,HOUSEHOLDS,FTI,400\n")
    }
}
