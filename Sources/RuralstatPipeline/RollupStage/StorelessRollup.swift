import Foundation
import RuralstatAggregate
import RuralstatIngest
import RuralstatModel
import RuralstatQuality
import RuralstatReport

/// `ruralstat rollup --from`: submissions read, validated and rolled up in memory, with no store, for
/// analysts (and the benchmarks). Writes `rollups.csv`, the findings and `rejects.csv` into a folder.
public struct StorelessRollup: Sendable {
    public var registry: RegionRegistry?
    public var catalog: IndicatorCatalog
    public var options: IngestOptions
    public var policy = CoveragePolicy()
    public var workers = ProcessInfo.activeProcessors
    /// The quality checks run on the rollups.
    public var quality = QualitySuite.standard()

    public init(registry: RegionRegistry?, catalog: IndicatorCatalog, options: IngestOptions) {
        self.registry = registry
        self.catalog = catalog
        self.options = options
        // Repeated keys are settled when the partitions are built, so reading keeps no key index.
        self.options.detectDuplicates = false
    }

    /// What a run did, with its timings.
    public struct Summary: Sendable {
        public var files = 0
        public var rowsRead = 0
        public var rowsAccepted = 0
        public var rowsRejected = 0
        public var rollups = 0
        public var findings = 0
        public var secondsReading = 0.0
        public var secondsRollup = 0.0
        public var secondsQuality = 0.0
        public var secondsWriting = 0.0
        public var outputs: [String] = []
        /// The findings, and how long each check took.
        public var findingRows: [Finding] = []
        public var checkTimings: [(check: String, seconds: Double)] = []
    }

    /// The submissions read into memory: the columnar table and what reading them found out.
    public struct Reading: Sendable {
        public var table: ObservationTable
        /// When each sender's submission for a period arrived (from its header), for lateness.
        public var arrivals: [SubmissionArrival]
        /// Rows rejected for a value out of range (W1 lists them among its flags).
        public var outOfRange: [ValidationProblem]
        /// Keys given without a value.
        public var missingValues: [ObservationKey]
        public var files = 0
        public var rowsRead = 0
        public var rowsRejected = 0
    }

    /// Reads and validates `files` (several at once, in order) into one table; rejected rows go to `rejects`.
    public func read(files: [String], rejects: RejectsCSV) throws -> Reading {
        let builder = ObservationTableBuilder()
        var outOfRange: [ValidationProblem] = []
        var arrivals: [SubmissionArrival] = []
        var counts = (files: 0, read: 0, rejected: 0)
        let registries = registry.map { RegistryEditions([$0]) }
        let reading = SubmissionStream.startReading(files, registries: registries, catalog: catalog, options: options, readers: workers)
        // A file that cannot be read ends the call: the files read ahead are let go, and no more start.
        defer { reading.stop() }
        for (message, (file, stream)) in zip(files, reading.streams).enumerated() {
            var periods = Set<Period>()
            reading: while true {
                switch stream.pop() {
                case .batch(let batch):
                    periods.formUnion(batch.periodTable)
                    // Each file is one message: a later one revises an earlier one, as in the store.
                    builder.add(batch, message: message)
                case .problems(let problems):
                    outOfRange += problems.filter { $0.rule == ValidationRule.valueOutOfRange }
                    try rejects.write(problems)
                case .failed(let error):
                    throw error
                case .finished(let report):
                    if let sender = report.header.sender, let prepared = report.header.preparedDate {
                        arrivals += periods.sorted().map { SubmissionArrival(sender: sender, period: $0, arrived: prepared, file: file) }
                    }
                    counts.files += 1
                    counts.read += report.rowsRead
                    counts.rejected += report.rowsRejected
                    break reading
                }
            }
        }
        let table = builder.build()
        // Keys a file gave more than once, settled as the store settles them and logged the same way.
        for repeated in builder.repeatedKeys {
            let values = repeated.values.map(NumberText.shortest)
            let problem = ValidationProblem(
                location: SourceLocation(file: files[repeated.message]), key: repeated.key.description,
                rule: repeated.contradictory ? .duplicateContradictory : .duplicateIdentical, value: values.joined(separator: " | "),
                message: repeated.contradictory
                    ? "the message gives \(Set(values).count) different values for this key (\(values.joined(separator: ", "))); all are rejected"
                    : "the message gives this key \(values.count) times with the same value; merged")
            try rejects.write(problem)
            if repeated.contradictory { counts.rejected += repeated.values.count }
        }
        return Reading(
            table: table, arrivals: arrivals, outOfRange: outOfRange, missingValues: builder.missingValues,
            files: counts.files, rowsRead: counts.read, rowsRejected: counts.rejected)
    }

    public func run(files: [String], outDirectory: String) throws -> Summary {
        try FileManager.default.createDirectory(atPath: outDirectory, withIntermediateDirectories: true)
        var summary = Summary()
        var started = Date()
        let rejects = try RejectsCSV(path: (outDirectory as NSString).appendingPathComponent("rejects.csv"))
        let reading = try read(files: files, rejects: rejects)
        try rejects.close()
        let table = reading.table
        (summary.files, summary.rowsRead, summary.rowsRejected) = (reading.files, reading.rowsRead, reading.rowsRejected)
        summary.rowsAccepted = table.rowCount
        summary.secondsReading = Date().timeIntervalSince(started)

        started = Date()
        let rollups = RollupEngine(catalog: catalog, registry: registry, policy: policy).rollups(of: table, workers: workers)
        summary.rollups = rollups.count
        summary.secondsRollup = Date().timeIntervalSince(started)

        started = Date()
        let input = QualityInput(table: table, rollups: rollups, arrivals: reading.arrivals, catalog: catalog, registry: registry, workers: workers)
        let checking = Date()
        let results = quality.run(input)
        summary.secondsQuality = Date().timeIntervalSince(checking)
        summary.findings = results.findings.count
        summary.findingRows = results.findings
        summary.checkTimings = results.timings
        let findingsPath = (outDirectory as NSString).appendingPathComponent("findings.csv")
        let summaryPath = (outDirectory as NSString).appendingPathComponent("findings_summary.csv")
        try FindingTables.writeCSV(results.findings, registry: registry, to: findingsPath)
        try FindingTables.writeSummaryCSV(results.mergedTallies, to: summaryPath)
        summary.outputs = [try writeRollups(rollups, to: outDirectory), findingsPath, summaryPath, rejects.path]
        summary.secondsWriting = Date().timeIntervalSince(started)
        return summary
    }

    private func writeRollups(_ rollups: [Rollup], to folder: String) throws -> String {
        let path = (folder as NSString).appendingPathComponent("rollups.csv")
        let writer = try CSVWriter(
            path: path,
            header: [
                "level", "region", "region_name", "indicator", "period", "value", "unit", "numerator", "denominator", "contributing",
                "expected", "coverage", "publication", "reported", "imbalance", "relative_imbalance",
            ], byteOrderMark: true)
        var units: [String: String] = [:]
        var periods: [Period: String] = [:]
        for rollup in rollups {
            writer.field(rollup.level.description)
            writer.field(region: rollup.region.rawValue)
            writer.field(rollup.region == .national ? "全国" : registry?.unit(rollup.region)?.name ?? "")
            writer.field(rollup.indicator)
            if periods[rollup.period] == nil { periods[rollup.period] = rollup.period.description }
            writer.field(periods[rollup.period]!)
            writer.field(rollup.value)
            if units[rollup.indicator] == nil {
                units[rollup.indicator] = catalog.definition(rollup.indicator, year: rollup.period.year)?.scaledUnit ?? ""
            }
            writer.field(units[rollup.indicator]!)
            writer.field(rollup.numerator)
            writer.field(rollup.denominator)
            writer.field(rollup.contributing)
            writer.field(rollup.expected.map(Double.init))
            writer.field(rollup.coverage)
            writer.field(rollup.publication.rawValue)
            writer.field(rollup.reported)
            writer.field(rollup.imbalance)
            writer.field(rollup.relativeImbalance)
            writer.endRow()
        }
        try writer.close()
        return path
    }
}
