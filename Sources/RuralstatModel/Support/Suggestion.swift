/// "Did you mean …?" for a code or name that is not known: the known ones closest in edit distance
/// (case-insensitive), or those that contain it, so a typo in a filter is caught and corrected.
public enum Suggestion {
    /// Up to `limit` known values close to `text`, best first.
    public static func closest(to text: String, among known: some Sequence<String>, limit: Int = 3) -> [String] {
        let wanted = Array(text.uppercased().unicodeScalars)
        guard !wanted.isEmpty else { return [] }
        let allowed = max(2, wanted.count / 3)
        var scored: [(distance: Int, value: String)] = []
        for value in known {
            let candidate = Array(value.uppercased().unicodeScalars)
            let contains = candidate.count > wanted.count && value.uppercased().contains(text.uppercased())
            let distance = contains ? 1 : editDistance(wanted, candidate, limit: allowed)
            if distance <= allowed { scored.append((distance, value)) }
        }
        return scored.sorted { ($0.distance, $0.value) < ($1.distance, $1.value) }.prefix(limit).map(\.value)
    }

    /// "; did you mean A, B or C?" — or nothing when no known value is close.
    public static func text(_ text: String, among known: some Sequence<String>) -> String {
        let found = closest(to: text, among: known)
        guard let last = found.last else { return "" }
        return "; did you mean " + (found.count == 1 ? last : found.dropLast().joined(separator: ", ") + " or " + last) + "?"
    }

    /// Levenshtein distance, stopping early once every path exceeds `limit`.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], limit: Int) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            current[0] = i
            var best = current[0]
            for j in stride(from: 1, through: b.count, by: 1) {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                best = min(best, current[j])
            }
            if best > limit { return limit + 1 }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
