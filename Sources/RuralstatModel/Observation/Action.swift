/// What a dataset or row asks the store to do (SDMX actions).
///
/// SDMX 3.1 deprecates Append and Information and treats both as Merge; ruralstat does the same,
/// so `effective` is what is applied.
public enum Action: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Adds or updates the observations given; a row without OBS_STATUS keeps the stored status.
    case merge = 0
    /// Adds or updates the observations given exactly as given; a row without OBS_STATUS clears the stored status.
    case replace = 1
    /// Removes the observations named; a dimension left empty matches every value.
    case delete = 2
    /// SDMX 2.1's Append, deprecated: applied as Merge.
    case append = 3
    /// SDMX 2.1's Information, deprecated: applied as Merge.
    case information = 4

    /// Append and Information are applied as Merge.
    public var effective: Action {
        switch self {
        case .append, .information: .merge
        default: self
        }
    }

    /// Parses an XML action (`Append`, `Replace`, `Delete`, `Information`, `Merge`) or an SDMX-CSV
    /// action letter (`A`, `R`, `D`, `I`, `M`), case-insensitively.
    public init?(sdmx text: some StringProtocol) {
        switch text.lowercased() {
        case "merge", "m": self = .merge
        case "replace", "r": self = .replace
        case "delete", "d": self = .delete
        case "append", "a": self = .append
        case "information", "i": self = .information
        default: return nil
        }
    }

    /// The SDMX-ML spelling: `Merge`, `Replace`, `Delete`, `Append`, `Information`.
    public var description: String {
        switch self {
        case .merge: "Merge"
        case .replace: "Replace"
        case .delete: "Delete"
        case .append: "Append"
        case .information: "Information"
        }
    }
}
