import RuralstatModel

/// The runs that touched a store, and how far each stage has got (watermarks), so that a run does
/// only what is new and a killed run is finished by the next.
///
/// One facet of ``IndicatorStore``.
public protocol RunLedger: Sendable {
    /// Records the start of a run and returns its id.
    func beginRun(command: String, parameters: [String: String]) throws -> Int64
    /// Records the end of a run.
    func finishRun(_ id: Int64, status: RunStatus, exitCode: Int32) throws
    /// Whether the store recorded a run with this id.
    func runExists(_ id: Int64) throws -> Bool
    /// The newest `limit` runs (all when nil), newest first, with what each did (`ruralstat runs`).
    func runs(limit: Int?) throws -> [StoredRun]
    /// Runs that started and never finished (the process was killed), newest first.
    func unfinishedRuns() throws -> [(id: Int64, startedAt: String, command: String)]
    /// Marks the runs that never finished as failed, so the ledger says what happened to them.
    func closeUnfinishedRuns(before id: Int64) throws
    /// A named progress mark of the nightly run: the newest submission a stage has taken in (0 when
    /// it never ran). Stages whose mark is behind the ledger have work to do — also after a crash.
    func watermark(_ name: String) throws -> Int64
    /// Records how far a stage has got (see ``watermark(_:)``).
    func setWatermark(_ name: String, _ value: Int64) throws
    /// A stored setting (`nil` when unset).
    func setting(_ key: String) throws -> String?
    /// Stores a setting (see ``setting(_:)``).
    func setSetting(_ key: String, _ value: String) throws
    /// Counts of what the store holds, for `ruralstat init` and the run summary.
    func summary() throws -> StoreSummary
}
