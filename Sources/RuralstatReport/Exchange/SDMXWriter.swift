import Foundation
import RuralstatModel

/// The dataflow a message's data belong to, e.g. `CN_RRS:DF_RRS(1.0)`.
public struct SDMXDataflow: Sendable, Hashable {
    public var agency: String
    public var id: String
    public var version: String

    public init(agency: String = "CN_RRS", id: String = "DF_RRS", version: String = "1.0") {
        self.agency = agency
        self.id = id
        self.version = version
    }

    public var reference: String { "\(agency):\(id)(\(version))" }
}

/// The header of a message ruralstat writes.
public struct SDMXMessageHeader: Sendable {
    public var id: String
    public var sender: String
    public var prepared: Date
    public var isTest: Bool
    public var dataflow: SDMXDataflow

    public init(id: String, sender: String, prepared: Date, isTest: Bool = false, dataflow: SDMXDataflow = SDMXDataflow()) {
        self.id = id
        self.sender = sender
        self.prepared = prepared
        self.isTest = isTest
        self.dataflow = dataflow
    }
}

/// One observation to write; a nil value is written as missing (`NaN`, status M) or, in a Delete
/// dataset, as the key alone.
public struct SDMXObservation: Sendable, Hashable {
    public var region: RegionCode
    public var indicator: String
    public var period: Period
    public var value: Double?
    public var status: String?
    public var unitMultiplier: Int?
    /// The unit without its scale (`元`, `户`), which UNIT_MULT gives.
    public var unit: String?
    /// The share of expected units that reported, 0…1.
    public var coverage: Double?
    /// The publication mark: `published`, `partial` or `withheld` (CL_PUBLICATION).
    public var publication: String?

    public init(
        region: RegionCode, indicator: String, period: Period, value: Double?, status: String? = nil, unitMultiplier: Int? = nil,
        unit: String? = nil, coverage: Double? = nil, publication: String? = nil
    ) {
        self.region = region
        self.indicator = indicator
        self.period = period
        self.value = value
        self.status = status
        self.unitMultiplier = unitMultiplier
        self.unit = unit
        self.coverage = coverage
        self.publication = publication
    }
}

/// A streaming SDMX writer: datasets of observations in any SDMX format (``SubmissionFormat/sdmx``), into a file or a
/// gzip stream, with memory that does not grow with the message. Consecutive observations of one
/// series (region, indicator) are written as one `Series` in the XML forms that have them.
public final class SDMXWriter {
    public let format: SubmissionFormat
    private let header: SDMXMessageHeader
    private let sink: any ByteSink
    private var buffer: [UInt8] = []
    private var action: Action?
    private var openSeries: (region: RegionCode, indicator: String)?
    public private(set) var observations = 0

    static let v21 = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/"
    static let v30 = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/"

    public init(format: SubmissionFormat, header: SDMXMessageHeader, sink: any ByteSink) {
        precondition(format.isSDMX, "SDMXWriter writes SDMX; \(format) is a plain CSV layout")
        self.format = format
        self.header = header
        self.sink = sink
        buffer.reserveCapacity(1 << 17)
        writeStart()
    }

    /// Writes to `path` (gzip-compressed when it ends in `.gz`).
    public convenience init(format: SubmissionFormat, header: SDMXMessageHeader, path: String) throws {
        self.init(format: format, header: header, sink: try OutputFile.open(path))
    }

    // MARK: Message

    private var structureNamespace: String {
        "urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=\(header.dataflow.reference):ObsLevelDim:"
            + (format == .sdmxStructureSpecific30 ? "AllDimensions" : "TIME_PERIOD")
    }

    private func writeStart() {
        switch format {
        case .sdmxCSV10, .csvLong, .csvWide:  // (the plain layouts never get here: see init)
            append("DATAFLOW,FREQ,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,UNIT_MULT,OBS_STATUS,UNIT_MEASURE,COVERAGE,PUBLICATION\n")
        case .sdmxCSV20:
            append("STRUCTURE,STRUCTURE_ID,ACTION,FREQ,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,UNIT_MULT,OBS_STATUS,UNIT_MEASURE,COVERAGE,PUBLICATION\n")
        case .sdmxGeneric21:
            let ns = Self.v21
            append(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<message:GenericData xmlns:message=\"\(ns)message\" "
                    + "xmlns:common=\"\(ns)common\" xmlns:generic=\"\(ns)data/generic\">\n")
            writeHeader(dimensionAtObservation: "TIME_PERIOD")
        case .sdmxStructureSpecific21, .sdmxStructureSpecific30:
            let ns = format == .sdmxStructureSpecific21 ? Self.v21 : Self.v30
            append(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<message:StructureSpecificData xmlns:message=\"\(ns)message\" "
                    + "xmlns:common=\"\(ns)common\" xmlns:ss=\"\(ns)data/structurespecific\" "
                    + "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:ns1=\"\(Self.escaped(structureNamespace))\">\n")
            writeHeader(dimensionAtObservation: format == .sdmxStructureSpecific30 ? "AllDimensions" : "TIME_PERIOD")
        }
    }

    private func writeHeader(dimensionAtObservation: String) {
        let flow = header.dataflow
        let prepared = ISO8601DateFormatter().string(from: header.prepared)
        let namespace = format == .sdmxGeneric21 ? "" : " namespace=\"\(Self.escaped(structureNamespace))\""
        let usage =
            format == .sdmxStructureSpecific30
            ? "<common:StructureUsage>urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=\(Self.escaped(flow.reference))</common:StructureUsage>"
            : "<common:StructureUsage><Ref agencyID=\"\(Self.escaped(flow.agency))\" id=\"\(Self.escaped(flow.id))\" version=\"\(Self.escaped(flow.version))\"/></common:StructureUsage>"
        append(
            "<message:Header><message:ID>\(Self.escaped(header.id))</message:ID><message:Test>\(header.isTest)</message:Test>"
                + "<message:Prepared>\(prepared)</message:Prepared><message:Sender id=\"\(Self.escaped(header.sender))\"/>"
                + "<message:Structure structureID=\"\(Self.escaped(flow.id))\"\(namespace) dimensionAtObservation=\"\(dimensionAtObservation)\">"
                + usage + "</message:Structure></message:Header>\n")
    }

    /// Starts a dataset with an action; every observation until ``endDataSet()`` belongs to it.
    /// SDMX-CSV 1.0 has no actions: it can hold only data to merge or replace.
    public func beginDataSet(action: Action) throws {
        precondition(self.action == nil, "a dataset is open")
        if format == .sdmxCSV10 && action == .delete {
            throw OutputError(path: "", message: "SDMX-CSV 1.0 cannot express a Delete; use SDMX-CSV 2.0 or SDMX-ML")
        }
        self.action = action
        let flow = Self.escaped(header.dataflow.id)
        switch format {
        case .sdmxCSV10, .sdmxCSV20, .csvLong, .csvWide: break
        case .sdmxGeneric21: append("<message:DataSet structureRef=\"\(flow)\" action=\"\(action)\">\n")
        case .sdmxStructureSpecific21, .sdmxStructureSpecific30:
            append("<message:DataSet ss:structureRef=\"\(flow)\" ss:dataScope=\"DataStructure\" xsi:type=\"ns1:DataSetType\" ss:action=\"\(action)\">\n")
        }
    }

    public func write(_ observation: SDMXObservation) throws {
        guard let action else { preconditionFailure("write(_:) outside a dataset") }
        observations += 1
        let frequency = observation.period.frequency.rawValue
        let value = observation.value.map(NumberText.shortest) ?? (action == .delete ? nil : "NaN")
        let status = observation.status ?? (observation.value == nil && action != .delete ? "M" : nil)
        let coverage = observation.coverage.map(NumberText.computed)
        // The attributes of an observation (status, coverage, publication) and of its series (scale, unit).
        var observationAttributes: [(String, String)] = []
        if let status { observationAttributes.append(("OBS_STATUS", status)) }
        if let coverage { observationAttributes.append(("COVERAGE", coverage)) }
        if let publication = observation.publication { observationAttributes.append(("PUBLICATION", publication)) }
        var seriesAttributes: [(String, String)] = []
        if let multiplier = observation.unitMultiplier { seriesAttributes.append(("UNIT_MULT", String(multiplier))) }
        if let unit = observation.unit { seriesAttributes.append(("UNIT_MEASURE", unit)) }
        func generic(_ attributes: [(String, String)]) -> String {
            attributes.isEmpty
                ? ""
                : "<generic:Attributes>" + attributes.map { "<generic:Value id=\"\($0)\" value=\"\(Self.escaped($1))\"/>" }.joined() + "</generic:Attributes>"
        }
        func inline(_ attributes: [(String, String)]) -> String { attributes.map { " \($0)=\"\(Self.escaped($1))\"" }.joined() }
        switch format {
        case .sdmxCSV10, .sdmxCSV20, .csvLong, .csvWide:
            if format == .sdmxCSV20 {
                append("dataflow,\(Self.csv(header.dataflow.reference)),\(Self.actionLetter(action)),")
            } else {
                append("\(Self.csv(header.dataflow.reference)),")
            }
            append(
                "\(frequency),\(observation.region),\(Self.csv(observation.indicator)),\(observation.period),\(value ?? ""),"
                    + "\(observation.unitMultiplier.map(String.init) ?? ""),\(status.map(Self.csv) ?? ""),\(observation.unit.map(Self.csv) ?? ""),"
                    + "\(coverage ?? ""),\(observation.publication.map(Self.csv) ?? "")\n")
        case .sdmxGeneric21:
            openSeriesIfNeeded(observation) {
                "<generic:Series><generic:SeriesKey><generic:Value id=\"FREQ\" value=\"\(frequency)\"/>"
                    + "<generic:Value id=\"REF_AREA\" value=\"\(observation.region)\"/>"
                    + "<generic:Value id=\"INDICATOR\" value=\"\(Self.escaped(observation.indicator))\"/></generic:SeriesKey>"
                    + generic(seriesAttributes)
            }
            append(
                "<generic:Obs><generic:ObsDimension value=\"\(observation.period)\"/>"
                    + (value.map { "<generic:ObsValue value=\"\($0)\"/>" } ?? "") + generic(observationAttributes) + "</generic:Obs>")
        case .sdmxStructureSpecific21:
            openSeriesIfNeeded(observation) {
                "<Series FREQ=\"\(frequency)\" REF_AREA=\"\(observation.region)\" INDICATOR=\"\(Self.escaped(observation.indicator))\""
                    + inline(seriesAttributes) + ">"
            }
            append("<Obs TIME_PERIOD=\"\(observation.period)\"" + (value.map { " OBS_VALUE=\"\($0)\"" } ?? "") + inline(observationAttributes) + "/>")
        case .sdmxStructureSpecific30:
            append(
                "<Obs FREQ=\"\(frequency)\" REF_AREA=\"\(observation.region)\" INDICATOR=\"\(Self.escaped(observation.indicator))\" "
                    + "TIME_PERIOD=\"\(observation.period)\"" + (value.map { " OBS_VALUE=\"\($0)\"" } ?? "")
                    + inline(seriesAttributes) + inline(observationAttributes) + "/>\n")
        }
        if buffer.count >= 1 << 16 { try flush() }
    }

    private func openSeriesIfNeeded(_ observation: SDMXObservation, _ start: () -> String) {
        if let open = openSeries, open.region == observation.region, open.indicator == observation.indicator { return }
        closeSeries()
        append(start())
        openSeries = (observation.region, observation.indicator)
    }

    private func closeSeries() {
        guard openSeries != nil else { return }
        append(format == .sdmxGeneric21 ? "</generic:Series>\n" : "</Series>\n")
        openSeries = nil
    }

    public func endDataSet() throws {
        precondition(action != nil, "no dataset is open")
        closeSeries()
        if format != .sdmxCSV10 && format != .sdmxCSV20 { append("</message:DataSet>\n") }
        action = nil
        try flush()
    }

    /// Closes the message and the file.
    public func finish() throws {
        if action != nil { try endDataSet() }
        switch format {
        case .sdmxCSV10, .sdmxCSV20, .csvLong, .csvWide: break
        case .sdmxGeneric21: append("</message:GenericData>\n")
        case .sdmxStructureSpecific21, .sdmxStructureSpecific30: append("</message:StructureSpecificData>\n")
        }
        try flush()
        try sink.close()
    }

    // MARK: Text

    private func append(_ text: String) { buffer.append(contentsOf: text.utf8) }

    private func flush() throws {
        try sink.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    static func actionLetter(_ action: Action) -> String {
        switch action {
        case .merge: "M"
        case .replace: "R"
        case .delete: "D"
        case .append: "A"
        case .information: "I"
        }
    }

    /// XML attribute or text content, escaped (submitted text is never trusted).
    static func escaped(_ text: String) -> String { MarkupText.escape(text) }

    static func csv(_ text: String) -> String { CSVText.field(text) }
}
