import Foundation
import RuralstatAggregate
import RuralstatModel

/// What every quality check may read: the partitions the rollups were computed from, the rollups
/// themselves, earlier rollups for their history, and the registry and catalog.
public struct QualityInput: Sendable {
    public var table: ObservationTable
    public var rollups: [Rollup]
    /// Rollups of earlier periods (from the store), for the history of aggregates.
    public var history: [Rollup]
    /// When each sender's submissions for a period arrived, for lateness.
    public var arrivals: [SubmissionArrival]
    public var catalog: IndicatorCatalog
    public var registry: RegionRegistry?
    public var workers: Int

    public init(table: ObservationTable, rollups: [Rollup], history: [Rollup] = [], arrivals: [SubmissionArrival] = [],
                catalog: IndicatorCatalog, registry: RegionRegistry?, workers: Int = ProcessInfo.activeProcessors) {
        self.table = table
        self.rollups = rollups
        self.history = history
        self.arrivals = arrivals
        self.catalog = catalog
        self.registry = registry
        self.workers = workers
    }
}

/// A quality check: reads the input, returns findings and tallies in a fixed order.
public protocol QualityCheck: Sendable {
    /// The rule id its findings carry (a check with several rules names its family).
    var ruleID: String { get }
    func run(_ input: QualityInput) -> QualityResults
}

/// Counts of one rule's items per level and province, kept while a check walks a partition.
struct TallyCounter {
    let ruleID: String
    private var counts: [Key: (passed: Int, failed: Int, notApplicable: Int)] = [:]

    private struct Key: Hashable {
        var level: RegionLevel
        var province: Int64
    }

    init(_ ruleID: String) { self.ruleID = ruleID }

    private static func key(_ region: Int64) -> Key {
        let code = RegionCode(uncheckedRawValue: region)
        return Key(level: code.level, province: code.level == .national ? 0 : Hierarchy.ancestorCode(region, .province))
    }

    mutating func pass(_ region: Int64, count: Int = 1) { counts[Self.key(region), default: (0, 0, 0)].passed += count }
    mutating func fail(_ region: Int64, count: Int = 1) { counts[Self.key(region), default: (0, 0, 0)].failed += count }
    mutating func notApplicable(_ region: Int64, count: Int = 1) { counts[Self.key(region), default: (0, 0, 0)].notApplicable += count }

    var rows: [RuleTally] {
        counts.map { key, value in
            RuleTally(ruleID: ruleID, level: key.level, province: RegionCode(uncheckedRawValue: key.province), passed: value.passed,
                      failed: value.failed, notApplicable: value.notApplicable)
        }
    }
}
