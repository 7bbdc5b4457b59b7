import Foundation
import RuralstatModel

/// Checks every observation a reader finds against the registry and the catalog, and hands the
/// good ones on in columnar batches.
///
/// Format-blind: readers call ``add(_:)`` with raw field bytes; the validator parses codes, periods
/// and numbers itself, caching what repeats (files are sorted by region, and a file has few
/// indicators and periods), so that the per-row cost is a few comparisons.
///
/// The checks and all they remember are one value, ``RowChecks``: a row costs one run-time
/// exclusivity check on it, where a class's many properties would cost one each.
public final class SubmissionValidator {
    private var checks: RowChecks
    private let emit: (ObservationBatch) throws -> Void

    /// What the file has shown so far: rows read, accepted and rejected, the first problems.
    public var report: ValidationReport { checks.report }

    /// Set by the reader while it reads, so that problems name the element or column (and cleared
    /// after: a strong reference, because a weak one would put every retain of the reader on the slow path).
    public var locator: (any FieldLocator)? {
        get { checks.locator }
        set { checks.locator = newValue }
    }

    /// - Parameters:
    ///   - registries: the registry editions; `nil` checks codes by their digits only (benchmarks).
    ///   - emit: receives each full batch of accepted rows.
    ///   - reject: receives every problem (the rejects log); the report keeps only the first ones.
    public init(
        file: String, registries: RegistryEditions?, catalog: IndicatorCatalog, options: IngestOptions,
        emit: @escaping (ObservationBatch) throws -> Void, reject: @escaping (ValidationProblem) throws -> Void
    ) {
        self.checks = RowChecks(file: file, registries: registries, catalog: catalog, options: options, reject: reject)
        self.emit = emit
    }

    /// Records the message header; the sender's jurisdiction is resolved from it.
    public func setHeader(_ header: MessageHeader, format: SubmissionFormat) throws {
        checks.report.header = header
        checks.report.format = format
        if header.isTest {
            checks.report.shouldApply = false
            try checks.problem(.testMessage, nil, .none, "the message is marked Test=true: it is checked but not applied")
        }
    }

    /// Records a leniency: something the file does against the standard that ruralstat accepts.
    public func leniency(_ message: String, at location: SourceLocation) throws {
        try checks.record(ValidationProblem(location: location, key: "", rule: .leniency, value: "", message: message))
    }

    // MARK: Rows

    /// Checks one observation; a good one joins the current batch, a bad one is rejected with its reasons.
    public func add(_ fields: ObservationFields) throws {
        if checks.report.jurisdiction == nil { _ = try resolveJurisdiction() }
        if try checks.check(fields) { try flush() }
    }

    /// Rejects a CSV record whose field count differs from the header's.
    public func add(fieldCountProblem count: Int, expected: Int, line: Int) throws {
        try checks.rejectRecord(.fieldCount, role: nil, value: "", message: "the record has \(count) fields; the header has \(expected)", line: line)
    }

    /// Rejects a CSV record whose ACTION is not an SDMX action.
    public func add(actionProblem text: String, line: Int) throws {
        try checks.rejectRecord(.unknownAction, role: .action, value: text, message: "ACTION '\(text)' is not an SDMX action (I, A, M, R, D)", line: line)
    }

    // MARK: The sender

    private func resolveJurisdiction() throws -> Jurisdiction {
        if let jurisdiction = checks.report.jurisdiction { return jurisdiction }
        let options = checks.options, file = checks.report.file
        let jurisdiction: Jurisdiction
        if let sender = checks.report.header.sender {
            guard let resolved = Jurisdiction.resolve(sender: sender, mapping: options.senders) else {
                if let fallback = options.defaultSender {
                    checks.report.jurisdiction = fallback
                    try leniency(
                        "the header's sender '\(sender)' has no known jurisdiction; the source's sender \(fallback) is used",
                        at: SourceLocation(file: file))
                    return fallback
                }
                throw IngestError(
                    file: file, rule: .unknownSender,
                    message:
                        "the sender '\(sender)' has no known jurisdiction: map it to a region in the pipeline's senders, or end its id with its region code (CN_441900)"
                )
            }
            try checkWithinGivenSender(resolved, named: "the header names sender '\(sender)'", given: "this source is configured for")
            jurisdiction = resolved
        } else if let named = senderFromFileName() {
            guard let resolved = Jurisdiction.resolve(sender: named, mapping: options.senders) else {
                throw IngestError(file: file, rule: .unknownSender, message: "the file name gives sender '\(named)', which has no known jurisdiction")
            }
            try checkWithinGivenSender(resolved, named: "the file name gives sender '\(named)'", given: "given for it")
            checks.report.header.sender = named
            jurisdiction = resolved
        } else if let fallback = options.defaultSender {
            // The ledger records who sent the file, as it was given.
            checks.report.header.sender = fallback.sender
            jurisdiction = fallback
        } else {
            throw IngestError(
                file: file, rule: .unknownSender,
                message: "the file names no sender: give one (--sender CODE, or the pipeline source's sender) so its jurisdiction can be checked")
        }
        checks.report.jurisdiction = jurisdiction
        return jurisdiction
    }

    /// A sender the file names must lie within the sender the source or command gives.
    private func checkWithinGivenSender(_ resolved: Jurisdiction, named: String, given: String) throws {
        guard let expected = checks.options.defaultSender, !isWithin(resolved.root, expected.root) else { return }
        throw IngestError(
            file: checks.report.file, rule: .unknownSender,
            message: "\(named) (\(resolved.root)), outside the jurisdiction \(expected) \(given)")
    }

    /// The sender the file's name gives by the source's pattern, if any.
    private func senderFromFileName() -> String? {
        guard let pattern = checks.options.senderFromFileName, let expression = try? NSRegularExpression(pattern: pattern) else { return nil }
        let name = (checks.report.file as NSString).lastPathComponent
        guard let match = expression.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)), match.numberOfRanges > 1,
            let range = Range(match.range(at: 1), in: name)
        else { return nil }
        return String(name[range])
    }

    private func isWithin(_ code: RegionCode, _ root: RegionCode) -> Bool {
        if root == .national { return true }
        if let registry = checks.registries?.editions.last, registry.contains(code), registry.contains(root) {
            return registry.isWithin(code, root)
        }
        return code.isWithin(root)
    }

    // MARK: Finishing

    /// Sends what is left and decides whether the submission as a whole may be applied.
    @discardableResult
    public func finish() throws -> ValidationReport {
        if checks.batch.count > 0 { try flush() }
        try checks.finish()
        return checks.report
    }

    private func flush() throws {
        try emit(checks.takeBatch())
    }
}
