import Foundation
import RuralstatModel
import RuralstatReport

/// `ruralstat sample-data generate`: a registry, a year's submission from every reporting county in
/// rotating formats (CSV long and wide, SDMX-CSV 1.0 and 2.0, SDMX-ML generic and structure-specific
/// 2.1, structure-specific 3.0, some gzip, one GB18030), planted anomalies of every kind with their
/// ground truth — all determined by the seed.
public struct SampleDataGenerator: Sendable {
    public struct Options: Sendable {
        public var seed: UInt64 = 2_023
        /// About this many villages (each reports 23 figures a year).
        public var villages = 700
        public var firstYear = 2023
        public var years = 2
        /// Share of village-years given each village anomaly, of township-years given a coverage gap,
        /// and of counties given one county anomaly.
        public var villageRate = 0.02
        public var coverageRate = 0.03
        public var countyRate = 0.5
        /// A few rows that the ingest must reject, and a later file revising a county's figures.
        public var rejectedRows = false
        public var revision = false
        /// Submissions are due this many days after their year ends (late ones arrive after).
        public var deadlineDays = 90
        /// How natural figures move and which anomalies are planted.
        public var profile = Profile.blatant

        public init() {}
    }

    /// How hard the data set is on the checks.
    public enum Profile: String, Sendable, CaseIterable {
        /// Steady figures (a few percent a year) and blatant anomalies (×1000, ×4, whole counties made
        /// up): what the checks must never miss.
        case blatant
        /// Figures as they move in real returns — year-on-year changes of 10–20 %, skewed, with shocks
        /// shared by a township; units that report in tens; units that repeat last year's figure — and,
        /// besides the blatant kinds, anomalies of realistic strength: a value ×1.5–2 or ×0.5–0.7, a
        /// total shaded by 3 %, one indicator made up across a county, a return copied from a
        /// neighbour, a return rounded to hundreds.
        case realistic

        /// The kinds of anomaly the profile plants (given enough villages, counties and years).
        public var kinds: Set<AnomalyKind> {
            let realisticOnly: Set<AnomalyKind> = [.scaledValue, .shadedTotal, .fabricatedIndicator, .copiedNeighbour, .roundedHundreds]
            return self == .realistic ? Set(AnomalyKind.allCases) : Set(AnomalyKind.allCases).subtracting(realisticOnly)
        }
    }

    /// The formats submissions rotate through, in turn (the order fixes the sample for a seed).
    static let formatRotation: [SubmissionFormat] = [
        .csvLong, .sdmxStructureSpecific21, .csvWide, .sdmxGeneric21, .sdmxCSV20,
        .sdmxStructureSpecific30, .sdmxCSV10,
    ]

    public struct Summary: Sendable {
        public var villages = 0
        public var reporters = 0
        public var files: [String] = []
        public var observations = 0
        public var anomalies: [AnomalyKind: Int] = [:]
        public var registryPath = ""
        public var truthPath = ""
        /// What was planted (also written to `truthPath` for evaluators outside).
        public var truth = GroundTruth(anomalies: [])
    }

    public var options: Options

    public init(options: Options) { self.options = options }

    /// Writes `registry/regions_<first year>.csv`, `submissions/<year>/…` (replacing what was there)
    /// and `ground_truth.csv` into `folder`.
    /// A folder the generator may not write into.
    public struct FolderError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The file that marks a folder as the generator's own, so that it may be written again.
    public static let marker = ".ruralstat-sample-data"

    /// Writes the data set into `folder`: an empty or new folder, or one an earlier run of the
    /// generator wrote (it holds ``marker``). Any other folder is refused unless `force` is set, so the
    /// generator never overwrites files it did not write, such as the bundled sample.
    public func generate(into folder: String, force: Bool = false) throws -> Summary {
        let fileManager = FileManager.default
        let contents = (try? fileManager.contentsOfDirectory(atPath: folder)) ?? []
        if !force, !contents.isEmpty, !contents.contains(Self.marker) {
            throw FolderError(
                description:
                    "\(folder) is not empty and was not written by 'ruralstat sample-data generate' (it has no \(Self.marker)); give a new or empty folder with --out, or --force to overwrite it"
            )
        }
        try fileManager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "written by ruralstat sample-data generate, seed \(options.seed); it may be written again\n"
            .write(toFile: (folder as NSString).appendingPathComponent(Self.marker), atomically: true, encoding: .utf8)
        let registry = SampleRegistry(villages: options.villages, seed: options.seed)
        var summary = Summary()
        summary.reporters = registry.reporters.count
        summary.villages = registry.units.filter { $0.code.level == .village }.count
        try fileManager.createDirectory(atPath: folder + "/registry", withIntermediateDirectories: true)
        summary.registryPath = folder + "/registry/regions_\(options.firstYear).csv"
        try registry.csv().write(toFile: summary.registryPath, atomically: true, encoding: .utf8)
        // The submissions folder is the generator's own: files of an earlier, different run must not linger.
        try? fileManager.removeItem(atPath: folder + "/submissions")
        let periods = (0..<options.years).map { try! Period(frequency: .annual, year: options.firstYear + $0) }
        for period in periods { try fileManager.createDirectory(atPath: "\(folder)/submissions/\(period)", withIntermediateDirectories: true) }

        var planted: [PlantedAnomaly] = []
        let countyKinds = countyAnomalies(registry)
        for (index, reporter) in registry.reporters.enumerated() {
            let units = registry.units(under: index)
            var values = UnitValues(reporter: reporter, units: units, yearCount: options.years, seed: options.seed, profile: options.profile)
            var plan = AnomalyPlan(reporter: reporter, countyKind: countyKinds[index], periods: periods, options: options)
            plan.plantInVillages(&values, units: units)
            values.addTotals(reporter: reporter, units: units, seed: options.seed)
            plan.plantInTotals(&values, units: units)
            planted += plan.planted
            for (year, period) in periods.enumerated() {
                let file = SubmissionFile(
                    reporter: reporter, reporterIndex: index, period: period, year: year, options: options,
                    late: plan.lateYear == year)
                let rows = Self.rows(values.years[year], units: units, reporter: reporter)
                let written = try file.write(rows, into: "\(folder)/submissions/\(period)", rejectedRows: options.rejectedRows && index == 1 && year == 0)
                summary.files.append(written.path)
                summary.observations += written.observations
            }
            if options.revision && index == min(2, registry.reporters.count - 1), let last = periods.last {
                let revised = SubmissionFile.revision(
                    reporter: reporter, period: last, values: values.years[periods.count - 1], units: units,
                    options: options)
                let written = try revised.write(into: "\(folder)/submissions/\(last)")
                summary.files.append(written.path)
                summary.observations += written.observations
            }
        }
        for anomaly in planted { summary.anomalies[anomaly.kind, default: 0] += 1 }
        summary.truthPath = folder + "/ground_truth.csv"
        summary.truth = GroundTruth(anomalies: planted)
        try summary.truth.csv().write(toFile: summary.truthPath, atomically: true, encoding: .utf8)
        return summary
    }

    /// One county anomaly for a share of the counties, kinds dealt in turn over a shuffled order,
    /// so that even a small sample has each kind once.
    private func countyAnomalies(_ registry: SampleRegistry) -> [AnomalyKind?] {
        var kinds: [AnomalyKind] = [.benford, .heaping, .repeats, .aggregateJump, .balance, .lateSubmission]
        if options.profile == .realistic { kinds += [.shadedTotal, .fabricatedIndicator] }
        var random = SeededRandom(options.seed, 21)
        var order = Array(registry.reporters.indices)
        order.shuffle(using: &random)
        let count = options.countyRate == 0 ? 0 : max(min(kinds.count, order.count), Int((Double(order.count) * options.countyRate).rounded()))
        var result = [AnomalyKind?](repeating: nil, count: registry.reporters.count)
        for (position, index) in order.prefix(count).enumerated() { result[index] = kinds[position % kinds.count] }
        return result
    }

    /// A county's units' figures in code order: (region, indicator, value).
    static func rows(_ values: [Int64: [String: Double]], units: ArraySlice<SampleRegistry.Unit>, reporter: RegionCode) -> [(RegionCode, String, Double)] {
        var rows: [(RegionCode, String, Double)] = []
        for code in ([reporter] + units.map(\.code)) {
            guard let figures = values[code.rawValue] else { continue }
            for key in figures.keys.sorted() { rows.append((code, key, figures[key]!)) }
        }
        return rows
    }
}
