/// The SDMX frequency of a time period (code list CL_FREQ).
public enum Frequency: String, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    case annual = "A"
    case halfYearly = "S"
    case quarterly = "Q"
    case monthly = "M"
    case weekly = "W"
    case daily = "D"

    /// Sub-periods per year for the calendar frequencies (weekly and daily vary by year).
    public var periodsPerYear: Int? {
        switch self {
        case .annual: 1
        case .halfYearly: 2
        case .quarterly: 4
        case .monthly: 12
        case .weekly, .daily: nil
        }
    }

    /// Longer periods order first: A < S < Q < M < W < D.
    public static func < (lhs: Frequency, rhs: Frequency) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    public var description: String { rawValue }
}
