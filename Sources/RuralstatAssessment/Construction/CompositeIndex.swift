import RuralstatModel

/// A composite indicator as one reproducible object (COINr's "coin"): the framework and every
/// construction choice — screening, treatment, normalisation, weights, aggregation — from which
/// ``build(_:)`` computes dimension scores, the index and ranks, recording what each step did.
public struct CompositeIndex: Sendable, Hashable {
    /// Indicators grouped into dimensions, dimensions into the index.
    public var framework: AssessmentFramework
    /// A unit is assessed only when it has values for at least this share of the indicators.
    public var minimumCoverage = 2.0 / 3.0
    /// Indicators log-transformed before treatment (COINr's `log_CT`, ln(x − min + 0.01·range), so
    /// that zeros and negatives stay defined): for skewed amounts a person chooses to compare on a log scale.
    public var logTransformed: Set<String> = []
    /// Outlier treatment before normalisation, or none.
    public var treatment: Treatment? = Treatment()
    /// How each indicator is brought to a common scale.
    public var normalisation = Normalisation.minMax()
    /// How indicators are weighted within a dimension.
    public var indicatorWeighting = Weighting.equal
    /// How dimensions are weighted in the index (data-driven methods work on the dimension scores).
    public var dimensionWeighting = Weighting.equal
    /// How a dimension's indicators are combined.
    public var indicatorAggregation = Aggregation.arithmetic
    /// How the dimensions are combined into the index.
    public var dimensionAggregation = Aggregation.arithmetic

    /// An index over this framework with the default choices (min–max to [0, 1], equal weights,
    /// arithmetic means, COINr's default treatment, two thirds of the indicators needed).
    public init(framework: AssessmentFramework) { self.framework = framework }

    /// Checks that the choices fit together (geometric means need non-negative values).
    public func validate() throws(AssessmentError) {
        let geometric = [indicatorAggregation, dimensionAggregation].contains { if case .geometric = $0 { true } else { false } }
        if geometric && !normalisation.isNonNegative {
            throw AssessmentError("geometric aggregation needs values ≥ 0; \(normalisation.name) normalisation gives negative ones")
        }
        if !(0...1).contains(minimumCoverage) { throw AssessmentError("minimum coverage must lie in [0, 1], not \(minimumCoverage)") }
    }

    /// What the index gives for a set of units.
    public struct Result: Sendable {
        /// The units assessed (those that passed screening), in the matrix's order.
        public var units: [RegionCode]
        /// Their positions in the matrix.
        public var rows: [Int]
        /// Units left out by screening, with the share of indicators they had.
        public var screenedOut: [(unit: RegionCode, coverage: Double)]
        /// What the treatment did to each indicator (by code).
        public var treated: [String: Treatment.Outcome]
        /// The weights used: per dimension, per indicator (in framework order), summing to 1 in each dimension.
        public var indicatorWeights: [[Double]]
        /// The dimensions' weights in the index, summing to 1.
        public var dimensionWeights: [Double]
        /// Dimension scores: `dimensionScores[d][u]`.
        public var dimensionScores: [[Double]]
        /// The index of each unit.
        public var index: [Double]
        /// Rank 1 for the highest index; ties share the best rank.
        public var ranks: [Int]
    }

    /// Builds the index over the matrix's units. The matrix's columns must be the framework's
    /// indicators in framework order.
    public func build(_ matrix: IndicatorMatrix) throws(AssessmentError) -> Result {
        try validate()
        let prepared = try prepare(matrix, treat: treatment != nil)
        let index = prepared.index(
            indicatorWeights: prepared.indicatorWeights, dimensionWeights: prepared.dimensionWeights,
            indicators: indicatorAggregation, dimensions: dimensionAggregation)
        return Result(
            units: prepared.units, rows: prepared.rows, screenedOut: prepared.screenedOut, treated: prepared.treated,
            indicatorWeights: prepared.indicatorWeights, dimensionWeights: prepared.dimensionWeights,
            dimensionScores: index.dimensions, index: index.index, ranks: Ranking.minRanks(index.index))
    }

    /// Screening, treatment, normalisation and the weights, done once: what every Monte Carlo
    /// replication with these choices reuses.
    func prepare(_ matrix: IndicatorMatrix, treat: Bool, normalisation: Normalisation? = nil) throws(AssessmentError) -> PreparedIndex {
        let codes = framework.indicators
        guard matrix.columns.map(\.code) == codes else {
            throw AssessmentError("the data's indicators (\(matrix.columns.map(\.code).joined(separator: ", "))) are not the framework's")
        }
        let kept = matrix.units.indices.filter { matrix.coverage(ofUnit: $0) >= minimumCoverage }
        let screenedOut = matrix.units.indices.filter { matrix.coverage(ofUnit: $0) < minimumCoverage }.map {
            (unit: matrix.units[$0], coverage: matrix.coverage(ofUnit: $0))
        }
        var data = matrix.units(kept)
        for index in data.columns.indices where logTransformed.contains(data.columns[index].code) {
            data.columns[index].values = Treatment.logCT(data.columns[index].values)
        }
        var treated: [String: Treatment.Outcome] = [:]
        if treat {
            let treatment = self.treatment ?? Treatment()
            for index in data.columns.indices {
                let (values, outcome) = treatment.treat(data.columns[index].values)
                data.columns[index].values = values
                treated[data.columns[index].code] = outcome
            }
        }
        let method = normalisation ?? self.normalisation
        var normalised: [[Double]] = []
        var unitScale: [[Double]] = []  // min–max [0, 1], for the data-driven weights
        for column in data.columns {
            normalised.append(try method.apply(to: column))
            unitScale.append(try Normalisation.minMax(lower: 0, upper: 1).apply(to: column))
        }
        var position = 0
        var members: [Range<Int>] = []
        var indicatorWeights: [[Double]] = []
        for dimension in framework.dimensions {
            let range = position..<(position + dimension.indicators.count)
            position = range.upperBound
            members.append(range)
            indicatorWeights.append(
                indicatorWeighting.weights(
                    columns: Array(unitScale[range]), policy: dimension.indicators.map { dimension.weights[$0] ?? 1 }))
        }
        var prepared = PreparedIndex(
            units: data.units, rows: kept, screenedOut: screenedOut, treated: treated, normalised: normalised, members: members,
            indicatorWeights: indicatorWeights, dimensionWeights: [])
        // Data-driven dimension weights are taken on the nominal dimension scores, scaled min–max.
        let policy = framework.dimensions.map { framework.dimensionWeights[$0.name] ?? 1 }
        if dimensionWeighting == .entropy || dimensionWeighting == .critic {
            let scores = prepared.dimensionScores(indicatorWeights: indicatorWeights, aggregation: indicatorAggregation)
            let scaled = try scores.map { scores throws(AssessmentError) in
                try Normalisation.minMax(lower: 0, upper: 1).apply(to: .init(code: "dimension", direction: .higher, values: scores))
            }
            prepared.dimensionWeights = dimensionWeighting.weights(columns: scaled, policy: policy)
        } else {
            prepared.dimensionWeights = dimensionWeighting.weights(columns: Array(repeating: [], count: policy.count), policy: policy)
        }
        return prepared
    }
}

/// The normalised data of one set of construction choices, laid out for fast repeated aggregation.
struct PreparedIndex: Sendable {
    var units: [RegionCode]
    /// The units' positions in the matrix.
    var rows: [Int]
    var screenedOut: [(unit: RegionCode, coverage: Double)]
    var treated: [String: Treatment.Outcome]
    /// `normalised[indicator][unit]`.
    var normalised: [[Double]]
    /// Each dimension's indicators, as a range of ``normalised``.
    var members: [Range<Int>]
    var indicatorWeights: [[Double]]
    var dimensionWeights: [Double]

    /// `scores[dimension][unit]`.
    func dimensionScores(indicatorWeights: [[Double]], aggregation: Aggregation) -> [[Double]] {
        members.enumerated().map { d, range in
            (0..<units.count).map { unit in
                aggregation.combine(range.lazy.map { normalised[$0][unit] }, weights: indicatorWeights[d])
            }
        }
    }

    /// The dimension scores and the index with these weights and aggregations.
    func index(indicatorWeights: [[Double]], dimensionWeights: [Double], indicators: Aggregation, dimensions: Aggregation)
        -> (dimensions: [[Double]], index: [Double])
    {
        let scores = dimensionScores(indicatorWeights: indicatorWeights, aggregation: indicators)
        let index = (0..<units.count).map { unit in dimensions.combine(scores.lazy.map { $0[unit] }, weights: dimensionWeights) }
        return (scores, index)
    }
}
