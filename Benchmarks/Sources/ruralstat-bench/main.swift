// ruralstat-bench: performance tools, kept apart from the product (as swift-nio keeps its own).
//
//   ruralstat-bench ingest --catalog C --registry R [--sender S] FILE...
//
// Reads each file through the production reader and validator (duplicate keys left to the store,
// as `ruralstat ingest` does), discarding the batches, and prints one JSON line per file with rows,
// seconds, rows/s and the process's peak resident memory.
import Foundation
import RuralstatIngest
import RuralstatModel

#if canImport(Glibc)
import Glibc
#endif

func peakResidentMB() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("ruralstat-bench: \(message)\n".utf8))
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.first == "ingest" else { fail("usage: ruralstat-bench ingest --catalog C --registry R [--sender S] FILE...") }
arguments.removeFirst()
var catalogPath = "", registryPaths: [String] = [], sender = "national", files: [String] = []
while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    switch argument {
    case "--catalog": catalogPath = arguments.removeFirst()
    case "--registry": registryPaths.append(arguments.removeFirst())
    case "--sender": sender = arguments.removeFirst()
    default: files.append(argument)
    }
}

do {
    let catalog = try ReferenceFiles.loadCatalog(path: catalogPath)
    let registries = registryPaths.isEmpty ? nil : RegistryEditions([try ReferenceFiles.loadRegistry(paths: registryPaths)])
    var options = IngestOptions()
    options.detectDuplicates = false
    options.defaultSender = Jurisdiction(sender: sender, root: sender == "national" ? .national : try RegionCode(sender))
    for file in files {
        let started = Date()
        var accepted = 0
        let report = try SubmissionReader.read(file, registries: registries, catalog: catalog, options: options,
                                               emit: { accepted += $0.count })
        let seconds = Date().timeIntervalSince(started)
        print(String(format: #"{"file": "%@", "format": "%@", "rows": %d, "accepted": %d, "rejected": %d, "seconds": %.3f, "rows_per_s": %.0f, "peak_rss_mb": %.1f}"#,
                     file, report.format?.rawValue ?? "?", report.rowsRead, accepted, report.rowsRejected, seconds,
                     Double(report.rowsRead) / seconds, peakResidentMB()))
    }
} catch {
    fail("\(error)")
}
