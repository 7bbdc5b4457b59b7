import Foundation
import RuralstatAggregate
import RuralstatIngest
import RuralstatModel
import RuralstatReport
import RuralstatRules
import RuralstatPipeline
import RuralstatQuality

/// `ruralstat-bench quality`: the partitions, the rollups and every check repeated on one table in memory.
func quality(_ arguments: Arguments) throws {
    let catalog = try ReferenceFiles.loadCatalog(path: arguments.required("--catalog").last!)
    let registry = try ReferenceFiles.loadRegistry(paths: arguments.required("--registry"))
    let rules = try arguments.value("--rules").map { path in
        try RuleSet(contentsOfFile: path, knownIndicators: Set(catalog.codes))
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
                var batch = ObservationBatch(
                    indicatorCodes: [reading.table.indicators[indicator]],
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
    let buildPartitions = {
        let builder = ObservationTableBuilder()
        for batch in batches { builder.add(batch) }
        precondition(builder.build(workers: runner.workers).rowCount == rows)
    }
    var rollups: [Rollup] = []
    // As a run does it: the engine (with its expected units from the registry), then the rollups.
    let roll = { rollups = RollupEngine(catalog: catalog, registry: registry, policy: runner.policy).rollups(of: reading.table, workers: runner.workers) }
    roll()
    let input = QualityInput(
        table: reading.table, rollups: rollups, arrivals: reading.arrivals, catalog: catalog, registry: registry,
        workers: runner.workers)
    let only = arguments.value("--only").map { Set($0.split(separator: ",").map(String.init)) }
    let suite = QualitySuite(checks: QualitySuite.standard(rules: rules).checks.filter { only?.contains($0.ruleID) ?? true })
    // Each check alone (its own time, all workers its own); `--each no` leaves this out.
    for check in suite.checks where arguments.value("--each") != "no" {
        var found = 0
        let seconds = timings(repeats) { found = check.run(input).findings.count }
        print(stageLine(check.ruleID, seconds, rows: rows).dropLast() + ", \"findings\": \(found)}")
    }
    // The comparison: in each repeat the partitions, the rollups and the suite as a run calls it
    // (the checks side by side), one after the other, so that the ratio of each repeat compares
    // times taken under the same load of a shared machine; the median ratio is the figure.
    var (partitionSeconds, rollupSeconds, totals, ratios): ([Double], [Double], [Double], [Double]) = ([], [], [], [])
    var findings = 0
    var cpu: [Double] = []
    for _ in 0..<repeats {
        partitionSeconds += timings(1, buildPartitions)
        rollupSeconds += timings(1, roll)
        let cpuBefore = processCPUSeconds()
        totals += timings(1) { findings = suite.run(input).findings.count }
        cpu.append(processCPUSeconds() - cpuBefore)
        ratios.append(totals.last! / (partitionSeconds.last! + rollupSeconds.last!))
    }
    print(stageLine("partitions", partitionSeconds, rows: rows))
    print(stageLine("rollup", rollupSeconds, rows: rows))
    print(stageLine("quality_checks", totals, rows: rows).dropLast() + String(format: #", "median_cpu_s": %.4f}"#, cpu.sorted()[cpu.count / 2]))
    let median = { (values: [Double]) in values.sorted()[values.count / 2] }
    print(
        String(
            format:
                #"{"findings": %d, "checks_over_rollup": %.2f, "checks_over_partitions_and_rollup": %.2f, "ratio_min": %.2f, "ratio_max": %.2f, "peak_rss_mb": %.1f}"#,
            findings, median(zip(totals, rollupSeconds).map { $0 / $1 }), median(ratios), ratios.min()!, ratios.max()!, peakResidentMB()))
}
