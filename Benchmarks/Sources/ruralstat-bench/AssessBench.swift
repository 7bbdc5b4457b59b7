import Foundation
import RuralstatAssessment
import RuralstatModel

/// `ruralstat-bench assess [--units N] [--replications R] [--workers W]`: the assessment's cost on a
/// generated county panel — N counties (default 2,800) × the plan's 22 indicators in five
/// dimensions, skewed and with a few gaps — built once with the default construction, then the
/// uncertainty analysis with R replications (default 1,000) as `pipelines/assessment.yaml` sets it
/// up (noise 0.25, rank and geometric alternatives, treatment on and off: N·(4 + 2) runs). Prints
/// one JSON line with the seconds of each part and the peak resident memory.
func assess(_ arguments: Arguments) throws {
    let units = arguments.count("--units", default: 2_800)
    let replications = arguments.count("--replications", default: 1_000)
    let workers = arguments.count("--workers", default: ProcessInfo.processInfo.activeProcessorCount)
    let dimensions = [("产业兴旺", 5), ("生态宜居", 4), ("乡风文明", 4), ("治理有效", 4), ("生活富裕", 5)]
    var codes: [String] = []
    let framework = AssessmentFramework(
        name: "bench",
        dimensions: dimensions.map { name, count in
            let members = (1...count).map { "\(name)_\($0)" }
            codes += members
            return .init(name: name, indicators: members)
        })
    var random = SeededRandom(2_024)
    // Counties 01–90 under prefectures 01, 02, … of province 11.
    let regions: [RegionCode] = (0..<units).map { (i: Int) -> RegionCode in
        let prefecture = Int64(i / 90 + 1), county = Int64(i % 90 + 1)
        return RegionCode(uncheckedRawValue: 110_000_000_000 + prefecture * 100_000_000 + county * 1_000_000)
    }
    let columns = codes.enumerated().map { j, code in
        IndicatorMatrix.Column(
            code: code, direction: j % 7 == 3 ? .lower : .higher,
            values: regions.indices.map { _ in random.chance(0.02) ? .nan : exp(random.normal(3, j % 3 == 0 ? 1.2 : 0.4)) })
    }
    let matrix = IndicatorMatrix(units: regions, columns: columns)
    var index = CompositeIndex(framework: framework)
    index.indicatorWeighting = .entropy
    let started = Date()
    let nominal = try index.build(matrix)
    let built = Date()
    var analysis = UncertaintyAnalysis()
    analysis.replications = replications
    analysis.workers = workers
    analysis.normalisations = [.rank]
    analysis.aggregations = [.init(indicators: .geometric(), dimensions: .geometric())]
    let result = try analysis.run(index, on: matrix)
    let done = Date()
    var widthSum = 0
    for (high, low): (Int, Int) in zip(result.rankHigh, result.rankLow) { widthSum += high - low }
    let width = Double(widthSum) / Double(units)
    let sensitivity = result.sensitivity.map { "\"\($0.factor.rawValue)\": " + String(format: "%.3f", $0.firstOrder) }.joined(separator: ", ")
    var fields: [String] = []
    fields.append("\"units\": \(units), \"indicators\": \(codes.count), \"replications\": \(replications)")
    fields.append("\"runs\": \(result.runs), \"workers\": \(workers), \"assessed\": \(nominal.units.count)")
    fields.append("\"build_s\": " + String(format: "%.3f", built.timeIntervalSince(started)))
    fields.append("\"uncertainty_s\": " + String(format: "%.3f", done.timeIntervalSince(built)))
    fields.append("\"total_s\": " + String(format: "%.3f", done.timeIntervalSince(started)))
    fields.append("\"mean_interval_width\": " + String(format: "%.1f", width))
    fields.append("\"first_order\": {" + sensitivity + "}")
    fields.append("\"peak_rss_mb\": " + String(format: "%.1f", peakResidentMB()))
    print("{" + fields.joined(separator: ", ") + "}")
}
