import RuralstatAggregate

extension Array where Element == IndicatorColumn {
    /// The regions of these sorted columns (one partition's), merged without repeats: every unit that
    /// reported any of them, in code order — the rows of a unit-by-indicator record.
    var unitRegions: [Int64] {
        let columns = self

        var merged: [Int64] = []
        for column in columns where !column.isEmpty {
            if merged.isEmpty {
                merged = column.regions
                continue
            }
            var result: [Int64] = []
            result.reserveCapacity(merged.count + column.count / 8)
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
}
