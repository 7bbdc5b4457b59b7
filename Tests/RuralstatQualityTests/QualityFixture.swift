import Foundation
@testable import RuralstatAggregate
import RuralstatModel
@testable import RuralstatQuality

/// Small tables for the checks' hand-checked tests.
enum QualityFixture {
    static let catalog = try! IndicatorCatalog(
        version: "t",
        definitions: [
            Indicator(
                code: "GRAIN_OUTPUT", validFrom: 2016, nameZh: "粮食产量", nameEn: "Grain output", unit: "吨", kind: .amount,
                reportedLevels: [.village], aggregation: .sum),
            Indicator(
                code: "GRAIN_SOWN_AREA", validFrom: 2016, nameZh: "粮食播种面积", nameEn: "Grain sown area", unit: "公顷", kind: .amount,
                reportedLevels: [.village], aggregation: .sum),
            Indicator(
                code: "HOUSEHOLDS", validFrom: 2016, nameZh: "户数", nameEn: "Households", unit: "户", kind: .count,
                reportedLevels: [.village, .township, .county], aggregation: .sum),
        ])

    /// A table of (region, indicator, period, value) rows.
    static func table(_ rows: [(String, String, String, Double)]) -> ObservationTable {
        let indicators = ["GRAIN_OUTPUT", "GRAIN_SOWN_AREA", "HOUSEHOLDS"]
        let periods = Array(Set(rows.map(\.2))).sorted().map { try! Period($0) }
        var batch = ObservationBatch(indicatorCodes: indicators, periodTable: periods)
        for (line, row) in rows.enumerated() {
            batch.append(
                region: try! RegionCode(row.0).rawValue, indicator: UInt16(indicators.firstIndex(of: row.1)!),
                period: UInt16(periods.firstIndex(of: try! Period(row.2))!), value: row.3, status: 0, action: .merge, line: Int32(line))
        }
        let builder = ObservationTableBuilder()
        builder.add(batch)
        return builder.build(workers: 2)
    }

    static func input(
        _ rows: [(String, String, String, Double)], rollups: [Rollup] = [], history: [Rollup] = [],
        arrivals: [SubmissionArrival] = []
    ) -> QualityInput {
        QualityInput(table: table(rows), rollups: rollups, history: history, arrivals: arrivals, catalog: catalog, registry: nil, workers: 2)
    }

    static func rollup(_ region: String, _ period: String, value: Double, contributing: Int = 10, expected: Int? = nil) -> Rollup {
        let code = try! RegionCode(region)
        return Rollup(
            level: code.level, region: code, indicator: "GRAIN_OUTPUT", period: try! Period(period), value: value, numerator: value,
            denominator: Double(contributing), contributing: contributing, expected: expected, publication: .published)
    }
}
