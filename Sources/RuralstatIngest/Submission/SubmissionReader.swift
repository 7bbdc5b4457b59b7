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
    public static func read(_ path: String, registries: RegistryEditions?, catalog: IndicatorCatalog, options: IngestOptions,
                            emit: @escaping (ObservationBatch) throws -> Void,
                            reject: @escaping (ValidationProblem) throws -> Void = { _ in }) throws -> ValidationReport {
        let validator = SubmissionValidator(file: path, registries: registries, catalog: catalog, options: options,
                                            emit: emit, reject: reject)
        let peekable = try PeekableSource(try ByteSources.open(path, limits: options.limits))
        let sniffed = peekable.sniffBytes
        if sniffed.first == UInt8(ascii: "<") {
            let reader = SDMXMLReader(source: peekable, validator: validator, components: options.components)
            try reader.read()
        } else {
            let source: any ByteSource
            switch options.encoding {
            case .gb18030: source = try TranscodedSource(peekable, from: "GB18030")
            case .utf8: source = peekable
            case .auto: source = TextEncoding.looksLikeUTF8(peekable.prefix[...]) ? peekable : try TranscodedSource(peekable, from: "GB18030")
            }
            let reader = try CSVSubmissionReader(source: source, sniffed: sniffed, validator: validator, options: options, catalog: catalog)
            try validator.setHeader(MessageHeader(), format: reader.format)
            try reader.read()
        }
        return try validator.finish()
    }
}
