import Foundation
import RuralstatAggregate
import RuralstatIngest
import RuralstatModel
import RuralstatPipeline
import RuralstatReport

/// `ruralstat-bench w1`: the shared workload W1 through the product's reader, validator, partitions
/// and rollup engine (as `ruralstat rollup --from` reads), written in W1's own layout: `rollup.csv`
/// (sum, count and mean at every level, whatever the catalog's rule) and `flags.csv` (values out of
/// range or missing, and robust outliers among a county's villages). Prints the stage times.
func w1(_ arguments: Arguments) throws {
    guard arguments.files.count == 2 else { fail("w1 needs INPUT and OUTDIR") }
    let (input, folder) = (arguments.files[0], arguments.files[1])
    let catalog = try ReferenceFiles.loadCatalog(path: arguments.required("--catalog").last!)
    var options = IngestOptions()
    options.defaultSender = Jurisdiction(sender: "national", root: .national)
    var runner = StorelessRollup(registry: nil, catalog: catalog, options: options)
    runner.workers = arguments.count("--workers", default: ProcessInfo.activeProcessors)
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    var started = Date()
    let rejects = try RejectsCSV(path: "/dev/null", lazily: true)
    let reading = try runner.read(files: [input], rejects: rejects)
    try rejects.close()
    let readingSeconds = Date().timeIntervalSince(started)
    started = Date()
    let rollups = RollupEngine(catalog: catalog, registry: nil, policy: runner.policy).rollups(of: reading.table, workers: runner.workers)
    let rollupSeconds = Date().timeIntervalSince(started)
    started = Date()
    let flags = try writeW1(rollups, table: reading.table, outOfRange: reading.outOfRange, missing: reading.missingValues, to: folder)
    FileHandle.standardError.write(
        Data(
            String(
                format: "%d rows read, %d rejected → %d rollups, %d flags (reading %.2f s, rollup %.2f s, writing %.2f s)\n",
                reading.rowsRead, reading.rowsRejected, rollups.count, flags, readingSeconds, rollupSeconds,
                Date().timeIntervalSince(started)
            ).utf8))
}

/// W1's |robust z| threshold among a county's villages.
let w1OutlierThreshold = 3.5

/// W1's two files, written side by side on two cores: the rollups on one, the outliers found and
/// written on the other. Its levels are named township, county, city, province, national.
func writeW1(
    _ rollups: [Rollup], table: ObservationTable, outOfRange: [ValidationProblem], missing: [ObservationKey],
    to folder: String
) throws -> Int {
    let outcome = W1Outcome()
    DispatchQueue.concurrentPerform(iterations: 2) { part in
        do {
            if part == 0 {
                try writeW1Rollups(rollups, to: (folder as NSString).appendingPathComponent("rollup.csv"))
            } else {
                outcome.flags = try writeW1Flags(
                    table: table, outOfRange: outOfRange, missing: missing,
                    to: (folder as NSString).appendingPathComponent("flags.csv"))
            }
        } catch {
            outcome.record(error)
        }
    }
    if let error = outcome.error { throw error }
    return outcome.flags
}

/// What the two halves of ``writeW1`` report back (each writes its own field once).
final class W1Outcome: @unchecked Sendable {
    var flags = 0
    private let lock = NSLock()
    private(set) var error: (any Error)?
    func record(_ error: any Error) { lock.withLock { self.error = self.error ?? error } }
}

func writeW1Rollups(_ rollups: [Rollup], to path: String) throws {
    let writer = try CSVWriter(path: path, header: ["level", "region", "indicator", "period", "sum", "count", "mean"])
    let levels = RegionLevel.allCases.map { $0 == .prefecture ? "city" : $0.description }
    // Rollups come by partition, so the period changes seldom: its text is kept, not looked up per row.
    var period: Period?, periodText = ""
    for rollup in rollups {
        if rollup.period != period { (period, periodText) = (rollup.period, rollup.period.description) }
        writer.field(levels[rollup.level.rawValue])
        writer.field(region: rollup.region.rawValue)
        writer.field(rollup.indicator)
        writer.field(periodText)
        // W1 asks for the sum and the mean of the values whatever the catalog's rule.
        writer.field(rollup.numerator)
        writer.field(rollup.contributing)
        writer.field(rollup.numerator / Double(rollup.contributing))
        writer.endRow()
    }
    try writer.close()
}

func writeW1Flags(table: ObservationTable, outOfRange: [ValidationProblem], missing: [ObservationKey], to path: String) throws -> Int {
    let flags = try CSVWriter(path: path, header: ["region", "indicator", "period", "value", "flag", "robust_z"])
    var count = 0
    for problem in outOfRange {
        let key = problem.key.split(separator: "|", omittingEmptySubsequences: false)
        guard key.count == 3 else { continue }
        for cell in key { flags.field(String(cell)) }
        flags.field(problem.value)
        flags.field("RANGE")
        flags.field(Double.nan)
        flags.endRow()
        count += 1
    }
    for key in missing {
        flags.field(region: key.region)
        flags.field(key.indicator)
        flags.field(key.period.description)
        flags.field(Double.nan)
        flags.field("RANGE")
        flags.field(Double.nan)
        flags.endRow()
        count += 1
    }
    let periodTexts = table.periods.map(\.description)
    for outlier in PeerGroups.outliers(in: table, level: .county, threshold: w1OutlierThreshold, workers: 1) {
        flags.field(region: outlier.region)
        flags.field(table.indicators[outlier.indicator])
        flags.field(periodTexts[outlier.period])
        flags.field(outlier.value)
        flags.field("OUTLIER")
        flags.field(outlier.robustZ)
        flags.endRow()
        count += 1
    }
    try flags.close()
    return count
}
