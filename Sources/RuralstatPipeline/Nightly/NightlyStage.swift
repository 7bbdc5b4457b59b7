import Foundation
import Logging
import RuralstatAggregate
import RuralstatAssessment
import RuralstatModel
import RuralstatRules
import RuralstatStore

/// One stage of the nightly run, as a value: when it has work, the work, and the line it leaves in
/// the run's summary. ``NightlyRun`` walks its stages in order with one loop (progress, timing, the
/// summary line, the log), so a new stage, such as the assessment, plugs in without growing it.
struct NightlyStage {
    /// The stage as a spec names it (`stages:`); a stage the spec leaves out does not run.
    let kind: PipelineSpec.Stage
    /// What the progress line shows after the stage's name (the report folder), if anything.
    var progressDetail = ""
    /// Whether the stage has work: submissions past its watermark, an earlier stage that ran, or a
    /// missing output.
    let isDue: (NightlyState) throws -> Bool
    /// Does the work and says what it did.
    let perform: (inout NightlyState) throws -> StageOutcome
    /// The summary's line when the stage had no work.
    let idleDetail: (NightlyState) throws -> String
    /// Runs once the stage's own line is in the summary, and only when the stage ran (the report
    /// stage writes the manifest, which lists every stage, itself included).
    var afterRecording: ((inout NightlyState) throws -> Void)?
}

/// What a stage did.
struct StageOutcome {
    /// Whether it changed anything (a stage that found nothing to take in did not run).
    var ran = true
    var detail: String
}

/// What the stages of one run share: the store and references, what earlier stages left for later
/// ones, and the summary they fill in.
struct NightlyState {
    let store: any IndicatorStore
    let registry: RegionRegistry
    let catalog: IndicatorCatalog
    let rules: RuleSet?
    /// The assessment spec, when the nightly spec names one.
    let assessment: AssessmentSpec?
    let runID: Int64
    let logger: Logger
    let startedAt: Date
    let references: ReferenceHashes
    /// The newest submission in the store when the stage began (stages after ingest see its files).
    var latestSubmission: Int64 = 0
    /// The stages that ran so far.
    var ran: Set<PipelineSpec.Stage> = []
    /// The quality checks' province passes a full rollup made on the tables it read.
    var qualityPasses: StoreQuality.Passes?
    var summary: NightlyRun.Summary
}

/// SHA-256 of the spec, registry, catalog and rules files, and of the references together (a change
/// in `combined` makes every stage run again).
struct ReferenceHashes {
    var spec: String
    var registry: String
    var catalog: String
    var rules: String?
    /// The assessment spec's (its own watermark; a change re-runs the assessment only).
    var assessment: String?
    var combined: String { [registry, catalog, rules ?? "-"].joined(separator: "|") }
}
