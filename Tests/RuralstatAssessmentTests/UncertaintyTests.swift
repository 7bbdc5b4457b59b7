import Foundation
import RuralstatModel
import Testing

@testable import RuralstatAssessment

@Suite("Uncertainty and sensitivity")
struct UncertaintyTests {
    /// 40 regions, 6 indicators in 2 dimensions, seeded: close scores, so the assumptions matter.
    static func sample() -> (CompositeIndex, IndicatorMatrix) {
        var random = SeededRandom(7)
        let framework = AssessmentFramework(
            name: "t", dimensions: [.init(name: "A", indicators: ["A1", "A2", "A3"]), .init(name: "B", indicators: ["B1", "B2", "B3"])])
        let units = (1...40).map { RegionCode(uncheckedRawValue: Int64(110_100_000_000 + $0 * 1_000_000)) }
        let columns = framework.indicators.enumerated().map { j, code in
            IndicatorMatrix.Column(
                code: code, direction: j == 4 ? .lower : .higher,
                values: units.indices.map { u in u == 3 && j == 2 ? .nan : random.uniform(0, 100) + (j == 0 ? Double(u) * 2 : 0) })
        }
        var index = CompositeIndex(framework: framework)
        index.indicatorWeighting = .entropy
        return (index, IndicatorMatrix(units: units, columns: columns))
    }

    static func analysis(noise: Double = 0.25, workers: Int = 2, seed: UInt64 = 11) -> UncertaintyAnalysis {
        var analysis = UncertaintyAnalysis()
        analysis.replications = 200
        analysis.seed = seed
        analysis.weightNoise = noise
        analysis.normalisations = [.rank, .minMax(lower: 1, upper: 100)]
        analysis.aggregations = [.init(indicators: .geometric(), dimensions: .arithmetic)]
        analysis.workers = workers
        return analysis
    }

    /// Same seed, same result, for 1, 2 and 8 workers; another seed, another result.
    @Test func identicalForAnyNumberOfWorkers() throws {
        let (index, matrix) = Self.sample()
        let one = try Self.analysis(workers: 1).run(index, on: matrix)
        for workers in [2, 8] {
            let other = try Self.analysis(workers: workers).run(index, on: matrix)
            #expect(other.medianRanks == one.medianRanks && other.rankLow == one.rankLow && other.rankHigh == one.rankHigh)
            #expect(other.sensitivity == one.sensitivity && other.regionFirstOrder == one.regionFirstOrder)
        }
        let reseeded = try Self.analysis(seed: 12).run(index, on: matrix)
        #expect(reseeded.sensitivity != one.sensitivity)
        #expect(one.runs == 200 * (one.sensitivity.count + 2) && one.sensitivity.map(\.factor) == [.weights, .normalisation, .aggregation, .treatment])
        // Every interval holds the median.
        for unit in one.units.indices { #expect(one.rankLow[unit] <= one.medianRanks[unit] && one.medianRanks[unit] <= one.rankHigh[unit]) }
    }

    /// More noise on the weights, wider rank intervals.
    @Test func intervalsWidenWithTheNoiseFactor() throws {
        let (index, matrix) = Self.sample()
        func meanWidth(_ noise: Double) throws -> Double {
            var analysis = Self.analysis(noise: noise)
            (analysis.normalisations, analysis.aggregations, analysis.varyTreatment) = ([], [], false)
            let result = try analysis.run(index, on: matrix)
            return Double(zip(result.rankHigh, result.rankLow).reduce(0) { $0 + $1.0 - $1.1 }) / Double(result.units.count)
        }
        let (small, medium, large) = (try meanWidth(0.05), try meanWidth(0.3), try meanWidth(0.9))
        #expect(small < medium && medium < large, "\(small) \(medium) \(large)")
    }

    /// With the weights the only factor, it explains the variance alone: S ≈ ST ≈ 1.
    @Test func aSingleFactorExplainsEverything() throws {
        let (index, matrix) = Self.sample()
        var analysis = Self.analysis()
        (analysis.normalisations, analysis.aggregations, analysis.varyTreatment, analysis.replications) = ([], [], false, 400)
        let result = try analysis.run(index, on: matrix)
        #expect(result.sensitivity.count == 1)
        #expect(abs(result.sensitivity[0].total - 1) < 0.2 && abs(result.sensitivity[0].firstOrder - 1) < 0.3, "\(result.sensitivity)")
    }

    /// Nothing varied: every rank is the nominal one.
    @Test func withoutUncertaintyTheRanksAreNominal() throws {
        let (index, matrix) = Self.sample()
        var analysis = Self.analysis(noise: 0)
        (analysis.normalisations, analysis.aggregations, analysis.varyTreatment) = ([], [], false)
        let result = try analysis.run(index, on: matrix)
        #expect(result.sensitivity.isEmpty && result.medianRanks == result.nominalRanks && result.rankLow == result.rankHigh)
    }

    /// COINr's worked example of its estimators (N = 4, two factors; Tests/Oracles/coinr_treat.py):
    /// S = [0.5083, −0.6833], ST = [0.1417, 1.95], from the runs' outputs alone.
    @Test func theEstimatorsAsCOINrComputesThem() {
        var tally = Tally(units: 10, factors: 2)
        let a: [Int64] = [15, 8, 26, 13], b: [Int64] = [12, 18, 11, 13], ab1: [Int64] = [20, 6, 27, 15], ab2: [Int64] = [7, 20, 10, 11]
        for j in 0..<4 { tally.scalars.append((j, a[j], b[j], [ab1[j], ab2[j]])) }
        let result = tally.result(units: [], nominalRanks: Array(1...10), factors: [.weights, .normalisation], replications: 4)
        #expect(abs(result.sensitivity[0].firstOrder - 0.508_333_333_3) < 1e-9 && abs(result.sensitivity[1].firstOrder + 0.683_333_333_3) < 1e-9)
        #expect(abs(result.sensitivity[0].total - 0.141_666_666_7) < 1e-9 && abs(result.sensitivity[1].total - 1.95) < 1e-9)
    }

    @Test func badSettingsAreRefused() {
        let (index, matrix) = Self.sample()
        var analysis = Self.analysis()
        analysis.replications = 1
        #expect(throws: AssessmentError.self) { try analysis.run(index, on: matrix) }
        analysis = Self.analysis()
        analysis.normalisations = [.zScore()]  // negative values, which the geometric alternative cannot take
        #expect(throws: AssessmentError.self) { try analysis.run(index, on: matrix) }
    }
}
