import Testing
import RuralstatModel
@testable import RuralstatQuality

@Suite("PeriodOverPeriodCheck")
struct PeriodOverPeriodCheckTests {
    /// Township 101 has 12 villages, township 102 only 4; each has one village whose output jumped.
    static let rows: [(String, String, String, Double)] = {
        var rows: [(String, String, String, Double)] = []
        for (township, villages, jumper) in [(101, 12, 7), (102, 4, 2)] {
            for village in 1...villages {
                let region = "130121\(township)\(200 + village)"
                let before = Double(1_000 + 10 * village)
                rows.append((region, "GRAIN_OUTPUT", "2023", before))
                rows.append((region, "GRAIN_OUTPUT", "2024", village == jumper ? before * 5 : before * (1 + Double(village % 3) / 100)))
            }
        }
        return rows
    }()

    @Test func jumpsAreFlaggedWithinTheTownshipOrTheCounty() throws {
        let check = PeriodOverPeriodCheck(method: .hidiroglouBerthelot(.init(mii: 7, mei: 4, exponent: 0.5)))
        let results = check.run(QualityFixture.input(Self.rows))
        #expect(results.findings.map(\.region.description) == ["130121101207", "130121102202"])
        let own = results.findings[0], borrowed = results.findings[1]
        #expect(own.tier == .impute && own.peerGroup?.description == "130121101000" && own.peerSize == 12)
        #expect(borrowed.peerGroup?.description == "130121000000" && borrowed.peerSize == 16)
        #expect(borrowed.explanation.contains("its township has only 4 usable units, so the county's 16 are the peers"))
        #expect(own.explanation.hasPrefix("村 130121101207: 粮食产量 GRAIN_OUTPUT 5350 吨 in 2024 after 1070 吨 in 2023; its change ×5"))
        // Every 2024 village was checked once: 14 passed, 2 failed.
        let tallies = results.mergedTallies
        #expect(tallies.map { "\($0.passed)/\($0.failed)/\($0.notApplicable)" } == ["14/2/0"])
    }

    /// A township where most villages repeat last year's figure is not checked on its own (its
    /// quartiles would be 0): the explanation says so with the township's true size.
    @Test func aGroupOfRepeatsSaysWhyItBorrowsItsPeers() {
        var rows = Self.rows
        // Township 102: villages 1, 3 and 4 report 2023's figure again; village 2 still jumps.
        for (index, row) in rows.enumerated() where row.0.hasPrefix("130121102") && row.2 == "2024" && !row.0.hasSuffix("202") {
            rows[index].3 = rows[index - 1].3
        }
        let check = PeriodOverPeriodCheck(method: .hidiroglouBerthelot(.init(mii: 7, mei: 4, exponent: 0.5)))
        let borrowed = check.run(QualityFixture.input(rows)).findings.first { $0.region.description == "130121102202" }
        #expect(
            borrowed?.explanation.contains("3 of its township's 4 units repeated last period's figure, so the county's 16 are the peers") == true,
            "\(borrowed?.explanation ?? "no finding")")
    }

    /// Twelve villages of one township: eight grow by exactly 1 %, so HB's quartiles collapse. Banff
    /// (minimum change 0) then flags village 10's −1 % and village 11's +5 % as surely as village 12's
    /// doubling (only A·|M| keeps village 9's +1.5 % in); the guard keeps only the changes at least
    /// 10 % away from the median change.
    @Test func theGuardAgainstCollapsedSpread() {
        var rows: [(String, String, String, Double)] = []
        let growth: [Int: Double] = [9: 1.015, 10: 0.99, 11: 1.05, 12: 2.0]
        for village in 1...12 {
            let region = "130121101\(200 + village)"
            rows.append((region, "GRAIN_OUTPUT", "2023", 1_000))
            rows.append((region, "GRAIN_OUTPUT", "2024", 1_000 * (growth[village] ?? 1.01)))
        }
        var check = PeriodOverPeriodCheck(method: .hidiroglouBerthelot(.init(mii: 7, mei: 4, exponent: 0)))
        check.minimumChange = 0
        let exact = check.run(QualityFixture.input(rows)).findings.map(\.region.description)
        #expect(exact == ["130121101210", "130121101211", "130121101212"])
        check.minimumChange = 0.10
        let guarded = check.run(QualityFixture.input(rows))
        #expect(guarded.findings.map(\.region.description) == ["130121101212"])
        #expect(guarded.findings[0].parameters.number("min_change") == 0.1)
        #expect(guarded.mergedTallies.map { "\($0.passed)/\($0.failed)" } == ["11/1"])
    }

    @Test func sigmaGapFindsTheSameJumps() {
        let check = PeriodOverPeriodCheck(method: .sigmaGap(.init(betaI: 2, betaE: 1)))
        let results = check.run(QualityFixture.input(Self.rows))
        #expect(results.findings.map(\.region.description) == ["130121101207", "130121102202"])
        #expect(results.findings.allSatisfy { $0.method == "sigma_gap" && $0.statisticName == "gap" })
    }

    /// An indicator with its own settings is checked with them; the others keep the check's. Here the
    /// same collapsed group, as two indicators: GRAIN_OUTPUT Banff-exact, GRAIN_SOWN_AREA guarded.
    @Test func indicatorsCanHaveTheirOwnSettings() {
        var rows: [(String, String, String, Double)] = []
        let growth: [Int: Double] = [9: 1.015, 10: 0.99, 11: 1.05, 12: 2.0]
        for village in 1...12 {
            let region = "130121101\(200 + village)"
            for indicator in ["GRAIN_OUTPUT", "GRAIN_SOWN_AREA"] {
                rows.append((region, indicator, "2023", 1_000))
                rows.append((region, indicator, "2024", 1_000 * (growth[village] ?? 1.01)))
            }
        }
        var check = PeriodOverPeriodCheck(method: .hidiroglouBerthelot(.init(mii: 7, mei: 4, exponent: 0)))
        check.minimumChange = 0.10
        check.byIndicator["GRAIN_OUTPUT"] = .init(method: .hidiroglouBerthelot(.init(mii: 7, mei: 4, exponent: 0)), minimumChange: 0)
        let findings = check.run(QualityFixture.input(rows)).findings
        #expect(
            findings.map { "\($0.indicator!) \($0.region)" } == [
                "GRAIN_OUTPUT 130121101210", "GRAIN_OUTPUT 130121101211", "GRAIN_OUTPUT 130121101212", "GRAIN_SOWN_AREA 130121101212",
            ])
        #expect(findings[0].parameters.number("min_change") == 0 && findings[3].parameters.number("min_change") == 0.1)
    }
}
