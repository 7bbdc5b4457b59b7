import Foundation
import RuralstatModel
import RuralstatStore

/// The reports of a store (the nightly run's report stage, and `ruralstat report`): the rollups as
/// indicator tables (CSV, Markdown, XLSX), the HTML report, the findings and rejects, and the
/// rollups as SDMX for the level above — whole, and optionally as a delta since an earlier run.
/// Files are written into a staging folder and then moved into place one by one (each move
/// atomic), so a run killed while writing leaves the previous reports.
public struct ReportWriter {
    let store: any IndicatorStore
    let catalog: IndicatorCatalog
    let registry: RegionRegistry?
    let settings: ReportSettings
    let runID: Int64

    public init(store: any IndicatorStore, catalog: IndicatorCatalog, registry: RegionRegistry?, settings: ReportSettings, runID: Int64) {
        self.store = store
        self.catalog = catalog
        self.registry = registry
        self.settings = settings
        self.runID = runID
    }

    private func observation(_ rollup: Rollup) -> SDMXObservation {
        let definition = catalog.definition(rollup.indicator, year: rollup.period.year)
        return SDMXObservation(
            region: rollup.region, indicator: rollup.indicator, period: rollup.period, value: rollup.value,
            status: rollup.publication == .partial ? "P" : "A", unitMultiplier: definition?.unitMultiplier, unit: definition?.unit,
            coverage: rollup.coverage, publication: rollup.publication.rawValue)
    }

    /// The workbook's properties.
    static func workbookProperties(created: Date) -> Spreadsheet.Properties {
        Spreadsheet.Properties(
            title: "乡村振兴指标 Rural revitalization indicators", subject: "rollups by level, region, indicator and period",
            keywords: "rural revitalization, indicators, ruralstat",
            comments: "Partial figures (coverage between the thresholds) and withheld ones are marked, with the reason in a cell comment.",
            created: created)
    }

    /// A level's sheet: regions down, indicators across, each indicator's column in its own format.
    /// Partial and withheld figures are marked, with the reason in a cell comment.
    static func wideSheet(_ table: IndicatorTable, level: RegionLevel) -> Spreadsheet.Sheet {
        let formats = table.indicators.map { Spreadsheet.NumberFormat.of($0.kind, decimals: $0.decimals) }
        let wide = table.wide
        let rows = Spreadsheet.Rows(count: wide.count) { index in
            let line = wide[index]
            return [.text(line.region.description), .text(line.regionName), .text(line.period.description)]
                + zip(line.cells, formats).map { row, format in row.map { valueCell($0, format: format) } ?? .empty }
        }
        return Spreadsheet.Sheet(
            name: "\(level.chineseName) \(level)", header: ["region", "名称 name", "period"] + table.indicators.map(\.label),
            rows: rows, frozenColumns: 3)
    }

    /// The long form's sheet: each value in its indicator's format, marked as in the level sheets.
    static func longSheet(_ long: IndicatorTable) -> Spreadsheet.Sheet {
        let percent = Spreadsheet.NumberFormat.percent(decimals: 1)
        return Spreadsheet.Sheet(
            name: "long",
            header: [
                "level", "region", "名称 name", "indicator", "指标", "period", "value", "unit", "coverage %",
                "publication", "target", "attainment %",
            ],
            rows: Spreadsheet.Rows(count: long.rows.count) { [rows = long.rows] index in
                let row = rows[rows.startIndex + index]
                return [
                    .text(row.level.description), .text(row.region.description), .text(row.regionName), .text(row.indicator), .text(row.nameZh),
                    .text(row.period.description), valueCell(row, format: .of(row.kind, decimals: row.decimals)), .text(row.unit),
                    row.coverage.map { .number(100 * $0, percent) } ?? .empty, .text(row.publication.rawValue), .text(row.target?.description ?? ""),
                    row.attainment.map { .number($0, percent) } ?? .empty,
                ]
            }, frozenColumns: 3)
    }

    /// A table value as a cell: plain when published; marked with its coverage when partial; a marked
    /// empty cell when withheld.
    static func valueCell(_ row: IndicatorTable.Row, format: Spreadsheet.NumberFormat) -> Spreadsheet.Cell {
        let coverage = row.coverage.map { "coverage \(NumberText.readable(100 * $0)) %" } ?? "coverage unknown"
        switch row.publication {
        case .published: return row.value.map { .number($0, format) } ?? .empty
        case .partial: return .noted(row.value, format, note: "partial: \(coverage) (部分)")
        case .withheld: return .noted(nil, format, note: "withheld: \(coverage) (不发布)")
        }
    }

    /// The tallies of the scope: all for the nation, one province's for a province; for a smaller
    /// subtree none (they are counted per province, and a part of a province's count cannot be told).
    private func scopedTallies() throws -> [RuleTally]? {
        guard settings.periods == nil else { return nil }  // tallies are not kept per period
        return switch settings.region.level {
        case .national: try store.findingTallies()
        case .province: try store.findingTallies().filter { $0.province == settings.region }
        default: nil
        }
    }

    public struct Written: Sendable {
        public var files: [String] = []
        public var tables = 0
        public var findings = 0
    }

    /// Writes every report. A failure (a full disk, a folder that cannot be made) names the file it
    /// happened on and leaves no staging folder behind; the files are moved into place one by one, so a
    /// failure while moving leaves the ones moved before it new and the rest as they were.
    public func write() throws -> Written {
        let staging = StagingFolder(folder: settings.folder, runID: runID)
        do {
            var written = try writeAll(into: staging)
            written.files = try staging.moveIntoPlace()
            return written
        } catch {
            staging.remove()
            // A file-system failure is said with the file it happened on; any other error says what it says.
            guard error is CocoaError || (error as NSError).domain == NSPOSIXErrorDomain else { throw error }
            throw OutputError(path: staging.shownPath, message: OutputError.reason(error))
        }
    }

    private func writeAll(into staging: StagingFolder) throws -> Written {
        try staging.create()
        var written = Written()
        // The levels the tables, the SDMX and the charts show (not the townships, the bulk of the rollups).
        let levels = Set(settings.levels).union([.national, .province, .county])
        var rollups = try store.storedRollups(regions: .all, levels: levels)
        rollups.removeAll { rollup in  // in place: a filtered copy would hold them twice
            !(settings.periods?.contains(rollup.period) ?? true) || !(settings.region == .national || rollup.region.isWithin(settings.region))
        }
        // The stored assessment of the scope: its levels and years within the periods, its regions within the subtree.
        let assessment = try store.storedAssessment(level: nil, year: nil).filter { row in
            (settings.periods?.contains { $0.frequency == .annual && $0.year == row.year } ?? true)
                && (settings.region == .national || row.region.isWithin(settings.region))
        }
        let scopedAssessmentSettings = try store.storedAssessmentSettings().filter { s in
            assessment.contains { $0.framework == s.framework && $0.level == s.level && $0.year == s.year }
        }
        written.tables = try writeTables(rollups, assessment: assessment, into: staging)
        // Only the subtree asked for, everywhere: findings, their tallies, rejects and the counts in headers.
        written.findings = try writeFindings(rollups, assessment: assessment, assessmentSettings: scopedAssessmentSettings, into: staging)
        if settings.formats.contains(.rejects) {
            let rejects = try RejectsCSV(path: try staging.path("rejects.csv"))
            for problem in try store.storedRejects(within: settings.region) { try rejects.write(problem) }
            try rejects.close()
        }
        if settings.formats.contains(.sdmx) { try writeSDMX(rollups, into: staging) }
        if settings.formats.contains(.assessment), !assessment.isEmpty {
            try AssessmentTables.writeCSV(assessment, to: try staging.path("assessment/assessment.csv"))
            try AssessmentTables.settingsJSON(scopedAssessmentSettings)
                .write(toFile: try staging.path("assessment/assessment.json"), atomically: false, encoding: .utf8)
        }
        return written
    }

    /// The findings of the scope, in the HTML report and their own files; they are let go before the
    /// SDMX is written (the report's peak at 30M rows). Returns how many there are.
    private func writeFindings(
        _ rollups: [Rollup], assessment: [AssessmentRow], assessmentSettings scopedAssessmentSettings: [AssessmentSettings],
        into staging: StagingFolder
    ) throws -> Int {
        let findings = try store.findings(FindingFilter(region: settings.region, periods: settings.periods.map { Set($0.map(\.description)) }))
        let tallies = try scopedTallies()
        if settings.formats.contains(.html) {
            var context = HTMLReport.Context(
                runID: runID, generated: Date(), submissions: try store.submissionCount(within: settings.region), catalog: catalog,
                registry: registry, rollups: rollups, findings: findings, tallies: tallies ?? [])
            context.assessment = assessment
            (context.coveragePublishAt, context.coverageWithholdBelow) = (settings.coveragePublishAt, settings.coverageWithholdBelow)
            context.assessmentSettings = scopedAssessmentSettings
            try HTMLReport.render(context).write(toFile: try staging.path("report.html"), atomically: false, encoding: .utf8)
        }
        if settings.formats.contains(.findings) {
            try FindingTables.writeCSV(findings, registry: registry, to: try staging.path("quality/findings.csv"))
            try FindingTables.writeJSON(findings, registry: registry, to: try staging.path("quality/findings.json"))
            if let tallies { try FindingTables.writeSummaryCSV(tallies, to: try staging.path("quality/findings_summary.csv")) }
            _ = try BanffStatus.write(findings, path: staging.path)
        }
        return findings.count
    }

    /// The indicator tables (CSV, Markdown, XLSX): the long form over the levels, built once, and
    /// each level's wide forms from its part of it, one level at a time (the workbook is written a
    /// sheet at a time), so that only one level's wide table is held. Returns the long form's row count.
    private func writeTables(_ rollups: [Rollup], assessment: [AssessmentRow], into staging: StagingFolder) throws -> Int {
        let table = IndicatorTable(rollups: rollups, catalog: catalog, registry: registry, levels: Set(settings.levels))
        let workbook =
            try settings.formats.contains(.xlsx)
            ? SpreadsheetFile(path: try staging.path("tables/indicators.xlsx"), properties: Self.workbookProperties(created: Date())) : nil
        var markdown = ""
        for level in settings.levels {
            let part = table.part(level: level)
            if settings.formats.contains(.csv) { try TableFiles.writeWideCSV(part, to: try staging.path("tables/indicators_\(level).csv")) }
            if settings.formats.contains(.markdown) {
                markdown += TableFiles.markdown(part, title: "乡村振兴指标 Rural revitalization indicators — \(level.chineseName) \(level)") + "\n"
            }
            try workbook?.add(Self.wideSheet(part, level: level))
        }
        if settings.formats.contains(.csv) { try TableFiles.writeLongCSV(table, to: try staging.path("tables/indicators_long.csv")) }
        if settings.formats.contains(.markdown) {
            try markdown.write(toFile: try staging.path("tables/indicators.md"), atomically: false, encoding: .utf8)
        }
        if let workbook {
            try workbook.add(Self.longSheet(table))
            if settings.formats.contains(.assessment) {
                for sheet in AssessmentTables.spreadsheet(assessment, created: Date()).sheets { try workbook.add(sheet) }
            }
            try workbook.close()
        }
        return table.rows.count
    }

    /// The published rollups of the report's levels as SDMX for the level above, in every format, and
    /// the delta since an earlier run when asked for.
    private func writeSDMX(_ rollups: [Rollup], into staging: StagingFolder) throws {
        // A unit standing for two levels (东莞 441900, prefecture and county) is one key in SDMX: reported once, at its upper level.
        // One copy, sorted in place with the upper level first among a key's rows, then the later ones dropped.
        let levels = sdmxLevels
        var published = rollups.filter { levels.contains($0.level) && $0.publication != .withheld && $0.value.isFinite }
        published.sort { ($0.region, $0.indicator, $0.period, $0.level) < ($1.region, $1.indicator, $1.period, $1.level) }
        var kept = 0
        for index in published.indices {
            if kept > 0, published[kept - 1].region == published[index].region, published[kept - 1].indicator == published[index].indicator,
                published[kept - 1].period == published[index].period
            {
                continue
            }
            published[kept] = published[index]
            kept += 1
        }
        published.removeSubrange(kept...)
        let header = SDMXMessageHeader(id: "RR-\(settings.sender)-run\(runID)", sender: settings.sender, prepared: Date())
        for (format, name) in Self.sdmxFiles {
            let writer = try SDMXWriter(format: format, header: header, path: try staging.path("sdmx/rollups.\(name)\(sdmxSuffix)"))
            try writer.beginDataSet(action: .replace)
            for rollup in published { try writer.write(observation(rollup)) }
            try writer.finish()
        }
        if let since = settings.deltaSince {
            let keys = Set(published.map { "\($0.region.rawValue)|\($0.indicator)|\($0.period)" })
            try writeSDMXDelta(since: since, publishedKeys: keys, into: staging)
        }
        // The structure the data messages reference, beside them.
        let structure = SDMXStructureWriter(
            catalog: catalog, registry: registry, scope: settings.region, levels: sdmxLevels, sender: settings.sender, prepared: Date())
        try structure.write(.v21, to: try staging.path("sdmx/structure.21.xml\(sdmxSuffix)"))
        try structure.write(.v30, to: try staging.path("sdmx/structure.30.xml\(sdmxSuffix)"))
    }

    /// For consumers that keep what they received: what was removed after run `since` (a Delete
    /// dataset of keys), then what is new or changed (a Replace dataset), in every SDMX format that
    /// has actions. SDMX-CSV 1.0 has none, so it gets no delta: its full file replaces.
    private func writeSDMXDelta(since: Int64, publishedKeys keys: Set<String>, into staging: StagingFolder) throws {
        let (changed, removed) = try store.rollupChanges(since: since)
        let levels = Set(sdmxLevels.map(\.description))
        let deleted = try removed.filter { key in
            try levels.contains(key.level) && RegionCode(uncheckedRawValue: key.region).isWithin(settings.region)
                && (settings.periods?.contains(Period(key.period)) ?? true)
        }
        let replaced = changed.filter { keys.contains("\($0.region.rawValue)|\($0.indicator)|\($0.period)") }
        let header = SDMXMessageHeader(id: "RR-\(settings.sender)-run\(runID)-delta\(since)", sender: settings.sender, prepared: Date())
        for (format, name) in Self.sdmxFiles where format != .sdmxCSV10 {
            let writer = try SDMXWriter(
                format: format, header: header, path: try staging.path("sdmx/rollups.delta-since-run\(since).\(name)\(sdmxSuffix)"))
            try writer.beginDataSet(action: .delete)
            for key in deleted {
                try writer.write(
                    SDMXObservation(
                        region: RegionCode(uncheckedRawValue: key.region), indicator: key.indicator, period: try Period(key.period), value: nil))
            }
            try writer.endDataSet()
            try writer.beginDataSet(action: .replace)
            for rollup in replaced { try writer.write(observation(rollup)) }
            try writer.finish()
        }
    }

    /// Every SDMX format written, and the end of its file names (`sdmx/rollups.ss21.xml`, …).
    private static let sdmxFiles: [(SubmissionFormat, String)] = [
        (.sdmxStructureSpecific21, "ss21.xml"), (.sdmxGeneric21, "generic21.xml"), (.sdmxStructureSpecific30, "ss30.xml"),
        (.sdmxCSV10, "sdmx10.csv"), (.sdmxCSV20, "sdmx20.csv"),
    ]

    private var sdmxSuffix: String { settings.sdmxGzip ? ".gz" : "" }

    /// The levels sent upward: the tables' levels, and the nation's own figures in a national report.
    private var sdmxLevels: Set<RegionLevel> { Set(settings.levels + (settings.region == .national ? [.national] : [])) }
}
