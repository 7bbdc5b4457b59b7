/// The SDMX frequency of a time period (code list CL_FREQ).
public enum Frequency: String, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    /// `A`: one period a year, `2025`.
    case annual = "A"
    /// `S`: half-years, `2025-S1`.
    case halfYearly = "S"
    /// `Q`: quarters, `2025-Q3`.
    case quarterly = "Q"
    /// `M`: months, `2025-09`.
    case monthly = "M"
    /// `W`: ISO 8601 weeks, `2025-W05`.
    case weekly = "W"
    /// `D`: days, `2025-09-30`.
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

    /// The SDMX code letter (`A`, `Q`, …).
    public var description: String { rawValue }
}
