import Foundation
import RuralstatAggregate
import RuralstatModel

/// How sure the ranks are (the Handbook's step 7; Saisana, Saltelli & Tarantola 2005): the index is
/// rebuilt many times, each time with the uncertain assumptions drawn anew — the weights perturbed
/// by a noise factor, the normalisation and the aggregation chosen among declared alternatives, the
/// treatment on or off — and every region's ranks over the replications give its median rank and
/// its 5–95 % rank interval.
///
/// The design is COINr's (`get_sensitivity`, `SA_type = "SA"`): two sample matrices A and B of N rows
/// and, for each factor i, A with factor i taken from B; N·(k + 2) runs for k factors. The rank
/// statistics come from the A and B runs (2N), as the smallest rank whose share of the runs reaches
/// 5 %, 50 % and 95 % (the inverse empirical distribution, R's quantile type 1; COINr's type 7
/// interpolates, and may differ by one rank). The first-order index of factor i is Saltelli's
/// (2010) S_i = mean(y_B·(y_ABi − y_A)) / V, the total index Jansen's ST_i = Σ (y_A − y_ABi)² / (2N·V),
/// V the sample variance of the A and B runs; y is the mean absolute rank shift from the nominal
/// ranks (COINr's output), and per region its rank. Neither index is clipped.
///
/// Every run draws from its own stream (seed, run, matrix, factor), and what the runs add up is
/// counted in integers (ranks and their products), so the result is identical for any number of
/// workers. Memory holds one rank histogram per worker (regions² counts), whatever N is.
public struct UncertaintyAnalysis: Sendable {
    /// An assumption the analysis varies.
    public enum Factor: String, Sendable, Hashable, CaseIterable {
        /// Every weight multiplied by 1 + ε, ε ~ U(−f, f) (COINr's `get_noisy_weights`).
        case weights
        /// The normalisation, among the declared alternatives.
        case normalisation
        /// The aggregation, among the declared alternatives.
        case aggregation
        /// The outlier treatment on or off.
        case treatment
    }

    /// How one aggregation alternative combines indicators and dimensions.
    public struct AggregationChoice: Sendable, Hashable {
        /// Within a dimension.
        public var indicators: Aggregation
        /// Dimensions into the index.
        public var dimensions: Aggregation

        /// A choice of both levels.
        public init(indicators: Aggregation, dimensions: Aggregation) {
            self.indicators = indicators
            self.dimensions = dimensions
        }
    }

    /// N: rows of each sample matrix (the runs are N·(k + 2)).
    public var replications = 1000
    /// The published seed.
    public var seed: UInt64 = 20_240_101
    /// f in ε ~ U(−f, f); 0 leaves the weights alone.
    public var weightNoise = 0.25
    /// Normalisations to choose among, besides the index's own.
    public var normalisations: [Normalisation] = []
    /// Aggregations to choose among, besides the index's own.
    public var aggregations: [AggregationChoice] = []
    /// Whether the treatment is switched on and off (only when the index treats).
    public var varyTreatment = true
    /// Workers (the result does not depend on it).
    public var workers = ProcessInfo.processInfo.activeProcessorCount

    /// An analysis with the defaults: 1,000 replications, noise 0.25, the treatment varied.
    public init() {}

    /// One factor's sensitivity indices.
    public struct Sensitivity: Sendable, Hashable {
        /// The factor.
        public var factor: Factor
        /// S_i: the share of the variance of the mean rank shift it explains alone.
        public var firstOrder: Double
        /// ST_i: its share with all its interactions.
        public var total: Double
    }

    /// What the analysis found.
    public struct Result: Sendable {
        /// The regions, as the index assessed them.
        public var units: [RegionCode]
        /// Ranks under the nominal choices.
        public var nominalRanks: [Int]
        /// Median rank over the A and B runs.
        public var medianRanks: [Int]
        /// 5th percentile of the rank (the best end of the interval).
        public var rankLow: [Int]
        /// 95th percentile of the rank (the worst end).
        public var rankHigh: [Int]
        /// The factors varied, with their indices for the mean rank shift.
        public var sensitivity: [Sensitivity]
        /// Per factor (in ``sensitivity`` order), per region: S_i of the region's rank.
        public var regionFirstOrder: [[Double]]
        /// Runs made: N·(k + 2).
        public var runs: Int
    }

    /// The factors this analysis varies for an index.
    public func factors(for index: CompositeIndex) -> [Factor] {
        var factors: [Factor] = []
        if weightNoise > 0 { factors.append(.weights) }
        if normalisationAlternatives(index).count > 1 { factors.append(.normalisation) }
        if aggregationAlternatives(index).count > 1 { factors.append(.aggregation) }
        if varyTreatment && index.treatment != nil { factors.append(.treatment) }
        return factors
    }

    /// The normalisations chosen among: the index's own first, then the declared others.
    public func normalisationAlternatives(_ index: CompositeIndex) -> [Normalisation] {
        var list = [index.normalisation]
        for n in normalisations where !list.contains(n) { list.append(n) }
        return list
    }

    /// The aggregations chosen among: the index's own first, then the declared others.
    public func aggregationAlternatives(_ index: CompositeIndex) -> [AggregationChoice] {
        var list = [AggregationChoice(indicators: index.indicatorAggregation, dimensions: index.dimensionAggregation)]
        for a in aggregations where !list.contains(a) { list.append(a) }
        return list
    }

    /// Runs the analysis on the index over the matrix's units.
    public func run(_ index: CompositeIndex, on matrix: IndicatorMatrix) throws(AssessmentError) -> Result {
        guard replications >= 2 else { throw AssessmentError("the uncertainty analysis needs at least 2 replications, not \(replications)") }
        guard weightNoise >= 0, weightNoise < 1 else { throw AssessmentError("the weights' noise factor must lie in [0, 1), not \(weightNoise)") }
        let normalisations = normalisationAlternatives(index), aggregations = aggregationAlternatives(index)
        for n in normalisations {
            for a in aggregations {
                var variant = index
                (variant.normalisation, variant.indicatorAggregation, variant.dimensionAggregation) = (n, a.indicators, a.dimensions)
                try variant.validate()
            }
        }
        let nominal = try index.build(matrix)
        let treatments = index.treatment != nil && varyTreatment ? [true, false] : [index.treatment != nil]
        var variants: [[RunLayout]] = []
        for n in normalisations {
            var row: [RunLayout] = []
            for treat in treatments { row.append(RunLayout(try index.prepare(matrix, treat: treat, normalisation: n), aggregations: aggregations)) }
            variants.append(row)
        }
        let factors = factors(for: index)
        let design = Design(
            seed: seed, factors: factors, noise: weightNoise, normalisations: normalisations.count, aggregations: aggregations.count,
            treatments: treatments.count, weightCount: index.framework.indicators.count + index.framework.dimensions.count)
        let units = nominal.units.count
        let n = replications, k = factors.count
        let workers = max(1, min(self.workers, n))
        let nominalRanks = nominal.ranks
        let layouts = variants
        let parts = concurrentMap(workers, workers: workers) { worker -> Tally in
            var tally = Tally(units: units, factors: k)
            var replication = worker
            while replication < n {
                let a = design.draw(replication, matrix: 0), b = design.draw(replication, matrix: 1)
                let ranksA = layouts[a.normalisation][a.treatment].ranks(a, aggregations: aggregations)
                let ranksB = layouts[b.normalisation][b.treatment].ranks(b, aggregations: aggregations)
                tally.record(ranksA)
                tally.record(ranksB)
                let shiftA = Tally.shift(ranksA, nominalRanks), shiftB = Tally.shift(ranksB, nominalRanks)
                tally.scalars.append((replication, shiftA, shiftB, []))
                for (i, factor) in factors.enumerated() {
                    let mixed = a.taking(factor, from: b)
                    let ranksMixed = layouts[mixed.normalisation][mixed.treatment].ranks(mixed, aggregations: aggregations)
                    tally.scalars[tally.scalars.count - 1].mixed.append(Tally.shift(ranksMixed, nominalRanks))
                    for unit in 0..<units where ranksA[unit] > 0 && ranksB[unit] > 0 && ranksMixed[unit] > 0 {
                        tally.firstOrder[i * units + unit] += Int64(ranksB[unit]) * Int64(ranksMixed[unit] - ranksA[unit])
                    }
                }
                replication += workers
            }
            return tally
        }
        var total = Tally(units: units, factors: k)
        for part in parts { total.add(part) }
        return total.result(units: nominal.units, nominalRanks: nominalRanks, factors: factors, replications: n)
    }
}

/// One run's draw of every factor.
struct RunDraw {
    var weightUniforms: [Double]
    var noise: Double
    var normalisation: Int
    var aggregation: Int
    var treatment: Int

    /// This draw with one factor taken from `other` (a row of the A_B matrices).
    func taking(_ factor: UncertaintyAnalysis.Factor, from other: RunDraw) -> RunDraw {
        var copy = self
        switch factor {
        case .weights: copy.weightUniforms = other.weightUniforms
        case .normalisation: copy.normalisation = other.normalisation
        case .aggregation: copy.aggregation = other.aggregation
        case .treatment: copy.treatment = other.treatment
        }
        return copy
    }
}

/// The sampling design: each (run, matrix, factor) its own stream, so that any worker draws the same.
struct Design: Sendable {
    var seed: UInt64
    var factors: [UncertaintyAnalysis.Factor]
    var noise: Double
    var normalisations: Int
    var aggregations: Int
    var treatments: Int
    /// Uniforms drawn for the weights: one per indicator weight, then one per dimension weight.
    var weightCount: Int

    func draw(_ replication: Int, matrix: Int64) -> RunDraw {
        func stream(_ factor: UncertaintyAnalysis.Factor) -> SeededRandom {
            SeededRandom(seed, Int64(replication), matrix, Int64(UncertaintyAnalysis.Factor.allCases.firstIndex(of: factor)!))
        }
        func choice(_ factor: UncertaintyAnalysis.Factor, among count: Int, nominal: Int) -> Int {
            guard factors.contains(factor), count > 1 else { return nominal }
            var random = stream(factor)
            return min(count - 1, Int(random.uniform(0, 1) * Double(count)))
        }
        var weights: [Double] = []
        if factors.contains(.weights) {
            var random = stream(.weights)
            weights = (0..<weightCount).map { _ in random.uniform(0, 1) }
        }
        return RunDraw(
            weightUniforms: weights, noise: noise, normalisation: choice(.normalisation, among: normalisations, nominal: 0),
            aggregation: choice(.aggregation, among: aggregations, nominal: 0), treatment: choice(.treatment, among: treatments, nominal: 0))
    }
}
