import Testing
import TestSupport
@testable import RuralstatIngest
import RuralstatModel

@Suite("Validation rules")
struct ValidationRuleTests {
    /// Reads a long CSV whose second line is `row`, as sender 1301 (石家庄市).
    static func problems(
        _ row: String, header: String = "region,indicator,period,value,status,unit_mult,freq,unit",
        sender: String = "1301"
    ) throws -> (report: ValidationReport, rejects: [ValidationProblem], rows: [ObservationRow]) {
        let folder = try TemporaryFolder()
        let path = try folder.write("in.csv", "\(header)\n\(row)\n")
        let (rows, report, rejects) = try Fixtures.read(path, options: Fixtures.options(sender: sender))
        return (report, rejects, rows)
    }

    @Test(
        "each rule rejects its row with a clear message",
        arguments: [
            (
                "13012110120,HOUSEHOLDS,2024,412,A,,,", ValidationRule.malformedRegion, "region", "13012110120",
                "region code '13012110120' has 11 characters; a code has 2, 4, 6, 9 or 12 digits"
            ),
            (
                "130121101299,HOUSEHOLDS,2024,412,A,,,", .unknownRegion, "region", "130121101299",
                "region 130121101299 is not in the 2023 division registry"
            ),
            (
                "130221101201,HOUSEHOLDS,2024,412,A,,,", .outsideJurisdiction, "region", "130221101201",
                "sender test may report only for 1301 and the units below it; 130221101201 is outside"
            ),
            (
                "130121101201,HOUSEHOLD,2024,412,A,,,", .unknownIndicator, "indicator", "HOUSEHOLD",
                "indicator 'HOUSEHOLD' is not in the catalog 2025.1"
            ),
            (
                "130121101201,HOUSEHOLDS,2015,412,A,,,", .indicatorNotValid, "indicator", "HOUSEHOLDS",
                "HOUSEHOLDS has no definition valid in 2015 (valid 2016–)"
            ),
            (
                "130121101201,HOUSEHOLDS,2024-13,412,A,,,", .malformedPeriod, "period", "2024-13",
                "period '2024-13' is out of range: frequency M has sub-periods 1–12 in that year"
            ),
            (
                "130121101201,HOUSEHOLDS,2024-Q1,412,A,,,", .frequencyMismatch, "indicator", "HOUSEHOLDS",
                "period 2024-Q1 has frequency Q, but HOUSEHOLDS is reported with frequency A"
            ),
            (
                "130121101201,HOUSEHOLDS,2024,412,A,,Q,", .frequencyMismatch, "freq", "Q",
                "FREQ 'Q' does not match period 2024 (frequency A)"
            ),
            ("130121101201,HOUSEHOLDS,2024,4l2,A,,,", .valueNotNumeric, "value", "4l2", "'4l2' is not a number"),
            (
                "130121101201,HOUSEHOLDS,2024,-3,A,,,", .valueOutOfRange, "value", "-3",
                "-3 户 is outside the valid range 0–1000000 of HOUSEHOLDS"
            ),
            (
                "130121101201,RURAL_INCOME_PER_CAPITA,2024,2.5,A,6,,", .valueOutOfRange, "value", "2.5",
                "2500000 元/人 is outside the valid range 1000–300000 of RURAL_INCOME_PER_CAPITA"
            ),
            (
                "130121101201,HOUSEHOLDS,2024,,A,,,", .missingValueWithoutStatus, "value", "",
                "the value is missing and no OBS_STATUS says why (use M, L, O, Q or H)"
            ),
            (
                "130121101201,HOUSEHOLDS,2024,412,X,,,", .unknownStatus, "status", "X",
                "OBS_STATUS 'X' is not a status code (A, B, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, S, U, V, W)"
            ),
            (
                "130121101201,HOUSEHOLDS,2024,412,M,,,", .statusInconsistent, "value", "412",
                "a value is given but OBS_STATUS 'M' says it is missing"
            ),
            (
                "130121101201,HOUSEHOLDS,2024,412,A,,,吨", .unitMismatch, "unit", "吨",
                "unit '吨' does not match HOUSEHOLDS's unit 户"
            ),
            (
                "130121101201,HOUSEHOLDS,2024,412,A,ten,,", .unitMismatch, "unit_mult", "ten",
                "UNIT_MULT 'ten' is not a power of ten (0, 3, 4, 8 …)"
            ),
            (
                "130121101201,RURAL_TAP_WATER_RATE,2024,85,A,,,", .levelNotReported, "region", "130121101201",
                "RURAL_TAP_WATER_RATE is reported by no unit (it is computed); 130121101201 is a village"
            ),
            (
                "130121000000,HH_TAP_WATER,2024,85,A,,,", .levelNotReported, "region", "130121000000",
                "HH_TAP_WATER is reported by village units; 130121000000 is a county"
            ),
            (",HOUSEHOLDS,2024,412,A,,,", .missingDimension, "region", "", "the region is empty"),
            ("130121101201,HOUSEHOLDS,2024,412,A", .fieldCount, "", "", "the record has 5 fields; the header has 8"),
        ])
    func rule(row: String, rule: ValidationRule, column: String, value: String, message: String) throws {
        let (report, rejects, rows) = try Self.problems(row)
        #expect(rows.isEmpty)
        #expect(report.rowsRejected == 1)
        let problem = try #require(rejects.first { $0.rule == rule }, "got \(rejects)")
        #expect(problem.message == message)
        #expect(problem.value == value)
        #expect(problem.severity == .error)
        #expect(problem.location.line == 2)
        if !column.isEmpty { #expect(problem.location.column == column) }
        #expect(report.countsByRule[rule] == 1)
    }

    @Test func missingValueWithMissingStatusIsKept() throws {
        let (report, rejects, rows) = try Self.problems("130121101201,HOUSEHOLDS,2024,NaN,M,,,")
        #expect(rejects.isEmpty)
        #expect(report.rowsAccepted == 1)
        #expect(rows.first?.value.isNaN == true)
        #expect(rows.first?.status == .missing)
    }

    @Test func unitMultiplierRescalesToTheCatalogScale() throws {
        // COLLECTIVE_INCOME is kept in 万元 (UNIT_MULT 4); a village sends yuan (0) or 千元 (3).
        let (_, rejects, rows) = try Self.problems("130121101201,COLLECTIVE_INCOME,2024,565000,A,0,A,CNY\n130121101202,COLLECTIVE_INCOME,2024,56.5,A,3,A,元")
        #expect(rejects.isEmpty, "\(rejects)")
        #expect(rows.map(\.value) == [56.5, 5.65])
    }

    @Test func duplicatesAreMergedOrRejected() throws {
        let rows = """
            130121101201,HOUSEHOLDS,2024,412,A,,,
            130121101202,HOUSEHOLDS,2024,388,A,,,
            130121101201,HOUSEHOLDS,2024,412,A,,,
            130121101203,HOUSEHOLDS,2024,100,A,,,
            130121101203,HOUSEHOLDS,2024,101,A,,,
            """
        let (report, rejects, accepted) = try Self.problems(rows)
        // The first of two contradicting rows was handed on before its contradiction came; the report
        // names its key so that a consumer keeping rows drops it.
        #expect(accepted.map(\.region!.description) == ["130121101201", "130121101202", "130121101203"])
        #expect(report.contradictoryKeys.map(\.description) == ["130121101203|HOUSEHOLDS|2024"])
        #expect(report.duplicatesMerged == 1)
        #expect(report.rowsRejected == 2)
        #expect(report.rowsAccepted == 2)
        #expect(rejects.filter { $0.rule == .duplicateIdentical }.map(\.location.line) == [4])
        #expect(rejects.filter { $0.rule == .duplicateContradictory }.compactMap(\.location.line).sorted() == [5, 6])
        #expect(
            rejects.first { $0.rule == .duplicateContradictory && $0.location.line == 6 }?.message
                == "contradicts line 5 (100 there, 101 here); both are rejected")
    }

    @Test func everyProblemIsCollectedUpToTheCap() throws {
        let rows = (1...30).map { "130121101201,HOUSEHOLDS,2024,-\($0),A,,," }.joined(separator: "\n")
        let folder = try TemporaryFolder()
        let path = try folder.write("in.csv", "region,indicator,period,value,status,unit_mult,freq,unit\n\(rows)\n")
        var options = Fixtures.options(sender: "1301")
        options.problemCap = 10
        let (_, report, rejects) = try Fixtures.read(path, options: options)
        #expect(report.problems.count == 10)
        #expect(report.countsByRule[.valueOutOfRange] == 30)
        #expect(rejects.count == 30)  // the rejects log gets every row
    }

    @Test func errorThresholdRejectsTheWholeSubmission() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("in.csv", "region,indicator,period,value\n130121101201,HOUSEHOLDS,2024,412\n130121101202,HOUSEHOLDS,2024,-1\n")
        var options = Fixtures.options(sender: "1301")
        options.policy = .submissionAbove(errorRate: 0.25)
        let (_, report, _) = try Fixtures.read(path, options: options)
        #expect(!report.shouldApply)
        #expect(report.countsByRule[.submissionRejected] == 1)
        options.policy = .submissionAbove(errorRate: 0.5)
        #expect(try Fixtures.read(path, options: options).report.shouldApply)
    }

    @Test func deletesMayLeaveDimensionsEmpty() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write(
            "in.csv",
            """
            STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE
            dataflow,X,D,130121101201,,2024,
            dataflow,X,R,130121101201,HOUSEHOLDS,,5
            dataflow,X,Z,130121101201,HOUSEHOLDS,2024,5
            """)
        let (rows, report, rejects) = try Fixtures.read(path, options: Fixtures.options(sender: "1301"))
        #expect(rows.count == 1)
        #expect(rows[0].action == .delete && rows[0].indicator == nil && rows[0].period?.description == "2024")
        #expect(rejects.map(\.rule) == [.missingDimension, .unknownAction])
        #expect(report.rowsRead == 3)
    }

    @Test func aSenderIsRequired() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("in.csv", "region,indicator,period,value\n130121101201,HOUSEHOLDS,2024,412\n")
        var options = Fixtures.options()
        options.defaultSender = nil
        #expect {
            _ = try Fixtures.read(path, options: options)
        } throws: { error in (error as? IngestError)?.rule == .unknownSender }
    }
}
