import Testing
import RuralstatAggregate
@testable import RuralstatQuality

/// The worked example of the reference notes (quality-methods.md §1.3), whose numbers Banff printed.
@Suite("HB and sigma-gap, hand-checked")
struct OutlierMethodTests {
    static let current: [Double] = [100, 110, 95, 105, 98, 102, 400, 101, 99, 103, 20, 97]
    static let previous = [Double](repeating: 100, count: 12)

    @Test func geisPercentileInterpolatesOnNPlusOne() {
        let x: [Double] = [95, 97, 98, 99]
        #expect(OrderStatistics.geisPercentile(sorted: x, 25) == 0.75 * 95 + 0.25 * 97)  // T = 1.25
        #expect(OrderStatistics.geisPercentile(sorted: x, 10) == 95)  // T = 0.5 < 1: the first
        #expect(OrderStatistics.geisPercentile(sorted: x, 90) == 99)  // T = 4.5 ≥ n: the last
        #expect(OrderStatistics.geisPercentile(sorted: x, 50) == 97.5)
    }

    @Test func historicHB() {
        let hb = HidiroglouBerthelot(.init(mii: 3, mei: 2, mdm: 0.05, exponent: 0.5))
        let result = hb.check(current: Self.current, previous: Self.previous)
        #expect(result.checked)
        #expect(abs(result.medianRatio! - 1.005) < 1e-12)
        #expect(abs(result.q1 - -0.33439) < 1e-5 && abs(result.median) < 1e-5 && abs(result.q3 - 0.40723) < 1e-5)
        #expect(abs(result.excludeLeft! - -0.66879) < 1e-5 && abs(result.imputeLeft! - -1.00318) < 1e-5)
        #expect(abs(result.excludeRight! - 0.81446) < 1e-5 && abs(result.imputeRight! - 1.22169) < 1e-5)
        let flagged = result.flagged
        #expect(flagged.map(\.index) == [1, 6, 10])
        #expect(flagged.map(\.status) == [.excludeRight, .imputeRight, .imputeLeft])
        // U07: r = 4, r_M = 1.005, E = (4 / 1.005 − 1) · √400
        #expect(abs(flagged[1].effect - (4 / 1.005 - 1) * 20) < 1e-12)
        #expect(abs(flagged[1].effect - 59.602) < 1e-3 && abs(flagged[2].effect - -40.25) < 1e-2 && abs(flagged[0].effect - 0.9914) < 1e-4)
    }

    @Test func currentHB() {
        let result = HidiroglouBerthelot(.init(mii: 3, mei: 2)).check(current: Self.current)
        #expect(result.q1 == 97.25)  // 0.75 · 97 + 0.25 · 98
        #expect(abs(result.imputeLeft! - 85.425) < 1e-9 && abs(result.excludeLeft! - 90.45) < 1e-9)
        #expect(abs(result.excludeRight! - 110.55) < 1e-9 && abs(result.imputeRight! - 115.575) < 1e-9)
        #expect(result.flagged.map(\.index) == [6, 10])
        #expect(result.flagged.map(\.status) == [.imputeRight, .imputeLeft])
    }

    @Test func sigmaGapOnRatios() {
        let result = SigmaGap(.init(betaI: 2, betaE: 1, deviation: .mad)).check(current: Self.current, previous: Self.previous)
        #expect(abs(result.deviation - 0.044478) < 1e-6)
        #expect(abs(result.imputeGap! - 0.088956) < 1e-6 && abs(result.excludeGap! - 0.044478) < 1e-6)
        let flagged = result.flagged
        #expect(flagged.map(\.index) == [1, 6, 10])
        #expect(flagged.map(\.status) == [.excludeRight, .imputeRight, .imputeLeft])
        #expect(zip(flagged.map { $0.gap! }, [0.05, 2.90, 0.75]).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    @Test func smallGroupsAreNotChecked() {
        let result = HidiroglouBerthelot(.init(mii: 3)).check(current: Array(Self.current.prefix(9)), previous: Array(Self.previous.prefix(9)))
        #expect(!result.checked && result.flagged.isEmpty && result.admission.used.count == 9)
    }

    @Test func historicAdmissionDropsMissingZeroAndNegativePairs() {
        let admission = OutlierAdmission(current: [1, .nan, 0, -2, 3, 4], previous: [1, 1, 1, 1, .nan, 0])
        #expect(admission.used == [0])
        #expect(admission.missingCurrent == 1 && admission.zeroCurrent == 1 && admission.negativeCurrent == 1)
        #expect(admission.missingPrevious == 1 && admission.zeroPrevious == 1)
    }
}
