import RuralstatModel

/// What validating one submission found: counts, the problems (capped), and whether to apply it.
public struct ValidationReport: Sendable {
    public var file: String
    public var format: SubmissionFormat?
    public var header = MessageHeader()
    public var jurisdiction: Jurisdiction?
    public var rowsRead = 0
    public var rowsAccepted = 0
    public var rowsRejected = 0
    public var warnings = 0
    public var duplicatesMerged = 0
    /// Keys given twice with different values. Both rows are rejected; the first was already
    /// handed on (it came before its contradiction), so a consumer that keeps rows drops these keys.
    public var contradictoryKeys: Set<ObservationKey> = []
    /// Problems by rule, counted in full even beyond the cap.
    public var countsByRule: [ValidationRule: Int] = [:]
    /// The first problems, up to the cap.
    public var problems: [ValidationProblem] = []
    /// False when the whole submission must not be applied (error threshold, test message, no rows, fatal error).
    public var shouldApply = true
    /// Why the whole submission is not applied, when it is not.
    public var refusal: String?
    /// Set when the file could not be read at all.
    public var fatal: IngestError?

    public init(file: String) { self.file = file }

    public var errorCount: Int { countsByRule.filter { $0.key.severity == .error }.values.reduce(0, +) }
    public var hasErrors: Bool { errorCount > 0 || fatal != nil }
}
