import RuralstatModel

/// The per-unit quantities an aggregation rule adds up, for one indicator in one partition: for each
/// reporting unit (sorted by region) a first quantity `a` and a second `b`.
///
/// | rule | a | b | value of a group |
/// |---|---|---|---|
/// | sum, mean, min, max, median | value | 1 | Σa, Σa/n, min a, max a, median a |
/// | weighted_mean(W) | value·W | W | Σa/Σb |
/// | ratio(N, D) | N | D | Σa/Σb (×100 for a rate) |
/// | share_of_units(C) | 1 if C holds else 0 | 1 | 100·Σa/n |
struct UnitStream {
    var regions: [Int64] = []
    var a: [Double] = []
    /// Empty when every b is 1.
    var b: [Double] = []
    /// Whether the stream is a whole column as it is (all its rows at the base level).
    var isWholeColumn = false

    var count: Int { regions.count }

    @inline(__always)
    func second(_ index: Int) -> Double { b.isEmpty ? 1 : b[index] }

    /// Which rows are units: those at the base level, and those of units that stand for it too.
    struct BaseLevel {
        var level: RegionLevel
        var spanning: Set<Int64>

        @inline(__always)
        func contains(_ region: Int64) -> Bool {
            Hierarchy.level(of: region) == level || (!spanning.isEmpty && spanning.contains(region))
        }
    }

    /// The unit rows of `column` as a stream with b = 1; shares the column's arrays when all its
    /// rows are units (the usual case: villages report, nobody else does).
    static func values(_ column: IndicatorColumn, at base: BaseLevel) -> UnitStream {
        if column.regions.allSatisfy(base.contains) {
            return UnitStream(regions: column.regions, a: column.values, b: [], isWholeColumn: true)
        }
        var stream = UnitStream()
        for index in 0..<column.count where base.contains(column.regions[index]) {
            stream.regions.append(column.regions[index])
            stream.a.append(column.values[index])
        }
        return stream
    }

    /// Units present in both columns (a merge join on region), with `combine` giving (a, b).
    static func joined(
        _ first: IndicatorColumn, _ second: IndicatorColumn, at base: BaseLevel,
        _ combine: (Double, Double) -> (Double, Double)
    ) -> UnitStream {
        var stream = UnitStream()
        var i = 0, j = 0
        while i < first.count, j < second.count {
            let left = first.regions[i], right = second.regions[j]
            if left < right {
                i += 1
            } else if right < left {
                j += 1
            } else {
                if base.contains(left) {
                    let (a, b) = combine(first.values[i], second.values[j])
                    stream.regions.append(left)
                    stream.a.append(a)
                    stream.b.append(b)
                }
                i += 1
                j += 1
            }
        }
        return stream
    }
}

/// Level arithmetic on integer codes: the ancestor at a level is the code with the lower digit
/// groups set to zero (the registry checks that every parent's digits prefix its children's, so
/// this holds for the irregular branches too).
public enum Hierarchy {
    static let divisors = RegionCode.subtreeSpans

    /// The ancestor of an integer code at a level, by its digits.
    public static func ancestorCode(_ region: Int64, _ level: RegionLevel) -> Int64 { ancestor(region, level.rawValue) }

    /// Calls `body` with every run of ascending `regions` within `range` that shares an ancestor at
    /// `level`, and that ancestor. A group of sorted codes is a run: it lasts while the region stays
    /// below the group's end, one comparison per row.
    public static func forEachRun(
        _ regions: [Int64], in range: Range<Int>? = nil, level: RegionLevel,
        _ body: (Range<Int>, Int64) throws -> Void
    ) rethrows {
        let range = range ?? regions.indices
        var start = range.lowerBound
        while start < range.upperBound {
            let group = ancestor(regions[start], level.rawValue)
            let bound = group + divisors[level.rawValue]
            var end = start + 1
            while end < range.upperBound, regions[end] < bound { end += 1 }
            try body(start..<end, group)
            start = end
        }
    }

    @inline(__always)
    static func ancestor(_ region: Int64, _ level: Int) -> Int64 {
        let divisor = divisors[level]
        return region / divisor * divisor
    }

    @inline(__always)
    static func level(of region: Int64) -> RegionLevel { RegionCode(uncheckedRawValue: region).level }
}
