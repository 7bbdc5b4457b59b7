import RuralstatModel

/// The yearly assessment's results, one row per region and level and year, with the settings that
/// made them (spec hash, seed, weights), so that reports and later runs read them.
///
/// One facet of ``IndicatorStore``.
public protocol AssessmentStore: Sendable {
    /// Replaces the stored assessment of each (framework, level, year) the rows and settings hold,
    /// recording the run, the spec's SHA-256 and the settings used (JSON: seed, weights, choices).
    /// Other frameworks, levels and years stay.
    func replaceAssessment(_ rows: [AssessmentRow], settings: [AssessmentSettings], runID: Int64) throws
    /// The stored assessment rows of a level and year (nil: all), by framework, level, year and rank.
    func storedAssessment(level: RegionLevel?, year: Int?) throws -> [AssessmentRow]
    /// The settings stored with each assessed level and year.
    func storedAssessmentSettings() throws -> [AssessmentSettings]
}

/// What an assessed level and year were computed with.
public struct AssessmentSettings: Sendable, Hashable {
    /// The framework's name.
    public var framework: String
    /// The level.
    public var level: RegionLevel
    /// The year.
    public var year: Int
    /// SHA-256 of the spec file.
    public var specSHA256: String
    /// The choices, the seed and the weights used, as JSON.
    public var json: String

    /// Settings of a level and year.
    public init(framework: String, level: RegionLevel, year: Int, specSHA256: String, json: String) {
        self.framework = framework
        self.level = level
        self.year = year
        self.specSHA256 = specSHA256
        self.json = json
    }
}
