import RuralstatAggregate

extension Array where Element == IndicatorColumn {
    /// The regions of these sorted columns (one partition's), merged without repeats: every unit that
    /// reported any of them, in code order — the rows of a unit-by-indicator record. A column whose
    /// units are all there already (most of them: villages report every indicator) is only scanned.
    var unitRegions: [Int64] {
        var merged: [Int64] = []
        for column in self where !column.isEmpty {
            if merged.isEmpty {
                merged = column.regions
                continue
            }
            let added = Self.countNew(column.regions, in: merged)
            guard added > 0 else { continue }
            var result: [Int64] = []
            result.reserveCapacity(merged.count + added)
            var i = 0, j = 0
            while i < merged.count || j < column.count {
                if j == column.count || (i < merged.count && merged[i] < column.regions[j]) {
                    result.append(merged[i])
                    i += 1
                } else if i == merged.count || column.regions[j] < merged[i] {
                    result.append(column.regions[j])
                    j += 1
                } else {
                    result.append(merged[i])
                    i += 1
                    j += 1
                }
            }
            merged = result
        }
        return merged
    }

    /// How many of the sorted `regions` are not in the sorted `merged`.
    private static func countNew(_ regions: [Int64], in merged: [Int64]) -> Int {
        var added = 0, i = 0
        for region in regions {
            while i < merged.count, merged[i] < region { i += 1 }
            if i == merged.count || merged[i] != region { added += 1 }
        }
        return added
    }
}
