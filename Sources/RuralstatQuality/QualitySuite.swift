import Dispatch
import RuralstatAggregate
import RuralstatModel
import RuralstatRules

/// The checks a run applies, in the order their findings are listed.
///
/// Each check spreads its own work over the partitions (`concurrentPerform`) and returns its rows
/// in a fixed order, so the suite's results are the same for any number of workers.
public struct QualitySuite: Sendable {
    /// The checks, run side by side; their results are concatenated in this order.
    public var checks: [any QualityCheck]

    /// Creates a suite of exactly these checks, in this order.
    public init(checks: [any QualityCheck]) { self.checks = checks }

    /// Every method, the edit rules first when there are any; the checks a pipeline spec can tune
    /// are given, the repeated-value screens keep their defaults.
    public init(
        rules: RuleSet?, peerOutliers: PeerOutlierCheck = PeerOutlierCheck(), periodOverPeriod: PeriodOverPeriodCheck = PeriodOverPeriodCheck(),
        balance: BalanceCheck = BalanceCheck(), coverage: CoverageCheck = CoverageCheck(), history: AggregateHistoryCheck = AggregateHistoryCheck(),
        benford: BenfordCheck = BenfordCheck(), heaping: DigitHeapingCheck = DigitHeapingCheck(),
        constantSeries: ConstantSeriesCheck = ConstantSeriesCheck()
    ) {
        var checks: [any QualityCheck] = []
        if let rules, !rules.rules.isEmpty { checks.append(EditRuleCheck(rules: rules)) }
        checks += [
            peerOutliers, periodOverPeriod, balance, coverage, history,
            benford, heaping, RepeatedValuesCheck(), constantSeries, DuplicateRecordsCheck(),
        ]
        self.checks = checks
    }

    /// Every method with its default parameters.
    public static func standard(rules: RuleSet? = nil) -> QualitySuite { QualitySuite(rules: rules) }

    /// Runs the checks side by side (each also spreads its own work over the partitions), so that
    /// one's serial steps — the history's table, the coverage's walk over the rollups — overlap the
    /// others' work; results are appended in the suite's order whatever finishes first. Each check's
    /// time is its own wall-clock time, so the times may add up to more than the suite's.
    public func run(_ input: QualityInput) -> QualityResults {
        let checks = self.checks
        // All at once when there is more than one worker: Dispatch shares the cores among them (a
        // check's own work over the partitions then runs on the core it started on), the heaviest
        // first, so that the last to finish are short ones.
        let parts = concurrentMap(checks.count, workers: input.workers > 1 ? checks.count : 1, cost: { checks[$0].relativeCost }) { index in
            let started = DispatchTime.now().uptimeNanoseconds
            var part = checks[index].run(input)
            part.timings = [(checks[index].ruleID, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)]
            return part
        }
        var results = QualityResults()
        for part in parts { results.append(part) }
        return results
    }
}
