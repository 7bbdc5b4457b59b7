import RuralstatModel

/// Checks every observation a reader finds against the registry and the catalog, and hands the
/// good ones on in columnar batches.
///
/// Format-blind: readers call ``add(_:)`` with raw field bytes; the validator parses codes, periods
/// and numbers itself, caching what repeats (files are sorted by region, and a file has few
/// indicators and periods), so that the per-row cost is a few comparisons.
public final class SubmissionValidator {
    public private(set) var report: ValidationReport
    /// Set by the reader before it reports observations.
    public weak var locator: (any FieldLocator)?

    private let registries: RegistryEditions?
    private let catalog: IndicatorCatalog
    private let options: IngestOptions
    private let emit: (ObservationBatch) throws -> Void
    private let reject: (ValidationProblem) throws -> Void

    private var batch: ObservationBatch
    private var held: [ObservationBatch] = []

    // Per-file tables of the distinct indicator and period texts.
    private var indicatorKeys = ByteKeyTable()
    private var indicatorInfos: [IndicatorInfo] = []
    private var periodKeys = ByteKeyTable()
    private var periodInfos: [PeriodInfo] = []
    private var rules: [Int: RowRule] = [:]

    // The last region seen, with its checks (rows come sorted by region).
    private var lastRegionBytes: [UInt8] = []
    private var lastRegionEdition = -1
    private var lastRegion: RegionInfo = .invalid(.malformedRegion, "")

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
        self.batch = ObservationBatch(capacity: options.batchSize)
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
                    try leniency("the header's sender '\(sender)' has no known jurisdiction; the source's sender \(fallback) is used",
                                 at: SourceLocation(file: report.file))
                    return fallback
                }
                throw IngestError(file: report.file, rule: .unknownSender,
                                  message: "the sender '\(sender)' has no known jurisdiction: map it to a region in the pipeline's senders, or end its id with its region code (CN_441900)")
            }
            if let expected = options.defaultSender, expected.root != resolved.root, !isWithin(resolved.root, expected.root) {
                throw IngestError(file: report.file, rule: .unknownSender,
                                  message: "the header names sender '\(sender)' (\(resolved.root)), outside the jurisdiction \(expected) this source is configured for")
            }
            jurisdiction = resolved
        } else if let fallback = options.defaultSender {
            jurisdiction = fallback
        } else {
            throw IngestError(file: report.file, rule: .unknownSender,
                              message: "the file names no sender: give one (--sender CODE, or the pipeline source's sender) so its jurisdiction can be checked")
        }
        report.jurisdiction = jurisdiction
        return jurisdiction
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
        let jurisdiction = try resolveJurisdiction()
        let action = fields.action.effective
        let isDelete = action == .delete

        // Period.
        var periodIndex = -1
        if fields.period.isEmpty {
            if !isDelete { try rowProblem(.missingDimension, .period, fields, "the period is empty") }
        } else {
            periodIndex = periodInfo(fields.period)
            if case .invalid(let message) = periodInfos[periodIndex] {
                try rowProblem(.malformedPeriod, .period, fields, message)
                periodIndex = -1
            }
        }
        // Indicator.
        var indicatorIndex = -1
        if fields.indicator.isEmpty {
            if !isDelete { try rowProblem(.missingDimension, .indicator, fields, "the indicator is empty") }
        } else {
            indicatorIndex = indicatorInfo(fields.indicator)
            if case .unknown(let code) = indicatorInfos[indicatorIndex] {
                try rowProblem(.unknownIndicator, .indicator, fields, "indicator '\(code)' is not in the catalog \(catalog.version)")
                indicatorIndex = -1
            }
        }
        // Region, checked against the edition in force for the period's year.
        var region = ObservationBatch.wildcard
        var regionUnit: RegionLevelSpan?
        if fields.region.isEmpty {
            if !isDelete { try rowProblem(.missingDimension, .region, fields, "the region is empty") }
        } else {
            let edition: Int
            if periodIndex >= 0, case .valid(_, _, let registryEdition) = periodInfos[periodIndex] { edition = registryEdition } else { edition = -2 }
            switch regionInfo(fields.region, edition: edition, periodIndex: periodIndex, jurisdiction: jurisdiction) {
            case .valid(let code, let span):
                region = code
                regionUnit = span
            case .invalid(let rule, let message):
                try rowProblem(rule, .region, fields, message)
            }
        }
        if !isDelete, region == ObservationBatch.wildcard || indicatorIndex < 0 || periodIndex < 0, rowErrors == 0 {
            try rowProblem(.wildcardOutsideDelete, .region, fields, "only a Delete may leave a dimension empty")
        }

        // The definition in force, its level, frequency and range.
        var rule: RowRule?
        if indicatorIndex >= 0, periodIndex >= 0 {
            let key = indicatorIndex << 20 | periodIndex
            if let cached = rules[key] { rule = cached } else {
                let made = makeRule(indicatorIndex, periodIndex)
                rules[key] = made
                rule = made
            }
            if case .invalid(let ruleCode, let message) = rule! {
                try rowProblem(ruleCode, .indicator, fields, message)
                rule = nil
            }
        }
        if case .valid(let definition, _, let levels)? = rule, let span = regionUnit, !isDelete,
           !levels.contains(where: { $0 >= span.level && $0 <= span.lowest }) {
            try rowProblem(.levelNotReported, .region, fields,
                           "\(definition.code) is reported by \(levels.isEmpty ? "no unit (it is computed)" : levels.map(\.description).joined(separator: ", ") + " units"); \(region.formatted) is a \(span.level)")
        }
        if !fields.frequency.isEmpty, periodIndex >= 0, case .valid(let period, _, _) = periodInfos[periodIndex],
           fields.frequency.trimmed.text.uppercased() != period.frequency.rawValue {
            try rowProblem(.frequencyMismatch, .frequency, fields,
                           "FREQ '\(fields.frequency.text)' does not match period \(period) (frequency \(period.frequency))")
        }

        // Value, status and unit (a delete needs none of them).
        var value = Double.nan
        var status: UInt8 = 0
        if !isDelete {
            if !fields.status.isEmpty {
                let text = fields.status.trimmed
                if let parsed = text.count == 1 ? ObservationStatus(code: text[0]) : nil {
                    status = parsed.code
                } else {
                    try rowProblem(.unknownStatus, .status, fields, "OBS_STATUS '\(fields.status.text)' is not a status code (A, B, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, S, U, V, W)")
                }
            }
            let isMissingStatus = status != 0 && ObservationStatus(code: status)!.isMissing
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
                try rowProblem(.valueNotNumeric, .value, fields, "'\(fields.value.text)' is not a number")
            }
            if case .valid(let definition, let range, _)? = rule {
                value = try scaled(value, fields, definition)
                if let range, !value.isNaN, !range.contains(value) {
                    try rowProblem(.valueOutOfRange, .value, fields,
                                   "\(value.formatted) \(definition.scaledUnit) is outside the valid range \(range.lowerBound.formatted)–\(range.upperBound.formatted) of \(definition.code)")
                }
            }
        }

        if rowErrors > 0 {
            report.rowsRejected += 1
            return
        }
        let indicator = indicatorIndex < 0 ? ObservationBatch.wildcardIndex : UInt16(indicatorInfos[indicatorIndex].batchIndex)
        let period: UInt16
        if periodIndex >= 0, case .valid(_, let batchIndex, _) = periodInfos[periodIndex] { period = UInt16(batchIndex) } else { period = ObservationBatch.wildcardIndex }
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
                    try rowProblem(.duplicateContradictory, .value, fields,
                                   "contradicts line \(first.line) (\(first.value.formatted) there, \(value.formatted) here); both are rejected")
                } else {
                    try rowProblem(.duplicateContradictory, .value, fields, "contradicts an earlier row for the same key; rejected")
                }
                report.rowsRejected += 1
                return
            }
            duplicates[key] = DuplicateEntry(value: value, status: status, line: Int32(clamping: fields.line))
        }
        batch.append(region: region, indicator: indicator, period: period, value: value, status: status,
                     action: action, line: Int32(clamping: fields.line))
        if batch.count >= options.batchSize { try flush() }
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

    /// Applies the unit multiplier the row gives (UNIT_MULT) to reach the catalog's scale.
    private func scaled(_ value: Double, _ fields: ObservationFields, _ definition: Indicator) throws -> Double {
        if !fields.unit.isEmpty {
            let unit = fields.unit.trimmed.text
            if !UnitCodes.matches(unit, definition.unit) {
                try rowProblem(.unitMismatch, .unit, fields, "unit '\(unit)' does not match \(definition.code)'s unit \(definition.unit)")
            }
        }
        guard !fields.unitMultiplier.isEmpty else { return value }
        guard let power = Int(fields.unitMultiplier.trimmed.text), (-12...15).contains(power) else {
            try rowProblem(.unitMismatch, .unitMultiplier, fields, "UNIT_MULT '\(fields.unitMultiplier.text)' is not a power of ten (0, 3, 4, 8 …)")
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
        if !batch.isEmpty { try flush(force: true) }
        if options.detectDuplicates {
            try releaseHeld()
        }
        report.rowsAccepted = report.rowsRead - report.rowsRejected - report.duplicatesMerged
        if case .submissionAbove(let rate) = options.policy, report.rowsRead > 0,
           Double(report.rowsRejected) / Double(report.rowsRead) > rate {
            report.shouldApply = false
            try problem(.submissionRejected, nil, .none,
                        "\(report.rowsRejected) of \(report.rowsRead) rows are rejected, more than the \(rate.formatted) the pipeline allows: the whole submission is rejected")
        }
        return report
    }

    private func flush(force: Bool = false) throws {
        batch.indicatorCodes = indicatorInfos.compactMap(\.code)
        batch.periodTable = periodInfos.compactMap(\.period)
        if options.detectDuplicates {
            // Hold batches until the end: a later row may contradict an earlier one.
            held.append(batch)
        } else {
            try emit(batch)
        }
        batch = ObservationBatch(capacity: force ? 0 : options.batchSize)
    }

    private func releaseHeld() throws {
        for var batch in held {
            if !contradictory.isEmpty {
                var kept = ObservationBatch(indicatorCodes: batch.indicatorCodes, periodTable: batch.periodTable, capacity: batch.count)
                for index in 0..<batch.count {
                    let key = DuplicateKey(region: batch.regions[index], indicator: batch.indicators[index], period: batch.periods[index])
                    if contradictory.contains(key) {
                        report.rowsRejected += 1
                        let row = batch.row(index)
                        try record(ValidationProblem(
                            location: SourceLocation(file: report.file, line: row.line), key: "\(row.region!)|\(row.indicator!)|\(row.period!)",
                            rule: .duplicateContradictory, value: row.value.formatted,
                            message: "a later row for the same key has another value; both are rejected"))
                        continue
                    }
                    kept.append(region: batch.regions[index], indicator: batch.indicators[index], period: batch.periods[index],
                                value: batch.values[index], status: batch.statuses[index],
                                action: Action(rawValue: batch.actions[index])!, line: batch.lines[index])
                }
                batch = kept
            }
            if !batch.isEmpty { try emit(batch) }
        }
        held.removeAll()
    }

    // MARK: Problems

    private func rowProblem(_ rule: ValidationRule, _ role: FieldRole, _ fields: ObservationFields, _ message: String) throws {
        if rule.severity == .error { rowErrors += 1 }
        if rowKey.isEmpty {
            rowKey = [fields.region, fields.indicator, fields.period].map { $0.trimmed.text }.joined(separator: "|")
        }
        try problem(rule, role, fields[role], message, line: fields.line)
    }

    private func problem(_ rule: ValidationRule, _ role: FieldRole?, _ value: FieldBytes, _ message: String, line: Int? = nil) throws {
        var location = role.flatMap { locator?.location(of: $0) } ?? SourceLocation(file: report.file, line: line)
        if location.line == nil, location.element == nil { location.line = line }
        try record(ValidationProblem(location: location, key: rowKey, rule: rule, value: value.text, message: message))
    }

    private func record(_ problem: ValidationProblem) throws {
        report.countsByRule[problem.rule, default: 0] += 1
        if problem.severity == .warning { report.warnings += 1 }
        if report.problems.count < options.problemCap { report.problems.append(problem) }
        try reject(problem)
    }

    // MARK: Per-file tables

    private enum PeriodInfo {
        case valid(Period, batchIndex: Int, edition: Int)
        case invalid(String)
        var period: Period? { if case .valid(let period, _, _) = self { period } else { nil } }
    }

    private enum IndicatorInfo {
        case known(code: String, batchIndex: Int)
        case unknown(String)
        var code: String? { if case .known(let code, _) = self { code } else { nil } }
        var batchIndex: Int { if case .known(_, let index) = self { index } else { -1 } }
    }

    private enum RegionInfo {
        case valid(Int64, RegionLevelSpan)
        case invalid(ValidationRule, String)
    }

    private struct RegionLevelSpan { var level: RegionLevel; var lowest: RegionLevel }

    private enum RowRule {
        case valid(Indicator, range: ClosedRange<Double>?, levels: [RegionLevel])
        case invalid(ValidationRule, String)
    }

    private struct DuplicateKey: Hashable { var region: Int64; var indicator: UInt16; var period: UInt16 }
    private struct DuplicateEntry { var value: Double; var status: UInt8; var line: Int32 }

    private func periodInfo(_ bytes: FieldBytes) -> Int {
        let (index, inserted) = periodKeys.index(of: bytes)
        guard inserted else { return index }
        let text = FieldText.isASCII(bytes) ? bytes.trimmed.text : FieldText.normalized(bytes)
        do {
            let period = try Period(text)
            var edition = -1
            if let registries {
                do { edition = try registries.inForce(for: period.year).edition } catch { edition = -1 }
            }
            let batchIndex = periodInfos.compactMap(\.period).count
            periodInfos.append(.valid(period, batchIndex: batchIndex, edition: edition))
        } catch {
            periodInfos.append(.invalid(error.description))
        }
        return index
    }

    private func indicatorInfo(_ bytes: FieldBytes) -> Int {
        let (index, inserted) = indicatorKeys.index(of: bytes)
        guard inserted else { return index }
        let code = FieldText.isASCII(bytes) ? bytes.trimmed.text : FieldText.normalized(bytes)
        if catalog.definitions(of: code).isEmpty {
            indicatorInfos.append(.unknown(code))
        } else {
            indicatorInfos.append(.known(code: code, batchIndex: indicatorInfos.compactMap(\.code).count))
        }
        return index
    }

    private func makeRule(_ indicatorIndex: Int, _ periodIndex: Int) -> RowRule {
        guard case .known(let code, _) = indicatorInfos[indicatorIndex],
              case .valid(let period, _, _) = periodInfos[periodIndex] else { return .invalid(.unknownIndicator, "") }
        guard let definition = catalog.definition(code, year: period.year) else {
            let windows = catalog.definitions(of: code).map { "\($0.validFrom)–\($0.validTo.map(String.init) ?? "")" }
            return .invalid(.indicatorNotValid, "\(code) has no definition valid in \(period.year) (valid \(windows.joined(separator: ", ")))")
        }
        guard definition.frequency == period.frequency else {
            return .invalid(.frequencyMismatch, "period \(period) has frequency \(period.frequency), but \(code) is reported with frequency \(definition.frequency)")
        }
        return .valid(definition, range: definition.validRange, levels: definition.reportedLevels)
    }

    private func regionInfo(_ bytes: FieldBytes, edition: Int, periodIndex: Int, jurisdiction: Jurisdiction) -> RegionInfo {
        if edition == lastRegionEdition, lastRegionBytes.withUnsafeBufferPointer({ $0.equals(bytes) }) { return lastRegion }
        lastRegionBytes = Array(bytes)
        lastRegionEdition = edition
        lastRegion = checkRegion(bytes, edition: edition, periodIndex: periodIndex, jurisdiction: jurisdiction)
        return lastRegion
    }

    private func checkRegion(_ bytes: FieldBytes, edition: Int, periodIndex: Int, jurisdiction: Jurisdiction) -> RegionInfo {
        let text = FieldText.isASCII(bytes) ? bytes.trimmed.text : FieldText.normalized(bytes)
        let code: RegionCode
        do { code = try RegionCode(text) } catch { return .invalid(.malformedRegion, error.description) }
        var span = RegionLevelSpan(level: code.level, lowest: code.level)
        if let registries {
            guard edition != -1 else {
                let year = periodIndex >= 0 ? periodInfos[periodIndex].period.map { String($0.year) } ?? "?" : "?"
                return .invalid(.noRegistryEdition, "no division registry edition is in force for \(year) (loaded: \(registries.editions.map { String($0.edition) }.joined(separator: ", ")))")
            }
            let registry = edition >= 0 ? registries.editions.first { $0.edition == edition }! : registries.editions.last!
            guard let unit = registry.unit(code) else {
                return .invalid(.unknownRegion, "region \(code) is not in the \(registry.edition) division registry")
            }
            span = RegionLevelSpan(level: unit.level, lowest: unit.lowestLevel)
            if jurisdiction.root != .national, !registry.isWithin(code, jurisdiction.root) {
                return .invalid(.outsideJurisdiction, "sender \(jurisdiction.sender) may report only for \(jurisdiction.root.shortDescription) and the units below it; \(code) is outside")
            }
        } else if jurisdiction.root != .national, !code.isWithin(jurisdiction.root) {
            return .invalid(.outsideJurisdiction, "sender \(jurisdiction.sender) may report only for \(jurisdiction.root.shortDescription) and the units below it; \(code) is outside")
        }
        return .valid(code.rawValue, span)
    }
}

extension Double {
    /// A number as people read it in messages: integers without `.0`, others with up to 6 decimals.
    var formatted: String {
        if isNaN { return "NaN" }
        if self == rounded(), abs(self) < 1e15 { return String(Int64(self)) }
        var text = String(self)
        if text.contains("e") { return text }
        if let dot = text.firstIndex(of: "."), text.distance(from: dot, to: text.endIndex) > 7 {
            text = String(text[...text.index(dot, offsetBy: 6)])
        }
        return text
    }
}

extension Int64 {
    var formatted: String { RegionCode(uncheckedRawValue: self).description }
}
