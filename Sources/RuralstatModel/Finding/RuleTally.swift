/// How the items one rule looked at in one level of one province came out — the summary evaluators
/// read before the findings (like R validate's `summary()`): checked = passed + failed, and the
/// items the rule could not be applied to (a missing value, a group too small) counted apart.
public struct RuleTally: Sendable, Hashable {
    public var ruleID: String
    public var level: RegionLevel
    /// The province the items lie in (the nation for national items).
    public var province: RegionCode
    public var passed: Int
    public var failed: Int
    public var notApplicable: Int

    public var checked: Int { passed + failed }

    public init(ruleID: String, level: RegionLevel, province: RegionCode, passed: Int = 0, failed: Int = 0, notApplicable: Int = 0) {
        self.ruleID = ruleID
        self.level = level
        self.province = province
        self.passed = passed
        self.failed = failed
        self.notApplicable = notApplicable
    }
}

/// What quality checks found: one row per finding, and the tallies per rule, level and province.
public struct QualityResults: Sendable {
    public var findings: [Finding]
    public var tallies: [RuleTally]
    /// How long each check took, in the order they ran (rule id, seconds).
    public var timings: [(check: String, seconds: Double)] = []

    public init(findings: [Finding] = [], tallies: [RuleTally] = []) {
        self.findings = findings
        self.tallies = tallies
    }

    /// Appends `other`'s rows after these (callers merge in a fixed order, so results do not depend on threads).
    public mutating func append(_ other: QualityResults) {
        findings += other.findings
        tallies += other.tallies
        timings += other.timings
    }

    /// Tallies of the same rule, level and province added up, in (rule, level, province) order.
    public var mergedTallies: [RuleTally] {
        var merged: [TallyKey: RuleTally] = [:]
        for tally in tallies {
            let key = TallyKey(ruleID: tally.ruleID, level: tally.level, province: tally.province)
            var total = merged[key] ?? RuleTally(ruleID: tally.ruleID, level: tally.level, province: tally.province)
            total.passed += tally.passed
            total.failed += tally.failed
            total.notApplicable += tally.notApplicable
            merged[key] = total
        }
        return merged.values.sorted { ($0.ruleID, $0.level, $0.province) < ($1.ruleID, $1.level, $1.province) }
    }

    private struct TallyKey: Hashable {
        var ruleID: String
        var level: RegionLevel
        var province: RegionCode
    }
}
