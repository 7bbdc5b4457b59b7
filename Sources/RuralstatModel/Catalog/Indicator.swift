/// One version of an indicator's definition, valid for a range of reporting years.
///
/// Definitions change between plans (the sanitary-toilet caliber changed in 2019), so one code may
/// have several definitions with non-overlapping `validFrom`…`validTo` windows.
public struct Indicator: Sendable, Hashable {
    public let code: String
    public let definitionVersion: String
    /// First reporting year this definition applies to.
    public let validFrom: Int
    /// Last reporting year it applies to, or `nil` while in force.
    public let validTo: Int?
    public let nameZh: String
    public let nameEn: String
    /// The plan dimension (产业兴旺 …), for the plan's indicators.
    public let dimension: String?
    /// The unit as printed, without the scale: `吨`, `户`, `%`, `元/人`.
    public let unit: String
    /// The power of ten the stored values are in (SDMX `UNIT_MULT`): 4 for 万, 8 for 亿.
    public let unitMultiplier: Int
    public let kind: ValueKind
    /// Values outside this range are rejected at ingest.
    public let validRange: ClosedRange<Double>?
    public let frequency: Frequency
    /// The levels at which units report this indicator (empty for one that is only computed).
    public let reportedLevels: [RegionLevel]
    public let aggregation: AggregationRule
    public let direction: Direction?
    public let nature: TargetNature?
    /// Plan baseline and targets by year (`2022: >90`).
    public let baseline: (year: Int, target: Target)?
    public let targets: [Int: Target]

    public init(
        code: String, definitionVersion: String = "1", validFrom: Int, validTo: Int? = nil,
        nameZh: String, nameEn: String, dimension: String? = nil, unit: String, unitMultiplier: Int = 0,
        kind: ValueKind, validRange: ClosedRange<Double>? = nil, frequency: Frequency = .annual,
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

    public static func == (lhs: Indicator, rhs: Indicator) -> Bool {
        lhs.code == rhs.code && lhs.definitionVersion == rhs.definitionVersion
    }

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

    static func prefix(for power: Int) -> String { words.first { $0.power == power }?.word ?? (power == 0 ? "" : "1e\(power) ") }
}
