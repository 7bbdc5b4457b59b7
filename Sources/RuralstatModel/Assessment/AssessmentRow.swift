/// One region's assessment as it is stored and reported: its class, dimension scores, index, ranks,
/// rank interval and progress, and the sentence that says it.
public struct AssessmentRow: Sendable, Hashable, Codable {
    /// The framework's name: each framework is assessed, stored and replaced on its own.
    public var framework: String
    /// The level assessed.
    public var level: RegionLevel
    /// The year assessed.
    public var year: Int
    /// The region.
    public var region: RegionCode
    /// Its name in the registry ("" when unknown).
    public var name: String
    /// Its class (nil: none).
    public var regionClass: String?
    /// Dimension scores, in the framework's order: (dimension, score; NaN when it had no values).
    public var dimensionScores: [DimensionScore]
    /// The composite index.
    public var index: Double
    /// Rank overall (1 best, ties sharing the best rank) among `regions`.
    public var rank: Int
    /// How many regions were ranked.
    public var regions: Int
    /// Rank in its class (0: no class), among `classSize`.
    public var classRank: Int
    /// How many regions its class has.
    public var classSize: Int
    /// The rank interval under the sensitivity analysis (5th, 50th, 95th percentile; nil without one).
    public var rankLow: Int?
    /// The median rank under the sensitivity analysis.
    public var rankMedian: Int?
    /// The worst end of the rank interval.
    public var rankHigh: Int?
    /// The change since the previous year and the baseline.
    public var progress: AssessmentProgress
    /// Values used though partial or carrying an error-level finding.
    public var marked: Int
    /// The sentence that says it.
    public var sentence: String

    /// A dimension's score.
    public struct DimensionScore: Sendable, Hashable, Codable {
        /// The dimension's name.
        public var dimension: String
        /// Its score.
        public var score: Double

        /// A score of a dimension.
        public init(dimension: String, score: Double) {
            self.dimension = dimension
            self.score = score
        }
    }

    /// A row with every field given; see the properties.
    public init(
        framework: String, level: RegionLevel, year: Int, region: RegionCode, name: String, regionClass: String?, dimensionScores: [DimensionScore],
        index: Double,
        rank: Int, regions: Int, classRank: Int, classSize: Int, rankLow: Int?, rankMedian: Int?, rankHigh: Int?, progress: AssessmentProgress,
        marked: Int, sentence: String
    ) {
        self.framework = framework
        self.level = level
        self.year = year
        self.region = region
        self.name = name
        self.regionClass = regionClass
        self.dimensionScores = dimensionScores
        self.index = index
        self.rank = rank
        self.regions = regions
        self.classRank = classRank
        self.classSize = classSize
        self.rankLow = rankLow
        self.rankMedian = rankMedian
        self.rankHigh = rankHigh
        self.progress = progress
        self.marked = marked
        self.sentence = sentence
    }
}

/// How a region moved, on scores built over the years compared together (one min–max over all
/// their region-years), so that a change is a change in the data, not in the bounds.
public struct AssessmentProgress: Sendable, Hashable, Codable {
    /// The year compared with (nil: no data for it).
    public var previousYear: Int?
    /// Score now minus then.
    public var scoreChange: Double?
    /// Places gained (positive: up).
    public var rankChange: Int?
    /// The baseline year.
    public var baselineYear: Int?
    /// Score now minus at the baseline.
    public var scoreChangeSinceBaseline: Double?
    /// Places gained since the baseline.
    public var rankChangeSinceBaseline: Int?

    /// Progress against these years, the changes not yet known.
    public init(previousYear: Int?, baselineYear: Int?) {
        self.previousYear = previousYear
        self.baselineYear = baselineYear
    }
}
