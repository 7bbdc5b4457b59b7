import Foundation
import RuralstatIngest
import RuralstatModel

/// `ruralstat-bench ingest`: each file through the production reader and validator, the batches discarded.
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
        let report = try SubmissionReader.read(
            file, registries: registries, catalog: catalog, options: options,
            emit: { accepted += $0.count })
        let seconds = Date().timeIntervalSince(started)
        print(
            String(
                format:
                    #"{"file": "%@", "format": "%@", "rows": %d, "accepted": %d, "rejected": %d, "seconds": %.3f, "rows_per_s": %.0f, "peak_rss_mb": %.1f}"#,
                file, report.format?.rawValue ?? "?", report.rowsRead, accepted, report.rowsRejected, seconds,
                Double(report.rowsRead) / seconds, peakResidentMB()))
    }
}
