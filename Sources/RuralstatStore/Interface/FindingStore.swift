import RuralstatModel

/// The findings of the quality checks and their tallies.
///
/// One facet of ``IndicatorStore``.
public protocol FindingStore: Sendable {
    /// Writes findings of run `runID` aside (a province's pass at a time, so that a run's findings
    /// need not all be held in memory) until ``replaceFindings(stagedBy:tallies:)`` puts them in place;
    /// `afresh` drops whatever was staged before (by a run that never got there, or by this one).
    func stageFindings(_ findings: [Finding], runID: Int64, afresh: Bool) throws
    /// Replaces every stored finding and tally with the findings run `runID` staged, in the order
    /// staged, and `tallies`. Quality checks look at the whole store, so their results replace the
    /// previous ones as a whole: a rerun on unchanged data writes the same rows. A finding found
    /// again keeps the run that first found it.
    func replaceFindings(stagedBy runID: Int64, tallies: [RuleTally]) throws
    /// The stored findings that pass the filter, most severe first, then by rule, indicator, period and region.
    func findings(_ filter: FindingFilter) throws -> [Finding]
    /// How many stored findings there are of each severity.
    func findingCounts() throws -> [Severity: Int]
    /// Per rule: how many stored findings there are, and how many of them run `runID` found first.
    func findingCountsByRule(newIn runID: Int64) throws -> [String: (findings: Int, new: Int)]
    /// Error-level findings that these runs found first (not standing from before them).
    func newErrorFindings(runs: [Int64]) throws -> Int
    /// Every rule the stored checks looked at (with or without findings).
    func ruleIDs() throws -> Set<String>
    /// The indicator codes of the store's catalog.
    func indicatorCodes() throws -> Set<String>
    /// The stored tallies, in (rule, level, province) order.
    func findingTallies() throws -> [RuleTally]
}

extension FindingStore {
    /// Replaces every stored finding and tally with `results`, made by run `runID`.
    public func replaceFindings(_ results: QualityResults, runID: Int64) throws {
        try stageFindings(results.findings, runID: runID, afresh: true)
        try replaceFindings(stagedBy: runID, tallies: results.mergedTallies)
    }

    /// Every stored finding, most severe first.
    public func findings() throws -> [Finding] { try findings(FindingFilter()) }
}
