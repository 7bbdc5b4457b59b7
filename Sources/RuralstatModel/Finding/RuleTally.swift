/// How the items one rule looked at in one level of one province came out — the summary evaluators
/// read before the findings (like R validate's `summary()`): checked = passed + failed, and the
/// items the rule could not be applied to (a missing value, a group too small) counted apart.
public struct RuleTally: Sendable, Hashable {
    /// The rule: a ``BuiltInRule`` id or an edit rule's id.
    public var ruleID: String
    /// The level of the items counted.
    public var level: RegionLevel
    /// The province the items lie in (the nation for national items).
    public var province: RegionCode
    /// Items the rule passed.
    public var passed: Int
    /// Items the rule failed.
    public var failed: Int
    /// Items the rule could not be applied to (a missing value, a group too small); not part of ``checked``.
    public var notApplicable: Int

    /// Items judged either way: passed + failed.
    public var checked: Int { passed + failed }

    /// Creates a tally, by default with every count zero; see the properties for each field.
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
    /// One row per finding, in the order the checks gave them.
    public var findings: [Finding]
    /// The checks' tallies as they gave them; ``mergedTallies`` adds up repeats.
    public var tallies: [RuleTally]
    /// How long each check took, in the order they ran (rule id, seconds).
    public var timings: [(check: String, seconds: Double)] = []

    /// Creates results; see the properties for each field.
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
