import Foundation
import RuralstatModel
import RuralstatStore
import Testing
import TestSupport

// The store's tables through its interface, on each backend: SQLite, and PostgreSQL when a test
// server is given (`RURALSTAT_TEST_POSTGRESQL_URL`). What the interface does not show is read with
// each backend's own SQL.

@Suite("Rollup changes")
struct RollupChangeTests {
    static func rollup(_ region: String, _ value: Double, publication: Publication = .published) -> Rollup {
        let code = try! RegionCode(region)
        return Rollup(
            level: code.level, region: code, indicator: "HOUSEHOLDS", period: try! Period("2024"), value: value, numerator: value,
            denominator: 1, contributing: 1, expected: 1, publication: publication)
    }

    /// An indicator with two definition versions: `rollup_table` gives each rollup once, with the
    /// name and unit of the definition its period falls under, its parts and its findings.
    @Test(arguments: StoreBackend.available)
    func theRollupTableJoinsTheDefinitionOfItsPeriod(backend: StoreBackend) throws {
        let scratch = try ScratchStore(backend)
        let store = scratch.store
        let catalog = try IndicatorCatalog(
            version: "t2",
            definitions: [
                Indicator(
                    code: "HOUSEHOLDS", definitionVersion: "1", validFrom: 2016, validTo: 2020, nameZh: "户数（旧）", nameEn: "Households (old)",
                    unit: "户", kind: .count, reportedLevels: [.village], aggregation: .sum),
                Indicator(
                    code: "HOUSEHOLDS", definitionVersion: "2", validFrom: 2021, nameZh: "户数", nameEn: "Households", unit: "户", kind: .count,
                    reportedLevels: [.village], aggregation: .sum),
            ])
        try store.saveCatalog(catalog)
        let run = try store.beginRun(command: "t", parameters: [:])
        func rollup(_ period: String, _ value: Double) -> Rollup {
            Rollup(
                level: .province, region: try! RegionCode("110000000000"), indicator: "HOUSEHOLDS", period: try! Period(period), value: value,
                numerator: value, denominator: 1, contributing: 3, expected: 4, publication: .partial)
        }
        try store.replaceRollups(
            [rollup("2019", 10), rollup("2024", 12)], scope: RollupScope(indicators: ["HOUSEHOLDS"], periods: ["2019", "2024"], regions: .all),
            runID: run)
        let rows = try store.rollupTable(RollupQuery(indicators: ["HOUSEHOLDS"]))
        #expect(rows.map(\.period) == ["2019", "2024"])
        #expect(rows.map(\.nameEn) == ["Households (old)", "Households"])
        #expect(rows.map(\.definitionVersion) == ["1", "2"])
        #expect(rows.map(\.numerator) == [10, 12] && rows.allSatisfy { $0.findings == 0 })
        #expect(rows.map(\.region) == ["110000000000", "110000000000"] && rows.map(\.coverage) == [0.75, 0.75])
        let current = try scratch.texts(
            sqlite: "SELECT name_en FROM current_indicators WHERE code = 'HOUSEHOLDS'",
            postgresql: "SELECT name_en FROM ruralstat.current_indicators WHERE code = 'HOUSEHOLDS'")
        #expect(current == ["Households"])
    }

    @Test(arguments: StoreBackend.available)
    func aDeltaHoldsWhatChangedAfterARun(backend: StoreBackend) throws {
        let scratch = try ScratchStore(backend)
        let store = scratch.store
        let scope = RollupScope(indicators: ["HOUSEHOLDS"], periods: ["2024"], regions: .all)
        let first = try store.beginRun(command: "t", parameters: [:])
        try store.replaceRollups([Self.rollup("11", 10), Self.rollup("44", 20), Self.rollup("4419", 20)], scope: scope, runID: first)
        let second = try store.beginRun(command: "t", parameters: [:])
        // 11 unchanged, 44 changed, 4419 removed, 12 new.
        try store.replaceRollups([Self.rollup("11", 10), Self.rollup("44", 21), Self.rollup("12", 5)], scope: scope, runID: second)
        let third = try store.beginRun(command: "t", parameters: [:])
        // 12 removed again; 44 only changes publication.
        try store.replaceRollups([Self.rollup("11", 10), Self.rollup("44", 21, publication: .partial)], scope: scope, runID: third)
        let sinceFirst = try store.rollupChanges(since: first)
        #expect(sinceFirst.changed.map(\.region.description) == ["440000000000"])
        #expect(sinceFirst.changed.first?.publication == .partial)
        #expect(sinceFirst.removed.map(\.region) == [120_000_000_000, 441_900_000_000])
        let sinceSecond = try store.rollupChanges(since: second)
        #expect(sinceSecond.changed.map(\.region.description) == ["440000000000"] && sinceSecond.removed.map(\.region) == [120_000_000_000])
        #expect(try store.rollupChanges(since: third).changed.isEmpty)
    }
}

@Suite("Rejects table")
struct RejectsTableTests {
    /// Rejects are bound only where they differ from the row before (and NULL, empty and changing
    /// texts alternate here): what is read back is exactly what was written, row for row.
    @Test(arguments: StoreBackend.available)
    func everyRejectReadsBackAsWritten(backend: StoreBackend) throws {
        let scratch = try ScratchStore(backend)
        let store = scratch.store
        var random = SplitMix64(seed: 7)
        let texts: [String?] = [nil, "", "a", "a", "长一点的文字", "=1+2", "x\u{0}y", "a"]
        var written: [ValidationProblem] = []
        for index in 0..<500 {
            let pick = { texts[Int(random.next() % UInt64(texts.count))] }
            written.append(
                ValidationProblem(
                    location: SourceLocation(
                        file: index % 7 == 0 ? "b.csv" : "a.csv", line: index % 3 == 0 ? nil : index,
                        element: pick(), column: pick()),
                    key: pick() ?? "", rule: index % 2 == 0 ? .valueNotNumeric : .unknownRegion, value: pick() ?? "",
                    message: pick() ?? "m"))
        }
        _ = try store.apply(SubmissionRecord(fileName: "a.csv", contentHash: "h", receivedAt: "t"), runID: nil) { sink in
            for problem in written { try sink.reject(problem) }
            return SubmissionVerdict(header: MessageHeader(), format: nil, apply: false, isTest: false, rowsRead: 500, rowsRejected: 500, warnings: 0)
        }
        let read = try store.storedRejects()
        #expect(read.count == written.count)
        for (got, expected) in zip(read, written) where got != expected {
            Issue.record(
                "read \(got) \(got.location.element ?? "nil") \(got.location.column ?? "nil"); wrote \(expected) \(expected.location.element ?? "nil") \(expected.location.column ?? "nil")"
            )
            break
        }
    }
}

@Suite("Finding parameters")
struct FindingParameterTests {
    static func finding(_ parameters: FindingParameters) -> Finding {
        Finding(
            ruleID: BuiltInRule.benfordFirstDigit, method: "benford_mad", severity: .warning, level: .county,
            region: RegionCode(uncheckedRawValue: 130_122_000_000),
            indicator: nil, period: nil, observed: 0.02, parameters: parameters, explanation: "e")
    }

    /// Every kind of value reads back as the same type and value, non-finite numbers included, and
    /// the text column holds the `name=value` form people read.
    @Test(arguments: StoreBackend.available)
    func typedValuesReadBackAsWritten(backend: StoreBackend) throws {
        let scratch = try ScratchStore(backend)
        let store = scratch.store
        let parameters: FindingParameters = [
            "threshold": .number(3.5), "minimum_peers": .integer(8), "log": .flag(true), "rule": .text("A <= B, \"quoted\""),
            "shares": .numbers([0.301, 0.176, .nan, .infinity]), "counts": .integers([1, 0, 42]), "mii": .text("-"), "whole": .number(20),
        ]
        try store.replaceFindings(QualityResults(findings: [Self.finding(parameters)]), runID: try store.beginRun(command: "test", parameters: [:]))
        let read = try #require(try store.findings().first).parameters
        #expect(read.entries.map(\.name) == parameters.entries.map(\.name))
        #expect(read.number("threshold") == 3.5 && read.number("minimum_peers") == 8 && read["log"] == .flag(true))
        #expect(read["rule"] == .text("A <= B, \"quoted\"") && read["counts"] == .integers([1, 0, 42]))
        let shares = try #require(read.numbers("shares"))
        #expect(shares[0] == 0.301 && shares[1] == 0.176 && shares[2].isNaN && shares[3] == .infinity)
        let text = try scratch.texts(sqlite: "SELECT parameters FROM findings", postgresql: "SELECT parameters FROM ruralstat.findings").first
        #expect(text == "threshold=3.5 minimum_peers=8 log=true rule=A <= B, \"quoted\" shares=0.301/0.176/NaN/inf counts=1/0/42 mii=- whole=20")
    }

    /// Findings staged a pass at a time go in place together, in the order staged: a finding found
    /// again keeps the run that first found it (a missing indicator or period is a key part too), a
    /// new one is the new run's, and one not found again is gone. A fresh staging drops what an
    /// unfinished run staged.
    @Test(arguments: StoreBackend.available)
    func stagedFindingsReplaceTheStoredOnesAndKeepTheirFirstRun(backend: StoreBackend) throws {
        let scratch = try ScratchStore(backend)
        let store = scratch.store
        func finding(_ region: Int64, _ indicator: String?) -> Finding {
            var f = Self.finding(["a": .integer(1)])
            f.region = RegionCode(uncheckedRawValue: region)
            f.indicator = indicator
            return f
        }
        let first = try store.beginRun(command: "test", parameters: [:])
        try store.replaceFindings(QualityResults(findings: [finding(1, nil), finding(2, "X"), finding(3, nil)]), runID: first)
        let unfinished = try store.beginRun(command: "test", parameters: [:])
        try store.stageFindings([finding(9, nil)], runID: unfinished, afresh: true)
        let second = try store.beginRun(command: "test", parameters: [:])
        try store.stageFindings([finding(4, nil), finding(2, "X")], runID: second, afresh: true)
        try store.stageFindings([finding(1, nil), finding(3, "Y")], runID: second, afresh: false)
        try store.replaceFindings(stagedBy: second, tallies: [])
        let rows = try scratch.texts(
            sqlite: "SELECT region || ' ' || coalesce(indicator, '-') || ' ' || run_id || ' ' || first_run_id FROM findings ORDER BY id",
            postgresql: "SELECT region || ' ' || coalesce(indicator, '-') || ' ' || run_id || ' ' || first_run_id FROM ruralstat.findings ORDER BY id")
        #expect(rows == ["4 - \(second) \(second)", "2 X \(second) \(first)", "1 - \(second) \(first)", "3 Y \(second) \(second)"])
        #expect(try store.findingCountsByRule(newIn: second)[BuiltInRule.benfordFirstDigit]! == (4, 2))
        // Nothing stays staged: the next run's findings are its own alone.
        let third = try store.beginRun(command: "test", parameters: [:])
        try store.replaceFindings(stagedBy: third, tallies: [])
        #expect(try store.findings().isEmpty)
    }

    /// A finding stored before parameters were typed keeps its text, shown whole.
    @Test(arguments: StoreBackend.available)
    func aFindingFromBeforeTypedParametersShowsItsText(backend: StoreBackend) throws {
        let scratch = try ScratchStore(backend)
        let store = scratch.store
        try store.replaceFindings(QualityResults(findings: [Self.finding(["a": .integer(1)])]), runID: try store.beginRun(command: "test", parameters: [:]))
        _ = try scratch.texts(
            sqlite: "UPDATE findings SET parameters = 'a=1 b=x', parameter_values = NULL RETURNING ''",
            postgresql: "UPDATE ruralstat.findings SET parameters = 'a=1 b=x', parameter_values = NULL RETURNING ''")
        let read = try #require(try store.findings().first).parameters
        #expect(read.description == "a=1 b=x" && read.number("a") == nil)
    }
}

@Suite("Assessment table")
struct AssessmentTableTests {
    static func row(_ level: RegionLevel, _ year: Int, _ region: Int64, rank: Int) -> AssessmentRow {
        AssessmentRow(
            framework: "plan", level: level, year: year, region: RegionCode(uncheckedRawValue: region), name: "县", regionClass: rank == 1 ? "东部 East" : nil,
            dimensionScores: [.init(dimension: "生活富裕 Prosperity", score: 0.5), .init(dimension: "生态宜居 Ecology", score: .nan)], index: 0.25,
            rank: rank, regions: 2, classRank: rank == 1 ? 1 : 0, classSize: rank == 1 ? 1 : 0, rankLow: 1, rankMedian: rank, rankHigh: 2,
            progress: {
                var p = AssessmentProgress(previousYear: year - 1, baselineYear: nil); p.scoreChange = -0.125; return p
            }(), marked: 1, sentence: "县 ranks \(rank) of 2")
    }

    /// Rows read back as written (a NaN score included), and replacing one level and year leaves the others.
    @Test(arguments: StoreBackend.available)
    func rowsReadBackAndReplacingTouchesOnlyItsScope(backend: StoreBackend) throws {
        let scratch = try ScratchStore(backend)
        let store = scratch.store
        let run = try store.beginRun(command: "test", parameters: [:])
        let county2024 = [Self.row(.county, 2024, 130_102_000_000, rank: 1), Self.row(.county, 2024, 130_103_000_000, rank: 2)]
        let province2024 = [Self.row(.province, 2024, 130_000_000_000, rank: 1)]
        try store.replaceAssessment(
            county2024 + province2024, settings: [.init(framework: "plan", level: .county, year: 2024, specSHA256: "h", json: "{\"seed\":1}")], runID: run)
        let read = try store.storedAssessment(level: .county, year: 2024)
        #expect(read.count == 2 && read[0].region == county2024[0].region && read[0].dimensionScores[1].score.isNaN)
        var expected = county2024[0]
        expected.dimensionScores = read[0].dimensionScores  // NaN ≠ NaN
        #expect(read[0] == expected && read[0].regionClass == "东部 East" && read[1].regionClass == nil)
        try store.replaceAssessment([Self.row(.county, 2024, 130_103_000_000, rank: 1)], settings: [], runID: run)
        #expect(try store.storedAssessment(level: .county, year: 2024).count == 1)
        #expect(try store.storedAssessment(level: .province, year: nil).map(\.region) == province2024.map(\.region))
        #expect(try store.storedAssessmentSettings().isEmpty)
        // A second framework's assessment of the same level and year stands beside the first.
        var other = Self.row(.county, 2024, 130_102_000_000, rank: 1)
        other.framework = "digital"
        try store.replaceAssessment([other], settings: [], runID: run)
        #expect(try store.storedAssessment(level: .county, year: 2024).map(\.framework) == ["digital", "plan"])
    }
}
