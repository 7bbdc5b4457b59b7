/// Maps canonical column names to positions in a header row, matching case-insensitively and
/// understanding aliases (Chinese headers such as 地区代码 or 指标代码).
public struct HeaderMap: Sendable {
    private let positions: [String: Int]
    /// The number of columns of the header.
    public let count: Int
    /// The header as read.
    public let names: [String]

    /// - Parameter aliases: canonical name → accepted spellings (compared trimmed and lower-cased).
    public init(_ names: [String], aliases: [String: [String]]) {
        self.names = names
        count = names.count
        var lookup: [String: String] = [:]
        for (canonical, spellings) in aliases {
            for spelling in spellings { lookup[spelling.lowercased()] = canonical }
        }
        var positions: [String: Int] = [:]
        for (index, name) in names.enumerated() {
            let key = name.trimmingCharacters(in: " \t").lowercased()
            if let canonical = lookup[key], positions[canonical] == nil { positions[canonical] = index }
        }
        self.positions = positions
    }

    /// The position of a canonical column, or `nil` when the header lacks it.
    public subscript(_ canonical: String) -> Int? { positions[canonical] }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var slice = Substring(self)
        while let first = slice.first, characters.contains(first) { slice.removeFirst() }
        while let last = slice.last, characters.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
