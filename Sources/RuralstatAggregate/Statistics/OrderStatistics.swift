/// Medians and median absolute deviations, computed in place with quickselect (no full sort).
public enum OrderStatistics {
    /// The median of `values` (the mean of the two middle values for an even count); reorders them.
    public static func median(_ values: UnsafeMutableBufferPointer<Double>) -> Double {
        let count = values.count
        precondition(count > 0)
        let upper = count / 2
        select(values, upper)
        if count % 2 == 1 { return values[upper] }
        // After selecting `upper`, the lower half holds the smaller values: its maximum is the other middle.
        var lowerMiddle = values[0]
        for index in 1..<upper where values[index] > lowerMiddle { lowerMiddle = values[index] }
        return (lowerMiddle + values[upper]) / 2
    }

    /// The median and the MAD, median |x − median|, of `values`; `scratch` must hold as many values.
    public static func medianAndMAD(_ values: UnsafeBufferPointer<Double>, scratch: UnsafeMutableBufferPointer<Double>) -> (median: Double, mad: Double) {
        let work = UnsafeMutableBufferPointer(rebasing: scratch[0..<values.count])
        _ = work.initialize(from: values)
        if values.count <= smallGroup { return sortedMedianAndMAD(work) }
        let middle = median(work)
        for index in 0..<values.count { work[index] = abs(values[index] - middle) }
        return (middle, median(work))
    }

    /// Up to this many values, sorting them beats two selections (a township's dozen villages).
    public static let smallGroup = 16

    /// Sorts ascending (values without NaN): by insertion for a small group, where the standard
    /// library's general sort costs several times as much; a larger one by quicksort on the same
    /// partition as ``select(_:_:)`` (about twice the standard library's stable sort on doubles),
    /// handing a range to the standard library's sort when ties keep it from shrinking.
    public static func sort(_ values: UnsafeMutableBufferPointer<Double>) {
        guard values.count > smallGroup else { return insertionSort(values, low: 0, high: values.count - 1) }
        // Depth for about twice the halvings a balanced split needs.
        quicksort(values, low: 0, high: values.count - 1, depth: 2 * (Int.bitWidth - values.count.leadingZeroBitCount))
    }

    private static func quicksort(_ values: UnsafeMutableBufferPointer<Double>, low: Int, high: Int, depth: Int) {
        var (low, high, depth) = (low, high, depth)
        while high - low >= smallGroup {
            guard depth > 0 else {
                var range = UnsafeMutableBufferPointer(rebasing: values[low...high])
                range.sort()
                return
            }
            depth -= 1
            let pivot = partition(values, low: low, high: high)
            // Nothing below the pivot: when the whole range equals it, the range is sorted (many ties
            // would otherwise shed one value a pass).
            if pivot == low, values[low...high].allSatisfy({ $0 == values[low] }) { return }
            // The smaller side by recursion, the larger by the loop: the stack stays logarithmic.
            if pivot - low < high - pivot {
                quicksort(values, low: low, high: pivot - 1, depth: depth)
                low = pivot + 1
            } else {
                quicksort(values, low: pivot + 1, high: high, depth: depth)
                high = pivot - 1
            }
        }
        insertionSort(values, low: low, high: high)
    }

    private static func insertionSort(_ values: UnsafeMutableBufferPointer<Double>, low: Int, high: Int) {
        guard high > low else { return }
        for next in (low + 1)...high {
            let value = values[next]
            var index = next
            while index > low, values[index - 1] > value {
                values[index] = values[index - 1]
                index -= 1
            }
            values[index] = value
        }
    }

    /// A small group's median and MAD from its sorted values: the deviations grow outwards from
    /// the median on both sides, so merging the two sides up to the middle gives the MAD without a
    /// second pass — the same numbers as the two selections give.
    static func sortedMedianAndMAD(_ values: UnsafeMutableBufferPointer<Double>) -> (median: Double, mad: Double) {
        let count = values.count
        precondition(count > 0)
        sort(values)
        let upper = count / 2
        let middle = count % 2 == 1 ? values[upper] : (values[upper - 1] + values[upper]) / 2
        var right = 0
        while right < count, values[right] < middle { right += 1 }
        var left = right - 1
        var (lower, current) = (0.0, 0.0)
        for _ in 0...upper {
            let below = left >= 0 ? abs(values[left] - middle) : .infinity
            let above = right < count ? abs(values[right] - middle) : .infinity
            lower = current
            if below <= above {
                current = below
                left -= 1
            } else {
                current = above
                right += 1
            }
        }
        return (middle, count % 2 == 1 ? current : (lower + current) / 2)
    }

    /// Moves the `k`-th smallest value to position `k`, smaller ones before it and larger ones
    /// after, by ``partition(_:low:high:)``, until ties make that slow: it then hands the rest to
    /// Hoare's partition, which ties do not slow.
    static func select(_ values: UnsafeMutableBufferPointer<Double>, _ k: Int) {
        var low = 0, high = values.count - 1
        // Lomuto's work; with many ties of the pivot a pass may shed one value only.
        var budget = 4 * values.count
        while high > low {
            guard budget > 0 else { return hoareSelect(values, k, low: low, high: high) }
            budget -= high - low
            let pivot = partition(values, low: low, high: high)
            if k < pivot { high = pivot - 1 } else if k > pivot { low = pivot + 1 } else { return }
        }
    }

    /// Splits `low ... high` around the median of its first, middle and last values, and returns
    /// where that pivot lands: smaller values before it, the others after. Lomuto's partition
    /// without branches (a value moves whether or not it is smaller, so no comparison is
    /// mispredicted: about twice the speed of Hoare's on distinct values).
    @inline(__always)
    private static func partition(_ values: UnsafeMutableBufferPointer<Double>, low: Int, high: Int) -> Int {
        let middle = orderThree(values, low: low, high: high)
        // The median of three goes last, as the pivot; the rest is split around it.
        values.swapAt(middle, high)
        let pivot = values[high]
        var smaller = low
        for index in low..<high {
            let value = values[index]
            values[index] = values[smaller]
            values[smaller] = value
            smaller += value < pivot ? 1 : 0
        }
        values.swapAt(smaller, high)
        return smaller
    }

    /// Puts the first, middle and last values of `low ... high` in order and returns the middle's
    /// position: the median of three, a pivot that sorted or reversed data does not defeat.
    @inline(__always)
    private static func orderThree(_ values: UnsafeMutableBufferPointer<Double>, low: Int, high: Int) -> Int {
        let middle = low + (high - low) / 2
        if values[middle] < values[low] { values.swapAt(middle, low) }
        if values[high] < values[low] { values.swapAt(high, low) }
        if values[high] < values[middle] { values.swapAt(high, middle) }
        return middle
    }

    /// ``select(_:_:)`` within `low ... high` by Hoare's partition (median of three).
    private static func hoareSelect(_ values: UnsafeMutableBufferPointer<Double>, _ k: Int, low: Int, high: Int) {
        var low = low, high = high
        while high > low {
            let pivot = values[orderThree(values, low: low, high: high)]
            var i = low, j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j { high = j } else if k >= i { low = i } else { return }
        }
    }
}

extension OrderStatistics {
    /// The `p`-th percentile (0…100) of ascending `sorted` values as Statistics Canada's GEIS and
    /// Banff define it (GEIS Appendix A): T = p/100 · (n + 1), W = ⌊T⌋, D = T − W; x₁ when W < 1,
    /// xₙ when W ≥ n, else (1 − D)·x_W + D·x_{W+1} (1-based). Not numpy's default definition: HB
    /// and sigma-gap bounds match Banff's only with this one.
    public static func geisPercentile(sorted: UnsafeBufferPointer<Double>, _ p: Double) -> Double {
        let count = sorted.count
        precondition(count > 0)
        let t = p / 100 * Double(count + 1)
        let w = t.rounded(.down)
        let d = t - w
        if w < 1 { return sorted[0] }
        if w >= Double(count) { return sorted[count - 1] }
        let index = Int(w)  // 1-based x_W is sorted[W − 1]
        return (1 - d) * sorted[index - 1] + d * sorted[index]
    }

    /// ``geisPercentile(sorted:_:)`` of an array already in ascending order.
    public static func geisPercentile(sorted: [Double], _ p: Double) -> Double {
        sorted.withUnsafeBufferPointer { geisPercentile(sorted: $0, p) }
    }
}
