import Foundation
import Testing
import TestSupport
@testable import RuralstatAggregate
import RuralstatModel

/// A catalog with every aggregation rule, and a small irregular tree: a municipality placeholder
/// (北京 1101), a province-direct county group (河南 4190), a prefecture city without counties (东莞 4419).
enum Fixture {
    static func indicator(
        _ code: String, _ kind: ValueKind, _ rule: AggregationRule, unit: String = "户",
        levels: [RegionLevel] = [.village]
    ) -> Indicator {
        Indicator(code: code, validFrom: 2016, nameZh: code, nameEn: code, unit: unit, kind: kind, reportedLevels: levels, aggregation: rule)
    }

    static let catalog = try! IndicatorCatalog(
        version: "t",
        definitions: [
            indicator("HH", .count, .sum, levels: [.village, .county]),
            indicator("POP", .count, .sum, unit: "人"),
            indicator("INCOME", .ratio, .weightedMean(weight: "POP"), unit: "元/人"),
            indicator("TAP", .count, .sum),
            indicator("TAP_RATE", .rate, .ratio(numerator: "TAP", denominator: "HH"), unit: "%", levels: []),
            indicator("WASTE", .yesNo, .none, unit: "是否"),
            indicator("WASTE_SHARE", .rate, .shareOfUnits(UnitCondition(indicator: "WASTE")), unit: "%", levels: []),
            indicator("DIST", .amount, .mean, unit: "公里"),
            indicator("DIST_MIN", .amount, .min, unit: "公里"),
            indicator("DIST_MAX", .amount, .max, unit: "公里"),
            indicator("DIST_MEDIAN", .amount, .median, unit: "公里"),
        ])

    static let registry: RegionRegistry = {
        var builder = RegistryBuilder(edition: 2023)
        let rows = """
            110000000000,北京市,
            110100000000,市辖区,110000000000
            110101000000,东城区,110100000000
            110101001000,东华门街道,110101000000
            110101001001,甲社区,110101001000
            110101001002,乙社区,110101001000
            410000000000,河南省,
            419000000000,省直辖县级行政区划,410000000000
            419001000000,济源市,419000000000
            419001100000,克井镇,419001000000
            419001100201,克井村,419001100000
            419001100202,丙村,419001100000
            440000000000,广东省,
            441900000000,东莞市,440000000000
            441900000000,东莞市,441900000000
            441900003000,东城街道,441900000000
            441900003201,东城村,441900003000
            441900004000,南城街道,441900000000
            441900004201,南城村,441900004000
            """
        for (line, row) in rows.split(separator: "\n").enumerated() {
            let f = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            builder.add(code: f[0], name: f[1], parentCode: f[2], urbanRuralClass: "", file: "t", line: line + 1)
        }
        return try! builder.build()
    }()

    /// (region, indicator, value) rows of 2024; 419001100202 reports nothing, 441900004201 has no TAP.
    static let rows: [(String, String, Double)] = [
        ("110101001001", "HH", 100), ("110101001001", "POP", 300), ("110101001001", "INCOME", 20000), ("110101001001", "TAP", 90),
        ("110101001001", "WASTE", 1), ("110101001001", "DIST", 2),
        ("110101001002", "HH", 200), ("110101001002", "POP", 500), ("110101001002", "INCOME", 30000), ("110101001002", "TAP", 150),
        ("110101001002", "WASTE", 0), ("110101001002", "DIST", 4),
        ("419001100201", "HH", 50), ("419001100201", "POP", 160), ("419001100201", "INCOME", 15000), ("419001100201", "TAP", 50),
        ("419001100201", "WASTE", 1), ("419001100201", "DIST", 10),
        ("419001000000", "HH", 55),  // the county reports its own total
        ("441900003201", "HH", 300), ("441900003201", "POP", 1000), ("441900003201", "INCOME", 50000), ("441900003201", "TAP", 300),
        ("441900003201", "WASTE", 1), ("441900003201", "DIST", 1),
        ("441900004201", "HH", 10), ("441900004201", "POP", 40), ("441900004201", "INCOME", 12000),
        ("441900004201", "WASTE", 0), ("441900004201", "DIST", 6),
    ]

    static func table(_ rows: [(String, String, Double)] = rows, period: String = "2024") -> ObservationTable {
        let codes = Array(Set(rows.map(\.1))).sorted()
        var batch = ObservationBatch(indicatorCodes: codes, periodTable: [try! Period(period)])
        for (line, row) in rows.enumerated() {
            batch.append(
                region: try! RegionCode(row.0).rawValue, indicator: UInt16(codes.firstIndex(of: row.1)!), period: 0,
                value: row.2, status: 0, action: .merge, line: Int32(line))
        }
        let builder = ObservationTableBuilder()
        builder.add(batch)
        return builder.build()
    }

    /// The DIST rows again under the min, max and median indicators.
    static var rowsWithOrderStatistics: [(String, String, Double)] {
        rows + rows.filter { $0.1 == "DIST" }.flatMap { row in ["DIST_MIN", "DIST_MAX", "DIST_MEDIAN"].map { (row.0, $0, row.2) } }
    }
}

@Suite("RollupEngine")
struct RollupEngineTests {
    static let engine = RollupEngine(catalog: Fixture.catalog, registry: Fixture.registry)
    static let rollups = engine.rollups(of: Fixture.table(Fixture.rowsWithOrderStatistics))

    static func find(_ indicator: String, _ level: RegionLevel, _ region: String) -> Rollup? {
        let code = region == "000000000000" ? RegionCode.national : try! RegionCode(region)
        return rollups.first { $0.indicator == indicator && $0.level == level && $0.region == code }
    }

    @Test(
        "every rule, by hand, at every level of the irregular tree",
        arguments: [
            ("HH", RegionLevel.township, "110101001", 300.0),
            ("HH", .county, "110101", 300), ("HH", .prefecture, "1101", 300), ("HH", .province, "11", 300),
            ("HH", .prefecture, "4190", 50), ("HH", .county, "441900", 310), ("HH", .prefecture, "4419", 310),
            ("HH", .township, "441900004", 10), ("HH", .national, "000000000000", 660),
            ("INCOME", .township, "110101001", 26250), ("INCOME", .national, "000000000000", 36940),
            ("TAP_RATE", .township, "110101001", 80), ("TAP_RATE", .county, "441900", 100),
            ("TAP_RATE", .national, "000000000000", 590.0 / 650.0 * 100),
            ("WASTE_SHARE", .township, "110101001", 50), ("WASTE_SHARE", .national, "000000000000", 60),
            ("DIST", .township, "110101001", 3), ("DIST", .national, "000000000000", 4.6),
            ("DIST_MIN", .national, "000000000000", 1), ("DIST_MAX", .national, "000000000000", 10),
            ("DIST_MAX", .province, "44", 6), ("DIST_MEDIAN", .national, "000000000000", 4),
            ("DIST_MEDIAN", .township, "110101001", 3), ("DIST_MEDIAN", .province, "41", 10),
        ])
    func handChecked(indicator: String, level: RegionLevel, region: String, value: Double) throws {
        let rollup = try #require(Self.find(indicator, level, region))
        #expect(abs(rollup.value - value) <= 1e-9 * abs(value), "\(indicator) \(level) \(region): \(rollup.value)")
    }

    @Test func coverageCountsTheRegistry() throws {
        let tapRate = try #require(Self.find("TAP_RATE", .county, "441900"))
        #expect(tapRate.contributing == 1 && tapRate.expected == 2)
        #expect(tapRate.coverage == 0.5)
        #expect(tapRate.publication == .partial)
        let henan = try #require(Self.find("HH", .county, "419001"))
        #expect(henan.contributing == 1 && henan.expected == 2 && henan.publication == .partial)
        let national = try #require(Self.find("HH", .national, "000000000000"))
        #expect(national.expected == 6 && national.contributing == 5)
        let beijing = try #require(Self.find("HH", .province, "11"))
        #expect(beijing.coverage == 1 && beijing.publication == .published)
        // A placeholder prefecture still groups its units.
        #expect(try #require(Self.find("HH", .prefecture, "1101")).expected == 2)
    }

    @Test func reportedAggregatesAreKeptBesideTheComputedOnes() throws {
        let county = try #require(Self.find("HH", .county, "419001"))
        #expect(county.value == 50)
        #expect(county.reported == 55)
        #expect(county.imbalance == -5)
        #expect(county.relativeImbalance == -5.0 / 55)
        #expect(Self.find("HH", .county, "110101")?.reported == nil)
    }

    @Test func ratioRollupsAreFormedFromSummedPartsAtEveryLevel() throws {
        for rollup in Self.rollups where rollup.indicator == "TAP_RATE" {
            #expect(rollup.value == rollup.numerator / rollup.denominator * 100)
        }
    }

    @Test func indicatorsWithoutRuleOrDefinitionHaveNoRollups() {
        #expect(!Self.rollups.contains { $0.indicator == "WASTE" })
        let early = Self.engine.rollups(of: Fixture.table(period: "2015"))
        #expect(early.isEmpty)
    }

    @Test func missingValuesAndRepeatsAreSettledWhenBuilding() throws {
        var batch = ObservationBatch(indicatorCodes: ["HH"], periodTable: [try Period("2024")])
        let regions: [(String, Double)] = [
            ("110101001002", 2), ("110101001001", 1), ("110101001001", 1), ("419001100201", 5),
            ("419001100201", 6), ("441900003201", .nan),
        ]
        for (line, row) in regions.enumerated() {
            batch.append(
                region: try RegionCode(row.0).rawValue, indicator: 0, period: 0, value: row.1, status: 0, action: .merge,
                line: Int32(line))
        }
        let builder = ObservationTableBuilder()
        builder.add(batch)
        let table = builder.build()
        #expect(table.repeats == 1)
        #expect(table.contradictions.map(\.description) == ["419001100201|HH|2024"])
        #expect(builder.missingValues.map(\.description) == ["441900003201|HH|2024"])
        let beijing = try #require(table.partitions.first { $0.province == 11 })
        #expect(beijing.columns[0].regions.map { RegionCode(uncheckedRawValue: $0).description } == ["110101001001", "110101001002"])
        #expect(table.rowCount == 2)
    }
}
