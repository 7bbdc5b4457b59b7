/// One aggregate: an indicator for one region at one level in one period, with the numbers that
/// say how complete it is.
public struct Rollup: Sendable, Hashable {
    /// The level of the aggregate; deeper than `region.level` when the region also stands for the level beneath (东莞 441900 as a county).
    public var level: RegionLevel
    /// The region whose units are aggregated.
    public var region: RegionCode
    /// The indicator code.
    public var indicator: String
    /// The reporting period.
    public var period: Period
    /// The value by the catalog's rule (NaN when undefined, e.g. a zero denominator).
    public var value: Double
    /// Σ of the rule's first quantity: the values (sum, mean, min/max/median), Σ value·weight
    /// (weighted mean), Σ numerator (ratio), or the units meeting the condition (share).
    public var numerator: Double
    /// Σ of the second quantity: the weights (weighted mean), Σ denominator (ratio), else the unit count.
    public var denominator: Double
    /// Units whose data went in.
    public var contributing: Int
    /// Units the registry expects to report (nil without a registry).
    public var expected: Int?
    /// Whether the aggregate is published, published marked partial, or withheld, by its coverage.
    public var publication: Publication
    /// The value the unit reported itself for this aggregate, if it did.
    public var reported: Double?

    /// Creates a rollup; see the properties for each field.
    public init(
        level: RegionLevel, region: RegionCode, indicator: String, period: Period, value: Double, numerator: Double,
        denominator: Double, contributing: Int, expected: Int?, publication: Publication, reported: Double? = nil
    ) {
        self.level = level
        self.region = region
        self.indicator = indicator
        self.period = period
        self.value = value
        self.numerator = numerator
        self.denominator = denominator
        self.contributing = contributing
        self.expected = expected
        self.publication = publication
        self.reported = reported
    }

    /// contributing / expected.
    public var coverage: Double? { expected.map { $0 == 0 ? 0 : Double(contributing) / Double($0) } }
    /// computed − reported.
    public var imbalance: Double? { reported.map { value - $0 } }
    /// (computed − reported) / |reported|.
    public var relativeImbalance: Double? { reported.flatMap { $0 == 0 ? nil : (value - $0) / abs($0) } }
}

/// What a rollup may be used for, by its coverage.
public enum Publication: String, Sendable, Hashable, Codable, CaseIterable {
    /// `published` at or above the publication threshold of coverage (or with no expected count), `partial` between the
    /// thresholds, `withheld` below the lower one; the pipeline sets the thresholds.
    case published, partial, withheld
}
