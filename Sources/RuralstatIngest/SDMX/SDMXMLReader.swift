import CLibXML2
import RuralstatModel

/// A streaming reader of SDMX-ML data messages: 2.1 GenericData (series, flat `AllDimensions`,
/// groups), 2.1 StructureSpecificData and 3.0 StructureSpecificData.
///
/// libxml2's SAX2 push parser is fed from the byte source (so gzip streams through); no DOM is
/// built and memory does not grow with the file. Elements are matched by local name and namespace
/// URI, never by prefix, and the reader is lenient where real files break the schema (a DataSet
/// in the DSD namespace, qualified or unqualified `action`), recording each leniency as a warning.
///
/// Untrusted input: the parser never touches the network, and any document type declaration is
/// refused, which rules out external entities (XXE) and entity expansion (billion laughs).
final class SDMXMLReader: FieldLocator {
    private let source: any ByteSource
    private let validator: SubmissionValidator
    private let components: ComponentMap
    private let file: String
    private var context: xmlParserCtxtPtr?
    private var failure: (any Error)?

    private(set) var format: SubmissionFormat?
    private var header = MessageHeader()
    private var dimensionAtObservation = "TIME_PERIOD"
    /// Roles of generic component ids seen so far: a generic message names REF_AREA, INDICATOR … for
    /// every series and observation, and the map's normalisation would cost more than the parsing.
    private var genericRoles: [String: FieldRole?] = [:]
    /// The header's `Structure/@structureID`s, which a DataSet's `structureRef` should name.
    private var structureIDs: Set<String> = []
    /// The structure the header references (`AGENCY:ID(VERSION)`), to name it when the file is not ours.
    private var structureReference: String?
    /// The sender's structure mapping, whose structure a file must be of.
    private let mapping: StructureMapping?
    /// Components met before the first observation that play no role here (FREQ, CURRENCY, …), in order.
    private var unmappedComponents: [String] = []
    private var structureChecked = false
    private var capture: String?  // the header element whose text is being collected
    private var text: [UInt8] = []

    private var inHeader = false
    private var headerRead = false
    /// Set when a DataSet starts without a header: the message is refused once the document has been parsed.
    private var headerMissing: IngestError?
    private var dataset = ComponentValues()
    private var series = ComponentValues()
    private var observation = ComponentValues()
    private var group = ComponentValues()
    private var groups: [(key: [(String, String)], values: ComponentValues)] = []
    private var datasetAction = Action.information
    private var valueTarget = ValueTarget.none
    private var inSeries = false
    private var inGroup = false
    private var inGenericObs = false

    // Counters for element paths in messages.
    private var rootName = ""
    private var datasetCount = 0
    private var seriesCount = 0
    private var obsCount = 0
    private var currentAttribute: String?

    /// What an element name means to the reader; names are interned by libxml2's dictionary, so
    /// the answer is cached by pointer and no `String` is made per element.
    private enum ElementKind { case header, dataSet, group, series, obs, seriesKey, groupKey, obsKey, attributes, value, obsDimension, obsValue, other }
    private let elementKinds = PointerTable<ElementKind>()
    /// Per attribute name: its role (or none) and its index in `attributeNames` (kept apart so
    /// that looking an attribute up copies no `String`).
    private struct AttributeInfo { var role: FieldRole?; var name: Int }
    private let attributeInfos = PointerTable<AttributeInfo>()
    private var attributeNames: [String] = []

    /// Where a generic `<Value id= value=>` belongs.
    private enum ValueTarget { case none, datasetAttributes, seriesKey, seriesAttributes, groupKey, groupAttributes, obsKey, obsAttributes }

    static let messageNamespaces = [
        "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message",
        "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message",
        "http://www.sdmx.org/resources/sdmxml/schemas/v3_1/message",
    ]
    static let datasetProperties: Set<String> = [
        "structureRef", "setID", "action", "reportingBeginDate", "reportingEndDate",
        "validFromDate", "validToDate", "publicationYear", "publicationPeriod", "dataScope", "type",
    ]

    init(source: any ByteSource, validator: SubmissionValidator, components: ComponentMap, mapping: StructureMapping? = nil) {
        self.source = source
        self.validator = validator
        self.components = components
        self.mapping = mapping
        self.file = source.name
    }

    func location(of role: FieldRole) -> SourceLocation {
        var path = "/\(rootName)"
        if datasetCount > 0 { path += "/DataSet[\(datasetCount)]" }
        if seriesCount > 0 { path += "/Series[\(seriesCount)]" }
        if obsCount > 0 { path += "/Obs[\(obsCount)]" }
        let line = context.map { Int($0.pointee.input.pointee.line) }
        return SourceLocation(file: file, line: line, element: path, column: attributeName(for: role))
    }

    private func attributeName(for role: FieldRole) -> String {
        switch role {
        case .region: "REF_AREA"
        case .indicator: "INDICATOR"
        case .period: "TIME_PERIOD"
        case .value: "OBS_VALUE"
        case .status: "OBS_STATUS"
        case .unitMultiplier: "UNIT_MULT"
        case .unit: "UNIT_MEASURE"
        case .frequency: "FREQ"
        case .action: "action"
        }
    }

    // MARK: Driving the parser

    func read() throws {
        validator.locator = self
        defer { validator.locator = nil }
        var handler = xmlSAXHandler()
        handler.initialized = UInt32(XML_SAX2_MAGIC)
        handler.startElementNs = { context, localName, _, uri, _, _, attributeCount, _, attributes in
            SDMXMLReader.from(context).startElement(localName, uri, Int(attributeCount), attributes)
        }
        handler.endElementNs = { context, localName, _, uri in
            SDMXMLReader.from(context).endElement(localName, uri)
        }
        handler.characters = { context, bytes, length in
            let reader = SDMXMLReader.from(context)
            if reader.capture != nil, let bytes { reader.text.append(contentsOf: UnsafeBufferPointer(start: bytes, count: Int(length))) }
        }
        handler.internalSubset = { context, _, _, _ in
            SDMXMLReader.from(context).refuse(
                "the document has a document type declaration (DOCTYPE); SDMX messages have none, and it is refused to rule out external entities and entity expansion"
            )
        }
        handler.serror = { context, error in
            guard let error, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
            SDMXMLReader.from(context).fail(line: Int(error.pointee.line), message: error.pointee.message.map { String(cString: $0) } ?? "malformed XML")
        }

        let chunkSize = 1 << 18
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { chunk.deallocate() }
        let unmanaged = Unmanaged.passUnretained(self).toOpaque()
        let first = try source.read(into: chunk)
        guard
            let context = xmlCreatePushParserCtxt(
                &handler, unmanaged, chunk.baseAddress!.assumingMemoryBound(to: CChar.self),
                Int32(first), file)
        else {
            throw IngestError(file: file, rule: .malformedXML, message: "libxml2 could not start a parser")
        }
        self.context = context
        defer {
            xmlFreeParserCtxt(context)
            self.context = nil
        }
        // No network, no DTD loading, no entity substitution; libxml2's default size limits stay on.
        xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue))
        while failure == nil {
            let count = try source.read(into: chunk)
            xmlParseChunk(context, chunk.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(count), count == 0 ? 1 : 0)
            if count == 0 { break }
        }
        if let failure { throw failure }
        if let headerMissing { throw headerMissing }
        if format == nil {
            throw IngestError(
                file: file, rule: .unknownFormat, message: "the root element <\(rootName)> is not an SDMX data message (GenericData, StructureSpecificData)")
        }
    }

    private static func from(_ context: UnsafeMutableRawPointer?) -> SDMXMLReader {
        Unmanaged<SDMXMLReader>.fromOpaque(context!).takeUnretainedValue()
    }

    private func refuse(_ message: String) {
        guard failure == nil else { return }
        failure = IngestError(file: file, line: context.map { Int($0.pointee.input.pointee.line) }, rule: .forbiddenDTD, message: message)
        if let context { xmlStopParser(context) }
    }

    private func fail(line: Int, message: String) {
        guard failure == nil else { return }
        let text = message.trimmingCharacters(in: " \n")
        // libxml2 stops at 10 MB in one name, attribute or text node and says so in its own terms.
        let isSizeLimit = ["Huge input lookup", "huge text node", "too long", "Excessive depth"].contains { text.contains($0) }
        failure = IngestError(
            file: file, line: line, element: obsCount > 0 || seriesCount > 0 ? location(of: .value).element : nil,
            rule: .malformedXML,
            message: isSizeLimit
                ? "an element, attribute value or text is larger than the XML parser's limit (10 MB, or 256 levels of nesting; libxml2: \(text)); SDMX values are short, so the file is refused"
                : "malformed XML: " + text)
        if let context { xmlStopParser(context) }
    }

    // MARK: Elements

    private func elementKind(_ pointer: UnsafePointer<xmlChar>) -> ElementKind {
        if let kind = elementKinds[pointer] { return kind }
        let kind: ElementKind =
            switch String(cString: pointer) {
            case "Header": .header
            case "DataSet": .dataSet
            case "Group": .group
            case "Series": .series
            case "Obs": .obs
            case "SeriesKey": .seriesKey
            case "GroupKey": .groupKey
            case "ObsKey": .obsKey
            case "Attributes": .attributes
            case "Value": .value
            case "ObsDimension": .obsDimension
            case "ObsValue": .obsValue
            default: .other
            }
        elementKinds[pointer] = kind
        return kind
    }

    private func attributeInfo(_ pointer: UnsafePointer<xmlChar>) -> AttributeInfo {
        if let info = attributeInfos[pointer] { return info }
        let name = String(cString: pointer)
        let info = AttributeInfo(role: components.role(of: name), name: attributeNames.count)
        attributeNames.append(name)
        attributeInfos[pointer] = info
        return info
    }

    /// The value of the attribute with this local name, in any namespace.
    private func attribute(_ name: String, _ attrs: Attributes) -> FieldBytes? {
        for index in 0..<attrs.count where attributeNames[attributeInfo(attrs.namePointer(index)).name] == name { return attrs.value(index) }
        return nil
    }

    private func startElement(
        _ localName: UnsafePointer<xmlChar>?, _ uri: UnsafePointer<xmlChar>?, _ count: Int,
        _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        guard failure == nil, let localName else { return }
        let attrs = Attributes(pointer: attributes, count: count)
        do {
            if rootName.isEmpty || inHeader {
                try startOutline(String(cString: localName), uri.map { String(cString: $0) } ?? "", attrs)
                return
            }
            switch elementKind(localName) {
            case .obs:
                obsCount += 1
                if format == .sdmxGeneric21 {
                    observation.removeAll()
                    inGenericObs = true
                } else {
                    try emitStructureSpecific(attrs)
                }
            case .series:
                inSeries = true
                seriesCount += 1
                obsCount = 0
                series.removeAll()
                series.keepsRaw = !groups.isEmpty
                if format != .sdmxGeneric21 {
                    setUnqualified(attrs, into: &series)
                    applyGroups()
                }
            case .value where format == .sdmxGeneric21:
                genericValue(attrs)
            case .obsDimension:
                if let value = attribute("value", attrs) { observation.set(genericRole(dimensionAtObservation), value) }
            case .obsValue:
                if let value = attribute("value", attrs) { observation.set(.value, value) }
            case .seriesKey: valueTarget = .seriesKey
            case .groupKey: valueTarget = .groupKey
            case .obsKey: valueTarget = .obsKey
            case .attributes:
                valueTarget = inGenericObs ? .obsAttributes : inGroup ? .groupAttributes : inSeries ? .seriesAttributes : .datasetAttributes
            case .group:
                inGroup = true
                group.removeAll()
                group.keepsRaw = true
                if format != .sdmxGeneric21 { setUnqualified(attrs, into: &group) }
            case .header, .dataSet:
                try startOutline(String(cString: localName), uri.map { String(cString: $0) } ?? "", attrs)
            case .value, .other:
                break
            }
        } catch {
            failure = error
            if let context { xmlStopParser(context) }
        }
    }

    /// The rare elements: the root, the header and its children, and DataSet.
    private func startOutline(_ name: String, _ namespace: String, _ attrs: Attributes) throws {
        if rootName.isEmpty {
            rootName = name
            format = SDMXMLReader.format(root: name, namespace: namespace)
            if format == nil {
                throw IngestError(
                    file: file, line: 1, rule: .unknownFormat,
                    message: "the root element <\(name)> (\(namespace)) is not an SDMX data message (GenericData, StructureSpecificData)")
            }
            // The header carries the sender, the message ID and Test=true: read it only where the
            // message is SDMX's, and never apply a message whose header could not be read.
            guard SDMXMLReader.messageNamespaces.contains(namespace) else {
                throw IngestError(
                    file: file, line: 1, rule: .unknownFormat,
                    message:
                        "the root element <\(name)> is in the namespace '\(namespace)', not an SDMX message namespace (\(SDMXMLReader.messageNamespaces.joined(separator: ", "))); its header cannot be trusted, so the file is not read"
                )
            }
        } else if inHeader {
            try headerElement(name, attrs)
        } else if name == "Header", SDMXMLReader.messageNamespaces.contains(namespace) {
            inHeader = true
        } else if name == "DataSet" {
            if !headerRead, headerMissing == nil {
                // Said at the end, so that a malformed document is reported as such first; no row is read meanwhile.
                headerMissing = IngestError(
                    file: file, line: context.map { Int($0.pointee.input.pointee.line) }, element: "/\(rootName)/DataSet[1]",
                    rule: .malformedHeader,
                    message:
                        "the DataSet comes before any message Header (in \(SDMXMLReader.messageNamespaces[0]) or another SDMX message namespace); without the header's sender, ID and Test flag the message is not applied"
                )
            }
            try startDataset(namespace, attrs)
        }
    }

    private func endElement(_ localName: UnsafePointer<xmlChar>?, _ uri: UnsafePointer<xmlChar>?) {
        guard failure == nil, let localName else { return }
        do {
            if inHeader {
                try endHeaderElement(String(cString: localName))
                return
            }
            switch elementKind(localName) {
            case .obs where inGenericObs:
                inGenericObs = false
                try emitGeneric()
            case .series:
                inSeries = false
            case .group:
                inGroup = false
                groups.append((group.raw, group))
            case .seriesKey:
                valueTarget = .none
                applyGroups()
            case .groupKey, .obsKey, .attributes:
                valueTarget = .none
            case .dataSet:
                seriesCount = 0
                obsCount = 0
                groups.removeAll()
            default:
                break
            }
        } catch {
            failure = error
            if let context { xmlStopParser(context) }
        }
    }

    private func endHeaderElement(_ name: String) throws {
        if name == "Header" {
            inHeader = false
            headerRead = true
            try validator.setHeader(header, format: format!)
        } else if let field = capture, field == name {
            let value = String(decoding: text, as: UTF8.self).trimmingCharacters(in: " \t\n\r")
            try checkHeaderText(field, value)
            switch field {
            case "ID": header.messageID = value
            case "Prepared": header.prepared = value
            case "Test": header.isTest = value == "true" || value == "1"
            case "DataSetAction": header.defaultAction = Action(sdmx: value)
            case "StructureUsage" where !value.isEmpty:  // 3.0: the dataflow's URN, named by its AGENCY:ID(VERSION)
                structureReference = value.split(separator: "=").last.map(String.init) ?? value
            default: break
            }
            capture = nil
        }
    }

    /// Header texts name the message in the ledger: an ID or sender that is long or holds control
    /// characters is no SDMX identifier, and the message is refused rather than recorded under it.
    private func checkHeaderText(_ field: String, _ value: String) throws {
        guard value.count > 255 || !EchoText.isSafe(value, limit: 255) else { return }
        throw IngestError(
            file: file, line: context.map { Int($0.pointee.input.pointee.line) }, element: "/\(rootName)/Header/\(field)",
            rule: .malformedHeader,
            message:
                "the header's \(field) '\(EchoText.quote(value, limit: 60))' (\(value.count) characters) is no SDMX identifier: at most 255 characters, none of them a control character"
        )
    }

    private func headerElement(_ name: String, _ attrs: Attributes) throws {
        switch name {
        case "ID", "Prepared", "Test", "DataSetAction", "StructureUsage":
            capture = name
            text.removeAll(keepingCapacity: true)
        case "Sender":
            header.sender = attribute("id", attrs)?.text
            if let sender = header.sender { try checkHeaderText("Sender id", sender) }
        case "Structure":
            if let dimension = attribute("dimensionAtObservation", attrs) { dimensionAtObservation = dimension.text }
            if let id = attribute("structureID", attrs) { structureIDs.insert(id.text) }
        case "Ref":
            if let id = attribute("id", attrs) {
                let agency = attribute("agencyID", attrs).map { "\($0.text):" } ?? ""
                structureReference = "\(agency)\(id.text)" + (attribute("version", attrs).map { "(\($0.text))" } ?? "")
            }
        default:
            break
        }
    }

    private func startDataset(_ namespace: String, _ attrs: Attributes) throws {
        datasetCount += 1
        seriesCount = 0
        obsCount = 0
        dataset.removeAll()
        groups.removeAll()
        if !SDMXMLReader.messageNamespaces.contains(namespace) {
            try validator.leniency("DataSet is in the namespace '\(namespace)' instead of the SDMX message namespace", at: location(of: .action))
        }
        if let reference = attribute("structureRef", attrs)?.text, !structureIDs.isEmpty, !structureIDs.contains(reference) {
            try validator.leniency(
                "DataSet structureRef '\(reference)' names no structure of the header (\(structureIDs.sorted().joined(separator: ", "))); the header's structure is used",
                at: location(of: .action))
        }
        if format != .sdmxGeneric21, let index = (0..<attrs.count).first(where: { attributeNames[attributeInfo(attrs.namePointer($0)).name] == "action" }),
            attrs.uri(index) == nil
        {
            try validator.leniency("DataSet action is unqualified; structure-specific messages qualify it (ss:action)", at: location(of: .action))
        }
        datasetAction = header.defaultAction ?? .information
        if let text = attribute("action", attrs)?.text {
            guard let action = Action(sdmx: text) else {
                throw IngestError(
                    file: file, element: location(of: .action).element, column: "action", rule: .malformedXML,
                    message: "DataSet action '\(text)' is not an SDMX action (Append, Replace, Delete, Information, Merge)")
            }
            datasetAction = action
        }
        if format != .sdmxGeneric21 { setUnqualified(attrs, into: &dataset, skipping: SDMXMLReader.datasetProperties) }
    }

    /// Unqualified attributes are DSD components in structure-specific messages.
    private func setUnqualified(_ attrs: Attributes, into values: inout ComponentValues, skipping: Set<String> = []) {
        for index in 0..<attrs.count where attrs.uri(index) == nil {
            let info = attributeInfo(attrs.namePointer(index))
            if !skipping.isEmpty, skipping.contains(attributeNames[info.name]) { continue }
            if info.role == nil { noteUnmapped(attributeNames[info.name]) }
            values.set(info.role, id: values.keepsRaw ? attributeNames[info.name] : nil, attrs.value(index))
        }
    }

    private func genericValue(_ attrs: Attributes) {
        guard let idBytes = attribute("id", attrs), let value = attribute("value", attrs) else { return }
        let id = idBytes.text
        let role = genericRole(id)
        if role == nil { noteUnmapped(id) }
        switch valueTarget {
        case .datasetAttributes: dataset.set(role, id: id, value)
        case .seriesKey, .seriesAttributes: series.set(role, id: id, value)
        case .groupKey, .groupAttributes: group.set(role, id: id, value)
        case .obsKey, .obsAttributes: observation.set(role, id: id, value)
        case .none: break
        }
    }

    private func genericRole(_ id: String) -> FieldRole? {
        if let known = genericRoles[id] { return known }
        let role = components.role(of: id)
        genericRoles[id] = .some(role)
        return role
    }

    /// Gives the series the attributes of every group whose key it matches.
    private func applyGroups() {
        guard !groups.isEmpty else { return }
        let seriesKey = Dictionary(series.raw, uniquingKeysWith: { first, _ in first })
        for (key, values) in groups {
            let shared = key.filter { seriesKey[$0.0] != nil }
            if !shared.isEmpty, shared.allSatisfy({ seriesKey[$0.0] == $0.1 }) { series.inherit(values) }
        }
    }

    /// An observation takes the values of its dataset, then of its series, then its own.
    private func emitStructureSpecific(_ attrs: Attributes) throws {
        guard headerMissing == nil else { return }
        var fields = ObservationFields()
        fields.action = datasetAction
        fields.line = context.map { Int($0.pointee.input.pointee.line) } ?? 0
        try dataset.withFields(&fields) { fields in
            if inSeries {
                try series.withFields(&fields) { fields in try emit(&fields, attrs) }
            } else {
                try emit(&fields, attrs)
            }
        }
    }

    private func emit(_ fields: inout ObservationFields, _ attrs: Attributes) throws {
        for index in 0..<attrs.count where attrs.uri(index) == nil {
            let info = attributeInfo(attrs.namePointer(index))
            if let role = info.role { fields[role] = attrs.value(index) } else if !structureChecked { noteUnmapped(attributeNames[info.name]) }
        }
        try checkStructure(fields)
        try validator.add(fields)
    }

    private func noteUnmapped(_ id: String) {
        if !structureChecked, unmappedComponents.count < 40, !unmappedComponents.contains(id) { unmappedComponents.append(id) }
    }

    /// At the first observation: a file whose components name neither the region nor the indicator
    /// follows another structure, and is refused whole, naming what it uses, instead of row by row.
    private func checkStructure(_ fields: ObservationFields) throws {
        guard !structureChecked else { return }
        structureChecked = true
        if let mapping, let reference = structureReference ?? structureIDs.sorted().first, !mapping.covers(reference) {
            throw mapping.refusal(file: file, line: fields.line, element: location(of: .value).element, reference: reference)
        }
        guard fields.region.isEmpty, fields.indicator.isEmpty, !unmappedComponents.isEmpty else { return }
        throw IngestError.unmappedStructure(
            file: file, line: fields.line, element: location(of: .value).element, components: unmappedComponents,
            structure: structureReference ?? structureIDs.sorted().first.map { "'\($0)'" })
    }

    private func emitGeneric() throws {
        guard headerMissing == nil else { return }
        var fields = ObservationFields()
        fields.action = datasetAction
        fields.line = context.map { Int($0.pointee.input.pointee.line) } ?? 0
        try dataset.withFields(&fields) { fields in
            try series.withFields(&fields) { fields in
                try observation.withFields(&fields) { fields in
                    try checkStructure(fields)
                    try validator.add(fields)
                }
            }
        }
    }

    static func format(root: String, namespace: String) -> SubmissionFormat? {
        let isV3 = namespace.contains("/v3_0/") || namespace.contains("/v3_1/")
        switch root {
        case "GenericData", "GenericTimeSeriesData": return isV3 ? nil : .sdmxGeneric21
        case "StructureSpecificData", "StructureSpecificTimeSeriesData": return isV3 ? .sdmxStructureSpecific30 : .sdmxStructureSpecific21
        default: return nil
        }
    }
}

/// The attributes of a SAX2 start tag: five pointers each (local name, prefix, URI, value start, value end).
struct Attributes {
    let pointer: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    let count: Int

    func namePointer(_ index: Int) -> UnsafePointer<xmlChar> { pointer![index * 5]! }
    func uri(_ index: Int) -> UnsafePointer<xmlChar>? { pointer![index * 5 + 2] }

    func value(_ index: Int) -> FieldBytes {
        let start = pointer![index * 5 + 3]!, end = pointer![index * 5 + 4]!
        return FieldBytes(start: start, count: end - start)
    }
}

/// A small open-addressing table keyed by pointer, for the handful of interned names of a document.
/// Plain memory rather than arrays, because it is asked several times per observation.
final class PointerTable<Value> {
    private var keys: UnsafeMutablePointer<UnsafeRawPointer?>
    private var values: UnsafeMutablePointer<Value?>
    private var size = 64
    private var count = 0

    init() {
        keys = .allocate(capacity: size)
        keys.initialize(repeating: nil, count: size)
        values = .allocate(capacity: size)
        values.initialize(repeating: nil, count: size)
    }

    deinit {
        keys.deinitialize(count: size)
        keys.deallocate()
        values.deinitialize(count: size)
        values.deallocate()
    }

    @inline(__always)
    private func slot(_ key: UnsafeRawPointer) -> Int {
        Int(truncatingIfNeeded: (UInt(bitPattern: key) >> 3) &* 0x9E37_79B9_7F4A_7C15) & (size - 1)
    }

    subscript(_ pointer: UnsafePointer<xmlChar>) -> Value? {
        get {
            let key = UnsafeRawPointer(pointer)
            var index = slot(key)
            while let existing = keys[index] {
                if existing == key { return values[index] }
                index = (index + 1) & (size - 1)
            }
            return nil
        }
        set {
            let key = UnsafeRawPointer(pointer)
            if (count + 1) * 2 > size { grow() }
            var index = slot(key)
            while let existing = keys[index], existing != key { index = (index + 1) & (size - 1) }
            if keys[index] == nil { count += 1 }
            keys[index] = key
            values[index] = newValue
        }
    }

    private func grow() {
        let oldKeys = keys, oldValues = values, oldSize = size
        size *= 2
        keys = .allocate(capacity: size)
        keys.initialize(repeating: nil, count: size)
        values = .allocate(capacity: size)
        values.initialize(repeating: nil, count: size)
        for old in 0..<oldSize {
            guard let key = oldKeys[old] else { continue }
            var index = slot(key)
            while keys[index] != nil { index = (index + 1) & (size - 1) }
            keys[index] = key
            values[index] = oldValues[old]
        }
        oldKeys.deinitialize(count: oldSize)
        oldKeys.deallocate()
        oldValues.deinitialize(count: oldSize)
        oldValues.deallocate()
    }
}
