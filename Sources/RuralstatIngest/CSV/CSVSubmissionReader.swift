import RuralstatModel

/// Reads a CSV submission in any of its layouts and hands every observation to the validator:
///
/// - **long**: `region,indicator,period,value[,status,unit_mult]` (English or Chinese headers);
/// - **wide**: `region,period,` then one column per indicator code;
/// - **SDMX-CSV 1.0**: first column `DATAFLOW`, the separator is the character after it;
/// - **SDMX-CSV 2.0**: `STRUCTURE,STRUCTURE_ID[,ACTION]`, with a per-row action.
///
/// Columns are found by name in any order (case-insensitive, `ID: Name` labels cut at the colon).
final class CSVSubmissionReader<Records: CSVRecords>: FieldLocator {
    private let reader: Records
    private let validator: SubmissionValidator
    private let file: String
    private var header: [String] = []
    private var columns: [FieldRole: Int] = [:]
    private var wideColumns: [(index: Int, code: [UInt8])] = []
    private var currentLine = 0
    let format: SubmissionFormat
    /// The column naming each row's structure (SDMX-CSV), checked on the first row against the mapping's.
    private var structureColumn: Int?
    private let mapping: StructureMapping?

    init(
        records: Records, validator: SubmissionValidator, options: IngestOptions,
        catalog: IndicatorCatalog
    ) throws {
        file = records.name
        self.validator = validator
        mapping = options.mapping
        reader = records
        guard try reader.next() else {
            throw IngestError(file: file, line: 1, rule: .malformedHeader, message: "the file is empty: a CSV submission needs a header row")
        }
        header = reader.strings
        let first = header.first?.trimmingCharacters(in: " \t").uppercased() ?? ""
        for (index, name) in header.enumerated() {
            if let role = options.components.role(of: name), columns[role] == nil { columns[role] = index }
        }
        if first.hasPrefix("DATAFLOW") {
            format = .sdmxCSV10
        } else if first.hasPrefix("STRUCTURE") {
            format = .sdmxCSV20
        } else if columns[.indicator] != nil, columns[.value] != nil {
            format = .csvLong
        } else {
            // Wide: every column that is neither a known role nor empty must be an indicator code.
            for (index, name) in header.enumerated() where options.components.role(of: name) == nil {
                let code = name.trimmingCharacters(in: " \t")
                // The sender's code stays in the column; the validator maps it as it does a long file's.
                guard !catalog.definitions(of: options.mapping?.indicators[code] ?? code).isEmpty else {
                    throw IngestError(
                        file: file, line: 1, column: name, rule: .malformedHeader,
                        message:
                            "column '\(name)' is neither a known column (region, indicator, period, value, status, unit_mult …) nor an indicator of the catalog; a long file needs indicator and value columns, a wide one region, period and indicator columns"
                    )
                }
                wideColumns.append((index, Array(code.utf8)))
            }
            guard !wideColumns.isEmpty else {
                throw IngestError(
                    file: file, line: 1, rule: .malformedHeader,
                    message:
                        "the header has no indicator and value columns (long layout) and no indicator columns (wide layout): \(header.joined(separator: ","))")
            }
            format = .csvWide
        }
        // SDMX-CSV names each row's structure: in the DATAFLOW column (1.0) or STRUCTURE_ID (2.0).
        let namingColumn =
            format == .sdmxCSV20 ? header.firstIndex { $0.trimmingCharacters(in: " \t").uppercased() == "STRUCTURE_ID" } : format == .sdmxCSV10 ? 0 : nil
        if format == .sdmxCSV10 || format == .sdmxCSV20, columns[.region] == nil, columns[.indicator] == nil {
            // Another structure: refused whole, naming its components and (from its first row) its structure.
            let framing: Set<String> = ["DATAFLOW", "STRUCTURE", "STRUCTURE_ID", "ACTION"]
            let components = header.map { $0.trimmingCharacters(in: " \t") }.filter {
                !framing.contains($0.uppercased()) && options.components.role(of: $0) == nil
            }
            var structure: String?
            if let namingColumn, (try? reader.next()) == true, reader.fieldCount > namingColumn {
                structure = EchoText.quote(reader.string(namingColumn).trimmingCharacters(in: " \t"), limit: 80)
            }
            if let mapping, let structure, !mapping.covers(structure) { throw mapping.refusal(file: file, line: 2, reference: structure) }
            throw IngestError.unmappedStructure(file: file, line: 1, components: components, structure: structure)
        }
        if mapping?.structure != nil { structureColumn = namingColumn }
        // SDMX-CSV may carry other dimensions (rows without ours are rejected one by one); plain CSV must have both.
        for role in [FieldRole.region, .period] where columns[role] == nil && (format == .csvLong || format == .csvWide) {
            throw IngestError(
                file: file, line: 1, rule: .malformedHeader,
                message:
                    "the header has no \(role) column (e.g. \(ComponentMap.defaults[role]!.prefix(3).joined(separator: ", "))): \(header.joined(separator: ","))"
            )
        }
    }

    func location(of role: FieldRole) -> SourceLocation {
        let column = columns[role].map { header[$0] } ?? role.description
        return SourceLocation(file: file, line: currentLine, column: column)
    }

    func read() throws {
        validator.locator = self
        defer { validator.locator = nil }
        let roleColumns = columns.filter { $0.key != .action }.map { RoleColumn(role: $0.key, index: $0.value) }.sorted { $0.index < $1.index }
        let actionColumn = columns[.action]
        let expected = header.count
        while try reader.next() {
            currentLine = reader.line
            if reader.isBlank { continue }
            if let column = structureColumn, let mapping, column < reader.fieldCount {
                structureColumn = nil  // the first row names the structure
                let reference = reader.string(column).trimmingCharacters(in: " \t")
                if !mapping.covers(reference) { throw mapping.refusal(file: file, line: reader.line, reference: reference) }
            }
            if reader.fieldCount != expected {
                try validator.add(fieldCountProblem: reader.fieldCount, expected: expected, line: reader.line)
                continue
            }
            var action = Action.information
            if let actionColumn {
                let text = reader.string(actionColumn).trimmingCharacters(in: " \t")
                if !text.isEmpty {
                    guard let parsed = Action(sdmx: text) else {
                        try validator.add(actionProblem: text, line: reader.line)
                        continue
                    }
                    action = parsed
                }
            }
            try withFields(action: action, roleColumns)
        }
    }

    /// Builds the fields of the current record from the reader's buffer and hands them on.
    private func withFields(action: Action, _ roleColumns: [RoleColumn]) throws {
        var fields = ObservationFields()
        fields.action = action
        fields.line = reader.line
        for column in roleColumns { fields[column.role] = reader.field(column.index) }
        if format == .sdmxCSV20, fields.period.isEmpty, fields.value.isEmpty, action.effective != .delete {
            return  // an attribute row for a partial key: nothing to store
        }
        guard format == .csvWide else {
            try validator.add(fields)
            return
        }
        for (index, code) in wideColumns {
            let cell = reader.field(index)
            if cell.trimmed.isEmpty { continue }  // not provided
            try code.withUnsafeBufferPointer { codeBytes in
                fields.indicator = codeBytes
                fields.value = cell
                try validator.add(fields)
            }
        }
    }

    struct RoleColumn {
        var role: FieldRole
        var index: Int
    }
}
