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
        let (_, report, _) = try Fixtures.read(path, registries: nil, options: Self.mapped)
        #expect(report.rowsRead == count)
        #expect(report.format == format)
    }

    /// Their structures are not ours: a mapping of their dimensions (ECB's CURRENCY, Eurostat's geo
    /// and na_item) makes them readable, row by row.
    static let mapped: IngestOptions = {
        var options = Fixtures.options()
        options.components = ComponentMap(extra: [
            "CURRENCY": .indicator, "geo": .region, "na_item": .indicator, "DIM_1": .region, "DIM_2": .indicator, "DIM_3": .period,
        ])
        return options
    }()

    /// Without a mapping, a file of another structure is refused whole, naming the components it uses
    /// and its structure, instead of every row twice over ("the region is empty", "the indicator is empty").
    @Test(
        "a foreign structure without a mapping is refused whole, by name",
        arguments: [
            ("ECB-EXR-M.USD.EUR.SP00.A.generic21.xml", "CURRENCY, CURRENCY_DENOM, EXR_TYPE, EXR_SUFFIX", "'ECB_EXR1'"),
            ("ESTAT-NAMA_10_GDP.ss21.xml", "geo, na_item", "ESTAT:NAMA_10_GDP(1.0)"),
            ("TWG21-ecb_exr_ng_flat.ss21.xml", "CURRENCY, CURRENCY_DENOM, EXR_TYPE, EXR_VAR", "ECB:ECB_EXR_NG(1.0)"),
            ("TWG30-ECB_EXR0.ss30.xml", "CURRENCY, CURRENCY_DENOM, EXR_TYPE, EXR_SUFFIX", "ECB:EXR(1.0)"),
            ("TWG-sdmx-csv20-example-10-actions.csv", "DIM_1, DIM_2, DIM_3, ATTR_1", "ESTAT:NA_MAIN(1.6.0)"),
        ])
    func foreignStructuresAreRefusedWhole(file: String, components: String, structure: String) throws {
        let path = Fixtures.sdmxSamples.appendingPathComponent(file).path
        #expect {
            try Fixtures.read(path, registries: nil)
        } throws: { error in
            guard let error = error as? IngestError else { return false }
            return error.rule == .unmappedStructure && error.message.hasPrefix("this file uses the components \(components)")
                && error.message.contains("no mapping for its structure \(structure)")
        }
    }

    @Test func schemaBreakingFilesAreReadLenientlyWithWarnings() throws {
        let eurostat = Fixtures.sdmxSamples.appendingPathComponent("ESTAT-NAMA_10_GDP.ss21.xml").path
        let (_, report, _) = try Fixtures.read(eurostat, registries: nil, options: Self.mapped)
        #expect(report.countsByRule[.leniency, default: 0] >= 1)
        #expect(report.problems.contains { $0.rule == .leniency && $0.message.contains("DataSet is in the namespace") })
        let istat = Fixtures.sdmxSamples.appendingPathComponent("ISTAT-22_289.ss21.xml").path
        let leniencies = try Fixtures.read(istat, registries: nil).report.problems.filter { $0.rule == .leniency }.map(\.message)
        #expect(leniencies.contains { $0.hasPrefix("DataSet structureRef") })
        #expect(leniencies.contains { $0.hasPrefix("DataSet action is unqualified") })
        // A well-formed sample has none about its structure (its sender, ECB, is simply not one of ours).
        let ecb = Fixtures.sdmxSamples.appendingPathComponent("TWG21-ecb_exr_sg_ts_gf.ss21.xml").path
        #expect(
            try Fixtures.read(ecb, registries: nil, options: Self.mapped).report.problems.filter { $0.rule == .leniency }.map(\.message)
                .allSatisfy { $0.contains("sender") })
    }
}
