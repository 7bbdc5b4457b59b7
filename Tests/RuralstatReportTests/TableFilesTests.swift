import Foundation
import Testing
import TestSupport
import RuralstatModel
@testable import RuralstatReport

/// Indicator tables, golden: the same small set of rollups in every table format, with the marks,
/// targets, attainment, escaping and formula safety checked exactly.
@Suite("Indicator tables")
struct TableFilesTests {
    static let catalog = try! IndicatorCatalog(
        version: "t",
        definitions: [
            Indicator(
                code: "HH_TAP_WATER", validFrom: 2016, nameZh: "自来水户数", nameEn: "Households with tap water", unit: "户", kind: .count,
                reportedLevels: [.village], aggregation: .sum),
            Indicator(
                code: "HOUSEHOLDS", validFrom: 2016, nameZh: "户数", nameEn: "Households", unit: "户", kind: .count,
                reportedLevels: [.village], aggregation: .sum),
            Indicator(
                code: "RURAL_TAP_WATER_RATE", validFrom: 2016, nameZh: "农村自来水普及率", nameEn: "Rural tap-water coverage", unit: "%", kind: .rate,
                reportedLevels: [], aggregation: .ratio(numerator: "HH_TAP_WATER", denominator: "HOUSEHOLDS"), direction: .higher,
                targets: [2020: Target(">83")!, 2022: Target(">85")!]),
            Indicator(
                code: "RURAL_ENGEL_COEFFICIENT", validFrom: 2016, nameZh: "恩格尔系数", nameEn: "Engel coefficient", unit: "%", kind: .rate,
                reportedLevels: [.county], aggregation: .none, direction: .lower, targets: [2022: Target("29.2")!]),
        ])

    static func rollup(_ region: String, _ indicator: String, _ value: Double, publication: Publication = .published, coverage: Double? = 1) -> Rollup {
        let code = try! RegionCode(region)
        let expected = coverage.map { _ in 100 }
        return Rollup(
            level: code.level, region: code, indicator: indicator, period: try! Period("2024"), value: value, numerator: value, denominator: 1,
            contributing: coverage.map { Int($0 * 100) } ?? 0, expected: expected, publication: publication)
    }

    static let rollups = [
        rollup("13", "RURAL_TAP_WATER_RATE", 87.5), rollup("13", "HOUSEHOLDS", 52_000), rollup("13", "RURAL_ENGEL_COEFFICIENT", 32.12),
        rollup("44", "RURAL_TAP_WATER_RATE", 81.25, publication: .partial, coverage: 0.9),
        rollup("44", "HOUSEHOLDS", 1_000, publication: .withheld, coverage: 0.4),
    ]

    static let registryText = """
        code,name,parent_code,urban_rural_class
        130000000000,河北省,,
        440000000000,=广东|<省>,,
        """

    static func table() throws -> IndicatorTable {
        let folder = try TemporaryFolder()
        let path = try folder.write("r.csv", registryText)
        var builder = RegistryBuilder(edition: 2023)
        for (index, line) in try Self.bytes(path).split(separator: "\n").dropFirst().enumerated() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            builder.add(code: f[0], name: f[1], parentCode: f[2], urbanRuralClass: f[3], file: "r.csv", line: index + 2)
        }
        return IndicatorTable(rollups: rollups, catalog: catalog, registry: try builder.build(), levels: [.province])
    }

    /// The file as written, byte order mark included (Foundation's String(contentsOfFile:) drops it).
    static func bytes(_ path: String) throws -> String { String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self) }

    @Test func attainmentIsDirectionAwareAndCapped() {
        #expect(IndicatorTable.attainment(80, target: Target(">85")!, direction: .higher) == (100 * (80.0 / 85), false))
        #expect(IndicatorTable.attainment(90, target: Target(">85")!, direction: .higher) == (100, true))
        #expect(IndicatorTable.attainment(32.12, target: Target("29.2")!, direction: .lower) == (100 * (29.2 / 32.12), false))
        #expect(IndicatorTable.attainment(25, target: Target("29.2")!, direction: .lower) == (100, true))
    }

    @Test func longCSVIsGolden() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("long.csv")
        try TableFiles.writeLongCSV(try Self.table(), to: path)
        let text = try Self.bytes(path)
        #expect(
            text == """
                \u{FEFF}level,region,region_name,indicator,name_zh,name_en,period,value,unit,coverage,publication,target_year,target,attainment_percent,meets_target
                province,130000000000,河北省,HOUSEHOLDS,户数,Households,2024,52000,户,1,published,,,,
                province,130000000000,河北省,RURAL_ENGEL_COEFFICIENT,恩格尔系数,Engel coefficient,2024,32.12,%,1,published,2022,29.2,90.9090909090909,no
                province,130000000000,河北省,RURAL_TAP_WATER_RATE,农村自来水普及率,Rural tap-water coverage,2024,87.5,%,1,published,2022,>85,100,yes
                province,440000000000,'=广东|<省>,HOUSEHOLDS,户数,Households,2024,,户,0.4,withheld,,,,
                province,440000000000,'=广东|<省>,RURAL_TAP_WATER_RATE,农村自来水普及率,Rural tap-water coverage,2024,81.25,%,0.9,partial,2022,>85,95.5882352941177,no

                """)
    }

    @Test func wideCSVAndMarkdownAreGolden() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("wide.csv")
        let table = try Self.table()
        try TableFiles.writeWideCSV(table, to: path)
        #expect(
            try Self.bytes(path) == """
                \u{FEFF}level,region,region_name,period,户数 HOUSEHOLDS (户),HOUSEHOLDS_mark,恩格尔系数 RURAL_ENGEL_COEFFICIENT (%),RURAL_ENGEL_COEFFICIENT_mark,农村自来水普及率 RURAL_TAP_WATER_RATE (%),RURAL_TAP_WATER_RATE_mark
                province,130000000000,河北省,2024,52000,,32.12,,87.5,
                province,440000000000,'=广东|<省>,2024,,withheld,,,81.25,partial

                """)
        #expect(
            TableFiles.markdown(table, title: "T <1>") == """
                # T &lt;1&gt;

                ## 2024

                | 地区 region | 户数 HOUSEHOLDS (户) | 恩格尔系数 RURAL_ENGEL_COEFFICIENT (%) | 农村自来水普及率 RURAL_TAP_WATER_RATE (%) |
                |---|---:|---:|---:|
                | 河北省 13 | 52000 | 32.12 | 87.5 |
                | =广东\\|&lt;省&gt; 44 | — |  | 81.25* |

                `*` partial: fewer units reported than the coverage threshold; `—` withheld: too few units to publish.

                """)
    }

    /// Computed figures are written without the binary noise of their last digit (15 significant
    /// digits, the shortest text of that), numbers stay numbers, and a negative one is never taken
    /// for a formula.
    @Test func computedNumbersHaveNoFloatNoiseAndNegativesNoPrefix() throws {
        #expect(NumberText.computed(0.1 + 0.2) == "0.3")
        #expect(NumberText.computed(100 * (29.2 / 32.12)) == "90.9090909090909")
        #expect(NumberText.computed(1.0 / 3) == "0.333333333333333")
        #expect(NumberText.computed(-5.2700000000000005) == "-5.27")
        #expect(NumberText.computed(412) == "412" && NumberText.computed(1351.27) == "1351.27")
        #expect(NumberText.computed(1.234e-300) == "1.234e-300" && NumberText.computed(.nan) == "NaN")
        let folder = try TemporaryFolder()
        let path = folder.path("n.csv")
        let writer = try CSVWriter(path: path, header: ["a", "b", "c"])
        writer.field(0.1 + 0.2)
        writer.field(-0.000123)
        writer.field(-12.5)
        writer.endRow()
        try writer.close()
        #expect(try Self.bytes(path) == "a,b,c\n0.3,-0.000123,-12.5\n")
    }

    @Test func htmlEscapesEverythingAndNeedsNoNetwork() throws {
        let evil = "<script>alert('x')</script>"
        let finding = Finding(
            ruleID: "peer_outlier", method: "robust_z", severity: .warning, level: .province, region: try RegionCode("44"),
            indicator: "HOUSEHOLDS", period: try Period("2024"), observed: 1, parameters: [:], explanation: "\(evil) & <img src=x onerror=y>")
        let context = HTMLReport.Context(
            runID: 7, generated: Date(timeIntervalSince1970: 0), submissions: 2, catalog: Self.catalog, registry: nil,
            rollups: Self.rollups, findings: [finding], tallies: [RuleTally(ruleID: evil, level: .province, province: try RegionCode("44"), passed: 1)])
        let html = HTMLReport.render(context)
        #expect(!html.contains("<script") && !html.contains("<img"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;img src=x onerror=y&gt;"))
        // Self-contained: no link, script or image from anywhere else.
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<link") && !html.contains(" src=\""))
        #expect(html.contains("<svg") && html.contains("数据质量 Data quality"))
    }
}

@Suite("CSV formula guard")
struct CSVFormulaGuardTests {
    @Test(
        "cells a spreadsheet would run are made text",
        arguments: [
            ("=1+2", "'=1+2"), ("+A1", "'+A1"), ("@SUM(A1)", "'@SUM(A1)"), ("-2+3", "'-2+3"), ("\t=1+2", "'\t=1+2"), ("\r=1", "\"'\r=1\""),
            ("-inf", "'-inf"), ("-0x1p3", "'-0x1p3"), ("+", "'+"),
        ])
    func guarded(text: String, cell: String) {
        #expect(CSVText.field(text) == cell)
    }

    @Test("numbers stay numbers", arguments: ["-5", "-12.5", "+3e4", "-.5", "1e-7", "42"])
    func numbers(text: String) {
        #expect(CSVText.field(text) == text)
    }

    @Test func theWriterGuardsTheSame() throws {
        let folder = try TemporaryFolder()
        let writer = try CSVWriter(path: folder.path("g.csv"), header: ["a", "b", "c"])
        writer.field("\t=cmd")
        writer.field("-inf")
        writer.field(-5.0)
        writer.endRow()
        try writer.close()
        #expect(try String(contentsOfFile: folder.path("g.csv"), encoding: .utf8) == "a,b,c\n'\t=cmd,'-inf,-5\n")
    }

    @Test func aFullDiskNamesTheFile() throws {
        let writer = try CSVWriter(path: "/dev/full", header: ["a"])
        for _ in 0..<100_000 { writer.field("x"); writer.endRow() }
        #expect { try writer.close() } throws: { error in
            (error as? OutputError).map { $0.path == "/dev/full" && $0.message == "No space left on device" } == true
        }
    }
}
