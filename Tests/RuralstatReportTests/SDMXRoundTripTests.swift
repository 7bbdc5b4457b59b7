import Foundation
import Testing
import TestSupport
import RuralstatIngest
import RuralstatModel
@testable import RuralstatReport

/// What ruralstat writes in SDMX, ruralstat reads back to the same observations, in every format,
/// plain and gzip.
@Suite("SDMX round trip")
struct SDMXRoundTripTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let catalog = try! ReferenceFiles.loadCatalog(path: root.appendingPathComponent("pipelines/indicators.yaml").path)

    /// Random observations of villages under 130121 (values with fractions, big and small, a few missing).
    static func observations(seed: UInt64, count: Int) -> [SDMXObservation] {
        var random = SplitMix64(seed: seed)
        let indicators = ["HOUSEHOLDS", "GRAIN_OUTPUT", "RURAL_INCOME_PER_CAPITA", "VILLAGE_HAS_PLAN"]
        var rows: [SDMXObservation] = []
        for index in 0..<count {
            let region = try! RegionCode(String(format: "130121%03d%03d", 101 + index / 40 % 3, 201 + index % 40))
            let indicator = indicators[index / 120 % indicators.count]
            let value: Double? =
                switch indicator {
                case "HOUSEHOLDS": Double(Int.random(in: 50...900, using: &random))
                case "GRAIN_OUTPUT": (Double.random(in: 0..<5_000, using: &random) * 1_000).rounded() / 1_000
                case "RURAL_INCOME_PER_CAPITA": Double.random(in: 8_000..<40_000, using: &random)
                default: Int.random(in: 0..<10, using: &random) == 0 ? nil : Double(Int.random(in: 0...1, using: &random))
                }
            rows.append(
                SDMXObservation(
                    region: region, indicator: indicator, period: try! Period(index % 2 == 0 ? "2023" : "2024"), value: value,
                    status: value == nil ? nil : "A", unit: catalog.definitions(of: indicator).last?.unit, coverage: value == nil ? nil : 0.875,
                    publication: value == nil ? nil : "partial"))
        }
        // Deduplicate keys: a message holds each key once.
        var seen = Set<String>()
        return rows.filter { seen.insert("\($0.region)|\($0.indicator)|\($0.period)").inserted }
    }

    @Test("every format, plain and gzip", arguments: SubmissionFormat.sdmx)
    func roundTrip(format: SubmissionFormat) throws {
        let folder = try TemporaryFolder()
        let written = Self.observations(seed: 42, count: 480)
        for suffix in ["", ".gz"] {
            let path = folder.path("out.\(format.fileExtension)\(suffix)")
            let writer = try SDMXWriter(
                format: format, header: SDMXMessageHeader(id: "RT-1", sender: "CN_130121", prepared: Date(timeIntervalSince1970: 1_736_467_200)),
                path: path)
            try writer.beginDataSet(action: .replace)
            for observation in written { try writer.write(observation) }
            try writer.finish()
            var rows: [ObservationRow] = []
            var rejects: [ValidationProblem] = []
            var options = IngestOptions()
            options.defaultSender = Jurisdiction(sender: "test", root: try RegionCode("130121"))
            let report = try SubmissionReader.read(
                path, registries: nil, catalog: Self.catalog, options: options,
                emit: { rows.append(contentsOf: $0.rows) }, reject: { rejects.append($0) })
            #expect(rejects.isEmpty, "\(rejects.prefix(3))")
            if format != .sdmxCSV10 && format != .sdmxCSV20 {
                #expect(report.header.messageID == "RT-1" && report.header.sender == "CN_130121")
            }
            let read = rows.map {
                "\($0.region!)|\($0.indicator!)|\($0.period!)|\($0.value.isNaN ? "missing" : "\($0.value)")|\(format == .sdmxCSV10 ? "" : "\($0.action)")"
            }
            let expected = written.map {
                "\($0.region)|\($0.indicator)|\($0.period)|\($0.value.map { "\($0)" } ?? "missing")|\(format == .sdmxCSV10 ? "" : "Replace")"
            }
            #expect(read == expected)
        }
    }

    @Test func deletesCarryKeysOnlyAndCSV10RefusesThem() throws {
        let folder = try TemporaryFolder()
        let header = SDMXMessageHeader(id: "D-1", sender: "CN_130121", prepared: Date())
        #expect(throws: OutputError.self) {
            try SDMXWriter(format: .sdmxCSV10, header: header, path: folder.path("d.csv")).beginDataSet(action: .delete)
        }
        let path = folder.path("d.xml")
        let writer = try SDMXWriter(format: .sdmxStructureSpecific21, header: header, path: path)
        try writer.beginDataSet(action: .delete)
        try writer.write(SDMXObservation(region: try RegionCode("130121101201"), indicator: "HOUSEHOLDS", period: try Period("2024"), value: nil))
        try writer.finish()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("ss:action=\"Delete\""))
        #expect(text.contains("<Obs TIME_PERIOD=\"2024\"/>"))
    }

    @Test func textFromSubmissionsIsEscaped() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("e.xml")
        let writer = try SDMXWriter(format: .sdmxGeneric21, header: SDMXMessageHeader(id: "<&\"x\">", sender: "a'b", prepared: Date()), path: path)
        try writer.beginDataSet(action: .merge)
        try writer.finish()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("<message:ID>&lt;&amp;&quot;x&quot;&gt;</message:ID>") && text.contains("id=\"a&#39;b\""))
    }
}
