import Dispatch
import RuralstatModel

/// The checks a run applies, in the order their findings are listed.
///
/// Each check spreads its own work over the partitions (`concurrentPerform`) and returns its rows
/// in a fixed order, so the suite's results are the same for any number of workers.
public struct QualitySuite: Sendable {
    public var checks: [any QualityCheck]

    public init(checks: [any QualityCheck]) { self.checks = checks }

    /// Every method, the edit rules first when there are any; the checks a pipeline spec can tune
    /// are given, the fabrication screens keep their defaults.
    public init(rules: RuleSet?, peerOutliers: PeerOutlierCheck = PeerOutlierCheck(), periodOverPeriod: PeriodOverPeriodCheck = PeriodOverPeriodCheck(),
                balance: BalanceCheck = BalanceCheck(), coverage: CoverageCheck = CoverageCheck(), history: AggregateHistoryCheck = AggregateHistoryCheck()) {
        var checks: [any QualityCheck] = []
        if let rules, !rules.rules.isEmpty { checks.append(EditRuleCheck(rules: rules)) }
        checks += [
            peerOutliers, periodOverPeriod, balance, coverage, history,
            BenfordCheck(), DigitHeapingCheck(), RepeatedValuesCheck(), ConstantSeriesCheck(),
        ]
        self.checks = checks
    }

    /// Every method with its default parameters.
    public static func standard(rules: RuleSet? = nil) -> QualitySuite { QualitySuite(rules: rules) }

    public func run(_ input: QualityInput) -> QualityResults {
        var results = QualityResults()
        for check in checks {
            let started = DispatchTime.now().uptimeNanoseconds
            var part = check.run(input)
            part.timings = [(check.ruleID, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)]
            results.append(part)
        }
        return results
    }
}
