import Foundation
import RuralstatModel

/// Checks every observation a reader finds against the registry and the catalog, and hands the
/// good ones on in columnar batches.
///
/// Format-blind: readers call ``add(_:)`` with raw field bytes; the validator parses codes, periods
/// and numbers itself, caching what repeats (files are sorted by region, and a file has few
/// indicators and periods), so that the per-row cost is a few comparisons.
public final class SubmissionValidator {
    public private(set) var report: ValidationReport
    /// Set by the reader while it reads (and cleared after: a strong reference, because a weak
    /// one would put every retain of the reader on the slow path).
    public var locator: (any FieldLocator)?

    private let registries: RegistryEditions?
    private let catalog: IndicatorCatalog
    private let options: IngestOptions
    private let emit: (ObservationBatch) throws -> Void
    private let reject: (ValidationProblem) throws -> Void

    private var batch: BatchBuilder

    // Per-file tables of the distinct indicator and period texts (see "Per-file tables").
    private var indicatorKeys = ByteKeyTable()
    private var periodKeys = ByteKeyTable()

    // The last region seen, with its checks (rows come sorted by region).
    private var lastRegionBytes: [UInt8] = []
    private var lastRegionEdition = -1
    private var lastRegion = RegionInfo()

    /// Longer codes are rejected before they are remembered: the per-file tables keep every distinct code.
    private static let longestCode = 128

    private var duplicates: [DuplicateKey: DuplicateEntry] = [:]
    private var contradictory: Set<DuplicateKey> = []
    private var rowErrors = 0
    private var rowKey = ""

    /// - Parameters:
    ///   - registries: the registry editions; `nil` checks codes by their digits only (benchmarks).
    ///   - emit: receives each full batch of accepted rows.
    ///   - reject: receives every problem (the rejects log); the report keeps only the first ones.
    public init(file: String, registries: RegistryEditions?, catalog: IndicatorCatalog, options: IngestOptions,
                emit: @escaping (ObservationBatch) throws -> Void, reject: @escaping (ValidationProblem) throws -> Void) {
        self.report = ValidationReport(file: file)
        self.registries = registries
        self.catalog = catalog
        self.options = options
        self.emit = emit
        self.reject = reject
        self.batch = BatchBuilder(capacity: options.batchSize)
    }

    /// Records the message header; the sender's jurisdiction is resolved from it.
    public func setHeader(_ header: MessageHeader, format: SubmissionFormat) throws {
        report.header = header
        report.format = format
        if header.isTest {
            report.shouldApply = false
            try problem(.testMessage, nil, .none, "the message is marked Test=true: it is checked but not applied")
        }
    }

    /// Records a leniency: something the file does against the standard that ruralstat accepts.
    public func leniency(_ message: String, at location: SourceLocation) throws {
        try record(ValidationProblem(location: location, key: "", rule: .leniency, value: "", message: message))
    }

    private func resolveJurisdiction() throws -> Jurisdiction {
        if let jurisdiction = report.jurisdiction { return jurisdiction }
        let jurisdiction: Jurisdiction
        if let sender = report.header.sender {
            guard let resolved = Jurisdiction.resolve(sender: sender, mapping: options.senders) else {
                if let fallback = options.defaultSender {
                    report.jurisdiction = fallback
                    cachedJurisdiction = fallback
                    try leniency("the header's sender '\(sender)' has no known jurisdiction; the source's sender \(fallback) is used",
                                 at: SourceLocation(file: report.file))
                    return fallback
                }
                throw IngestError(file: report.file, rule: .unknownSender,
                                  message: "the sender '\(sender)' has no known jurisdiction: map it to a region in the pipeline's senders, or end its id with its region code (CN_441900)")
            }
            try checkWithinGivenSender(resolved, named: "the header names sender '\(sender)'", given: "this source is configured for")
            jurisdiction = resolved
        } else if let named = senderFromFileName() {
            guard let resolved = Jurisdiction.resolve(sender: named, mapping: options.senders) else {
                throw IngestError(file: report.file, rule: .unknownSender, message: "the file name gives sender '\(named)', which has no known jurisdiction")
            }
            try checkWithinGivenSender(resolved, named: "the file name gives sender '\(named)'", given: "given for it")
            report.header.sender = named
            jurisdiction = resolved
        } else if let fallback = options.defaultSender {
            // The ledger records who sent the file, as it was given.
            report.header.sender = fallback.sender
            jurisdiction = fallback
        } else {
            throw IngestError(file: report.file, rule: .unknownSender,
                              message: "the file names no sender: give one (--sender CODE, or the pipeline source's sender) so its jurisdiction can be checked")
        }
        report.jurisdiction = jurisdiction
        cachedJurisdiction = jurisdiction
        return jurisdiction
    }

    private var cachedJurisdiction: Jurisdiction?

    /// A sender the file names must lie within the sender the source or command gives.
    private func checkWithinGivenSender(_ resolved: Jurisdiction, named: String, given: String) throws {
        guard let expected = options.defaultSender, !isWithin(resolved.root, expected.root) else { return }
        throw IngestError(file: report.file, rule: .unknownSender,
                          message: "\(named) (\(resolved.root)), outside the jurisdiction \(expected) \(given)")
    }

    /// The sender the file's name gives by the source's pattern, if any.
    private func senderFromFileName() -> String? {
        guard let pattern = options.senderFromFileName, let expression = try? NSRegularExpression(pattern: pattern) else { return nil }
        let name = (report.file as NSString).lastPathComponent
        guard let match = expression.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)), match.numberOfRanges > 1,
              let range = Range(match.range(at: 1), in: name) else { return nil }
        return String(name[range])
    }

    private func isWithin(_ code: RegionCode, _ root: RegionCode) -> Bool {
        if root == .national { return true }
        if let registry = registries?.editions.last, registry.contains(code), registry.contains(root) {
            return registry.isWithin(code, root)
        }
        return code.isWithin(root)
    }

    // MARK: Rows

    /// Checks one observation; a good one joins the current batch, a bad one is rejected with its reasons.
    public func add(_ fields: ObservationFields) throws {
        report.rowsRead += 1
        rowErrors = 0
        rowKey = ""
        let jurisdiction = try cachedJurisdiction ?? resolveJurisdiction()
        let action = fields.action.effective
        let isDelete = action == .delete

        // Period.
        var periodIndex = -1
        if fields.period.isEmpty {
            if !isDelete { try rowProblem(.missingDimension, .period, fields, "the period is empty") }
        } else if fields.period.count > Self.longestCode {
            try rowProblem(.malformedPeriod, .period, fields, "the period is \(fields.period.count) bytes long; a period is at most 10 characters (2024-09-30)")
        } else {
            periodIndex = periodInfo(fields.period)
            if periodIndex < 0 {
                try rowProblem(.malformedPeriod, .period, fields, "the file names more than \(ByteKeyTable.limit) different periods; no submission does")
            } else if periodBatchIndex[periodIndex] < 0 {
                let failure = periodErrors[periodIndex]!
                try rowProblem(failure.rule, .period, fields, failure.message)
                periodIndex = -1
            }
        }
        // Indicator.
        var indicatorIndex = -1
        if fields.indicator.isEmpty {
            if !isDelete { try rowProblem(.missingDimension, .indicator, fields, "the indicator is empty") }
        } else if fields.indicator.count > Self.longestCode {
            try rowProblem(.unknownIndicator, .indicator, fields, "the indicator is \(fields.indicator.count) bytes long; no code of the catalog \(catalog.version) is")
        } else {
            indicatorIndex = indicatorInfo(fields.indicator)
            if indicatorIndex < 0 {
                try rowProblem(.unknownIndicator, .indicator, fields, "the file names more than \(ByteKeyTable.limit) different indicators; the catalog \(catalog.version) has \(catalog.codes.count)")
            } else if indicatorBatchIndex[indicatorIndex] < 0 {
                try rowProblem(.unknownIndicator, .indicator, fields,
                               "indicator '\(indicatorTexts[indicatorIndex])' is not in the catalog \(catalog.version)")
                indicatorIndex = -1
            }
        }
        // Region, checked against the edition in force for the period's year.
        var region = ObservationBatch.wildcard
        var regionUnit: RegionLevelSpan?
        if fields.region.isEmpty {
            if !isDelete { try rowProblem(.missingDimension, .region, fields, "the region is empty") }
        } else if fields.region.count > Self.longestCode {
            try rowProblem(.malformedRegion, .region, fields, "the region is \(fields.region.count) bytes long; a region code has 2 to 12 digits")
        } else {
            let edition = periodIndex >= 0 ? periodEditions[periodIndex] : -2
            let info = regionInfo(fields.region, edition: edition, periodIndex: periodIndex, jurisdiction: jurisdiction)
            if info.failure < 0 {
                region = info.code
                regionUnit = info.span
            } else {
                let failure = regionFailure
                try rowProblem(failure.rule, .region, fields, failure.message)
            }
        }
        if !isDelete, region == ObservationBatch.wildcard || indicatorIndex < 0 || periodIndex < 0, rowErrors == 0 {
            try rowProblem(.wildcardOutsideDelete, .region, fields, "only a Delete may leave a dimension empty")
        }

        // The definition in force, its level, frequency and range.
        var rule: RowRule?
        if indicatorIndex >= 0, periodIndex >= 0 {
            let made = ruleFor(indicatorIndex, periodIndex)
            if made.definition < 0 {
                let failure = ruleFailures[made.failure]
                try rowProblem(failure.rule, .indicator, fields, failure.message)
            } else {
                rule = made
            }
        }
        if let rule, let span = regionUnit, !isDelete, rule.levels & span.mask == 0 {
            let definition = definitions[rule.definition], levels = definition.reportedLevels
            try rowProblem(.levelNotReported, .region, fields,
                           "\(definition.code) is reported by \(levels.isEmpty ? "no unit (it is computed)" : levels.map(\.description).joined(separator: ", ") + " units"); \(region.formatted) is a \(span.level)")
        }
        if !fields.frequency.isEmpty, periodIndex >= 0 {
            let period = periodValues[periodIndex]!
            let given = fields.frequency.trimmed
            if given.count != 1 || given[0] & 0xDF != period.frequency.rawValue.utf8.first! {
                try rowProblem(.frequencyMismatch, .frequency, fields,
                               "FREQ '\(fields.frequency.echo)' does not match period \(period) (frequency \(period.frequency))")
            }
        }

        // Value, status and unit (a delete needs none of them).
        var value = Double.nan
        var status: UInt8 = 0
        if !isDelete {
            if !fields.status.isEmpty {
                let text = fields.status.trimmed
                if text.count == 1, let code = ObservationStatus(code: text[0])?.code {
                    status = code
                } else {
                    try rowProblem(.unknownStatus, .status, fields, "OBS_STATUS '\(fields.status.echo)' is not a status code (A, B, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, S, U, V, W)")
                }
            }
            let isMissingStatus = status != 0 && ObservationStatus.isMissing(code: status)
            switch FieldText.number(fields.value) {
            case .value(let number):
                value = number
                if isMissingStatus {
                    try rowProblem(.statusInconsistent, .value, fields,
                                   "a value is given but OBS_STATUS '\(UnicodeScalar(status))' says it is missing")
                }
            case .missing:
                if !isMissingStatus {
                    try rowProblem(.missingValueWithoutStatus, .value, fields,
                                   "the value is missing and no OBS_STATUS says why (use M, L, O, Q or H)")
                }
            case .invalid:
                try rowProblem(.valueNotNumeric, .value, fields, "'\(fields.value.echo)' is not a number")
            }
            if let rule {
                if !fields.unit.isEmpty || !fields.unitMultiplier.isEmpty { value = try scaled(value, fields, rule) }
                if rule.hasRange, !value.isNaN, !(value >= rule.low && value <= rule.high) {
                    let definition = definitions[rule.definition]
                    try rowProblem(.valueOutOfRange, .value, fields,
                                   "\(NumberText.shortest(value)) \(definition.scaledUnit) is outside the valid range \(NumberText.shortest(rule.low))–\(NumberText.shortest(rule.high)) of \(definition.code)")
                }
            }
        }

        if rowErrors > 0 {
            report.rowsRejected += 1
            return
        }
        let indicator = indicatorIndex < 0 ? ObservationBatch.wildcardIndex : UInt16(indicatorBatchIndex[indicatorIndex])
        let period = periodIndex < 0 ? ObservationBatch.wildcardIndex : UInt16(periodBatchIndex[periodIndex])
        if options.detectDuplicates, !isDelete {
            let key = DuplicateKey(region: region, indicator: indicator, period: period)
            if let first = duplicates[key] {
                let same = (first.value == value || (first.value.isNaN && value.isNaN)) && first.status == status
                if same {
                    report.duplicatesMerged += 1
                    try rowProblem(.duplicateIdentical, .value, fields, "repeats line \(first.line) with the same value; merged")
                    return
                }
                if contradictory.insert(key).inserted {
                    // The first row was already accepted; name it too, so the clerk sees both lines.
                    report.rowsRejected += 1
                    report.contradictoryKeys.insert(ObservationKey(region: region, indicator: batchCodes[Int(indicator)],
                                                                   period: batchPeriods[Int(period)]))
                    try record(ValidationProblem(location: SourceLocation(file: report.file, line: Int(first.line)), key: rowKey.isEmpty ? fields.keyText : rowKey,
                                                 rule: .duplicateContradictory, value: NumberText.shortest(first.value),
                                                 message: "line \(fields.line) gives another value (\(NumberText.shortest(value))) for the same key; both are rejected"))
                }
                try rowProblem(.duplicateContradictory, .value, fields,
                               "contradicts line \(first.line) (\(NumberText.shortest(first.value)) there, \(NumberText.shortest(value)) here); both are rejected")
                report.rowsRejected += 1
                return
            }
            duplicates[key] = DuplicateEntry(value: value, status: status, line: Int32(clamping: fields.line))
        }
        batch.append(region: region, indicator: indicator, period: period, value: value, status: status,
                     action: action, line: Int32(clamping: fields.line))
        if batch.isFull { try flush() }
    }

    /// Rejects a CSV record whose field count differs from the header's.
    public func add(fieldCountProblem count: Int, expected: Int, line: Int) throws {
        report.rowsRead += 1
        report.rowsRejected += 1
        rowKey = ""
        try problem(.fieldCount, nil, .none, "the record has \(count) fields; the header has \(expected)", line: line)
    }

    /// Rejects a CSV record whose ACTION is not an SDMX action.
    public func add(actionProblem text: String, line: Int) throws {
        report.rowsRead += 1
        report.rowsRejected += 1
        rowKey = ""
        var location = locator?.location(of: .action) ?? SourceLocation(file: report.file, line: line)
        location.line = line
        try record(ValidationProblem(location: location, key: "", rule: .unknownAction, value: text,
                                     message: "ACTION '\(text)' is not an SDMX action (I, A, M, R, D)"))
    }

    /// Applies the unit multiplier the row gives (UNIT_MULT) to reach the catalog's scale, and checks the unit.
    private func scaled(_ value: Double, _ fields: ObservationFields, _ rule: RowRule) throws -> Double {
        let definition = definitions[rule.definition]
        if !fields.unit.isEmpty {
            let unit = fields.unit.trimmed.echo
            if !UnitCodes.matches(unit, definition.unit) {
                try rowProblem(.unitMismatch, .unit, fields, "unit '\(unit)' does not match \(definition.code)'s unit \(definition.unit)")
            }
        }
        guard !fields.unitMultiplier.isEmpty else { return value }
        guard let power = Int(fields.unitMultiplier.trimmed.text), (-12...15).contains(power) else {
            try rowProblem(.unitMismatch, .unitMultiplier, fields, "UNIT_MULT '\(fields.unitMultiplier.echo)' is not a power of ten (0, 3, 4, 8 …)")
            return value
        }
        let shift = power - definition.unitMultiplier
        return shift == 0 || value.isNaN ? value : value * pow10(shift)
    }

    private func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<abs(exponent) { result *= 10 }
        return exponent < 0 ? 1 / result : result
    }

    // MARK: Finishing

    /// Sends what is left and decides whether the submission as a whole may be applied.
    @discardableResult
    public func finish() throws -> ValidationReport {
        if batch.count > 0 { try flush() }
        report.rowsAccepted = report.rowsRead - report.rowsRejected - report.duplicatesMerged
        if report.rowsRead == 0 {
            report.shouldApply = false
            let what = switch report.format {
            case .csvLong?, .csvWide?, .sdmxCSV10?, .sdmxCSV20?: "a header and no rows"
            default: "no observation in any DataSet"
            }
            report.refusal = "the file holds \(what): nothing to apply; was the right file sent?"
            try problem(.emptySubmission, nil, .none, report.refusal!)
        }
        if case .submissionAbove(let rate) = options.policy, report.rowsRead > 0,
           Double(report.rowsRejected) / Double(report.rowsRead) > rate {
            report.shouldApply = false
            report.refusal = "\(report.rowsRejected) of \(report.rowsRead) rows are rejected, more than the \(NumberText.shortest(rate)) the pipeline allows: the whole submission is rejected"
            try problem(.submissionRejected, nil, .none, report.refusal!)
        }
        return report
    }

    private func flush() throws {
        try emit(batch.take(indicatorCodes: batchCodes, periodTable: batchPeriods))
    }

    // MARK: Problems

    private func rowProblem(_ rule: ValidationRule, _ role: FieldRole, _ fields: ObservationFields, _ message: String) throws {
        if rule.severity == .error { rowErrors += 1 }
        if rowKey.isEmpty { rowKey = fields.keyText }
        try problem(rule, role, fields[role], message, line: fields.line)
    }

    private func problem(_ rule: ValidationRule, _ role: FieldRole?, _ value: FieldBytes, _ message: String, line: Int? = nil) throws {
        var location = role.flatMap { locator?.location(of: $0) } ?? SourceLocation(file: report.file, line: line)
        if location.line == nil, location.element == nil { location.line = line }
        try record(ValidationProblem(location: location, key: rowKey, rule: rule, value: value.echo, message: message))
    }

    private func record(_ problem: ValidationProblem) throws {
        report.countsByRule[problem.rule, default: 0] += 1
        if problem.severity == .warning { report.warnings += 1 }
        if report.problems.count < options.problemCap { report.problems.append(problem) }
        try reject(problem)
    }

    // MARK: Per-file tables

    // The distinct period texts of the file: parsed period (or error), its index in the batch
    // tables, and the registry edition in force for its year (-1 none).
    private var periodValues: [Period?] = []
    private var periodErrors: [(rule: ValidationRule, message: String)?] = []
    private var periodBatchIndex: [Int] = []
    private var periodEditions: [Int] = []
    private var batchPeriods: [Period] = []
    // The distinct indicator texts: as written, and their index in the batch tables (-1 unknown).
    private var indicatorTexts: [String] = []
    private var indicatorBatchIndex: [Int] = []
    private var batchCodes: [String] = []
    // The rule for each (indicator, period) pair, made once: an index into `rules`, -1 until made
    // (4 bytes a pair, so even the most distinct codes a file may name stay small).
    private var ruleTable: [[Int32]] = []
    private var rules: [RowRule] = []
    private var definitions: [Indicator] = []

    /// What a row of one indicator in one period is checked against, small enough to copy per row.
    private struct RowRule {
        /// Index into `definitions`, or -1 when the pair is invalid.
        var definition: Int
        var hasRange = false
        var low = 0.0
        var high = 0.0
        /// Bit `level.rawValue` set for each reporting level.
        var levels: UInt8 = 0
        /// Index into `ruleFailures` when the pair is invalid (kept apart so the rule is plain data).
        var failure = -1
    }
    private var ruleFailures: [(rule: ValidationRule, message: String)] = []

    /// The checks of one region: its code and levels, or whether it failed (its problem is in
    /// `regionFailure`; only the last region's checks are kept, so one slot serves — a file of a
    /// million unknown regions holds one message, not a million). Plain data, so that handing it
    /// out per row costs no reference counting.
    private struct RegionInfo {
        var code: Int64 = 0
        var span = RegionLevelSpan(level: .national, lowest: .national)
        var failure = -1
    }
    private var regionFailure: (rule: ValidationRule, message: String) = (.unknownRegion, "")

    private func failedRegion(_ rule: ValidationRule, _ message: String) -> RegionInfo {
        regionFailure = (rule, message)
        return RegionInfo(failure: 0)
    }

    private struct RegionLevelSpan {
        var level: RegionLevel
        var lowest: RegionLevel
        /// Bit `level.rawValue` set for each level the unit stands for.
        var mask: UInt8 { (level.rawValue...lowest.rawValue).reduce(0) { $0 | 1 << UInt8($1) } }
    }

    private struct DuplicateKey: Hashable { var region: Int64; var indicator: UInt16; var period: UInt16 }
    private struct DuplicateEntry { var value: Double; var status: UInt8; var line: Int32 }

    private func periodInfo(_ bytes: FieldBytes) -> Int {
        let (index, inserted) = periodKeys.index(of: bytes)
        guard inserted else { return index }  // known, or -1: too many
        let text = FieldText.isASCII(bytes) ? bytes.trimmed.text : FieldText.normalized(bytes)
        do {
            let period = try Period(text)
            if let outside = catalog.periodWindow.problem(period, today: options.today) {
                periodValues.append(nil)
                periodErrors.append((.periodOutsideWindow, outside))
                periodBatchIndex.append(-1)
                periodEditions.append(-1)
                for row in ruleTable.indices { ruleTable[row].append(-1) }
                return index
            }
            var edition = -1
            if let registries { edition = (try? registries.inForce(for: period.year).edition) ?? -1 }
            periodValues.append(period)
            periodErrors.append(nil)
            periodBatchIndex.append(batchPeriods.count)
            periodEditions.append(edition)
            batchPeriods.append(period)
        } catch {
            periodValues.append(nil)
            periodErrors.append((.malformedPeriod, error.description))
            periodBatchIndex.append(-1)
            periodEditions.append(-1)
        }
        for row in ruleTable.indices { ruleTable[row].append(-1) }
        return index
    }

    private func indicatorInfo(_ bytes: FieldBytes) -> Int {
        let (index, inserted) = indicatorKeys.index(of: bytes)
        guard inserted else { return index }  // known, or -1: too many
        let code = FieldText.isASCII(bytes) ? bytes.trimmed.text : FieldText.normalized(bytes)
        indicatorTexts.append(code)
        if catalog.definitions(of: code).isEmpty {
            indicatorBatchIndex.append(-1)
        } else {
            indicatorBatchIndex.append(batchCodes.count)
            batchCodes.append(code)
        }
        ruleTable.append([Int32](repeating: -1, count: periodValues.count))
        return index
    }

    @inline(__always)
    private func ruleFor(_ indicatorIndex: Int, _ periodIndex: Int) -> RowRule {
        let known = ruleTable[indicatorIndex][periodIndex]
        if known >= 0 { return rules[Int(known)] }
        let rule = makeRule(indicatorTexts[indicatorIndex], periodValues[periodIndex]!)
        ruleTable[indicatorIndex][periodIndex] = Int32(rules.count)
        rules.append(rule)
        return rule
    }

    private func failedRule(_ rule: ValidationRule, _ message: String) -> RowRule {
        ruleFailures.append((rule, message))
        return RowRule(definition: -1, failure: ruleFailures.count - 1)
    }

    private func makeRule(_ code: String, _ period: Period) -> RowRule {
        guard let definition = catalog.definition(code, year: period.year) else {
            let windows = catalog.definitions(of: code).map { "\($0.validFrom)–\($0.validTo.map(String.init) ?? "")" }
            return failedRule(.indicatorNotValid, "\(code) has no definition valid in \(period.year) (valid \(windows.joined(separator: ", ")))")
        }
        guard definition.frequency == period.frequency else {
            return failedRule(.frequencyMismatch, "period \(period) has frequency \(period.frequency), but \(code) is reported with frequency \(definition.frequency)")
        }
        definitions.append(definition)
        var rule = RowRule(definition: definitions.count - 1)
        if let range = definition.validRange {
            rule.hasRange = true
            rule.low = range.lowerBound
            rule.high = range.upperBound
        }
        rule.levels = definition.reportedLevels.reduce(0) { $0 | 1 << UInt8($1.rawValue) }
        return rule
    }

    private var registryCache: (edition: Int, registry: RegionRegistry)?

    private func registryFor(edition: Int, in registries: RegistryEditions) -> RegionRegistry {
        if let cached = registryCache, cached.edition == edition { return cached.registry }
        let registry = edition >= 0 ? registries.editions.first { $0.edition == edition }! : registries.editions.last!
        registryCache = (edition, registry)
        return registry
    }

    private func regionInfo(_ bytes: FieldBytes, edition: Int, periodIndex: Int, jurisdiction: Jurisdiction) -> RegionInfo {
        if edition == lastRegionEdition, lastRegionBytes.withUnsafeBufferPointer({ $0.equals(bytes) }) { return lastRegion }
        lastRegionBytes = Array(bytes)
        lastRegionEdition = edition
        lastRegion = checkRegion(bytes, edition: edition, periodIndex: periodIndex, jurisdiction: jurisdiction)
        return lastRegion
    }

    private func checkRegion(_ bytes: FieldBytes, edition: Int, periodIndex: Int, jurisdiction: Jurisdiction) -> RegionInfo {
        let code: RegionCode
        do {
            if FieldText.isASCII(bytes) {
                code = try RegionCode(utf8: bytes.trimmed)
            } else {
                code = try RegionCode(FieldText.normalized(bytes))
            }
        } catch {
            return failedRegion(.malformedRegion, error.description)
        }
        var span = RegionLevelSpan(level: code.level, lowest: code.level)
        if let registries {
            guard edition != -1 else {
                let year = periodIndex >= 0 ? periodValues[periodIndex].map { String($0.year) } ?? "?" : "?"
                return failedRegion(.noRegistryEdition, "no division registry edition is in force for \(year) (loaded: \(registries.editions.map { String($0.edition) }.joined(separator: ", ")))")
            }
            let registry = registryFor(edition: edition, in: registries)
            guard let unit = registry.unit(code) else {
                return failedRegion(.unknownRegion, "region \(code) is not in the \(registry.edition) division registry")
            }
            span = RegionLevelSpan(level: unit.level, lowest: unit.lowestLevel)
            if jurisdiction.root != .national, !registry.isWithin(code, jurisdiction.root) {
                return failedRegion(.outsideJurisdiction, "sender \(jurisdiction.sender) may report only for \(jurisdiction.root.shortDescription) and the units below it; \(code) is outside")
            }
        } else if jurisdiction.root != .national, !code.isWithin(jurisdiction.root) {
            return failedRegion(.outsideJurisdiction, "sender \(jurisdiction.sender) may report only for \(jurisdiction.root.shortDescription) and the units below it; \(code) is outside")
        }
        return RegionInfo(code: code.rawValue, span: span)
    }
}

extension Int64 {
    var formatted: String { RegionCode(uncheckedRawValue: self).description }
}
