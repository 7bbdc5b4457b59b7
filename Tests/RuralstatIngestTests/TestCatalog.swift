import Foundation
import RuralstatIngest
import RuralstatModel

/// The catalog and registry the ingest tests use: the project's own catalog and the small sample
/// registry, plus the real SDMX samples (`Tests/Fixtures/sdmx-samples`, with their sources).
enum Fixtures {
    static let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let sdmxSamples = projectRoot.appendingPathComponent("Tests/Fixtures/sdmx-samples")

    static let catalog = try! ReferenceFiles.loadCatalog(path: projectRoot.appendingPathComponent("pipelines/indicators.yaml").path)
    static let registry = try! ReferenceFiles.loadRegistry(paths: [projectRoot.appendingPathComponent("sample-data/registry/regions_2023.csv").path])
    static let registries = RegistryEditions([registry])

    static func options(sender: String = "national", duplicates: Bool = true) -> IngestOptions {
        var options = IngestOptions()
        options.defaultSender = Jurisdiction(sender: "test", root: sender == "national" ? .national : try! RegionCode(sender))
        options.detectDuplicates = duplicates
        options.batchSize = 7
        return options
    }

    /// Reads a file and returns the accepted rows and the report.
    static func read(
        _ path: String, registries: RegistryEditions? = Fixtures.registries, options: IngestOptions = Fixtures.options(),
        catalog: IndicatorCatalog = Fixtures.catalog
    ) throws -> (rows: [ObservationRow], report: ValidationReport, rejects: [ValidationProblem]) {
        var rows: [ObservationRow] = []
        var rejects: [ValidationProblem] = []
        let report = try SubmissionReader.read(
            path, registries: registries, catalog: catalog, options: options,
            emit: { rows.append(contentsOf: $0.rows) }, reject: { rejects.append($0) })
        return (rows, report, rejects)
    }
}
