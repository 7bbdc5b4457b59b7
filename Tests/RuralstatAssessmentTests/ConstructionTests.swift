import Foundation
import RuralstatModel
import Testing

@testable import RuralstatAssessment

/// Each construction step on small examples whose numbers are worked out by hand (or, for COINr's
/// treatment, by its published formulas: Tests/Oracles/coinr_treat.py reproduces them).
@Suite("Composite index construction")
struct ConstructionTests {
    static let x = [3.0, 1, 4, 1, 5, .nan, 9]

    static func column(_ values: [Double], _ direction: Direction = .higher, target: String? = nil, goalposts: ClosedRange<Double>? = nil)
        -> IndicatorMatrix.Column
    {
        IndicatorMatrix.Column(code: "X", direction: direction, target: target.flatMap(Target.init), goalposts: goalposts, values: values)
    }

    static func same(_ a: [Double], _ b: [Double], tolerance: Double = 1e-9) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.isNaN && $1.isNaN || abs($0 - $1) <= tolerance }
    }

    // MARK: Normalisation, both directions

    @Test func minMaxBothDirections() throws {
        #expect(Self.same(try Normalisation.minMax(lower: 0, upper: 100).apply(to: Self.column(Self.x)), [25, 0, 37.5, 0, 50, .nan, 100]))
        #expect(Self.same(try Normalisation.minMax(lower: 0, upper: 100).apply(to: Self.column(Self.x, .lower)), [75, 100, 62.5, 100, 50, .nan, 0]))
        // Every value equal: the midpoint, not a division by zero.
        #expect(Self.same(try Normalisation.minMax().apply(to: Self.column([2, 2, .nan])), [0.5, 0.5, .nan]))
    }

    @Test func zScoreUsesTheSampleSD() throws {
        // mean 23/6, sample sd √(Σd²/5) = √(202.8333/5) = 2.99444
        let expected = [-0.2782936144, -0.9461982889, 0.05565872288, -0.9461982889, 0.3896110601, .nan, 1.725420409]
        #expect(Self.same(try Normalisation.zScore(mean: 0, sd: 1).apply(to: Self.column(Self.x)), expected))
        #expect(Self.same(try Normalisation.zScore(mean: 10, sd: 2).apply(to: Self.column(Self.x, .lower)), expected.map { $0.isNaN ? $0 : 10 - 2 * $0 }))
    }

    @Test func rankAveragesTies() throws {
        #expect(Self.same(try Normalisation.rank.apply(to: Self.column(Self.x)), [3, 1.5, 4, 1.5, 5, .nan, 6]))
        #expect(Self.same(try Normalisation.rank.apply(to: Self.column(Self.x, .lower)), [4, 5.5, 3, 5.5, 2, .nan, 1]))
    }

    @Test func goalpostsClipToTheBounds() throws {
        #expect(Self.same(try Normalisation.goalposts.apply(to: Self.column(Self.x, goalposts: 2...8)), [1.0 / 6, 0, 1.0 / 3, 0, 0.5, .nan, 1]))
        #expect(Self.same(try Normalisation.goalposts.apply(to: Self.column(Self.x, .lower, goalposts: 2...8)), [5.0 / 6, 1, 2.0 / 3, 1, 0.5, .nan, 0]))
        #expect(throws: AssessmentError.self) { try Normalisation.goalposts.apply(to: Self.column(Self.x)) }
    }

    /// ">" is met only above the target: equal scores just short of 1; "≥" at it; "<" below it.
    @Test func distanceToTargetWithComparators() throws {
        let values = [3.0, 1, 4, 5, .nan]
        #expect(Self.same(try Normalisation.distanceToTarget.apply(to: Self.column(values, target: ">4")), [0.75, 0.25, 1 - 1e-6, 1, .nan], tolerance: 0))
        #expect(Self.same(try Normalisation.distanceToTarget.apply(to: Self.column(values, target: ">=4")), [0.75, 0.25, 1, 1, .nan], tolerance: 0))
        #expect(Self.same(try Normalisation.distanceToTarget.apply(to: Self.column(values, target: "4")), [0.75, 0.25, 1, 1, .nan], tolerance: 0))
        let lower = [4.0, 2, 1, 0]
        #expect(Self.same(try Normalisation.distanceToTarget.apply(to: Self.column(lower, .lower, target: "<2")), [0.5, 1 - 1e-6, 1, 1], tolerance: 0))
        #expect(Self.same(try Normalisation.distanceToTarget.apply(to: Self.column(lower, .lower, target: "<=2")), [0.5, 1, 1, 1], tolerance: 0))
        #expect(throws: AssessmentError.self) { try Normalisation.distanceToTarget.apply(to: Self.column(values)) }
    }

    // MARK: Weights

    /// Entropy, written out: columns (min–max) a = [0, 0.5, 1], b = [1, 1, 0.5].
    @Test func entropyWeightsAsWrittenOut() {
        let a = [0.0, 0.5, 1], b = [1.0, 1, 0.5]
        // a: p = [0, 1/3, 2/3]; e = −(1/ln 3)(1/3·ln(1/3) + 2/3·ln(2/3)); d = 1 − e
        let ea = -(1 / log(3.0)) * (1.0 / 3 * log(1.0 / 3) + 2.0 / 3 * log(2.0 / 3))
        // b: p = [0.4, 0.4, 0.2]
        let eb = -(1 / log(3.0)) * (0.4 * log(0.4) + 0.4 * log(0.4) + 0.2 * log(0.2))
        let (da, db) = (1 - ea, 1 - eb)
        let weights = Weighting.entropy.weights(columns: [a, b], policy: [1, 1])
        #expect(Self.same(weights, [da / (da + db), db / (da + db)], tolerance: 1e-12))
        #expect(abs(weights[0] - 0.913_616) < 1e-5)  // a spreads more: it carries most of the information
    }

    /// CRITIC, written out on four units and three indicators.
    @Test func criticWeightsAsWrittenOut() {
        let a = [0.0, 1, 0.5, 0.25], b = [0.0, 1, 0.75, 0.5], c = [1.0, 0, 0.25, 0.5]
        func sd(_ x: [Double]) -> Double {
            let m = x.reduce(0, +) / 4
            return (x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / 3).squareRoot()
        }
        func r(_ x: [Double], _ y: [Double]) -> Double {
            let mx = x.reduce(0, +) / 4, my = y.reduce(0, +) / 4
            let sxy = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
            let sxx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }, syy = y.reduce(0) { $0 + ($1 - my) * ($1 - my) }
            return sxy / (sxx * syy).squareRoot()
        }
        let ca = sd(a) * ((1 - r(a, b)) + (1 - r(a, c)))
        let cb = sd(b) * ((1 - r(b, a)) + (1 - r(b, c)))
        let cc = sd(c) * ((1 - r(c, a)) + (1 - r(c, b)))
        let total = ca + cb + cc
        #expect(Self.same(Weighting.critic.weights(columns: [a, b, c], policy: [1, 1, 1]), [ca / total, cb / total, cc / total], tolerance: 1e-12))
        // a and b move together, c against them: c carries the most conflict.
        #expect(cc > ca && cc > cb)
    }

    @Test func equalAndPolicyWeightsSumToOne() {
        #expect(Weighting.equal.weights(columns: [[], [], [], []], policy: [1, 1, 1, 1]) == [0.25, 0.25, 0.25, 0.25])
        #expect(Weighting.policy.weights(columns: [[], []], policy: [3, 1]) == [0.75, 0.25])
        // No information anywhere: equal, not a division by zero.
        #expect(Weighting.entropy.weights(columns: [[0.5, 0.5], [0.2, 0.2]], policy: [1, 1]) == [0.5, 0.5])
    }

    // MARK: Aggregation and ranks

    @Test func arithmeticAndGeometricMeans() {
        #expect(abs(Aggregation.arithmetic.combine([0.2, 0.8, 0.5], weights: [0.5, 0.25, 0.25]) - 0.425) < 1e-12)
        // A missing member's weight is spread over the others: (0.5·0.2 + 0.25·0.5)/0.75.
        #expect(abs(Aggregation.arithmetic.combine([0.2, .nan, 0.5], weights: [0.5, 0.25, 0.25]) - 0.3) < 1e-12)
        // (0.25^0.5 · 1^0.5) = 0.5 with no shift; with the shift a 0 does not zero the product.
        #expect(abs(Aggregation.geometric(shift: 0).combine([0.25, 1], weights: [0.5, 0.5]) - 0.5) < 1e-12)
        let shifted = Aggregation.geometric(shift: 0.01).combine([0, 1], weights: [0.5, 0.5])
        #expect(abs(shifted - ((0.01 * 1.01).squareRoot() - 0.01)) < 1e-12)
        #expect(Aggregation.arithmetic.combine([Double.nan], weights: [1]).isNaN)
    }

    @Test func tiesShareTheBestRank() {
        #expect(Ranking.minRanks([0.5, 0.9, 0.5, 0.1, .nan]) == [2, 1, 2, 4, 0])
        #expect(Ranking.minRanks([0.5, 0.9, 0.5, 0.1], classes: ["hill", "plain", "plain", "hill"]) == [1, 1, 2, 2])
    }

    // MARK: COINr's treatment

    /// Values from COINr's formulas (Excel's SKEW and KURT; Tests/Oracles/coinr_treat.py).
    @Test func skewnessAndKurtosisAsCOINr() {
        let a = (1...9).map(Double.init) + [100]
        #expect(abs(Treatment.skewness(a) - 3.118895745) < 1e-8)
        #expect(abs(Treatment.excessKurtosis(a) - 9.799244716) < 1e-8)
        #expect(Treatment.skewness([1, 2]).isNaN && Treatment.excessKurtosis([1, 2, 3]).isNaN)
    }

    @Test func winsorisationAsCOINr() {
        // One high point winsorised to the next value.
        let a = (1...9).map(Double.init) + [100]
        let treatedA = Treatment().treat(a)
        #expect(treatedA.values == (1...9).map(Double.init) + [9] && treatedA.outcome == .winsorised(high: 1, low: 0))
        // Left skew: the low side.
        let c = [-500.0, -80] + (1...10).map(Double.init)
        let treatedC = Treatment().treat(c)
        #expect(treatedC.values[0] == -80 && treatedC.outcome == .winsorised(high: 0, low: 1))
        // Ties at the top move together; NaN is never touched.
        let e = (1...15).map(Double.init) + [.nan, 100, 100]
        let treatedE = Treatment().treat(e)
        #expect(treatedE.values[16] == 15 && treatedE.values[17] == 15 && treatedE.values[15].isNaN && treatedE.outcome == .winsorised(high: 2, low: 0))
        // Five steps do not make it pass: the ORIGINAL values are log-transformed.
        let h = (1...50).map(Double.init) + (1000...1005).map(Double.init)
        let treatedH = Treatment().treat(h)
        #expect(treatedH.outcome == .logTransformed)
        #expect(abs(treatedH.values[0] - 2.306577114) < 1e-8 && abs(treatedH.values[55] - 6.921697631) < 1e-8)
        // A step that leaves every value equal cannot be tested: untreated, as COINr leaves it.
        let g = Array(repeating: 0.0, count: 9) + [1]
        #expect(Treatment().treat(g).outcome == .untreated && Treatment().treat(g).values == g)
        // Passing data are left alone.
        #expect(Treatment().treat([1, 2, 100]).outcome == .untreated)
    }

    // MARK: The whole index

    /// Four regions, two dimensions of two indicators (one lower-is-better), min–max, equal weights,
    /// arithmetic means, no treatment: every number below is worked out by hand.
    @Test func aWholeIndexByHand() throws {
        let framework = AssessmentFramework(
            name: "test", dimensions: [.init(name: "A", indicators: ["A1", "A2"]), .init(name: "B", indicators: ["B1", "B2"])])
        let regions = [110_000_000_000, 120_000_000_000, 130_000_000_000, 140_000_000_000].map { RegionCode(uncheckedRawValue: Int64($0)) }
        let matrix = IndicatorMatrix(
            units: regions,
            columns: [
                .init(code: "A1", direction: .higher, values: [10, 20, 30, 40]),  // → 0, 1/3, 2/3, 1
                .init(code: "A2", direction: .lower, values: [5, 5, 1, 3]),  // → 0, 0, 1, 0.5
                .init(code: "B1", direction: .higher, values: [2, 4, 4, .nan]),  // → 0, 1, 1, —
                .init(code: "B2", direction: .higher, values: [0, 0, 10, 5]),  // → 0, 0, 1, 0.5
            ])
        var index = CompositeIndex(framework: framework)
        index.treatment = nil
        let result = try index.build(matrix)
        let a = [0, 1.0 / 6, 5.0 / 6, 0.75], b = [0, 0.5, 1, 0.5]  // region 4 has B2 only in B
        #expect(Self.same(result.dimensionScores[0], a) && Self.same(result.dimensionScores[1], b))
        #expect(Self.same(result.index, zip(a, b).map { ($0 + $1) / 2 }))
        #expect(result.ranks == [4, 3, 1, 2])
        // Region 4 lacks a quarter of the indicators: at a threshold of 0.8 it is screened out.
        index.minimumCoverage = 0.8
        let screened = try index.build(matrix)
        #expect(screened.units == Array(regions.prefix(3)) && screened.screenedOut.map(\.unit) == [regions[3]])
        // A1 on a log scale (log_CT: ln(x − 10 + 0.01·30)): region 2's A1 is (ln 10.3 − ln 0.3)/(ln 30.3 − ln 0.3).
        index.minimumCoverage = 2.0 / 3
        index.logTransformed = ["A1"]
        let logged = try index.build(matrix)
        let a1 = (log(10.3) - log(0.3)) / (log(30.3) - log(0.3))
        #expect(abs(logged.dimensionScores[0][1] - a1 / 2) < 1e-12)
        index.logTransformed = []
        // Geometric means need values ≥ 0: refused with z-scores.
        index.normalisation = .zScore()
        index.dimensionAggregation = .geometric()
        #expect(throws: AssessmentError.self) { try index.build(matrix) }
    }
}
