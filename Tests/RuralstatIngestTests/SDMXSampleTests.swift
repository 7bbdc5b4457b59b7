import Foundation
import Testing
@testable import RuralstatIngest
import RuralstatModel

@Suite("Real SDMX samples")
struct SDMXSampleTests {
    @Test(
        "every sample reads with the observation count of its README",
        arguments: [
            ("ECB-EXR-M.USD.EUR.SP00.A.generic21.xml", 252, SubmissionFormat.sdmxGeneric21),
            ("INSEE-IPI-2010-A21.generic21.xml", 3230, .sdmxGeneric21),
            ("ESTAT-NAMA_10_GDP.ss21.xml", 4, .sdmxStructureSpecific21),
            ("ISTAT-22_289.ss21.xml", 8, .sdmxStructureSpecific21),
            ("TWG21-ecb_exr_sg_ts_gf.ss21.xml", 12, .sdmxStructureSpecific21),
            ("TWG21-ecb_exr_ng_flat.ss21.xml", 12, .sdmxStructureSpecific21),
            ("TWG21-ecb_exr_sg_ts_gf.generic21.xml", 12, .sdmxGeneric21),
            ("TWG21-ecb_exr_ng_flat.generic21.xml", 12, .sdmxGeneric21),
            ("TWG30-ECB_EXR0.ss30.xml", 116, .sdmxStructureSpecific30),
            ("TWG-sdmx-csv20-example-10-actions.csv", 2, .sdmxCSV20),
        ])
    func observationCounts(file: String, count: Int, format: SubmissionFormat) throws {
        let path = Fixtures.sdmxSamples.appendingPathComponent("\(file)").path
        let (_, report, _) = try Fixtures.read(path, registries: nil)
        #expect(report.rowsRead == count)
        #expect(report.format == format)
    }

    @Test func schemaBreakingFilesAreReadLenientlyWithWarnings() throws {
        let eurostat = Fixtures.sdmxSamples.appendingPathComponent("ESTAT-NAMA_10_GDP.ss21.xml").path
        let (_, report, _) = try Fixtures.read(eurostat, registries: nil)
        #expect(report.countsByRule[.leniency, default: 0] >= 1)
        #expect(report.problems.contains { $0.rule == .leniency && $0.message.contains("DataSet is in the namespace") })
        let istat = Fixtures.sdmxSamples.appendingPathComponent("ISTAT-22_289.ss21.xml").path
        let leniencies = try Fixtures.read(istat, registries: nil).report.problems.filter { $0.rule == .leniency }.map(\.message)
        #expect(leniencies.contains { $0.hasPrefix("DataSet structureRef") })
        #expect(leniencies.contains { $0.hasPrefix("DataSet action is unqualified") })
        // A well-formed sample has none about its structure (its sender, ECB, is simply not one of ours).
        let ecb = Fixtures.sdmxSamples.appendingPathComponent("TWG21-ecb_exr_sg_ts_gf.ss21.xml").path
        #expect(
            try Fixtures.read(ecb, registries: nil).report.problems.filter { $0.rule == .leniency }.map(\.message)
                .allSatisfy { $0.contains("sender") })
    }
}
