import Foundation
import RuralstatModel
import RuralstatStore

/// The assessment as files for evaluators: `assessment.csv` and an XLSX workbook (one row per region:
/// class, dimension scores, index, rank, rank in class, rank interval, change, the sentence), and the
/// spot-check list. CSV is UTF-8 with a BOM and formula-safe, as every table ruralstat writes.
public enum AssessmentTables {
    static let fixedColumns = [
        "framework", "level", "year", "region", "region_name", "class", "index", "rank", "regions", "rank_in_class", "class_size", "rank_low_5",
        "rank_median", "rank_high_95", "previous_year", "score_change", "rank_change", "baseline_year", "score_change_since_baseline",
        "rank_change_since_baseline", "marked_values",
    ]

    /// The dimensions of the rows, in first-seen order (levels may have different ones).
    static func dimensions(_ rows: [AssessmentRow]) -> [String] {
        var names: [String] = []
        for row in rows { for score in row.dimensionScores where !names.contains(score.dimension) { names.append(score.dimension) } }
        return names
    }

    /// `assessment.csv`: one row per region, level and year.
    public static func writeCSV(_ rows: [AssessmentRow], to path: String) throws {
        let dimensions = dimensions(rows)
        let writer = try CSVWriter(path: path, header: fixedColumns + dimensions + ["sentence"], byteOrderMark: true)
        for row in rows {
            writer.field(row.framework)
            writer.field(row.level.description)
            writer.field(String(row.year))
            writer.field(region: row.region.rawValue)
            writer.field(row.name)
            writer.field(row.regionClass ?? "")
            writer.field(row.index)
            for number in [row.rank, row.regions, row.classRank, row.classSize] { writer.field(String(number)) }
            let progress = row.progress
            for number in [row.rankLow, row.rankMedian, row.rankHigh, progress.previousYear] { writer.field(number.map(String.init) ?? "") }
            writer.field(progress.scoreChange)
            writer.field(progress.rankChange.map(String.init) ?? "")
            writer.field(progress.baselineYear.map(String.init) ?? "")
            writer.field(progress.scoreChangeSinceBaseline)
            writer.field(progress.rankChangeSinceBaseline.map(String.init) ?? "")
            writer.field(String(row.marked))
            for dimension in dimensions { writer.field(row.dimensionScores.first { $0.dimension == dimension }?.score) }
            writer.field(row.sentence)
            writer.endRow()
        }
        try writer.close()
    }

    /// `assessment.json`: the settings of each level and year assessed, as a JSON array.
    public static func settingsJSON(_ settings: [AssessmentSettings]) -> String {
        "[" + settings.map(\.json).joined(separator: ",\n") + "]\n"
    }

    /// The assessment as a workbook sheet per level: years and ranks as plain digits, scores to two decimals.
    public static func spreadsheet(_ rows: [AssessmentRow], created: Date) -> Spreadsheet {
        let levels = Array(Set(rows.map(\.level))).sorted()
        return Spreadsheet(
            sheets: levels.map { level in
                let part = rows.filter { $0.level == level }
                let dimensions = dimensions(part)
                func int(_ value: Int?) -> Spreadsheet.Cell { value.map { .number(Double($0), .plain) } ?? .empty }
                func score(_ value: Double?) -> Spreadsheet.Cell { value.map { .number($0, .grouped(decimals: 2)) } ?? .empty }
                return Spreadsheet.Sheet(
                    name: "评估 \(level)", header: fixedColumns + dimensions + ["sentence"],
                    rows: part.map { row in
                        [
                            .text(row.framework), .text(row.level.description), int(row.year), .text(row.region.description), .text(row.name),
                            .text(row.regionClass ?? ""),
                            score(row.index), int(row.rank), int(row.regions), int(row.classRank), int(row.classSize), int(row.rankLow),
                            int(row.rankMedian), int(row.rankHigh), int(row.progress.previousYear), score(row.progress.scoreChange),
                            int(row.progress.rankChange), int(row.progress.baselineYear), score(row.progress.scoreChangeSinceBaseline),
                            int(row.progress.rankChangeSinceBaseline), int(row.marked),
                        ] + dimensions.map { name in score(row.dimensionScores.first { $0.dimension == name }?.score) } + [.text(row.sentence)]
                    }, frozenColumns: 5)
            },
            properties: Spreadsheet.Properties(
                title: "乡村振兴评估 Rural revitalization assessment", subject: "composite index, ranks by class, progress", created: created))
    }

    /// One drawn village of the spot check, as the list shows it.
    public struct SpotCheckRow: Sendable {
        /// The county.
        public var county: RegionCode
        /// The village.
        public var village: RegionCode
        /// The village's name.
        public var name: String
        /// Its risk score.
        public var risk: Double
        /// Its inclusion probability.
        public var inclusionProbability: Double
        /// Drawn at random (true) or by risk.
        public var drawnAtRandom: Bool
        /// The findings behind its risk, e.g. `peer_outlier×2 benford_first_digit×1`.
        public var findings: String

        /// A row of the list.
        public init(county: RegionCode, village: RegionCode, name: String, risk: Double, inclusionProbability: Double, drawnAtRandom: Bool, findings: String) {
            self.county = county
            self.village = village
            self.name = name
            self.risk = risk
            self.inclusionProbability = inclusionProbability
            self.drawnAtRandom = drawnAtRandom
            self.findings = findings
        }
    }

    /// `spot_check.csv`: the list, with the seed that reproduces it in every row.
    public static func writeSpotCheckCSV(_ rows: [SpotCheckRow], seed: UInt64, to path: String) throws {
        let writer = try CSVWriter(
            path: path, header: ["county", "village", "village_name", "risk", "inclusion_probability", "drawn_by", "findings", "seed"], byteOrderMark: true)
        for row in rows {
            writer.field(region: row.county.rawValue)
            writer.field(region: row.village.rawValue)
            writer.field(row.name)
            writer.field(row.risk)
            writer.field(row.inclusionProbability)
            writer.field(row.drawnAtRandom ? "random" : "risk")
            writer.field(row.findings)
            writer.field(String(seed))
            writer.endRow()
        }
        try writer.close()
    }
}
