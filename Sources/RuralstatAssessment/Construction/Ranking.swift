/// Ranks of scores. Regions are ranked with "min" ties (1, 2, 2, 4: the Handbook's and COINr's rule),
/// 1 for the best; the rank normalisation uses averaged ties, 1 for the worst.
public enum Ranking {
    /// Rank 1 for the highest score; equal scores share the best rank among them; NaN is unranked (0).
    public static func minRanks(_ scores: [Double]) -> [Int] {
        let order = scores.indices.filter { !scores[$0].isNaN }.sorted { scores[$0] > scores[$1] }
        var ranks = [Int](repeating: 0, count: scores.count)
        for (position, index) in order.enumerated() {
            ranks[index] = position > 0 && scores[order[position - 1]] == scores[index] ? ranks[order[position - 1]] : position + 1
        }
        return ranks
    }

    /// Rank 1 for the lowest value, ties given the mean of the ranks they span; NaN stays NaN.
    public static func averageRanks(_ values: [Double]) -> [Double] {
        let order = values.indices.filter { !values[$0].isNaN }.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: .nan, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count, values[order[end + 1]] == values[order[start]] { end += 1 }
            let rank = Double(start + end + 2) / 2
            for position in start...end { ranks[order[position]] = rank }
            start = end + 1
        }
        return ranks
    }

    /// Min ranks within each class (units of no class, `nil`, are not ranked: 0).
    public static func minRanks(_ scores: [Double], classes: [String?]) -> [Int] {
        var ranks = [Int](repeating: 0, count: scores.count)
        for name in Set(classes.compactMap { $0 }) {
            let members = scores.indices.filter { classes[$0] == name }
            for (member, rank) in zip(members, minRanks(members.map { scores[$0] })) { ranks[member] = rank }
        }
        return ranks
    }
}
