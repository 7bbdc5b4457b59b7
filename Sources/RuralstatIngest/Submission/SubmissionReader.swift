import RuralstatModel

/// Reads one submission file, whatever its format, through the validator.
///
/// The format is told from the content: `<` opens an SDMX-ML message, anything else is CSV, whose
/// header row decides the layout. gzip is detected by its magic bytes, and a CSV that is not UTF-8
/// is read as GB18030 (or as `options.encoding` says).
public enum SubmissionReader {
    /// Reads `path`, handing accepted rows to `emit` in batches and every problem to `reject`.
    ///
    /// Throws ``IngestError`` when the file cannot be read at all (bad gzip, broken XML, unknown
    /// layout, unknown sender); rows read before then have been emitted, so a store must apply a
    /// submission in one transaction.
    public static func read(
        _ path: String, registries: RegistryEditions?, catalog: IndicatorCatalog, options: IngestOptions,
        emit: @escaping (ObservationBatch) throws -> Void,
        reject: @escaping (ValidationProblem) throws -> Void = { _ in }
    ) throws -> ValidationReport {
        let validator = SubmissionValidator(
            file: path, registries: registries, catalog: catalog, options: options,
            emit: emit, reject: reject)
        let file = try ByteSources.open(path, limits: options.limits, readAhead: false)
        let peekable = try PeekableSource(file)
        let marks = peekable.dropExtraByteOrderMarks()
        if marks > 1 {
            try validator.leniency(
                "the file starts with \(marks) UTF-8 byte-order marks (EF BB BF); the extra \(marks - 1) are ignored",
                at: SourceLocation(file: path, line: 1))
        }
        let encoding = options.encoding == .auto ? TextEncoding.detect(peekable.prefix[...]) : nil
        if peekable.sniffBytes.first == UInt8(ascii: "<") || encoding.map(peekable.isUnicodeMarkup) == true {
            // libxml2 reads the XML declaration's encoding and UTF-16 by its byte-order mark itself.
            // A compressed message is inflated on a thread of its own while libxml2 parses.
            let source: any ByteSource = file is GzipBytes ? PrefetchingSource(peekable) : peekable
            let reader = SDMXMLReader(source: source, validator: validator, components: options.components, mapping: options.mapping)
            try reader.read()
        } else {
            var source: any ByteSource
            switch (options.encoding, encoding) {
            case (.gb18030, _): source = try TranscodedSource(peekable, from: "GB18030")
            case (.utf8, _), (.auto, .utf8?), (.auto, nil): source = peekable
            case (.auto, .gb18030(let reason)?):
                source = try TranscodedSource(peekable, from: "GB18030", label: "GB18030 (read as GB18030 because \(reason))")
            case (.auto, .unicode(let name, let label)?):
                source = try TranscodedSource(peekable, from: name, label: label)
            case (.auto, .brokenUTF8(let offset, let byte)?):
                // A GB18030 text can pass for UTF-8 for a character or two; only if it cannot be GB18030 either is it broken UTF-8.
                guard TranscodedSource.converts(peekable.prefix, from: "GB18030") else {
                    throw IngestError(
                        file: path, rule: .encoding,
                        message:
                            "the text is UTF-8 up to byte \(offset), where byte 0x\(String(byte, radix: 16, uppercase: true)) cannot be UTF-8, and it is not GB18030 either: was the file cut, or re-saved in another encoding? Save it as UTF-8 (or GB18030)"
                    )
                }
                source = try TranscodedSource(peekable, from: "GB18030", label: "GB18030 (read as GB18030 because byte \(offset) is not UTF-8)")
            }
            // The layout and the line ends are told from the text as decoded.
            let text = try (source as? PeekableSource) ?? PeekableSource(source)
            source = text
            if LineEndingSource.usesLoneCarriageReturns(text.sniffBytes) {
                source = LineEndingSource(source)
                try validator.leniency(
                    "the lines end with a carriage return alone (CR, as old Mac programs write); read as line ends",
                    at: SourceLocation(file: path, line: 1))
            }
            let records = CSVReader(source: source, delimiter: CSVReader.delimiter(sniffing: text.sniffBytes))
            // A compressed or large file is inflated and split into records on a thread of its own.
            if file is GzipBytes || (file as? FileBytes)?.size ?? 0 >= splitAheadBytes {
                try readCSV(PrefetchingRecords(records), validator: validator, options: options, catalog: catalog)
            } else {
                try readCSV(records, validator: validator, options: options, catalog: catalog)
            }
        }
        return try validator.finish()
    }

    /// From this size on, a plain CSV file's records are split on a thread of their own (a smaller
    /// one is read before a thread would pay for itself).
    static let splitAheadBytes = 16 << 20

    private static func readCSV<Records: CSVRecords>(
        _ records: Records, validator: SubmissionValidator, options: IngestOptions, catalog: IndicatorCatalog
    ) throws {
        let reader = try CSVSubmissionReader(records: records, validator: validator, options: options, catalog: catalog)
        try validator.setHeader(MessageHeader(), format: reader.format)
        try reader.read()
    }
}
