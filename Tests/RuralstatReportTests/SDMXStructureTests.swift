import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import RuralstatModel
import Testing
import TestSupport
@testable import RuralstatReport

/// The SDMX structure message, read back element by element: the codelists from the registry and the
/// catalog, the region tree (parents in 2.1, the hierarchy in 3.0), the DSD and the dataflow that the
/// data messages name. (Schemas, pysdmx and sdmx1: Tests/Oracles/sdmx_structure_check.py.)
@Suite("SDMX structure")
struct SDMXStructureTests {
    static let registry = try! RegionRegistry(
        edition: 2023,
        rows: """
            130000000000,河北省,
            130100000000,石家庄市,130000000000
            130121000000,井陉县,130100000000
            130121101000,微水镇,130121000000
            130121101201,东关村,130121101000,220
            440000000000,广东省,
            441900000000,东莞市,440000000000
            441900000000,东莞市,441900000000
            """.split(separator: "\n").enumerated().map { index, line in
                let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                return RegionRow(
                    code: f[0], name: f[1], parentCode: f[2], urbanRuralClass: f.count > 3 ? f[3] : "", location: SourceLocation(file: "t.csv", line: index + 1)
                )
            })
    static let catalog = SDMXRoundTripTests.catalog

    /// Elements in document order with their attributes, text and the names of their open ancestors.
    final class Elements: NSObject, XMLParserDelegate {
        var elements: [(name: String, attributes: [String: String], text: String, path: [String])] = []
        private var open: [Int] = []

        func parser(
            _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            elements.append((element, attributes, "", open.map { elements[$0].name }))
            open.append(elements.count - 1)
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { if let last = open.last { elements[last].text += string } }

        func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) { open.removeLast() }
    }

    static func read(_ version: SDMXStructureWriter.Version) throws -> Elements {
        let folder = try TemporaryFolder()
        let path = folder.path("structure.xml")
        let writer = SDMXStructureWriter(catalog: catalog, registry: registry, sender: "CN_RRS", prepared: Date(timeIntervalSince1970: 0))
        try writer.write(version, to: path)
        let reader = Elements()
        let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: path)))
        parser.delegate = reader
        #expect(parser.parse(), "not well-formed XML")
        return reader
    }

    /// The codes of a codelist, with each one's names and (2.1) parent.
    static func codes(_ elements: Elements, in codelist: String) -> [(id: String, names: [String], parent: String?)] {
        var result: [(id: String, names: [String], parent: String?)] = []
        var inside = false
        for element in elements.elements {
            if element.name == "structure:Codelist" { inside = element.attributes["id"] == codelist }
            guard inside, element.path.contains("structure:Codelist") else { continue }
            switch element.name {
            case "structure:Code": result.append((element.attributes["id"]!, [], nil))
            case "common:Name" where element.path.last == "structure:Code":
                result[result.count - 1].names.append("\(element.attributes["xml:lang"]!):\(element.text)")
            case "Ref" where element.path.last == "structure:Parent": result[result.count - 1].parent = element.attributes["id"]
            default: break
            }
        }
        return result
    }

    @Test func version21CodelistsCarryTheTreeAndTheCatalog() throws {
        let message = try Self.read(.v21)
        let regions = Self.codes(message, in: "CL_REGION")
        // The nation first, then every unit once in code order (东莞 stands for two levels), each under its parent.
        #expect(
            regions.map(\.id) == [
                "000000000000", "130000000000", "130100000000", "130121000000", "130121101000", "130121101201", "440000000000", "441900000000",
            ])
        #expect(regions.first { $0.id == "130121101201" }?.parent == "130121101000" && regions.first { $0.id == "130121101201" }?.names == ["zh:东关村"])
        #expect(regions.first { $0.id == "130000000000" }?.parent == "000000000000" && regions.first { $0.id == "000000000000" }?.parent == nil)
        let indicators = Self.codes(message, in: "CL_INDICATOR")
        #expect(indicators.map(\.id) == Self.catalog.codes)
        #expect(indicators.first { $0.id == "HOUSEHOLDS" }?.names == ["zh:户数", "en:Households"])
        #expect(Self.codes(message, in: "CL_OBS_STATUS").count == 20 && Self.codes(message, in: "CL_UNIT_MULT").map(\.id) == (0...12).map(String.init))
        #expect(Self.codes(message, in: "CL_PUBLICATION").map(\.id) == ["published", "partial", "withheld"])

        // The DSD: dimensions in position order, the time dimension, the measure and the attributes, each coded where it has a codelist.
        let components = message.elements.filter {
            ["structure:Dimension", "structure:TimeDimension", "structure:Attribute", "structure:PrimaryMeasure"].contains($0.name)
                && ["structure:DimensionList", "structure:AttributeList", "structure:MeasureList"].contains($0.path.last)
        }
        #expect(
            components.map { $0.attributes["id"]! } == [
                "FREQ", "REF_AREA", "INDICATOR", "TIME_PERIOD", "UNIT_MULT", "OBS_STATUS", "UNIT_MEASURE", "COVERAGE", "PUBLICATION", "OBS_VALUE",
            ])
        let enumerations = message.elements.filter { $0.name == "Ref" && $0.path.last == "structure:Enumeration" }.map { $0.attributes["id"]! }
        #expect(enumerations == ["CL_FREQ", "CL_REGION", "CL_INDICATOR", "CL_UNIT_MULT", "CL_OBS_STATUS", "CL_PUBLICATION"])
        let formats = message.elements.filter { $0.name == "structure:TextFormat" }.map { $0.attributes["textType"]! }
        #expect(formats == ["ObservationalTimePeriod", "String", "Double", "Double"])
        // The scale and the unit belong to a series, the rest to an observation.
        let related = message.elements.filter { $0.name == "Ref" && $0.path.suffix(2) == ["structure:AttributeRelationship", "structure:Dimension"] }
        #expect(related.map { $0.attributes["id"]! } == ["FREQ", "REF_AREA", "INDICATOR", "FREQ", "REF_AREA", "INDICATOR"])

        // The dataflow is the one every data message names, and it uses this DSD.
        let flow = try #require(message.elements.first { $0.name == "structure:Dataflow" })
        let data = SDMXDataflow()
        #expect(flow.attributes["id"] == data.id && flow.attributes["agencyID"] == data.agency && flow.attributes["version"] == data.version)
        #expect(message.elements.first { $0.name == "Ref" && $0.path.last == "structure:Structure" }?.attributes["id"] == "DSD_RRS")
    }

    /// Beside a report's data, the codelist holds the levels the data carry, each code under its nearest ancestor held.
    @Test func aStructureOfSomeLevelsHangsEachCodeOnItsNearestAncestor() throws {
        let folder = try TemporaryFolder()
        for version in SDMXStructureWriter.Version.allCases {
            let path = folder.path("s\(version.rawValue).xml")
            try SDMXStructureWriter(catalog: Self.catalog, registry: Self.registry, levels: [.province, .county], sender: "CN_RRS", prepared: Date())
                .write(version, to: path)
            let reader = Elements()
            let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: path)))
            parser.delegate = reader
            #expect(parser.parse())
            if version == .v21 {
                let regions = Self.codes(reader, in: "CL_REGION")
                #expect(regions.map(\.id) == ["000000000000", "130000000000", "130121000000", "440000000000"])
                #expect(regions.first { $0.id == "130121000000" }?.parent == "130000000000")  // its prefecture is not held
            } else {
                let codes = reader.elements.filter { $0.name == "structure:HierarchicalCode" }.map {
                    ($0.attributes["id"]!, $0.path.filter { $0 == "structure:HierarchicalCode" }.count)
                }
                #expect(codes.map(\.0) == ["000000000000", "130000000000", "130121000000", "440000000000"] && codes.map(\.1) == [0, 1, 2, 1])
            }
        }
    }

    @Test func version30CarriesTheTreeAsAHierarchy() throws {
        let message = try Self.read(.v30)
        // 3.0 allows a code's parent only as an XML name: no parents in the codelist, the tree in H_REGION.
        #expect(message.elements.allSatisfy { $0.name != "structure:Parent" })
        var parents: [String: String] = [:]
        var stack: [String] = []
        for element in message.elements where element.name == "structure:HierarchicalCode" {
            let depth = element.path.filter { $0 == "structure:HierarchicalCode" }.count
            stack = Array(stack.prefix(depth))
            if let parent = stack.last { parents[element.attributes["id"]!] = parent }
            stack.append(element.attributes["id"]!)
        }
        #expect(
            parents == [
                "130000000000": "000000000000", "130100000000": "130000000000", "130121000000": "130100000000", "130121101000": "130121000000",
                "130121101201": "130121101000", "440000000000": "000000000000", "441900000000": "440000000000",
            ])
        let codeReference = message.elements.first { $0.name == "structure:Code" && $0.path.last == "structure:HierarchicalCode" }?.text
        #expect(codeReference == "urn:sdmx:org.sdmx.infomodel.codelist.Code=CN_RRS:CL_REGION(1.0).000000000000")
        #expect(
            message.elements.first { $0.name == "structure:Structure" && $0.path.last == "structure:Dataflow" }?.text
                == "urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=CN_RRS:DSD_RRS(1.0)")
        #expect(message.elements.contains { $0.name == "structure:Measure" && $0.attributes["id"] == "OBS_VALUE" })
    }
}
