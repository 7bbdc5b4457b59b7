import RuralstatAggregate

extension Array where Element == IndicatorColumn {
    /// The regions of these sorted columns (one partition's), merged without repeats: every unit that
    /// reported any of them, in code order — the rows of a unit-by-indicator record. The largest
    /// column is the base; the others are only scanned against it, the few units they add are
    /// gathered, and merged in once (every column merged in turn would copy the whole partition's
    /// units again for each column that adds a single unit, as columns with a few gaps all do).
    var unitRegions: [Int64] {
        guard let base = self.max(by: { $0.count < $1.count }), !base.isEmpty else { return [] }
        var merged = base.regions
        var added: [Int64] = []
        for column in self where !column.isEmpty {
            column.regions.withUnsafeBufferPointer { regions in
                merged.withUnsafeBufferPointer { merged in Self.gatherNew(regions, notIn: merged, into: &added) }
            }
            // Many additions (columns of other units than the base's): merge them in now.
            if added.count > merged.count / 4 { Self.mergeIn(&added, into: &merged) }
        }
        Self.mergeIn(&added, into: &merged)
        return merged
    }

    /// Appends the sorted `regions` that are not in the sorted `merged` to `added`.
    private static func gatherNew(_ regions: UnsafeBufferPointer<Int64>, notIn merged: UnsafeBufferPointer<Int64>, into added: inout [Int64]) {
        var i = 0
        for region in regions {
            while i < merged.count, merged[i] < region { i += 1 }
            if i == merged.count || merged[i] != region { added.append(region) }
        }
    }

    /// Merges the units gathered (in any order, maybe repeated) into the sorted `merged`, and empties `added`.
    private static func mergeIn(_ added: inout [Int64], into merged: inout [Int64]) {
        guard !added.isEmpty else { return }
        added.sort()
        merged = merged.withUnsafeBufferPointer { left in
            added.withUnsafeBufferPointer { right in
                [Int64](unsafeUninitializedCapacity: left.count + right.count) { result, initialized in
                    var i = 0, j = 0, k = 0
                    while i < left.count || j < right.count {
                        let next = j == right.count || (i < left.count && left[i] <= right[j]) ? left[i] : right[j]
                        if i < left.count && left[i] == next { i += 1 }
                        while j < right.count && right[j] == next { j += 1 }
                        result[k] = next
                        k += 1
                    }
                    initialized = k
                }
            }
        }
        added.removeAll(keepingCapacity: true)
    }

    /// Calls `body` with each row's column (its position here), unit (its index in `units`, these
    /// columns' ``unitRegions``) and value, column by column in row order: the walk a
    /// unit-by-indicator record is filled by, through raw pointers (it runs over every row).
    @inline(__always)
    func forEachRow(in units: [Int64], _ body: (_ column: Int, _ unit: Int, _ value: Double) -> Void) {
        units.withUnsafeBufferPointer { units in
            for (position, column) in enumerated() {
                column.regions.withUnsafeBufferPointer { regions in
                    column.values.withUnsafeBufferPointer { values in
                        var cursor = 0
                        for row in regions.indices {
                            while units[cursor] < regions[row] { cursor += 1 }
                            body(position, cursor, values[row])
                        }
                    }
                }
            }
        }
    }
}
