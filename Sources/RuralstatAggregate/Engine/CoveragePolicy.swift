import RuralstatModel

/// When a rollup counts as complete: the pipeline sets the thresholds.
public struct CoveragePolicy: Sendable, Hashable {
    /// At or above this coverage a rollup is published.
    public var publishAt: Double
    /// Below this it is withheld; in between it is published marked partial.
    public var withholdBelow: Double

    /// Creates the policy; by default 95 % coverage publishes and below 50 % withholds.
    public init(publishAt: Double = 0.95, withholdBelow: Double = 0.5) {
        self.publishAt = publishAt
        self.withholdBelow = withholdBelow
    }

    /// The publication status for a coverage share; nil coverage (expected units unknown) is published.
    public func publication(_ coverage: Double?) -> Publication {
        guard let coverage else { return .published }
        return coverage >= publishAt ? .published : coverage < withholdBelow ? .withheld : .partial
    }
}
