import Foundation
import RuralstatModel

/// What the generator planted, and how well a set of findings recovers it: per kind, recall (the
/// planted anomalies the checks meant for it caught) and precision (the findings of those checks
/// that some planted anomaly explains — natural data that merely look odd count against it).
public struct GroundTruth: Sendable {
    public var anomalies: [PlantedAnomaly]

    public init(anomalies: [PlantedAnomaly]) { self.anomalies = anomalies }

    /// `kind,region,indicator,period,detail`, one row per planted anomaly.
    public func csv() -> String {
        "kind,region,indicator,period,detail\n"
            + anomalies.map {
                "\($0.kind.rawValue),\($0.region),\($0.indicator ?? ""),\($0.period?.description ?? ""),\"\($0.detail.replacingOccurrences(of: "\"", with: "\"\""))\"\n"
            }.joined()
    }

    /// How one kind was recovered.
    public struct KindScore: Sendable, Hashable {
        public var kind: AnomalyKind
        public var planted: Int
        public var caught: Int
        public var findings: Int
        public var explained: Int

        public var recall: Double { planted == 0 ? .nan : Double(caught) / Double(planted) }
        public var precision: Double { findings == 0 ? .nan : Double(explained) / Double(findings) }
    }

    /// The family a finding belongs to: edit rules by method, the rest by rule id.
    static func family(_ finding: Finding) -> String { finding.method == BuiltInRule.editRuleMethod ? BuiltInRule.editRuleMethod : finding.ruleID }

    /// Findings that count: Banff's softer FTE tier only says "do not use as a donor".
    static func counts(_ finding: Finding) -> Bool { finding.tier != .exclude }

    /// Scores `findings`; `derived` maps an indicator to those computed from it (a yield from the
    /// output), whose findings an anomaly in it explains too.
    public func score(_ findings: [Finding], derived: [String: Set<String>] = [:]) -> [KindScore] {
        let counted = findings.filter(Self.counts)
        return AnomalyKind.allCases.map { kind in
            let planted = anomalies.filter { $0.kind == kind }
            let own = counted.filter { kind.catchingRules.contains(Self.family($0)) }
            let caught = planted.filter { anomaly in own.contains { Self.catches($0, anomaly) } }.count
            let explained = own.filter { finding in anomalies.contains { Self.explains($0, finding, derived: derived) } }.count
            return KindScore(kind: kind, planted: planted.count, caught: caught, findings: own.count, explained: explained)
        }
    }

    /// A finding catches an anomaly when it is about the same region, indicator and period.
    static func catches(_ finding: Finding, _ anomaly: PlantedAnomaly) -> Bool {
        finding.region == anomaly.region && compatible(finding.indicator, anomaly.indicator)
            && (anomaly.period == nil || finding.period == nil || finding.period == anomaly.period)
    }

    /// An anomaly explains a finding about its region's subtree or ancestors (a total it distorts),
    /// its indicator — or any indicator of the same unit, whose record it spoiled (a figure in the
    /// wrong unit also breaks a rate and an edit rule) — and its period or the next (a change is
    /// seen twice: into and out of it).
    static func explains(_ anomaly: PlantedAnomaly, _ finding: Finding, derived: [String: Set<String>]) -> Bool {
        let fromIt = anomaly.indicator.flatMap { derived[$0] }.map { finding.indicator.map($0.contains) ?? false } ?? false
        return (finding.region.isWithin(anomaly.region) || anomaly.region.isWithin(finding.region))
            && (finding.region == anomaly.region || compatible(finding.indicator, anomaly.indicator) || fromIt)
            && (anomaly.period == nil || finding.period == nil || finding.period == anomaly.period || finding.period == anomaly.period?.next)
    }

    private static func compatible(_ a: String?, _ b: String?) -> Bool { a == nil || b == nil || a == b }
}
