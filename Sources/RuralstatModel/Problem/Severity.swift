/// The severity of a problem or finding.
public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// In increasing order: `info` worth knowing, `warning` to look into, `error` to be corrected.
    case info, warning, error

    /// Orders by seriousness: info < warning < error.
    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
