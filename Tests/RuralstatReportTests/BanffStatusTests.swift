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

    /// Failed edit rules give FTI on the fields error localisation names (the first of tied sets) and
    /// on missing fields, once per unit and field however many rules the unit fails.
    @Test func editRuleFailuresFlagTheLocalisedFields() throws {
        let folder = try TemporaryFolder()
        func edit(_ rule: String, _ parameters: FindingParameters) throws -> Finding {
            Finding(
                ruleID: rule, method: BuiltInRule.editRuleMethod, severity: .error, level: .village,
                region: RegionCode(uncheckedRawValue: 130_122_101_201), indicator: "HOUSEHOLDS", period: try Period("2024"), observed: 1,
                parameters: parameters, explanation: "e")
        }
        let findings = [
            try edit("tap", ["likely_wrong": .text("HOUSEHOLDS|HH_TAP_WATER"), "likely_wrong_values": .numbers([100])]),
            try edit("toilets", ["likely_wrong": .text("HOUSEHOLDS|HH_TAP_WATER"), "likely_wrong_values": .numbers([100])]),
            try edit(
                "grain", ["likely_wrong": .text("GRAIN_OUTPUT+GRAIN_SOWN_AREA"), "likely_wrong_values": .numbers([9, 3]), "to_impute": .text("POPULATION")]),
            try edit("other", ["not_localised": .text("rule other is not linear")]),
        ]
        let names = try BanffStatus.write(findings) { folder.path(($0 as NSString).lastPathComponent) }
        #expect(
            try String(contentsOfFile: folder.path("outstatus_2024.csv"), encoding: .utf8)
                == "unit_id,FIELDID,STATUS,VALUE\n130122101201,GRAIN_OUTPUT,FTI,9\n130122101201,GRAIN_SOWN_AREA,FTI,3\n130122101201,HOUSEHOLDS,FTI,100\n130122101201,POPULATION,FTI,\n"
        )
        #expect(names == ["quality/banff/outstatus_2024.csv"])
    }
}
