import Testing
@testable import RuralstatModel

@Suite("Period")
struct PeriodTests {
    @Test(
        "every SDMX format parses to its frequency and canonical text",
        arguments: [
            ("2025", Frequency.annual, "2025", "2024"),
            ("2025-A1", .annual, "2025", "2024"),
            ("2025-S1", .halfYearly, "2025-S1", "2024-S2"),
            ("2025-S2", .halfYearly, "2025-S2", "2025-S1"),
            ("2025-Q3", .quarterly, "2025-Q3", "2025-Q2"),
            ("2025-Q1", .quarterly, "2025-Q1", "2024-Q4"),
            ("2025-M09", .monthly, "2025-09", "2025-08"),
            ("2025-09", .monthly, "2025-09", "2025-08"),
            ("2025-01", .monthly, "2025-01", "2024-12"),
            ("2025-W05", .weekly, "2025-W05", "2025-W04"),
            ("2021-W01", .weekly, "2021-W01", "2020-W53"),
            ("2025-W01", .weekly, "2025-W01", "2024-W52"),
            ("2025-09-30", .daily, "2025-09-30", "2025-09-29"),
            ("2025-01-01", .daily, "2025-01-01", "2024-12-31"),
            ("2024-03-01", .daily, "2024-03-01", "2024-02-29"),
            ("2025-D273", .daily, "2025-09-30", "2025-09-29"),
        ])
    func parses(text: String, frequency: Frequency, canonical: String, previous: String) throws {
        let period = try Period(text)
        #expect(period.frequency == frequency)
        #expect(period.description == canonical)
        #expect(period.previous?.description == previous)
        #expect(try Period(canonical) == period)
        #expect(period.previous?.next == period)
    }

    @Test(
        "malformed periods are rejected with a reason",
        arguments: [
            "", "25", "2025-", "2025-Q5", "2025-Q0", "2025-M13", "2025-13", "2025-S3", "2025-W54",
            "2025-W53", "2025-02-29", "2025-09-31", "2025-9", "2025-Q", "2025/09", "0000", "2025-D366",
            "2025-M9", "2025-Q03", "abcd", "2025-09-3",
        ])
    func rejects(text: String) {
        #expect(throws: PeriodError.self) { try Period(text) }
    }

    @Test func errorMessages() {
        #expect(throws: PeriodError(text: "2025-Q5", reason: .index(.quarterly, max: 4))) { try Period("2025-Q5") }
        #expect(throws: PeriodError(text: "2025-02-29", reason: .day(month: 2, max: 28))) { try Period("2025-02-29") }
        #expect(
            PeriodError(text: "2025-Q5", reason: .index(.quarterly, max: 4)).description
                == "period '2025-Q5' is out of range: frequency Q has sub-periods 1–4 in that year")
    }

    @Test func isoWeeksPerYear() throws {
        // Years with 53 ISO weeks: those starting on a Thursday, or leap years starting on a Wednesday.
        #expect(Period.count(of: .weekly, in: 2020) == 53)
        #expect(Period.count(of: .weekly, in: 2015) == 53)
        #expect(Period.count(of: .weekly, in: 2026) == 53)
        #expect(Period.count(of: .weekly, in: 2025) == 52)
        // 2025-W01 starts on Monday 2024-12-30.
        #expect(try Period("2025-W01").startDay == Period("2024-12-30").startDay)
    }

    @Test func orderingAcrossFrequencies() throws {
        let texts = ["2025-09-30", "2024", "2025-Q3", "2025", "2025-09", "2025-S2", "2024-W52", "2025-07-01"]
        let sorted = try texts.map { try Period($0) }.sorted().map(\.description)
        #expect(sorted == ["2024", "2024-W52", "2025", "2025-S2", "2025-Q3", "2025-07-01", "2025-09", "2025-09-30"])
    }

    @Test("previous and next walk every month of a decade without gaps")
    func walking() throws {
        var period = try Period("2015-01")
        var count = 0
        while period.description != "2024-12" {
            let next = try #require(period.next)
            #expect(next.previous == period)
            #expect(next > period)
            period = next
            count += 1
        }
        #expect(count == 119)
    }

    /// Found by the fuzzer: a long run of digits once overflowed the parser.
    @Test func longDigitRunsAreNoPeriod() {
        #expect(throws: PeriodError.self) { try Period("2024-D3677777777777777777777777777776") }
        #expect(throws: PeriodError.self) { try Period("99999999999999999999") }
    }
}
