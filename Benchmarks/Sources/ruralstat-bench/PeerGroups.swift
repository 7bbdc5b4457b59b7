import Dispatch
import Foundation
import RuralstatAggregate
import RuralstatModel

/// Units compared with their peers: those under the same region at a level (a county's villages),
/// reporting the same indicator in the same period. The groups are runs of a partition's sorted
/// rows, so finding them costs one pass; the median and MAD of each come from quickselect.
///
/// W1's per-county outliers, kept with the benchmark: the product's own peer comparison is the
/// quality check `PeerOutlierCheck`, which also judges groups whose MAD is 0 (this one skips them).
struct PeerGroup {
    /// The region the peers share at `level`.
    let region: Int64
    let level: RegionLevel
    /// The peers' regions and values, in region order.
    let regions: ArraySlice<Int64>
    let values: ArraySlice<Double>
    let median: Double
    /// The median absolute deviation from the median (not scaled).
    let mad: Double

    var size: Int { regions.count }

    /// The robust z of a value (``RobustScale``; groups whose MAD is 0 are skipped, so it is defined).
    @inline(__always)
    func robustZ(_ value: Double) -> Double { RobustScale.z(value, median: median, scale: RobustScale.fromMAD(mad)) }
}

enum PeerGroups {
    /// Calls `body` with every peer group at `level` of one column, in region order.
    static func forEach(in column: IndicatorColumn, level: RegionLevel, _ body: (PeerGroup) throws -> Void) rethrows {
        guard !column.isEmpty else { return }
        var scratch = [Double](repeating: 0, count: column.count)
        try column.values.withUnsafeBufferPointer { values in
            try scratch.withUnsafeMutableBufferPointer { scratch in
                try Hierarchy.forEachRun(column.regions, level: level) { run, group in
                    let (median, mad) = OrderStatistics.medianAndMAD(UnsafeBufferPointer(rebasing: values[run]), scratch: scratch)
                    try body(
                        PeerGroup(
                            region: group, level: level, regions: column.regions[run], values: column.values[run],
                            median: median, mad: mad))
                }
            }
        }
    }
}

/// A value far from its peers: |robust z| above the threshold, with the numbers that say so.
struct PeerOutlier: Sendable, Hashable {
    var region: Int64
    /// Index into the table's indicators and periods.
    var indicator: Int
    var period: Int
    var value: Double
    var robustZ: Double
    var median: Double
    var mad: Double
    var peerGroup: Int64
    var peers: Int
}

extension PeerGroups {
    /// Every value whose robust z among its peers at `level` exceeds `threshold` in absolute value
    /// (groups whose MAD is 0 are skipped), found over the partitions concurrently and returned in
    /// partition, indicator and region order, whatever the number of workers.
    static func outliers(
        in table: ObservationTable, level: RegionLevel, threshold: Double,
        workers: Int = ProcessInfo.activeProcessors
    ) -> [PeerOutlier] {
        let results = table.mapPartitions(workers: workers) { partition in
            var found: [PeerOutlier] = []
            for (indicator, column) in partition.columns.enumerated() {
                forEach(in: column, level: level) { group in
                    guard group.mad > 0 else { return }
                    for (region, value) in zip(group.regions, group.values) {
                        let z = group.robustZ(value)
                        if abs(z) > threshold {
                            found.append(
                                PeerOutlier(
                                    region: region, indicator: indicator, period: partition.period, value: value,
                                    robustZ: z, median: group.median, mad: group.mad, peerGroup: group.region,
                                    peers: group.size))
                        }
                    }
                }
            }
            return found
        }
        return results.flatMap { $0 }
    }
}
