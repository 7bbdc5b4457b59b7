import ArgumentParser
import Foundation
import Logging
import RuralstatModel
import RuralstatPipeline

/// `ruralstat run SPEC`: the nightly job.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline: ingest new submissions, roll up what they changed, check quality, write the reports.",
        discussion: """
            The spec (e.g. pipelines/nightly.yaml) names the sources of submissions and who sent them, the registry,
            catalog and rules, the store, the stages, the thresholds and the reports. A second run with no new files does
            nothing and says so; a changed file is a revision. A run killed at any moment is finished by the next one.
            Two runs never share a store at once: the second waits (--wait) or exits.

            Progress goes to the terminal (quiet when it is not one); JSON-lines logs are appended to
            <reports>/logs/runs.jsonl (and to standard error with --log-format json).

            Exit status (the spec's exit_status section sets the policy): 0 clean; 1 done, but this run rejected data or
            found new error-level findings (by default; 'on_error_findings: open' also counts standing ones); 2 the run failed.
            A spec that is not valid exits 1 and names every problem.
            """
    )

    @Argument(help: "The pipeline spec (YAML).")
    var spec: String

    @Option(
        help: ArgumentHelp(
            "The store, instead of the spec's: a SQLite file, or a PostgreSQL database as postgresql://ROLE@HOST/DATABASE (see the README's server store).",
            valueName: "path-or-url"))
    var store: String?

    @Option(help: "Seconds to wait for another run holding the store.")
    var wait = 0.0

    @Option(help: "Worker threads (default: the cores).")
    var workers = ProcessInfo.activeProcessors

    @Option(help: "Also write the JSON-lines log to standard error: text (the default, no) or json.")
    var logFormat: LogFormat = .text

    enum LogFormat: String, ExpressibleByArgument { case text, json }

    func run() throws {
        // The log opens first, so that a run that fails at start-up (a bad spec, a missing registry, a
        // held lock) leaves its line in runs.jsonl too.
        let logFile = (PipelineSpec.reportsFolder(ofSpecAt: spec) as NSString).appendingPathComponent("logs/runs.jsonl")
        let file = try JSONLinesLogHandler.Sink(appendingTo: logFile)
        let stderr = logFormat == .json ? JSONLinesLogHandler.Sink(handle: .standardError) : nil
        let logger = Logger(label: "ruralstat.run") { label in
            MultiplexLogHandler([JSONLinesLogHandler(label: label, sink: file)] + (stderr.map { [JSONLinesLogHandler(label: label, sink: $0)] } ?? []))
        }
        var pipeline: PipelineSpec
        do {
            pipeline = try PipelineSpec.load(spec)
            if let store { pipeline.store = store }
        } catch {
            logger.error("the run did not start: the spec is invalid", metadata: ["spec": "\(spec)", "error": "\(error)", "exit_code": "1"])
            throw ExitStatus.Classified(exitStatus: .invalidInput, description: "\(error)")
        }
        var runner = NightlyRun(spec: pipeline, specPath: spec, logger: logger)
        runner.wait = wait
        runner.workers = workers
        let summary: NightlyRun.Summary
        do { summary = try runner.run() } catch {
            // A run that started logged its own failure; one that could not start (references, lock) is logged here.
            if !(error is NightlyRun.StageFailure) {
                logger.error("the run did not start", metadata: ["spec": "\(spec)", "error": "\(error)", "exit_code": "2"])
            }
            throw ExitStatus.Classified(exitStatus: ExitStatus.isInvalidInput(error) ? .invalidInput : .failure, description: "\(error)")
        }
        print(Self.text(summary, spec: spec, folder: pipeline.reports.folder))
        if summary.exitStatus != 0 { throw ExitCode(summary.exitStatus) }
    }

    /// The closing summary the operator reads in the morning.
    static func text(_ s: NightlyRun.Summary, spec: String, folder: String) -> String {
        var lines: [String] = []
        lines.append(
            "run \(s.runID) (\(spec)): \(s.filesFound) files found — \(s.filesApplied) applied, \(s.filesRejected) rejected, "
                + "\(s.filesAlreadySeen) seen before; \(s.rowsNew) new rows, \(s.rowsRevised) revised, \(s.rowsRejected) rejected")
        if !s.resumedRuns.isEmpty {
            lines.append("finished the work of killed run\(s.resumedRuns.count == 1 ? "" : "s") \(s.resumedRuns.map(String.init).joined(separator: ", "))")
        }
        if s.referenceChanged { lines.append("registry, catalog or rules changed: everything was recomputed") }
        lines += s.notes
        if s.noNewWork {
            lines.append("no new work: no new submissions, and every stage is up to date")
        } else {
            lines.append(s.stages.map { String(format: "%@ %@ (%.2f s)", $0.name, $0.ran ? $0.detail : "up to date", $0.seconds) }.joined(separator: "\n"))
        }
        lines.append(
            "findings: \(s.findings[.error] ?? 0) errors (\(s.newErrorFindings) new), \(s.findings[.warning] ?? 0) warnings, \(s.findings[.info] ?? 0) notes — "
                + "\((folder as NSString).appendingPathComponent("quality/findings.csv")); reports in \(folder)/")
        if s.rejectedByResumedRuns > 0 {
            lines.append(
                "the killed run\(s.resumedRuns.count == 1 ? "" : "s") \(s.resumedRuns.map(String.init).joined(separator: ", ")) rejected \(s.rejectedByResumedRuns) rows or files; they stand in \((folder as NSString).appendingPathComponent("rejects.csv"))"
            )
        }
        var reasons = s.exitReasons
        if let index = reasons.firstIndex(where: { $0.hasPrefix("data were rejected") }) {
            reasons[index] += " (\((folder as NSString).appendingPathComponent("rejects.csv")))"
        }
        lines.append("exit \(s.exitStatus)" + (reasons.isEmpty ? ": clean" : ": " + reasons.joined(separator: "; ")))
        return lines.joined(separator: "\n")
    }
}
