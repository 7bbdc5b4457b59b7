import Dispatch
import Foundation
import RuralstatModel

/// Units compared with their peers: those under the same region at a level (a county's villages),
/// reporting the same indicator in the same period. The groups are runs of a partition's sorted
/// rows, so finding them costs one pass; the median and MAD of each come from quickselect.
///
/// This is the machinery the quality checks build on (robust z among peers); W1's per-county
/// outliers use it directly.
public struct PeerGroup {
    /// The region the peers share at `level`.
    public let region: Int64
    public let level: RegionLevel
    /// The peers' regions and values, in region order.
    public let regions: ArraySlice<Int64>
    public let values: ArraySlice<Double>
    public let median: Double
    /// The median absolute deviation from the median (not scaled).
    public let mad: Double

    public var size: Int { regions.count }

    /// The robust z of a value: 0.6745 · (x − median) / MAD (undefined when MAD is 0).
    @inline(__always)
    public func robustZ(_ value: Double) -> Double { 0.6745 * (value - median) / mad }
}

public enum PeerGroups {
    /// Calls `body` with every peer group at `level` of one column, in region order.
    public static func forEach(in column: IndicatorColumn, level: RegionLevel, _ body: (PeerGroup) throws -> Void) rethrows {
        guard !column.isEmpty else { return }
        var scratch = [Double](repeating: 0, count: column.count)
        try column.values.withUnsafeBufferPointer { values in
            try scratch.withUnsafeMutableBufferPointer { scratch in
                try Hierarchy.forEachRun(column.regions, level: level) { run, group in
                    let (median, mad) = OrderStatistics.medianAndMAD(UnsafeBufferPointer(rebasing: values[run]), scratch: scratch)
                    try body(PeerGroup(region: group, level: level, regions: column.regions[run], values: column.values[run],
                                       median: median, mad: mad))
                }
            }
        }
    }
}

/// A value far from its peers: |robust z| above the threshold, with the numbers that say so.
public struct PeerOutlier: Sendable, Hashable {
    public var region: Int64
    /// Index into the table's indicators and periods.
    public var indicator: Int
    public var period: Int
    public var value: Double
    public var robustZ: Double
    public var median: Double
    public var mad: Double
    public var peerGroup: Int64
    public var peers: Int
}

extension PeerGroups {
    /// Every value whose robust z among its peers at `level` exceeds `threshold` in absolute value
    /// (groups whose MAD is 0 are skipped), found over the partitions concurrently and returned in
    /// partition, indicator and region order, whatever the number of workers.
    public static func outliers(in table: ObservationTable, level: RegionLevel, threshold: Double,
                                workers: Int = ProcessInfo.activeProcessors) -> [PeerOutlier] {
        let results = table.mapPartitions(workers: workers) { partition in
            var found: [PeerOutlier] = []
            for (indicator, column) in partition.columns.enumerated() {
                forEach(in: column, level: level) { group in
                    guard group.mad > 0 else { return }
                    for (region, value) in zip(group.regions, group.values) {
                        let z = group.robustZ(value)
                        if abs(z) > threshold {
                            found.append(PeerOutlier(region: region, indicator: indicator, period: partition.period, value: value,
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
