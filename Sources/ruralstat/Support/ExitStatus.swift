import RuralstatAssessment
import RuralstatIngest
import RuralstatModel
import RuralstatServerStore
import RuralstatStore

/// The exit statuses of every ruralstat command, for the operator and the nightly scheduler.
enum ExitStatus: Int32 {
    case ok = 0
    /// Done, but an input was invalid (a bad file, spec, code or argument).
    case invalidInput = 1
    /// The command failed (store, disk, or an unexpected error).
    case failure = 2

    /// An error that carries its own exit status and message.
    struct Classified: Error, CustomStringConvertible {
        let exitStatus: ExitStatus
        let description: String
    }

    /// Errors that mean "the input is wrong", as opposed to "ruralstat failed".
    static func isInvalidInput(_ error: any Error) -> Bool {
        switch error {
        case is RegistryLoadError, is CatalogLoadError, is IngestError, is RegionCodeError, is PeriodError,
            is RegistryEditionError, is SubmissionDecisionError, is RegionLookupError, is SpecError, is AssessmentError:
            true
        case let error as StoreError:
            error.isMissing
        case let error as ServerStoreError:
            error.isInvalidInput
        default:
            false
        }
    }
}
