import Foundation
import RuralstatModel
import Testing
@testable import RuralstatIngest

/// A sender's own SDMX structure, read through a mapping file: its components, its indicator codes,
/// and a refusal of files of any other structure.
@Suite("Structure mapping")
struct StructureMappingTests {
    static let folder = Fixtures.projectRoot.appendingPathComponent("Tests/Fixtures/mappings")
    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
    static let mapping = try! StructureMapping(contentsOfFile: path("cn44-rural.yaml"))

    static func options(_ mapping: StructureMapping?) -> IngestOptions {
        var options = Fixtures.options()
        options.mapping = mapping
        return options
    }

    @Test("a sender's structure maps and ingests", arguments: ["cn44-rural.ss21.xml", "cn44-rural.sdmx20.csv"])
    func mapsAndIngests(file: String) throws {
        let (rows, report, rejects) = try Fixtures.read(Self.path(file), options: Self.options(Self.mapping))
        let read = rows.map { "\($0.region!) \($0.indicator!) \($0.period!) \($0.value)" }.sorted()
        #expect(
            read == [
                "440121101201 HH_TAP_WATER 2024 298.0", "440121101201 HOUSEHOLDS 2023 312.0", "440121101201 HOUSEHOLDS 2024 315.0",
                "440121101202 GRAIN_OUTPUT 2024 1204.5",
            ])
        // The one code the mapping does not know is rejected by itself, saying where it looked.
        #expect(report.rowsRead == 5 && report.rowsRejected == 1)
        #expect(
            rejects.map(\.message) == [
                "indicator 'EGG_T' is not in the catalog \(Fixtures.catalog.version) nor among the codes its mapping cn44-rural.yaml maps"
            ])
    }

    @Test("without the mapping the file is refused whole, naming its structure", arguments: ["cn44-rural.ss21.xml", "cn44-rural.sdmx20.csv"])
    func withoutTheMappingTheFileIsRefused(file: String) throws {
        #expect {
            try Fixtures.read(Self.path(file), options: Self.options(nil))
        } throws: { error in
            guard let error = error as? IngestError else { return false }
            return error.rule == .unmappedStructure && error.message.contains("GEO, INDIC_RR") && error.message.contains("CN_44:DF_RURAL(1.0)")
        }
    }

    /// A mapping for one structure does not read a file of another (here Eurostat's, a real sample, and a 3.0 file).
    @Test(
        "a file of another structure is refused by a mapping for this one",
        arguments: [
            ("ESTAT-NAMA_10_GDP.ss21.xml", "ESTAT:NAMA_10_GDP(1.0)"), ("TWG30-ECB_EXR0.ss30.xml", "ECB:EXR(1.0)"),
            ("TWG-sdmx-csv20-example-10-actions.csv", "ESTAT:NA_MAIN(1.6.0)"),
        ])
    func anotherStructureIsRefused(file: String, reference: String) throws {
        #expect {
            try Fixtures.read(Fixtures.sdmxSamples.appendingPathComponent(file).path, registries: nil, options: Self.options(Self.mapping))
        } throws: { error in
            guard let error = error as? IngestError else { return false }
            return error.rule == .unmappedStructure
                && error.message.hasSuffix("is of the structure \(reference); its mapping cn44-rural.yaml is for CN_44:DF_RURAL(1.0); nothing of it was read")
        }
    }

    @Test func structureReferencesMatchByTheirParts() {
        let mapping = StructureMapping(structure: "CN_44:DF_RURAL", components: ["GEO": .region])
        #expect(mapping.covers("CN_44:DF_RURAL(1.0)") && mapping.covers("urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=CN_44:DF_RURAL(2.0)"))
        #expect(!mapping.covers("CN_45:DF_RURAL(1.0)") && !mapping.covers("DF_RURAL") && StructureMapping(structure: "DF_RURAL").covers("CN_44:DF_RURAL(1.0)"))
        #expect(!StructureMapping(structure: "CN_44:DF_RURAL(1.1)").covers("CN_44:DF_RURAL(1.0)") && StructureMapping().covers("anything"))
    }

    @Test func mappingProblemsAreNamedAtLoad() throws {
        #expect {
            try StructureMapping(yaml: "components:\n  GEO: place\n", file: "m.yaml")
        } throws: { error in
            "\(error)".contains("'place' (for GEO) is not a role: region, indicator, period, value, status, unit_mult, unit, frequency, action")
        }
        #expect {
            try StructureMapping(yaml: "structure: X\n", file: "m.yaml")
        } throws: { error in "\(error)".contains("a mapping maps components or indicators (or both); this one maps neither") }
        let typo = try StructureMapping(yaml: "indicators:\n  HH: HOUSEHOLD\n", file: "m.yaml")
        #expect {
            try typo.check(against: Fixtures.catalog)
        } throws: { error in "\(error)".contains("indicators.HH") && "\(error)".contains("'HOUSEHOLD' is not an indicator of the catalog") }
    }

    /// What a file was read under includes its mapping: a rejected file is read again once the mapping changes.
    @Test func theMappingIsPartOfTheConditions() {
        var changed = Self.mapping
        changed.indicators["EGG_T"] = "GRAIN_OUTPUT"
        #expect(Self.options(Self.mapping).fingerprint != Self.options(changed).fingerprint)
        #expect(Self.options(Self.mapping).fingerprint != Self.options(nil).fingerprint)
    }
}
