// ruralstat-bench: performance tools, kept apart from the product (as swift-nio keeps its own).
//
//   ruralstat-bench ingest --catalog C --registry R [--sender S] FILE...
//
// Reads each file through the production reader and validator (duplicate keys left to the store,
// as `ruralstat ingest` does), discarding the batches, and prints one JSON line per file with rows,
// seconds, rows/s and the process's peak resident memory.
//
//   ruralstat-bench quality --catalog C --registry R --rules RULES [--repeat N] [--workers W] [--only CHECK,…] FILE|FOLDER...
//
// Reads the submissions into memory once, then builds the partitions again from the rows, computes
// the rollups and runs every quality check N times (default 5) on the same table, and prints one
// JSON line per stage with the median, fastest and slowest seconds: the partitions, the rollups,
// each check alone, and the suite as a run calls it (the checks side by side) — so that what the
// findings cost can be set against what the rollups cost, without the reading before them.
import Foundation
import RuralstatAggregate
import RuralstatIngest
import RuralstatModel
import RuralstatPipeline
import RuralstatQuality

import RuralstatSystem

func peakResidentMB() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("ruralstat-bench: \(message)\n".utf8))
    exit(2)
}

/// Options given as `--name value` (only the `known` ones); anything else is a file.
struct Arguments {
    var options: [String: [String]] = [:]
    var files: [String] = []

    init(_ arguments: ArraySlice<String>, known: Set<String>) {
        var rest = arguments
        while let argument = rest.popFirst() {
            guard argument.hasPrefix("--") else {
                files.append(argument)
                continue
            }
            guard known.contains(argument) else { fail("unknown option \(argument) (known: \(known.sorted().joined(separator: ", ")))") }
            guard let value = rest.popFirst() else { fail("option \(argument) needs a value") }
            options[argument, default: []].append(value)
        }
    }

    func value(_ name: String) -> String? { options[name]?.last }

    /// The values of an option the command cannot do without (it may be repeated).
    func required(_ name: String) -> [String] {
        guard let values = options[name] else { fail("option \(name) is needed") }
        return values
    }

    /// A whole number of at least 1, or `default` when the option is not given.
    func count(_ name: String, default: Int) -> Int {
        guard let text = value(name) else { return `default` }
        guard let number = Int(text), number >= 1 else { fail("option \(name) needs a whole number of at least 1, not '\(text)'") }
        return number
    }
}

/// Seconds of each repetition of `body`, which runs `repeats` times.
func timings(_ repeats: Int, _ body: () -> Void) -> [Double] {
    (0..<repeats).map { _ in
        let started = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    }
}

func stageLine(_ stage: String, _ seconds: [Double], rows: Int) -> String {
    let sorted = seconds.sorted()
    return String(format: #"{"stage": "%@", "rows": %d, "median_s": %.4f, "min_s": %.4f, "max_s": %.4f, "repeats": %d}"#,
                  stage, rows, sorted[sorted.count / 2], sorted[0], sorted[sorted.count - 1], sorted.count)
}

func ingest(_ arguments: Arguments) throws {
    let catalog = try ReferenceFiles.loadCatalog(path: arguments.required("--catalog").last!)
    let registryPaths = arguments.options["--registry"] ?? []
    let registries = registryPaths.isEmpty ? nil : RegistryEditions([try ReferenceFiles.loadRegistry(paths: registryPaths)])
    let sender = arguments.value("--sender") ?? "national"
    var options = IngestOptions()
    options.detectDuplicates = false
    options.defaultSender = Jurisdiction(sender: sender, root: sender == "national" ? .national : try RegionCode(sender))
    for file in arguments.files {
        let started = Date()
        var accepted = 0
        let report = try SubmissionReader.read(file, registries: registries, catalog: catalog, options: options,
                                               emit: { accepted += $0.count })
        let seconds = Date().timeIntervalSince(started)
        print(String(format: #"{"file": "%@", "format": "%@", "rows": %d, "accepted": %d, "rejected": %d, "seconds": %.3f, "rows_per_s": %.0f, "peak_rss_mb": %.1f}"#,
                     file, report.format?.rawValue ?? "?", report.rowsRead, accepted, report.rowsRejected, seconds,
                     Double(report.rowsRead) / seconds, peakResidentMB()))
    }
}

func quality(_ arguments: Arguments) throws {
    let catalog = try ReferenceFiles.loadCatalog(path: arguments.required("--catalog").last!)
    let registry = try ReferenceFiles.loadRegistry(paths: arguments.required("--registry"))
    let rules = try arguments.value("--rules").map { path in
        try RuleSet(yaml: try String(contentsOfFile: path, encoding: .utf8), file: path, knownIndicators: Set(catalog.codes))
    }
    let repeats = arguments.count("--repeat", default: 5)
    var options = IngestOptions()
    options.defaultSender = Jurisdiction(sender: "national", root: .national)
    var runner = StorelessRollup(registry: registry, catalog: catalog, options: options)
    runner.workers = arguments.count("--workers", default: ProcessInfo.activeProcessors)
    let rejects = try RejectsCSV(path: "/dev/null")
    let reading = try runner.read(files: try SubmissionIngestor.expand(arguments.files), rejects: rejects)
    try rejects.close()
    let rows = reading.table.rowCount
    FileHandle.standardError.write(Data("\(reading.files) files, \(rows) rows in memory, \(runner.workers) workers\n".utf8))

    // The partitions the rollups need, built again from the rows in batches as a reader hands them over.
    let batches = reading.table.partitions.flatMap { partition in
        partition.columns.enumerated().flatMap { indicator, column in
            stride(from: 0, to: column.count, by: 65_536).map { start in
                let end = min(column.count, start + 65_536)
                var batch = ObservationBatch(indicatorCodes: [reading.table.indicators[indicator]],
                                             periodTable: [reading.table.periods[partition.period]], capacity: end - start)
                batch.regions = Array(column.regions[start..<end])
                batch.values = Array(column.values[start..<end])
                batch.indicators = [UInt16](repeating: 0, count: end - start)
                batch.periods = batch.indicators
                batch.statuses = [UInt8](repeating: 0, count: end - start)
                batch.actions = [UInt8](repeating: Action.replace.rawValue, count: end - start)
                batch.lines = [Int32](repeating: 0, count: end - start)
                return batch
            }
        }
    }
    let partitionSeconds = timings(repeats) {
        let builder = ObservationTableBuilder()
        for batch in batches { builder.add(batch) }
        precondition(builder.build(workers: runner.workers).rowCount == rows)
    }
    print(stageLine("partitions", partitionSeconds, rows: rows))
    var rollups: [Rollup] = []
    // As a run does it: the engine (with its expected units from the registry), then the rollups.
    let rollupSeconds = timings(repeats) {
        rollups = RollupEngine(catalog: catalog, registry: registry, policy: runner.policy).rollups(of: reading.table, workers: runner.workers)
    }
    print(stageLine("rollup", rollupSeconds, rows: rows))
    let input = QualityInput(table: reading.table, rollups: rollups, arrivals: reading.arrivals, catalog: catalog, registry: registry,
                             workers: runner.workers)
    let only = arguments.value("--only").map { Set($0.split(separator: ",").map(String.init)) }
    let suite = QualitySuite(checks: QualitySuite.standard(rules: rules).checks.filter { only?.contains($0.ruleID) ?? true })
    for check in suite.checks { print(stageLine(check.ruleID, timings(repeats) { _ = check.run(input) }, rows: rows)) }
    // The suite as a run calls it: the checks side by side.
    var findings = 0
    let totals = timings(repeats) { findings = suite.run(input).findings.count }
    print(stageLine("quality_checks", totals, rows: rows))
    let median = { (values: [Double]) in values.sorted()[values.count / 2] }
    print(String(format: #"{"findings": %d, "checks_over_rollup": %.2f, "checks_over_partitions_and_rollup": %.2f, "peak_rss_mb": %.1f}"#,
                 findings, median(totals) / median(rollupSeconds), median(totals) / (median(partitionSeconds) + median(rollupSeconds)),
                 peakResidentMB()))
}

let usage = "usage: ruralstat-bench ingest --catalog C --registry R [--sender S] FILE...\n"
    + "       ruralstat-bench quality --catalog C --registry R [--rules RULES] [--repeat N] [--workers W] [--only CHECK,…] FILE|FOLDER..."
do {
    switch CommandLine.arguments.dropFirst().first {
    case "ingest": try ingest(Arguments(CommandLine.arguments.dropFirst(2), known: ["--catalog", "--registry", "--sender"]))
    case "quality":
        try quality(Arguments(CommandLine.arguments.dropFirst(2), known: ["--catalog", "--registry", "--rules", "--repeat", "--workers", "--only"]))
    default: fail(usage)
    }
} catch {
    fail("\(error)")
}
