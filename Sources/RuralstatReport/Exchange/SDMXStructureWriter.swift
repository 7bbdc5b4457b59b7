import Foundation
import RuralstatModel

/// The structure of the indicator system as an SDMX structure message, so that the level above (a
/// .Stat Suite, sdmx1, pysdmx) types the data messages ruralstat writes without a hand-made DSD:
///
/// - codelists: `CL_REGION` (every unit of the registry edition and the nation, named, each with its
///   parent), `CL_INDICATOR` (the catalog, named in Chinese and English), `CL_FREQ`, `CL_OBS_STATUS`,
///   `CL_UNIT_MULT` and `CL_PUBLICATION`;
/// - the concept scheme `CS_RRS`;
/// - the data structure `DSD_RRS`: dimensions FREQ, REF_AREA (the region; SDMX's cross-domain concept),
///   INDICATOR and TIME_PERIOD; the measure OBS_VALUE; attributes UNIT_MULT and UNIT_MEASURE per series,
///   OBS_STATUS, COVERAGE and PUBLICATION per observation, all optional;
/// - the dataflow the data messages name (``SDMXDataflow``, `CN_RRS:DF_RRS(1.0)`).
///
/// SDMX-ML 2.1 gives each region code its parent. SDMX-ML 3.0 allows a code's parent only when it is
/// an XML name, which a 12-digit code is not, so 3.0 carries the tree as the hierarchy `H_REGION`.
/// Written as a stream: a registry to the village is 700,000 codes.
public struct SDMXStructureWriter {
    public enum Version: String, Sendable, CaseIterable {
        case v21 = "2.1"
        case v30 = "3.0"
    }

    public var catalog: IndicatorCatalog
    /// The registry edition whose units make `CL_REGION`; nil writes the nation alone.
    public var registry: RegionRegistry?
    /// The subtree `CL_REGION` holds: a scoped report's structure names no region outside its scope.
    public var scope: RegionCode
    /// The levels `CL_REGION` holds (nil: every level, to the village, as senders need); beside a
    /// report's data, the levels the data carry, each code under its nearest ancestor held.
    public var levels: Set<RegionLevel>?
    public var dataflow: SDMXDataflow
    public var sender: String
    public var prepared: Date

    public init(
        catalog: IndicatorCatalog, registry: RegionRegistry?, scope: RegionCode = .national, levels: Set<RegionLevel>? = nil,
        dataflow: SDMXDataflow = SDMXDataflow(), sender: String, prepared: Date
    ) {
        self.catalog = catalog
        self.registry = registry
        self.scope = scope
        self.levels = levels
        self.dataflow = dataflow
        self.sender = sender
        self.prepared = prepared
    }

    /// The units of the scope at the levels held, in code order (a parent before its children), the scope's root first.
    private var units: [RegionUnit] {
        (registry?.allUnits ?? []).filter { unit in
            (scope == .national || unit.code.isWithin(scope)) && (unit.code == scope || levels.map { $0.contains(unit.code.level) } ?? true)
        }.sorted { $0.code < $1.code }
    }

    /// A unit's nearest ancestor that the codelist holds (its parent, when every level is held).
    private func parent(of unit: RegionUnit, held: Set<RegionCode>) -> RegionCode {
        var parent = unit.parent
        while parent != .national, parent != scope, !held.contains(parent), let next = registry?.unit(parent)?.parent, next != parent { parent = next }
        return parent
    }

    /// The identifiers of the structures, as the data messages and the DSD reference them.
    static let structureID = "DSD_RRS"
    static let conceptSchemeID = "CS_RRS"
    static let version = "1.0"

    /// The concepts, their names, and the codelist or text format that represents each.
    static let concepts: [(id: String, name: String, representation: String)] = [
        ("FREQ", "Frequency", "CL_FREQ"), ("REF_AREA", "Region (NBS statistical division code)", "CL_REGION"),
        ("INDICATOR", "Indicator", "CL_INDICATOR"), ("TIME_PERIOD", "Time period", "ObservationalTimePeriod"),
        ("OBS_VALUE", "Observation value", "Double"), ("UNIT_MULT", "Unit multiplier (power of ten)", "CL_UNIT_MULT"),
        ("OBS_STATUS", "Observation status", "CL_OBS_STATUS"), ("UNIT_MEASURE", "Unit of measure", "String"),
        ("COVERAGE", "Coverage: the share of expected units that reported", "Double"),
        ("PUBLICATION", "Publication mark", "CL_PUBLICATION"),
    ]

    static let observationStatuses: [(String, String)] = [
        ("A", "Normal value"), ("B", "Time series break"), ("D", "Definition differs"), ("E", "Estimated value"), ("F", "Forecast value"),
        ("G", "Experimental value"), ("H", "Missing value; holiday or weekend"), ("I", "Imputed value"), ("J", "Derogation"),
        ("K", "Data included in another category"), ("L", "Missing value; data exist but were not collected"),
        ("M", "Missing value; data cannot exist"), ("N", "Not significant"), ("O", "Missing value"), ("P", "Provisional value"),
        ("Q", "Missing value; suppressed"), ("S", "Strike and other special events"), ("U", "Low reliability"), ("V", "Unvalidated value"),
        ("W", "Includes data from another category"),
    ]

    static let frequencies: [(String, String)] = [
        ("A", "Annual"), ("S", "Half-yearly"), ("Q", "Quarterly"), ("M", "Monthly"), ("W", "Weekly"), ("D", "Daily"),
    ]

    static let publications: [(String, String)] = [
        ("published", "Published: coverage at or above the publication threshold"),
        ("partial", "Partial: coverage between the thresholds"), ("withheld", "Withheld: coverage below the lower threshold"),
    ]

    /// Writes the structure message to `path` (gzip-compressed when it ends in `.gz`).
    public func write(_ version: Version, to path: String) throws {
        var out = StructureText(sink: try OutputFile.open(path), version: version, agency: dataflow.agency)
        try write(into: &out)
        try out.finish()
    }

    private func write(into out: inout StructureText) throws {
        let v21 = out.version == .v21
        let ns = v21 ? SDMXWriter.v21 : SDMXWriter.v30
        out.append(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<message:Structure xmlns:message=\"\(ns)message\" xmlns:structure=\"\(ns)structure\" "
                + "xmlns:common=\"\(ns)common\">\n<message:Header><message:ID>\(escape("RRS-structure-\(dataflow.id)"))</message:ID>"
                + "<message:Test>false</message:Test><message:Prepared>\(ISO8601DateFormatter().string(from: prepared))</message:Prepared>"
                + "<message:Sender id=\"\(escape(sender))\"/></message:Header>\n<message:Structures>\n")
        if v21 { writeDataflow(&out) }
        // Codelists.
        out.append("<structure:Codelists>\n")
        try writeRegions(&out)
        out.beginMaintainable("Codelist", id: "CL_INDICATOR", agency: dataflow.agency, names: [("zh", "乡村振兴指标"), ("en", "Rural revitalization indicators")])
        out.append("<common:Description xml:lang=\"en\">\(escape("The indicator catalog, version \(catalog.version)"))</common:Description>")
        for code in catalog.codes {
            guard let definition = catalog.definitions(of: code).last else { continue }
            out.append("<structure:Code id=\"\(escape(code))\">")
            out.names([("zh", definition.nameZh), ("en", definition.nameEn)])
            out.append("</structure:Code>\n")
        }
        out.endMaintainable("Codelist")
        out.codelist("CL_FREQ", name: "Frequency", codes: Self.frequencies)
        out.codelist("CL_OBS_STATUS", name: "Observation status", codes: Self.observationStatuses)
        out.codelist(
            "CL_UNIT_MULT", name: "Unit multiplier",
            codes: (0...12).map { (String($0), "10^\($0)" + (UnitScale.prefix(for: $0).isEmpty ? "" : " (\(UnitScale.prefix(for: $0)))")) })
        out.codelist("CL_PUBLICATION", name: "Publication mark", codes: Self.publications)
        out.append("</structure:Codelists>\n")
        // Concepts.
        out.append(v21 ? "<structure:Concepts>\n" : "<structure:ConceptSchemes>\n")
        out.beginMaintainable("ConceptScheme", id: Self.conceptSchemeID, agency: dataflow.agency, names: [("en", "Rural revitalization statistics concepts")])
        for concept in Self.concepts {
            out.append("<structure:Concept id=\"\(concept.id)\">")
            out.names([("en", concept.name)])
            out.append("</structure:Concept>\n")
        }
        out.endMaintainable("ConceptScheme")
        out.append(v21 ? "</structure:Concepts>\n" : "</structure:ConceptSchemes>\n")
        if !v21 { writeDataflow(&out) }
        writeDataStructure(&out)
        if !v21 { try writeRegionHierarchy(&out) }
        out.append("</message:Structures>\n</message:Structure>\n")
    }

    private func writeDataflow(_ out: inout StructureText) {
        out.append("<structure:Dataflows>\n")
        out.beginMaintainable(
            "Dataflow", id: dataflow.id, agency: dataflow.agency, names: [("zh", "乡村振兴统计"), ("en", "Rural revitalization statistics")],
            version: dataflow.version)
        out.append("<structure:Structure>")
        if out.version == .v21 {
            out.append(
                "<Ref id=\"\(Self.structureID)\" version=\"\(Self.version)\" agencyID=\"\(escape(dataflow.agency))\" package=\"datastructure\" class=\"DataStructure\"/>"
            )
        } else {
            out.append("urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=\(escape(dataflow.agency)):\(Self.structureID)(\(Self.version))")
        }
        out.append("</structure:Structure>")
        out.endMaintainable("Dataflow")
        out.append("</structure:Dataflows>\n")
    }

    private func writeDataStructure(_ out: inout StructureText) {
        let v21 = out.version == .v21
        out.append("<structure:DataStructures>\n")
        out.beginMaintainable("DataStructure", id: Self.structureID, agency: dataflow.agency, names: [("en", "Rural revitalization statistics")])
        out.append("<structure:DataStructureComponents>\n<structure:DimensionList id=\"DimensionDescriptor\">\n")
        for (position, id) in ["FREQ", "REF_AREA", "INDICATOR"].enumerated() {
            out.append("<structure:Dimension id=\"\(id)\" position=\"\(position + 1)\">")
            component(id, &out)
            out.append("</structure:Dimension>\n")
        }
        out.append(v21 ? "<structure:TimeDimension id=\"TIME_PERIOD\" position=\"4\">" : "<structure:TimeDimension id=\"TIME_PERIOD\">")
        component("TIME_PERIOD", &out)
        out.append("</structure:TimeDimension>\n</structure:DimensionList>\n<structure:AttributeList id=\"AttributeDescriptor\">\n")
        for id in ["UNIT_MULT", "OBS_STATUS", "UNIT_MEASURE", "COVERAGE", "PUBLICATION"] {
            out.append(v21 ? "<structure:Attribute id=\"\(id)\" assignmentStatus=\"Conditional\">" : "<structure:Attribute id=\"\(id)\" usage=\"optional\">")
            component(id, &out)
            // The scale and the unit belong to a series (they follow the indicator); the rest to an observation.
            let series = ["FREQ", "REF_AREA", "INDICATOR"]
            switch (id == "UNIT_MULT" || id == "UNIT_MEASURE", v21) {
            case (true, true):
                out.append(
                    "<structure:AttributeRelationship>" + series.map { "<structure:Dimension><Ref id=\"\($0)\"/></structure:Dimension>" }.joined()
                        + "</structure:AttributeRelationship>")
            case (true, false):
                out.append(
                    "<structure:AttributeRelationship>" + series.map { "<structure:Dimension>\($0)</structure:Dimension>" }.joined()
                        + "</structure:AttributeRelationship>")
            case (false, true):
                out.append(
                    "<structure:AttributeRelationship><structure:PrimaryMeasure><Ref id=\"OBS_VALUE\"/></structure:PrimaryMeasure></structure:AttributeRelationship>"
                )
            case (false, false): out.append("<structure:AttributeRelationship><structure:Observation/></structure:AttributeRelationship>")
            }
            out.append("</structure:Attribute>\n")
        }
        out.append("</structure:AttributeList>\n<structure:MeasureList id=\"MeasureDescriptor\">\n")
        out.append(v21 ? "<structure:PrimaryMeasure id=\"OBS_VALUE\">" : "<structure:Measure id=\"OBS_VALUE\">")
        component("OBS_VALUE", &out)
        out.append(v21 ? "</structure:PrimaryMeasure>\n" : "</structure:Measure>\n")
        out.append("</structure:MeasureList>\n</structure:DataStructureComponents>")
        out.endMaintainable("DataStructure")
        out.append("</structure:DataStructures>\n")
    }

    /// A component's concept identity and its representation: a codelist, or a text format.
    private func component(_ id: String, _ out: inout StructureText) {
        let agency = escape(dataflow.agency)
        guard let representation = Self.concepts.first(where: { $0.id == id })?.representation else { return }
        if out.version == .v21 {
            out.append(
                "<structure:ConceptIdentity><Ref id=\"\(id)\" maintainableParentID=\"\(Self.conceptSchemeID)\" maintainableParentVersion=\"\(Self.version)\" agencyID=\"\(agency)\" package=\"conceptscheme\" class=\"Concept\"/></structure:ConceptIdentity>"
            )
        } else {
            out.append(
                "<structure:ConceptIdentity>urn:sdmx:org.sdmx.infomodel.conceptscheme.Concept=\(agency):\(Self.conceptSchemeID)(\(Self.version)).\(id)</structure:ConceptIdentity>"
            )
        }
        out.append("<structure:LocalRepresentation>")
        if representation.hasPrefix("CL_") {
            out.append(
                out.version == .v21
                    ? "<structure:Enumeration><Ref id=\"\(representation)\" version=\"\(Self.version)\" agencyID=\"\(agency)\" package=\"codelist\" class=\"Codelist\"/></structure:Enumeration>"
                    : "<structure:Enumeration>urn:sdmx:org.sdmx.infomodel.codelist.Codelist=\(agency):\(representation)(\(Self.version))</structure:Enumeration>"
            )
        } else {
            out.append("<structure:TextFormat textType=\"\(representation)\"/>")
        }
        out.append("</structure:LocalRepresentation>")
    }

    /// `CL_REGION`: the nation (in a national structure), then every unit of the scope in code order (a
    /// parent before its children); in 2.1 each with its parent, but for the scope's root.
    private func writeRegions(_ out: inout StructureText) throws {
        let edition = registry.map { " \($0.edition)" } ?? ""
        out.beginMaintainable(
            "Codelist", id: "CL_REGION", agency: dataflow.agency,
            names: [("zh", "统计用区划代码\(edition)"), ("en", "NBS statistical divisions\(edition)")])
        if scope == .national {
            out.append("<structure:Code id=\"\(RegionCode.national.description)\">")
            out.names([("zh", "全国"), ("en", "China")])
            out.append("</structure:Code>\n")
        }
        let units = units
        let held = Set(units.map(\.code))
        for unit in units {
            out.append("<structure:Code id=\"\(unit.code.description)\">")
            out.names([("zh", unit.name)])
            if out.version == .v21, unit.code != scope {
                out.append("<structure:Parent><Ref id=\"\(parent(of: unit, held: held).description)\"/></structure:Parent>")
            }
            out.append("</structure:Code>\n")
            try out.flushIfFull()
        }
        out.endMaintainable("Codelist")
    }

    /// 3.0's `H_REGION`: the scope (the nation) at the root, every unit under its parent.
    private func writeRegionHierarchy(_ out: inout StructureText) throws {
        out.append("<structure:Hierarchies>\n")
        out.beginMaintainable(
            "Hierarchy", id: "H_REGION", agency: dataflow.agency, names: [("zh", "统计用区划层级"), ("en", "NBS statistical division tree")],
            extra: " hasFormalLevels=\"false\"")
        let prefix = "urn:sdmx:org.sdmx.infomodel.codelist.Code=\(escape(dataflow.agency)):CL_REGION(\(Self.version))."
        var children: [RegionCode: [RegionCode]] = [:]
        let units = units
        let held = Set(units.map(\.code))
        for unit in units where unit.code != scope { children[parent(of: unit, held: held), default: []].append(unit.code) }
        for key in children.keys { children[key]!.sort() }
        // Depth first without recursion: a stack of the codes still to open, and closing marks.
        var stack: [(code: RegionCode, closing: Bool)] = [(scope, false)]
        while let (code, closing) = stack.popLast() {
            if closing {
                out.append("</structure:HierarchicalCode>\n")
                continue
            }
            out.append("<structure:HierarchicalCode id=\"\(code.description)\"><structure:Code>\(prefix)\(code.description)</structure:Code>")
            stack.append((code, true))
            for child in (children[code] ?? []).reversed() where child != code { stack.append((child, false)) }
            try out.flushIfFull()
        }
        out.endMaintainable("Hierarchy")
        out.append("</structure:Hierarchies>\n")
    }

    private func escape(_ text: String) -> String { SDMXWriter.escaped(text) }
}

/// The text of a structure message being written, flushed to its sink in blocks.
private struct StructureText {
    let sink: any ByteSink
    let version: SDMXStructureWriter.Version
    let agency: String
    var bytes: [UInt8] = []

    init(sink: any ByteSink, version: SDMXStructureWriter.Version, agency: String) {
        self.sink = sink
        self.version = version
        self.agency = agency
        bytes.reserveCapacity(1 << 20 + 4096)
    }

    mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func names(_ names: [(language: String, text: String)]) {
        for (language, text) in names { append("<common:Name xml:lang=\"\(language)\">\(SDMXWriter.escaped(text))</common:Name>") }
    }

    /// Opens a maintainable artefact: its identity (2.1 marks it final) and names.
    mutating func beginMaintainable(
        _ element: String, id: String, agency: String, names: [(String, String)], version: String = SDMXStructureWriter.version, extra: String = ""
    ) {
        let final = self.version == .v21 ? " isFinal=\"true\"" : ""
        append(
            "<structure:\(element) id=\"\(SDMXWriter.escaped(id))\" agencyID=\"\(SDMXWriter.escaped(agency))\" version=\"\(SDMXWriter.escaped(version))\"\(final)\(extra)>"
        )
        self.names(names)
        append("\n")
    }

    mutating func endMaintainable(_ element: String) { append("</structure:\(element)>\n") }

    /// A small codelist whose codes are named in English.
    mutating func codelist(_ id: String, name: String, codes: [(String, String)]) {
        beginMaintainable("Codelist", id: id, agency: agency, names: [("en", name)])
        for (code, text) in codes {
            append("<structure:Code id=\"\(code)\">")
            names([("en", text)])
            append("</structure:Code>\n")
        }
        endMaintainable("Codelist")
    }

    mutating func flushIfFull() throws {
        guard bytes.count >= 1 << 20 else { return }
        try sink.write(bytes)
        bytes.removeAll(keepingCapacity: true)
    }

    mutating func finish() throws {
        try sink.write(bytes)
        try sink.close()
    }
}
