import Foundation
import RuralstatIngest
import RuralstatModel
import RuralstatRules
import RuralstatPipeline

/// What the fuzz targets feed with arbitrary bytes, each with the properties that must hold for any
/// input: no crash, no hang, and where there is an independent answer, that answer. The fuzzers
/// (`Tests/Fuzz/run.sh`, built with `-sanitize=fuzzer`) call these; so does `swift test`, on the
/// committed corpora and on every crash the fuzzers ever found.
public enum FuzzEntry: String, CaseIterable, Sendable {
    /// A whole submission file: sniffing, gzip, encodings, the CSV and SDMX-ML readers, the validator.
    case submission
    /// The CSV reader alone, over bytes in memory.
    case csvReader = "csv-reader"
    /// The number reader, against an independent reading of its grammar.
    case number
    /// The period parser: what it reads, it writes back and reads again to the same period.
    case period
    /// The edit-rule parser: what it reads, it prints and reads again to the same rule.
    case rules
    /// The pipeline spec loader.
    case spec

    /// Runs one input; a property that fails stops the process (libFuzzer then keeps the input).
    public func run(_ data: UnsafeRawBufferPointer) {
        switch self {
        case .submission: Self.submission(data)
        case .csvReader: Self.csvReader(data)
        case .number: Self.number(data)
        case .period: Self.period(data)
        case .rules: Self.rules(data)
        case .spec: Self.spec(data)
        }
    }

    // MARK: The entries

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let catalog = try! ReferenceFiles.loadCatalog(path: root.appendingPathComponent("pipelines/indicators.yaml").path)
    static let registries = RegistryEditions([
        try! ReferenceFiles.loadRegistry(paths: [root.appendingPathComponent("sample-data/registry/regions_2023.csv").path])
    ])
    static let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ruralstat-fuzz-\(getpid())").path

    static func submission(_ data: UnsafeRawBufferPointer) {
        try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let path = scratch + "/input"
        guard FileManager.default.createFile(atPath: path, contents: Data(data)) else { return }
        var options = IngestOptions()
        options.defaultSender = Jurisdiction(sender: "fuzz", root: .national)
        options.limits = DecompressionLimits(maxBytes: 64 << 20, maxRatio: 200, ratioGraceBytes: 1 << 20)
        var accepted = 0
        guard
            let report = try? SubmissionReader.read(
                path, registries: registries, catalog: catalog, options: options,
                emit: { accepted += $0.count })
        else { return }
        // Every row read is accounted for once: accepted, rejected, or merged as a repeat.
        require(report.rowsAccepted + report.rowsRejected + report.duplicatesMerged == report.rowsRead, "rows unaccounted for")
        require(accepted >= report.rowsAccepted, "accepted rows not handed on")
    }

    static func csvReader(_ data: UnsafeRawBufferPointer) {
        let reader = CSVReader(source: MemoryBytes(data), bufferSize: 64, maxRecordBytes: 1 << 16)
        var records = 0
        while (try? reader.next()) == true {
            records += 1
            for index in 0..<reader.fieldCount { _ = reader.string(index) }
            require(records <= data.count + 1, "more records than bytes")
        }
    }

    static func number(_ data: UnsafeRawBufferPointer) {
        let bytes = data.bindMemory(to: UInt8.self)
        let text = String(decoding: bytes, as: UTF8.self)
        // The reader sees the bytes; the reference reads their text (only valid UTF-8 is compared).
        guard String(validating: bytes, as: UTF8.self) == text else { return }
        let read = FieldText.number(bytes)
        let expected = NumberGrammar.read(text)
        switch (read, expected) {
        case (.value(let a), .value(let b)): require(a.bitPattern == b.bitPattern || (a == 0 && b == 0), "'\(text)': \(a) against \(b)")
        default: require(read == expected, "'\(text)': \(read) against \(expected)")
        }
    }

    static func period(_ data: UnsafeRawBufferPointer) {
        let text = String(decoding: data, as: UTF8.self)
        guard let period = try? Period(text) else { return }
        let again = try? Period(period.description)
        require(again == period, "'\(text)' reads as \(period), which reads back as \(String(describing: again))")
        require(period.previous.map { $0 < period } ?? true, "\(period) is not after its previous period")
    }

    static func rules(_ data: UnsafeRawBufferPointer) {
        let text = String(decoding: data, as: UTF8.self)
        guard let rule = try? RuleExpression(parsing: text) else { return }
        let printed = rule.description
        // Printing spells numbers out and spaces operators: a rule near the length limit may print past it.
        guard printed.utf8.count <= 4_096 else { return }
        guard let again = try? RuleExpression(parsing: printed) else { fatalError("'\(text)' prints as '\(printed)', which does not parse") }
        require(again.description == printed, "'\(printed)' reads back as '\(again.description)'")
        localize(text, data)
    }

    /// Error localisation of the rule on a record of small whole numbers taken from the input: it
    /// never traps, and a failing record gets sets of at most every field (weight 1 each) or a reason.
    static func localize(_ text: String, _ data: UnsafeRawBufferPointer) {
        guard let rule = try? EditRule(id: "r", rule: text), let rules = try? RuleSet(version: "fuzz", rules: [rule]) else { return }
        let slots = IndicatorSlots(rule.indicators)
        guard slots.count <= 6, !data.isEmpty else { return }
        let record = (0..<slots.count).map { Double(data[$0 % data.count] % 7) }
        guard rule.explain(record, slots: slots).outcome == .fail else { return }
        let results = record.withUnsafeBufferPointer {
            ErrorLocalizer(rules: rules, slots: slots).localize($0, level: .village, failing: [0], bounds: Array(repeating: nil, count: slots.count))
        }
        guard let result = results[0] else { fatalError("'\(text)': a failing rule got no localisation") }
        require(result.reason != nil || (!result.sets.isEmpty && result.weight <= Double(slots.count)), "'\(text)': \(result)")
    }

    static func spec(_ data: UnsafeRawBufferPointer) {
        _ = try? PipelineSpec(yaml: String(decoding: data, as: UTF8.self), file: "fuzz.yaml")
    }
}

/// Bytes in memory as a byte source.
final class MemoryBytes: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0
    var name: String { "memory" }
    var bytesConsumed: Int { offset }
    init(_ data: UnsafeRawBufferPointer) { bytes = Array(data) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        let count = min(buffer.count, bytes.count - offset)
        if count > 0 { bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: count) } }
        offset += count
        return count
    }
}

/// A property of an entry: when it fails, the process stops with the message (also in release
/// builds, where a precondition's message is dropped), and libFuzzer keeps the input.
func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError(message()) }
}

/// An independent reading of the number grammar that `FieldText.number` documents, for the oracle.
public enum NumberGrammar {
    public static func read(_ text: String) -> FieldText.Number {
        var plain = ""
        for scalar in text.unicodeScalars {
            if (0xFF01...0xFF5E).contains(scalar.value) {
                plain.unicodeScalars.append(UnicodeScalar(scalar.value - 0xFEE0)!)
            } else if scalar.value == 0x3000 {
                plain += " "
            } else {
                plain.unicodeScalars.append(scalar)
            }
        }
        plain = plain.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
        if ["", "nan", "#n/a", "na", "n/a", "-", "…", "—"].contains(plain.lowercased()) { return .missing }
        let grammar = try! NSRegularExpression(pattern: #"\A[+-]?(([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?\z"#)
        guard grammar.firstMatch(in: plain, range: NSRange(plain.startIndex..., in: plain)) != nil else { return .invalid }
        let value = plain.replacingOccurrences(of: ",", with: "").withCString { strtod($0, nil) }
        return value.isFinite ? .value(value) : .invalid
    }
}
