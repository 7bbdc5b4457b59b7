import Foundation
import RuralstatAggregate
import RuralstatModel

/// Units far from their peers: the robust z of a value among the units with the same parent,
/// indicator and period, with the median and MAD that explain it.
///
/// A township's dozen villages give a noisy MAD, and a small MAD makes ordinary values look
/// extreme; so the spread used is the larger of the group's own and the spread pooled over the
/// grandparent's groups (every unit's deviation from its own group's median — a county's hundreds
/// of villages). The default threshold, 5, allows for the number of comparisons a night makes: at
/// 3.5, some 0.05 % of good figures would be flagged by chance (Bonferroni for 10⁵ tests at 5 % is
/// z ≈ 4.9).
///
/// z = 0.6745 · (x − median) / MAD. When the MAD is 0 (more than half the peers report the same
/// value), the mean absolute deviation from the median stands in: z = (x − median) / (1.2533 · MeanAD);
/// when that is 0 too, all peers agree and nothing is flagged. A group smaller than `minimumPeers`
/// borrows the statistics of its parent's group (the grandparent of the unit), and the finding says
/// so. Skewed amounts may be compared on a log scale.
public struct PeerOutlierCheck: QualityCheck {
    /// A unit is flagged when its robust |z| exceeds this; 5 by default, for the many comparisons a night makes.
    public var threshold: Double
    /// A smaller group borrows its grandparent's (8 by default); when that is too small too, its units are not applicable.
    public var minimumPeers: Int
    /// Indicators compared on log(x) (positive values only), besides those of `logScaleKinds`.
    public var logScale: Set<String>
    /// Kinds compared on a log scale: amounts and counts of villages are skewed (a few big ones).
    public var logScaleKinds: Set<ValueKind>
    /// Kinds checked at all: a yes/no fact has no outliers.
    public var kinds: Set<ValueKind>

    /// Whether a group's spread is at least the one pooled over its grandparent's groups.
    public var poolSpread: Bool
    /// Whether groups are screened before their MAD is computed (``screened(_:_:level:scratch:)``);
    /// off only to test that the screen changes nothing.
    var screensGroups = true

    /// Creates the check with these parameters; see each property.
    public init(
        threshold: Double = 5, minimumPeers: Int = 8, logScale: Set<String> = [], logScaleKinds: Set<ValueKind> = [.amount, .count],
        kinds: Set<ValueKind> = [.amount, .count, .ratio, .rate], poolSpread: Bool = true
    ) {
        self.threshold = threshold
        self.poolSpread = poolSpread
        self.minimumPeers = minimumPeers
        self.logScale = logScale
        self.logScaleKinds = logScaleKinds
        self.kinds = kinds
    }

    /// The statistics of one group of peers.
    struct Peers {
        var region: Int64
        var level: RegionLevel
        var median: Double
        var scale: Double
        var method: String
        var size: Int
        /// The group's units (indices into the check's unit column).
        var range: Range<Int>
        /// Whether the group's own MAD was shown to leave every unit within the threshold without
        /// computing it (``screened(_:_:level:scratch:)``); `scale` and `method` are then unset.
        var withinThreshold = false
    }

    /// `peer_outlier`, tallied once per unit compared.
    public var ruleID: String { BuiltInRule.peerOutlier }

    /// ``QualityCheck/relativeCost``: a selection per township and indicator over every village value.
    public var relativeCost: Int { 20 }

    /// Findings for every column of a kind in `kinds` whose deepest units have a parent below the nation (a province or lower).
    public func run(_ input: QualityInput) -> QualityResults {
        input.table.columnResults(ruleID: ruleID, catalog: input.catalog, workers: input.workers) { column, code, period, definition, tally in
            guard kinds.contains(definition?.kind ?? .amount) else { return [] }
            return check(column, indicator: code, period: period, definition: definition, registry: input.registry, tally: &tally)
        }
    }

    func check(
        _ column: IndicatorColumn, indicator: String, period: Period, definition: Indicator?,
        registry: RegionRegistry?, tally: inout TallyCounter
    ) -> [Finding] {
        // Units of the deepest level present are compared with their siblings.
        let unitLevel = column.deepestLevel
        guard let parentLevel = unitLevel.parent, parentLevel > .national else { return [] }
        let onLog = logScale.contains(indicator) || definition.map { logScaleKinds.contains($0.kind) } ?? false
        // Every unit compared is of `unitLevel` in this partition's province, so passes and units
        // left out are counted here and tallied once.
        var passed = 0
        var (units, notApplicable) = Self.comparedUnits(column, level: unitLevel, onLog: onLog)
        defer {
            if passed + notApplicable > 0 {
                tally.add(province: column.regions[0], level: unitLevel, passed: passed, notApplicable: notApplicable)
            }
        }
        guard !units.isEmpty else { return [] }
        // Groups are runs of the sorted units: parents (townships) nested in grandparents (counties).
        let grandparentLevel = parentLevel.parent.flatMap { $0 > .national ? $0 : nil }
        var scratch = [Double](repeating: 0, count: units.count)
        var groups: [Peers] = []
        Hierarchy.forEachRun(units.regions, level: parentLevel) { run, _ in
            groups.append(
                run.count >= minimumPeers && screensGroups
                    ? screened(units, run, level: parentLevel, scratch: &scratch) : statistics(units, run, level: parentLevel, scratch: &scratch))
        }
        // What the nested function below only reads is a constant, and what it counts per unit is
        // counted in locals: a variable it captures costs a run-time exclusivity check at each use.
        let parents = groups
        var found: [Finding] = []
        var parentIndex = 0
        func compare(within wider: Range<Int>) {
            // The grandparent's own statistics, needed only when one of its groups is too small.
            var widerPeers: Peers?
            func grandparentPeers() -> Peers {
                if let widerPeers { return widerPeers }
                let peers = statistics(units, wider, level: grandparentLevel ?? parentLevel, scratch: &scratch)
                widerPeers = peers
                return peers
            }
            // The grandparent's pooled spread: every unit's distance from its own group's median; only
            // a group with a unit beyond the threshold by its own spread needs it (a larger spread
            // flags no more).
            let first = parentIndex
            var pooledSpread: Double?
            func pooled() -> Double {
                if let pooledSpread { return pooledSpread }
                let spread =
                    poolSpread && grandparentLevel != nil
                    ? Self.pooledSpread(units, parents[first...].prefix { $0.range.lowerBound < wider.upperBound }, scratch: &scratch) : 0
                pooledSpread = spread
                return spread
            }
            while parentIndex < parents.count, parents[parentIndex].range.lowerBound < wider.upperBound {
                var peers = parents[parentIndex]
                parentIndex += 1
                var note = ""
                if peers.withinThreshold {
                    passed += peers.size
                    continue
                }
                if peers.size < minimumPeers {
                    guard grandparentLevel != nil, wider.count >= minimumPeers else {
                        notApplicable += peers.size
                        continue
                    }
                    let widerPeers = grandparentPeers()
                    note = "; its \(parentLevel) has only \(peers.size) units, so the \(widerPeers.level)'s \(widerPeers.size) are the peers"
                    let range = peers.range
                    peers = widerPeers
                    peers.range = range
                } else if case let pooled = pooled(), pooled > peers.scale {
                    note = "; spread pooled over its \(grandparentLevel!)'s \(parentLevel)s"
                    peers.scale = pooled
                    peers.method = "robust_z_pooled"
                }
                var passedHere = 0
                defer { passed += passedHere }
                for unit in peers.range {
                    let region = units.regions[unit], x = units.values[unit]
                    let z = RobustScale.z(x, median: peers.median, scale: peers.scale)
                    guard abs(z) > threshold else {
                        passedHere += 1
                        continue
                    }
                    tally.fail(region)
                    let observed = onLog ? exp(x) : x, median = onLog ? exp(peers.median) : peers.median
                    found.append(
                        finding(
                            region: region, unitLevel: unitLevel, indicator: indicator, period: period, definition: definition,
                            observed: observed, median: median, z: z, peers: peers, onLog: onLog, note: note, registry: registry))
                }
            }
        }
        if let grandparentLevel {
            Hierarchy.forEachRun(units.regions, level: grandparentLevel) { run, _ in compare(within: run) }
        } else {
            compare(within: units.regions.indices)
        }
        return found
    }

    /// The units of `level` in a column, on the log scale when asked (where a value ≤ 0 cannot be
    /// compared, and is counted as not applicable).
    private static func comparedUnits(_ column: IndicatorColumn, level: RegionLevel, onLog: Bool) -> (IndicatorColumn, notApplicable: Int) {
        var notApplicable = 0
        var units = IndicatorColumn()
        units.regions.reserveCapacity(column.count)
        units.values.reserveCapacity(column.count)
        for index in 0..<column.count where RegionCode(uncheckedRawValue: column.regions[index]).level == level {
            let value = column.values[index]
            if onLog && value <= 0 {
                notApplicable += 1
                continue
            }
            units.regions.append(column.regions[index])
            units.values.append(onLog ? log(value) : value)
        }
        return (units, notApplicable)
    }

    /// A grandparent's pooled spread: the robust scale of every unit's distance from its own group's
    /// median, over the groups under it.
    private static func pooledSpread(_ units: IndicatorColumn, _ groups: some Collection<Peers>, scratch: inout [Double]) -> Double {
        scratch.withUnsafeMutableBufferPointer { buffer in
            var count = 0
            for group in groups {
                for unit in group.range {
                    buffer[count] = abs(units.values[unit] - group.median)
                    count += 1
                }
            }
            let deviations = UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
            let mad = OrderStatistics.median(deviations)
            return mad > 0 ? RobustScale.fromMAD(mad) : RobustScale.fromAbsoluteDeviations(sum: deviations.reduce(0, +), count: count)
        }
    }

    /// A group of at least `minimumPeers`, screened: its median, and when fewer than half of its
    /// units lie closer to it than MAD-factor × the farthest distance ÷ threshold, its MAD is at
    /// least that much, so no unit's own robust |z| exceeds the threshold and the MAD's second
    /// selection is not needed (`withinThreshold`). A counting pass instead of a selection: most
    /// groups hold no outlier. Otherwise the group's full ``statistics(_:_:level:scratch:)``.
    private func screened(_ units: IndicatorColumn, _ range: Range<Int>, level: RegionLevel, scratch: inout [Double]) -> Peers {
        guard range.count > OrderStatistics.smallGroup, threshold > 0 else { return statistics(units, range, level: level, scratch: &scratch) }
        let within: (median: Double, holds: Bool) = units.values.withUnsafeBufferPointer { all in
            let values = UnsafeBufferPointer(rebasing: all[range])
            let median = scratch.withUnsafeMutableBufferPointer { buffer in
                let work = UnsafeMutableBufferPointer(rebasing: buffer[0..<values.count])
                _ = work.initialize(from: values)
                return OrderStatistics.median(work)
            }
            var farthest = 0.0
            for value in values { farthest = max(farthest, abs(value - median)) }
            // A margin far above rounding: a unit at the threshold itself is always computed exactly.
            let bound = RobustScale.madFactor * farthest / threshold * (1 + 1e-9)
            // Among subnormal numbers rounding is no longer relative, and the margin would not hold.
            if farthest > 0 && bound < Double.leastNormalMagnitude { return (median, false) }
            var closer = 0
            for value in values { closer += abs(value - median) < bound ? 1 : 0 }
            // The lower middle distance, hence the MAD, is at least `bound`.
            return (median, closer <= (values.count - 1) / 2)
        }
        guard within.holds else { return statistics(units, range, level: level, scratch: &scratch) }
        return Peers(
            region: Hierarchy.ancestorCode(units.regions[range.lowerBound], level), level: level, median: within.median, scale: .nan,
            method: "", size: range.count, range: range, withinThreshold: true)
    }

    /// Median and scale of one group (``RobustScale``: from the MAD, or from the mean absolute deviation when the MAD is 0).
    private func statistics(_ units: IndicatorColumn, _ range: Range<Int>, level: RegionLevel, scratch: inout [Double]) -> Peers {
        let (median, mad) = units.values.withUnsafeBufferPointer { values in
            scratch.withUnsafeMutableBufferPointer { OrderStatistics.medianAndMAD(UnsafeBufferPointer(rebasing: values[range]), scratch: $0) }
        }
        var scale = RobustScale.fromMAD(mad)
        var method = "robust_z"
        if mad == 0 {
            scale = RobustScale.fromAbsoluteDeviations(sum: units.values[range].reduce(0) { $0 + abs($1 - median) }, count: range.count)
            method = "robust_z_mean_ad"
        }
        return Peers(
            region: Hierarchy.ancestorCode(units.regions[range.lowerBound], level), level: level, median: median, scale: scale,
            method: method, size: range.count, range: range)
    }

    private func finding(
        region: Int64, unitLevel: RegionLevel, indicator: String, period: Period, definition: Indicator?,
        observed: Double, median: Double, z: Double, peers: Peers, onLog: Bool, note: String,
        registry: RegionRegistry?
    ) -> Finding {
        let code = RegionCode(uncheckedRawValue: region)
        let name = registry?.name(of: code).map { " \($0)" } ?? ""
        let unit = definition?.scaledUnit ?? ""
        let label = definition.map { "\($0.nameZh) \(indicator)" } ?? indicator
        let relation: String
        if median > 0, observed >= median {
            relation = "is \(FindingText.number(observed / median))× its \(peers.level)'s median \(FindingText.number(median)) \(unit)"
        } else if median > 0 {
            relation = "is \(FindingText.number(100 * observed / median)) % of its \(peers.level)'s median \(FindingText.number(median)) \(unit)"
        } else {
            relation = "is far from its \(peers.level)'s median \(FindingText.number(median)) \(unit)"
        }
        let scaleText =
            peers.method != "robust_z_mean_ad"
            ? "MAD \(FindingText.number(peers.scale * RobustScale.madFactor))"
            : "MAD 0, mean abs. deviation \(FindingText.number(peers.scale / RobustScale.meanAbsoluteDeviationFactor))"
        let explanation =
            "\(unitLevel.chineseName) \(code)\(name): \(label) \(FindingText.number(observed)) \(unit) \(relation) "
            + "(robust z \(FindingText.number(z)) beyond ±\(FindingText.number(threshold))\(onLog ? " on a log scale" : ""); \(scaleText); \(peers.size) peers\(note))"
        return Finding(
            ruleID: BuiltInRule.peerOutlier, method: peers.method, severity: .warning, level: unitLevel, region: code,
            indicator: indicator, period: period, observed: observed, expected: median, statisticName: "robust_z",
            statistic: z, parameters: ["threshold": .number(threshold), "minimum_peers": .integer(minimumPeers), "log": .flag(onLog)],
            peerGroup: RegionCode(uncheckedRawValue: peers.region), peerSize: peers.size,
            explanation: FindingText.tidy(explanation))
    }
}
