import RuralstatModel

/// One observation as a reader found it: the raw bytes of each field, borrowed from the reader's
/// buffer for one call. An empty field is absent or blank.
public struct ObservationFields {
    public var region: FieldBytes = .none
    public var indicator: FieldBytes = .none
    public var period: FieldBytes = .none
    public var value: FieldBytes = .none
    public var status: FieldBytes = .none
    public var unitMultiplier: FieldBytes = .none
    public var unit: FieldBytes = .none
    public var frequency: FieldBytes = .none
    public var action: Action = .merge
    /// The source line (CSV record start, or the XML element's line).
    public var line: Int = 0

    public init() {}

    /// The key as written, `region|indicator|period`, for messages.
    var keyText: String { [region, indicator, period].map { $0.trimmed.echo }.joined(separator: "|") }

    subscript(role: FieldRole) -> FieldBytes {
        get {
            switch role {
            case .region: region
            case .indicator: indicator
            case .period: period
            case .value: value
            case .status: status
            case .unitMultiplier: unitMultiplier
            case .unit: unit
            case .frequency: frequency
            case .action: .none
            }
        }
        set {
            switch role {
            case .region: region = newValue
            case .indicator: indicator = newValue
            case .period: period = newValue
            case .value: value = newValue
            case .status: status = newValue
            case .unitMultiplier: unitMultiplier = newValue
            case .unit: unit = newValue
            case .frequency: frequency = newValue
            case .action: break
            }
        }
    }
}

/// Tells the validator where the current record is, so every problem names its place.
public protocol FieldLocator: AnyObject {
    /// The location of the current record, naming the column or attribute that holds `role`.
    func location(of role: FieldRole) -> SourceLocation
}
