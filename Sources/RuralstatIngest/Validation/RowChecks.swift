import Foundation
import RuralstatModel

/// The checks of one file's rows, and all they remember between rows: the report, the batch being
/// filled, the per-file tables of the distinct periods and indicators, the last region, the keys
/// seen. A value that ``SubmissionValidator`` holds, so that a row costs one exclusivity check.
struct RowChecks: ~Copyable {
    let registries: RegistryEditions?
    let catalog: IndicatorCatalog
    let options: IngestOptions
    private let reject: (ValidationProblem) throws -> Void
    var locator: (any FieldLocator)?
    var report: ValidationReport
    private(set) var batch: BatchBuilder

    /// Longer codes are rejected before they are remembered: the per-file tables keep every distinct code.
    private static let longestCode = 128

    // The problems of the row being checked.
    private var rowErrors = 0
    private var rowKey = ""

    init(
        file: String, registries: RegistryEditions?, catalog: IndicatorCatalog, options: IngestOptions,
        reject: @escaping (ValidationProblem) throws -> Void
    ) {
        self.registries = registries
        self.catalog = catalog
        self.options = options
        self.reject = reject
        self.report = ValidationReport(file: file)
        self.batch = BatchBuilder(capacity: options.batchSize)
    }

    /// Checks one observation; a good one joins the batch, a bad one is rejected with its reasons.
    /// Returns whether the batch is full.
    /// The sender's jurisdiction is the report's, resolved before the first row (``SubmissionValidator``).
    mutating func check(_ fields: ObservationFields) throws -> Bool {
        report.rowsRead += 1
        rowErrors = 0
        rowKey = ""
        let action = fields.action.effective
        let isDelete = action == .delete

        let period = try checkPeriod(fields, isDelete: isDelete)
        let indicator = try checkIndicator(fields, isDelete: isDelete)
        let region = try checkRegion(fields, period: period, isDelete: isDelete)
        if !isDelete, region == nil || indicator == nil || period == nil, rowErrors == 0 {
            try rowProblem(.wildcardOutsideDelete, .region, fields, "only a Delete may leave a dimension empty")
        }
        let rule = try checkDefinition(fields, indicator: indicator, period: period, region: region, isDelete: isDelete)
        if !fields.frequency.isEmpty, let period { try checkFrequency(fields, period: period) }
        var value = Double.nan
        var status: UInt8 = 0
        if !isDelete { (value, status) = try checkValue(fields, rule: rule) }

        if rowErrors > 0 {
            report.rowsRejected += 1
            return false
        }
        let key = DuplicateKey(
            region: region?.code ?? ObservationBatch.wildcard,
            indicator: indicator.map { UInt16(indicators[$0].batchIndex!) } ?? ObservationBatch.wildcardIndex,
            period: period.map { UInt16(periods[$0].batchIndex!) } ?? ObservationBatch.wildcardIndex)
        if options.detectDuplicates, !isDelete, try !isFirst(key, value: value, status: status, fields) { return false }
        batch.append(
            region: key.region, indicator: key.indicator, period: key.period, value: value, status: status,
            action: action, line: Int32(clamping: fields.line))
        return batch.isFull
    }

    // MARK: The row's fields

    // Each check is a function of its own for reading; inlined, so a row costs no calls.

    /// The period: its index in the per-file table, or nil when it is empty (a wildcard) or rejected.
    @inline(__always)
    private mutating func checkPeriod(_ fields: ObservationFields, isDelete: Bool) throws -> Int? {
        if fields.period.isEmpty {
            if !isDelete { try rowProblem(.missingDimension, .period, fields, "the period is empty") }
            return nil
        }
        guard fields.period.count <= Self.longestCode else {
            try rowProblem(.malformedPeriod, .period, fields, "the period is \(fields.period.count) bytes long; a period is at most 10 characters (2024-09-30)")
            return nil
        }
        guard let index = periodIndex(fields.period) else {
            try rowProblem(.malformedPeriod, .period, fields, "the file names more than \(ByteKeyTable.limit) different periods; no submission does")
            return nil
        }
        if let failure = periods[index].failure {
            try rowProblem(failure.rule, .period, fields, failure.message)
            return nil
        }
        return index
    }

    /// The indicator: its index in the per-file table, or nil when it is empty (a wildcard) or rejected.
    @inline(__always)
    private mutating func checkIndicator(_ fields: ObservationFields, isDelete: Bool) throws -> Int? {
        if fields.indicator.isEmpty {
            if !isDelete { try rowProblem(.missingDimension, .indicator, fields, "the indicator is empty") }
            return nil
        }
        guard fields.indicator.count <= Self.longestCode else {
            try rowProblem(
                .unknownIndicator, .indicator, fields, "the indicator is \(fields.indicator.count) bytes long; no code of the catalog \(catalog.version) is")
            return nil
        }
        guard let index = indicatorIndex(fields.indicator) else {
            try rowProblem(
                .unknownIndicator, .indicator, fields,
                "the file names more than \(ByteKeyTable.limit) different indicators; the catalog \(catalog.version) has \(catalog.codes.count)")
            return nil
        }
        guard indicators[index].batchIndex != nil else {
            let mapped =
                options.mapping.map { $0.indicators.isEmpty ? "" : " nor among the codes its mapping \(($0.file as NSString).lastPathComponent) maps" } ?? ""
            try rowProblem(.unknownIndicator, .indicator, fields, "indicator '\(indicators[index].text)' is not in the catalog \(catalog.version)\(mapped)")
            return nil
        }
        return index
    }

    /// The region, checked against the edition in force for the period's year: nil when it is
    /// empty (a wildcard) or rejected.
    @inline(__always)
    private mutating func checkRegion(_ fields: ObservationFields, period: Int?, isDelete: Bool) throws -> CheckedRegion? {
        if fields.region.isEmpty {
            if !isDelete { try rowProblem(.missingDimension, .region, fields, "the region is empty") }
            return nil
        }
        guard fields.region.count <= Self.longestCode else {
            try rowProblem(.malformedRegion, .region, fields, "the region is \(fields.region.count) bytes long; a region code has 2 to 12 digits")
            return nil
        }
        let edition = period.map { periods[$0].edition } ?? .periodUnknown
        guard let region = regionCheck(fields.region, edition: edition, period: period) else {
            try rowProblem(regionFailure.rule, .region, fields, regionFailure.message)
            return nil
        }
        return region
    }

    /// The definition in force for the indicator in the period, and whether the region's level reports it.
    @inline(__always)
    private mutating func checkDefinition(
        _ fields: ObservationFields, indicator: Int?, period: Int?, region: CheckedRegion?,
        isDelete: Bool
    ) throws -> RowRule? {
        guard let indicator, let period else { return nil }
        let rule: RowRule
        switch ruleFor(indicator, period) {
        case .valid(let valid):
            rule = valid
        case .invalid(let failure):
            try rowProblem(ruleFailures[failure].rule, .indicator, fields, ruleFailures[failure].message)
            return nil
        }
        if let region, !isDelete, rule.levels & region.span.mask == 0 {
            let definition = definitions[rule.definition], levels = definition.reportedLevels
            try rowProblem(
                .levelNotReported, .region, fields,
                "\(definition.code) is reported by \(levels.isEmpty ? "no unit (it is computed)" : levels.map(\.description).joined(separator: ", ") + " units"); \(region.code.formatted) is a \(region.span.level)"
            )
        }
        return rule
    }

    /// FREQ, where the row gives it, must be the period's frequency.
    @inline(__always)
    private mutating func checkFrequency(_ fields: ObservationFields, period index: Int) throws {
        let period = periods[index].period!
        let given = fields.frequency.trimmed
        if given.count != 1 || given[0] & 0xDF != period.frequency.rawValue.utf8.first! {
            try rowProblem(
                .frequencyMismatch, .frequency, fields,
                "FREQ '\(fields.frequency.echo)' does not match period \(period) (frequency \(period.frequency))")
        }
    }

    /// The value, its status and unit (a delete needs none of them): the value at the catalog's scale.
    @inline(__always)
    private mutating func checkValue(_ fields: ObservationFields, rule: RowRule?) throws -> (value: Double, status: UInt8) {
        var value = Double.nan
        var status: UInt8 = 0
        if !fields.status.isEmpty {
            let text = fields.status.trimmed
            if text.count == 1, let code = ObservationStatus(code: text[0])?.code {
                status = code
            } else {
                try rowProblem(
                    .unknownStatus, .status, fields,
                    "OBS_STATUS '\(fields.status.echo)' is not a status code (A, B, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, S, U, V, W)")
            }
        }
        let isMissingStatus = status != 0 && ObservationStatus.isMissing(code: status)
        switch FieldText.number(fields.value) {
        case .value(let number):
            value = number
            if isMissingStatus {
                try rowProblem(.statusInconsistent, .value, fields, "a value is given but OBS_STATUS '\(UnicodeScalar(status))' says it is missing")
            }
        case .missing:
            if !isMissingStatus {
                try rowProblem(.missingValueWithoutStatus, .value, fields, "the value is missing and no OBS_STATUS says why (use M, L, O, Q or H)")
            }
        case .invalid:
            try rowProblem(.valueNotNumeric, .value, fields, "'\(fields.value.echo)' is not a number")
        }
        guard let rule else { return (value, status) }
        if !fields.unit.isEmpty || !fields.unitMultiplier.isEmpty { value = try scaled(value, fields, rule) }
        if rule.hasRange, !value.isNaN, !(value >= rule.low && value <= rule.high) {
            let definition = definitions[rule.definition]
            try rowProblem(
                .valueOutOfRange, .value, fields,
                "\(NumberText.shortest(value)) \(definition.scaledUnit) is outside the valid range \(NumberText.shortest(rule.low))–\(NumberText.shortest(rule.high)) of \(definition.code)"
            )
        }
        return (value, status)
    }

    /// Applies the unit multiplier the row gives (UNIT_MULT) to reach the catalog's scale, and checks the unit.
    private mutating func scaled(_ value: Double, _ fields: ObservationFields, _ rule: RowRule) throws -> Double {
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
        return shift == 0 || value.isNaN ? value : value * Self.pow10(shift)
    }

    private static func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<abs(exponent) { result *= 10 }
        return exponent < 0 ? 1 / result : result
    }

    // MARK: Repeated keys

    private struct DuplicateKey: Hashable { var region: Int64; var indicator: UInt16; var period: UInt16 }
    private struct DuplicateEntry { var value: Double; var status: UInt8; var line: Int32 }
    private var duplicates: [DuplicateKey: DuplicateEntry] = [:]
    private var contradictory: Set<DuplicateKey> = []

    /// Whether the row is the first of its key in the file. A repeat with the same value and status
    /// is merged (a warning); one that differs rejects both rows, the first named too.
    private mutating func isFirst(_ key: DuplicateKey, value: Double, status: UInt8, _ fields: ObservationFields) throws -> Bool {
        guard let first = duplicates[key] else {
            duplicates[key] = DuplicateEntry(value: value, status: status, line: Int32(clamping: fields.line))
            return true
        }
        let same = (first.value == value || (first.value.isNaN && value.isNaN)) && first.status == status
        if same {
            report.duplicatesMerged += 1
            try rowProblem(.duplicateIdentical, .value, fields, "repeats line \(first.line) with the same value; merged")
            return false
        }
        if contradictory.insert(key).inserted {
            // The first row was already accepted; name it too, so the clerk sees both lines.
            report.rowsRejected += 1
            report.contradictoryKeys.insert(
                ObservationKey(
                    region: key.region, indicator: batchCodes[Int(key.indicator)],
                    period: batchPeriods[Int(key.period)]))
            try record(
                ValidationProblem(
                    location: SourceLocation(file: report.file, line: Int(first.line)), key: rowKey.isEmpty ? fields.keyText : rowKey,
                    rule: .duplicateContradictory, value: NumberText.shortest(first.value),
                    message: "line \(fields.line) gives another value (\(NumberText.shortest(value))) for the same key; both are rejected"))
        }
        try rowProblem(
            .duplicateContradictory, .value, fields,
            "contradicts line \(first.line) (\(NumberText.shortest(first.value)) there, \(NumberText.shortest(value)) here); both are rejected")
        report.rowsRejected += 1
        return false
    }

    // MARK: Records that are no observation

    /// Rejects a record that never became an observation (a CSV record with the wrong field count,
    /// or an ACTION no standard knows).
    mutating func rejectRecord(_ rule: ValidationRule, role: FieldRole?, value: String, message: String, line: Int) throws {
        report.rowsRead += 1
        report.rowsRejected += 1
        rowKey = ""
        var location = role.flatMap { locator?.location(of: $0) } ?? SourceLocation(file: report.file, line: line)
        location.line = line
        try record(ValidationProblem(location: location, key: "", rule: rule, value: value, message: message))
    }

    // MARK: Finishing

    /// The batch of accepted rows so far, handed out.
    mutating func takeBatch() -> ObservationBatch {
        batch.take(indicatorCodes: batchCodes, periodTable: batchPeriods)
    }

    /// Counts what was accepted and decides whether the submission as a whole may be applied.
    mutating func finish() throws {
        report.rowsAccepted = report.rowsRead - report.rowsRejected - report.duplicatesMerged
        if report.rowsRead == 0 {
            report.shouldApply = false
            let what =
                switch report.format {
                case .csvLong?, .csvWide?, .sdmxCSV10?, .sdmxCSV20?: "a header and no rows"
                default: "no observation in any DataSet"
                }
            let refusal = "the file holds \(what): nothing to apply; was the right file sent?"
            report.refusal = refusal
            try problem(.emptySubmission, nil, .none, refusal)
        }
        if case .submissionAbove(let rate) = options.policy, report.rowsRead > 0,
            Double(report.rowsRejected) / Double(report.rowsRead) > rate
        {
            report.shouldApply = false
            let refusal =
                "\(report.rowsRejected) of \(report.rowsRead) rows are rejected, more than the \(NumberText.shortest(rate)) the pipeline allows: the whole submission is rejected"
            report.refusal = refusal
            try problem(.submissionRejected, nil, .none, refusal)
        }
    }

    // MARK: Problems

    private mutating func rowProblem(_ rule: ValidationRule, _ role: FieldRole, _ fields: ObservationFields, _ message: String) throws {
        if rule.severity == .error { rowErrors += 1 }
        if rowKey.isEmpty { rowKey = fields.keyText }
        try problem(rule, role, fields[role], message, line: fields.line)
    }

    mutating func problem(_ rule: ValidationRule, _ role: FieldRole?, _ value: FieldBytes, _ message: String, line: Int? = nil) throws {
        var location = role.flatMap { locator?.location(of: $0) } ?? SourceLocation(file: report.file, line: line)
        if location.line == nil, location.element == nil { location.line = line }
        try record(ValidationProblem(location: location, key: rowKey, rule: rule, value: value.echo, message: message))
    }

    mutating func record(_ problem: ValidationProblem) throws {
        report.countsByRule[problem.rule, default: 0] += 1
        if problem.severity == .warning { report.warnings += 1 }
        if report.problems.count < options.problemCap { report.problems.append(problem) }
        try reject(problem)
    }

    // MARK: Per-file tables

    /// A distinct period text of the file.
    private struct PeriodEntry {
        /// The period, or nil when the text is none.
        var period: Period?
        /// Why rows of this period are rejected, if they are.
        var failure: (rule: ValidationRule, message: String)?
        /// Its index in the batch's period table (nil when rejected).
        var batchIndex: Int?
        var edition: EditionInForce
    }

    /// The registry edition a region is checked against.
    private enum EditionInForce: Equatable {
        /// The edition in force for the period's year.
        case edition(Int)
        /// No edition is in force for the period's year (or no registry is loaded).
        case noneInForce
        /// The period itself was rejected: the latest edition serves.
        case periodUnknown
    }

    /// A distinct indicator text of the file: as written, and its index in the batch's indicator
    /// table (nil when the catalog does not know it).
    private struct IndicatorEntry {
        var text: String
        var batchIndex: Int?
    }

    private var periodKeys = ByteKeyTable()
    private var periods: [PeriodEntry] = []
    private var batchPeriods: [Period] = []
    private var indicatorKeys = ByteKeyTable()
    private var indicators: [IndicatorEntry] = []
    private var batchCodes: [String] = []

    /// The period's index in the per-file table, parsing it when it is new; nil past the table's limit.
    private mutating func periodIndex(_ bytes: FieldBytes) -> Int? {
        let (index, inserted) = periodKeys.index(of: bytes)
        guard index >= 0 else { return nil }
        guard inserted else { return index }
        defer { for row in ruleTable.indices { ruleTable[row].append(-1) } }
        let text = FieldText.isASCII(bytes) ? bytes.trimmed.text : FieldText.normalized(bytes)
        do {
            let period = try Period(text)
            if let outside = catalog.periodWindow.problem(period, today: options.today) {
                periods.append(PeriodEntry(period: nil, failure: (.periodOutsideWindow, outside), batchIndex: nil, edition: .noneInForce))
                return index
            }
            var edition = EditionInForce.noneInForce
            if let registries, let inForce = try? registries.inForce(for: period.year) { edition = .edition(inForce.edition) }
            periods.append(PeriodEntry(period: period, failure: nil, batchIndex: batchPeriods.count, edition: edition))
            batchPeriods.append(period)
        } catch {
            periods.append(PeriodEntry(period: nil, failure: (.malformedPeriod, error.description), batchIndex: nil, edition: .noneInForce))
        }
        return index
    }

    /// The indicator's index in the per-file table, looking it up when it is new; nil past the table's limit.
    private mutating func indicatorIndex(_ bytes: FieldBytes) -> Int? {
        let (index, inserted) = indicatorKeys.index(of: bytes)
        guard index >= 0 else { return nil }
        guard inserted else { return index }
        let text = FieldText.isASCII(bytes) ? bytes.trimmed.text : FieldText.normalized(bytes)
        let code = options.mapping?.indicators[text] ?? text  // the sender's code, as the mapping names it in the catalog
        if catalog.definitions(of: code).isEmpty {
            indicators.append(IndicatorEntry(text: code, batchIndex: nil))
        } else {
            indicators.append(IndicatorEntry(text: code, batchIndex: batchCodes.count))
            batchCodes.append(code)
        }
        ruleTable.append([Int32](repeating: -1, count: periods.count))
        return index
    }

    // MARK: Rules of (indicator, period) pairs

    /// What a row of one indicator in one period is checked against, small enough to copy per row.
    private struct RowRule {
        /// Index into `definitions`.
        var definition: Int
        var hasRange = false
        var low = 0.0
        var high = 0.0
        /// Bit `level.rawValue` set for each reporting level.
        var levels: UInt8 = 0
    }

    /// A pair's rule, or the index of why the pair is invalid in `ruleFailures` (kept apart, so
    /// that this stays plain data).
    private enum PairRule {
        case valid(RowRule)
        case invalid(Int)
    }

    // The rule of each (indicator, period) pair, made once: an index into `rules`, or -1 until it
    // is made (4 bytes a pair, so even the most distinct codes a file may name stay small).
    private var ruleTable: [[Int32]] = []
    private var rules: [PairRule] = []
    private var definitions: [Indicator] = []
    private var ruleFailures: [(rule: ValidationRule, message: String)] = []

    @inline(__always)
    private mutating func ruleFor(_ indicator: Int, _ period: Int) -> PairRule {
        let known = ruleTable[indicator][period]
        if known >= 0 { return rules[Int(known)] }
        let rule = makeRule(indicators[indicator].text, periods[period].period!)
        ruleTable[indicator][period] = Int32(rules.count)
        rules.append(rule)
        return rule
    }

    private mutating func makeRule(_ code: String, _ period: Period) -> PairRule {
        guard let definition = catalog.definition(code, year: period.year) else {
            let windows = catalog.definitions(of: code).map { "\($0.validFrom)–\($0.validTo.map(String.init) ?? "")" }
            return failedRule(.indicatorNotValid, "\(code) has no definition valid in \(period.year) (valid \(windows.joined(separator: ", ")))")
        }
        guard definition.frequency == period.frequency else {
            return failedRule(
                .frequencyMismatch, "period \(period) has frequency \(period.frequency), but \(code) is reported with frequency \(definition.frequency)")
        }
        definitions.append(definition)
        var rule = RowRule(definition: definitions.count - 1)
        if let range = definition.validRange {
            rule.hasRange = true
            rule.low = range.lowerBound
            rule.high = range.upperBound
        }
        rule.levels = definition.reportedLevels.reduce(0) { $0 | 1 << UInt8($1.rawValue) }
        return .valid(rule)
    }

    private mutating func failedRule(_ rule: ValidationRule, _ message: String) -> PairRule {
        ruleFailures.append((rule, message))
        return .invalid(ruleFailures.count - 1)
    }

    // MARK: Regions

    /// A region that passed its checks: its code and the levels it stands for. Plain data, so that
    /// handing it out per row costs no reference counting.
    private struct CheckedRegion {
        var code: Int64
        var span: RegionLevelSpan
    }

    private struct RegionLevelSpan {
        var level: RegionLevel
        var lowest: RegionLevel
        /// Bit `level.rawValue` set for each level the unit stands for.
        var mask: UInt8 { (level.rawValue...lowest.rawValue).reduce(0) { $0 | 1 << UInt8($1) } }
    }

    // The last region seen, with its checks (rows come sorted by region). Only the last region's
    // checks are kept, so one slot holds why it failed: a file of a million unknown regions holds
    // one message, not a million.
    private var lastRegionBytes: [UInt8] = []
    private var lastRegionEdition: EditionInForce?
    private var lastRegion: CheckedRegion?
    private var regionFailure: (rule: ValidationRule, message: String) = (.unknownRegion, "")
    private var registryCache: (edition: EditionInForce, registry: RegionRegistry)?

    /// The region's checks, remembered for the rows of the same region that follow; nil when it
    /// failed (why is in `regionFailure`).
    private mutating func regionCheck(_ bytes: FieldBytes, edition: EditionInForce, period: Int?) -> CheckedRegion? {
        if edition == lastRegionEdition, lastRegionBytes.withUnsafeBufferPointer({ $0.equals(bytes) }) { return lastRegion }
        // The bytes are kept in the same storage (a region changes every few rows: no allocation each time).
        lastRegionBytes.removeAll(keepingCapacity: true)
        lastRegionBytes.append(contentsOf: bytes)
        lastRegionEdition = edition
        lastRegion = checkRegionCode(bytes, edition: edition, period: period, jurisdiction: report.jurisdiction!)
        return lastRegion
    }

    private mutating func failedRegion(_ rule: ValidationRule, _ message: String) -> CheckedRegion? {
        regionFailure = (rule, message)
        return nil
    }

    private mutating func checkRegionCode(_ bytes: FieldBytes, edition: EditionInForce, period: Int?, jurisdiction: Jurisdiction) -> CheckedRegion? {
        let code: RegionCode
        do {
            code = FieldText.isASCII(bytes) ? try RegionCode(utf8: bytes.trimmed) : try RegionCode(FieldText.normalized(bytes))
        } catch {
            return failedRegion(.malformedRegion, error.description)
        }
        var span = RegionLevelSpan(level: code.level, lowest: code.level)
        if let registries {
            guard edition != .noneInForce else {
                let year = period.flatMap { periods[$0].period }.map { String($0.year) } ?? "?"
                return failedRegion(
                    .noRegistryEdition,
                    "no division registry edition is in force for \(year) (loaded: \(registries.editions.map { String($0.edition) }.joined(separator: ", ")))")
            }
            let registry = registryFor(edition, in: registries)
            guard let unit = registry.unit(code) else {
                return failedRegion(.unknownRegion, "region \(code) is not in the \(registry.edition) division registry")
            }
            span = RegionLevelSpan(level: unit.level, lowest: unit.lowestLevel)
            if jurisdiction.root != .national, !registry.isWithin(code, jurisdiction.root) {
                return failedRegion(
                    .outsideJurisdiction,
                    "sender \(jurisdiction.sender) may report only for \(jurisdiction.root.shortDescription) and the units below it; \(code) is outside")
            }
        } else if jurisdiction.root != .national, !code.isWithin(jurisdiction.root) {
            return failedRegion(
                .outsideJurisdiction,
                "sender \(jurisdiction.sender) may report only for \(jurisdiction.root.shortDescription) and the units below it; \(code) is outside")
        }
        return CheckedRegion(code: code.rawValue, span: span)
    }

    private mutating func registryFor(_ edition: EditionInForce, in registries: RegistryEditions) -> RegionRegistry {
        if let cached = registryCache, cached.edition == edition { return cached.registry }
        let registry: RegionRegistry
        if case .edition(let number) = edition { registry = registries.editions.first { $0.edition == number }! } else { registry = registries.editions.last! }
        registryCache = (edition, registry)
        return registry
    }
}

extension Int64 {
    var formatted: String { RegionCode(uncheckedRawValue: self).description }
}
