import ArgumentParser
import Foundation
import Logging
import RuralstatModel
import RuralstatSystem

/// `ruralstat`: the command line of the rural-revitalization statistics engine.
///
/// Exit status: 0 when all went well, 1 when an input (a file, an argument) is invalid or the data need attention,
/// 2 when the run failed for another reason (store, disk, a bug).
@main
struct Ruralstat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ruralstat",
        abstract: "Ingest, roll up, check and report rural-revitalization statistics.",
        discussion: """
            ruralstat reads the statistical submissions of reporting units (SDMX-ML, SDMX-CSV, CSV), checks
            them against the NBS division registry and the indicator catalog, and keeps them in an indicator
            store that analysts can query with sqlite3.

            Exit status: 0 ok, 1 invalid input or data that need attention (rejected rows, error-level findings), 2 failure.
            """,
        version: RuralstatVersion.current,
        subcommands: [
            InitCommand.self, RegionsCommand.self, CatalogCommand.self, CheckCommand.self, IngestCommand.self, SubmissionsCommand.self, RollupCommand.self,
            FlagsCommand.self, QueryCommand.self, RunsCommand.self, SampleDataCommand.self, RunCommand.self, ReportCommand.self, AssessCommand.self,
            SpotCheckCommand.self, StoreCommand.self,
        ]
    )

    static func main() {
        limitAllocatorArenas()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["RURALSTAT_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .notice
            return handler
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withStatusFor: error)
        }
    }

    /// Prints the error and exits with 0 (help), 1 (invalid input or usage) or 2 (failure).
    static func exit(withStatusFor error: any Error) -> Never {
        let parserCode = exitCode(for: error)
        if parserCode == .success {
            exit(withError: error)  // --help and --version print and exit 0
        }
        if error is ExitCode {
            exit(withError: error)
        }
        let status: Int32
        if let failure = error as? ExitStatus.Classified {
            status = failure.exitStatus.rawValue
        } else if ExitStatus.isInvalidInput(error) || parserCode == .validationFailure {
            status = ExitStatus.invalidInput.rawValue
        } else {
            status = ExitStatus.failure.rawValue
        }
        let message = ExitStatus.isInvalidInput(error) || error is ExitStatus.Classified ? "\(error)" : fullMessage(for: error)
        FileHandle.standardError.write(Data(("ruralstat: " + message + "\n").utf8))
        exit(withError: ExitCode(status))
    }
}
