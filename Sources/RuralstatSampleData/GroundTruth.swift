import Foundation
import RuralstatModel

/// What the generator planted, and how well a set of findings recovers it: per kind, recall (the
/// planted anomalies the checks meant for it caught) and precision (the findings of those checks
/// that some planted anomaly explains — natural data that merely look odd count against it).
///
/// Two ways of judging, both printed by `sample-data evaluate`:
/// - **strict**: a finding is explained only by an anomaly of a kind its method is meant for
///   (``AnomalyKind/catchingRules``), on the same unit or a unit above it (whose total the anomaly
///   changes), the same indicator (an edit rule's finding: any field its rule reads; a finding or an
///   anomaly without an indicator spans them all) and the same period (or the next, for a wrong
///   figure, whose change out of it is seen too; a finding or anomaly without a period spans them);
/// - **lenient**: by an anomaly of any kind in the unit's subtree or above it, on any indicator of
///   the same unit, the same period or the next.
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
        /// Lenient: caught by a finding of a method meant for the kind on its unit, indicator and period.
        public var caught: Int
        /// Findings of the methods meant for the kind.
        public var findings: Int
        /// Lenient: of those, explained by any planted anomaly (see ``GroundTruth``).
        public var explained: Int
        /// Strict: caught, with the indicator of an edit rule's finding read from its rule.
        public var strictCaught = 0
        /// Strict: findings explained by an anomaly of a kind their method is meant for.
        public var strictExplained = 0

        public var recall: Double { planted == 0 ? .nan : Double(caught) / Double(planted) }
        public var precision: Double { findings == 0 ? .nan : Double(explained) / Double(findings) }
        public var strictRecall: Double { planted == 0 ? .nan : Double(strictCaught) / Double(planted) }
        public var strictPrecision: Double { findings == 0 ? .nan : Double(strictExplained) / Double(findings) }
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
            let strictCaught = planted.filter { anomaly in own.contains { Self.strictlyExplains(anomaly, $0, derived: derived, asCatch: true) } }.count
            let strictExplained = own.filter { finding in anomalies.contains { Self.strictlyExplains($0, finding, derived: derived) } }.count
            return KindScore(
                kind: kind, planted: planted.count, caught: caught, findings: own.count, explained: explained, strictCaught: strictCaught,
                strictExplained: strictExplained)
        }
    }

    /// The counted findings no planted anomaly strictly explains, and the anomalies no finding of a
    /// method meant for them strictly catches: what to look at when a figure disappoints.
    public func strictMisses(_ findings: [Finding], derived: [String: Set<String>] = [:]) -> (unexplained: [Finding], missed: [PlantedAnomaly]) {
        let counted = findings.filter(Self.counts)
        let unexplained = counted.filter { finding in !anomalies.contains { Self.strictlyExplains($0, finding, derived: derived) } }
        let missed = anomalies.filter { anomaly in !counted.contains { Self.strictlyExplains(anomaly, $0, derived: derived, asCatch: true) } }
        return (unexplained, missed)
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

    /// The strict judgement (see ``GroundTruth``). `asCatch`: whether the finding counts as catching
    /// the anomaly (a method meant for it, on its own unit or above); otherwise whether the anomaly
    /// explains the finding, which a method that sees the wrong values it left in its units
    /// (``AnomalyKind/consequenceRules``) may also give, on those units.
    static func strictlyExplains(_ anomaly: PlantedAnomaly, _ finding: Finding, derived: [String: Set<String>] = [:], asCatch: Bool = false) -> Bool {
        let method = family(finding)
        let meant = anomaly.kind.catchingRules.contains(method)
        let consequence = !asCatch && anomaly.kind.consequenceRules.contains(method)
        guard meant || consequence else { return false }
        let sameUnit = finding.region == anomaly.region || anomaly.region.isWithin(finding.region)
        guard sameUnit || (consequence && finding.region.isWithin(anomaly.region)) else { return false }
        let sameIndicator: Bool
        if let indicator = anomaly.indicator, finding.method == BuiltInRule.editRuleMethod, case .text(let rule)? = finding.parameters["rule"] {
            sameIndicator = rule.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).contains { $0 == indicator }
        } else if let indicator = anomaly.indicator, let seen = finding.indicator, derived[indicator]?.contains(seen) == true {
            sameIndicator = true
        } else {
            sameIndicator = compatible(finding.indicator, anomaly.indicator)
        }
        guard sameIndicator else { return false }
        guard let period = anomaly.period, let seen = finding.period else { return true }
        return seen == period || (anomaly.kind.reachesNextPeriod && seen == period.next) || (anomaly.kind.persists && seen > period)
    }
}
