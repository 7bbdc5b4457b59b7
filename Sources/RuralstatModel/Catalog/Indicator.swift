/// One version of an indicator's definition, valid for a range of reporting years.
///
/// Definitions change between plans (the sanitary-toilet caliber changed in 2019), so one code may
/// have several definitions with non-overlapping `validFrom`…`validTo` windows.
public struct Indicator: Sendable, Hashable {
    /// The indicator code, e.g. `HH_TAP_WATER`, shared by all its definitions.
    public let code: String
    /// Tells this definition from the code's others (`1` unless the catalog says otherwise).
    public let definitionVersion: String
    /// First reporting year this definition applies to.
    public let validFrom: Int
    /// Last reporting year it applies to, or `nil` while in force.
    public let validTo: Int?
    /// The Chinese name, as reports print it.
    public let nameZh: String
    /// The English name.
    public let nameEn: String
    /// The plan dimension (产业兴旺 …), for the plan's indicators.
    public let dimension: String?
    /// The unit as printed, without the scale: `吨`, `户`, `%`, `元/人`.
    public let unit: String
    /// The power of ten the stored values are in (SDMX `UNIT_MULT`): 4 for 万, 8 for 亿.
    public let unitMultiplier: Int
    /// What kind of number the values are; decides which aggregations make sense.
    public let kind: ValueKind
    /// The decimals tables show (the catalog's `decimals`, else ``ValueKind/defaultDecimals``).
    public let decimals: Int
    /// Values outside this range are rejected at ingest.
    public let validRange: ClosedRange<Double>?
    /// How often the indicator is reported (annual unless the catalog says otherwise).
    public let frequency: Frequency
    /// The levels at which units report this indicator (empty for one that is only computed).
    public let reportedLevels: [RegionLevel]
    /// How the values roll up from the reporting units to every level above.
    public let aggregation: AggregationRule
    /// Which way is better, for attainment and composite scores; `nil` when the catalog gives none.
    public let direction: Direction?
    /// Whether the plan's target is binding or indicative; `nil` when the catalog gives none.
    public let nature: TargetNature?
    /// Plan baseline and targets by year (`2022: >90`).
    public let baseline: (year: Int, target: Target)?
    /// The plan's targets by year; empty when it sets none.
    public let targets: [Int: Target]

    /// Creates a definition; see the properties for each field (the defaults are the catalog file's).
    public init(
        code: String, definitionVersion: String = "1", validFrom: Int, validTo: Int? = nil,
        nameZh: String, nameEn: String, dimension: String? = nil, unit: String, unitMultiplier: Int = 0,
        kind: ValueKind, decimals: Int? = nil, validRange: ClosedRange<Double>? = nil, frequency: Frequency = .annual,
        reportedLevels: [RegionLevel], aggregation: AggregationRule, direction: Direction? = nil,
        nature: TargetNature? = nil, baseline: (year: Int, target: Target)? = nil, targets: [Int: Target] = [:]
    ) {
        self.code = code
        self.definitionVersion = definitionVersion
        self.validFrom = validFrom
        self.validTo = validTo
        self.nameZh = nameZh
        self.nameEn = nameEn
        self.dimension = dimension
        self.unit = unit
        self.unitMultiplier = unitMultiplier
        self.kind = kind
        self.decimals = decimals ?? kind.defaultDecimals
        self.validRange = validRange
        self.frequency = frequency
        self.reportedLevels = reportedLevels
        self.aggregation = aggregation
        self.direction = direction
        self.nature = nature
        self.baseline = baseline
        self.targets = targets
    }

    /// Whether this definition applies in `year`.
    public func isValid(in year: Int) -> Bool { year >= validFrom && (validTo.map { year <= $0 } ?? true) }

    /// The unit with its scale, as a person reads it: `万元`, `亿人次`, `%`.
    public var scaledUnit: String { UnitScale.prefix(for: unitMultiplier) + unit }

    /// Two definitions are the same when code and definition version agree (the catalog forbids two alike).
    public static func == (lhs: Indicator, rhs: Indicator) -> Bool {
        lhs.code == rhs.code && lhs.definitionVersion == rhs.definitionVersion
    }

    /// Hashes code and definition version, consistently with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(definitionVersion)
    }
}

/// The Chinese scale words and the powers of ten they stand for.
public enum UnitScale {
    static let words: [(word: String, power: Int)] = [("十", 1), ("百", 2), ("千", 3), ("万", 4), ("十万", 5), ("百万", 6), ("千万", 7), ("亿", 8)]

    /// The power of ten for `万`, `亿`, …, or a plain number such as `4` or `0`.
    public static func power(of text: String) -> Int? {
        let trimmed = text.trimmingWhitespace
        if trimmed.isEmpty || trimmed == "1" { return 0 }
        if let power = Int(trimmed), (-9...12).contains(power) { return power }
        return words.first { $0.word == trimmed }?.power
    }

    /// The scale word for a power of ten (`万` for 4), or `1e7 ` for one without a word; empty for 0.
    public static func prefix(for power: Int) -> String { words.first { $0.power == power }?.word ?? (power == 0 ? "" : "1e\(power) ") }
}
