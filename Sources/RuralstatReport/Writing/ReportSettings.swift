import RuralstatModel

/// What a report holds and where it goes: the `reports` section of a pipeline spec, and the
/// options of `ruralstat report`.
public struct ReportSettings: Sendable {
    public var folder = "reports"
    /// The levels of the indicator tables.
    public var levels: [RegionLevel] = [.province, .prefecture, .county]
    public var formats: Set<ReportFormat> = Set(ReportFormat.allCases)
    /// Who the SDMX output says sent it.
    public var sender = "CN_NBS"
    /// Only these periods (nil: all) and the subtree of this region.
    public var periods: Set<Period>?
    public var region: RegionCode = .national
    /// The coverage thresholds rollups were published under (the pipeline's), for the coverage chart's bands.
    public var coveragePublishAt = 0.95
    public var coverageWithholdBelow = 0.5
    /// Also an SDMX delta: what changed in the rollups after this run.
    public var deltaSince: Int64?
    public var sdmxGzip = false

    public init() {}
}

/// A kind of output a report can write.
public enum ReportFormat: String, Sendable, Hashable, CaseIterable {
    /// The indicator tables as CSV, Markdown, an XLSX workbook; the HTML report; SDMX for the level above.
    case csv, markdown, xlsx, html, sdmx
    /// `quality/findings.csv`, `findings.json`, `findings_summary.csv`.
    case findings
    /// `rejects.csv`.
    case rejects
    /// `assessment/assessment.csv` and `assessment.json` (the stored assessment; its sheets go into the XLSX workbook).
    case assessment
}
