/// A plan target or baseline such as `>90`, `>=6.5`, `100`: a comparator and a value.
public struct Target: Sendable, Hashable, CustomStringConvertible {
    public enum Comparator: String, Sendable, Hashable, CaseIterable {
        case equal = "="
        case greater = ">"
        case greaterOrEqual = ">="
        case less = "<"
        case lessOrEqual = "<="
    }

    public let comparator: Comparator
    public let value: Double

    public init(comparator: Comparator, value: Double) {
        self.comparator = comparator
        self.value = value
    }

    /// Parses `90`, `>90`, `>=6.5`, `<2.7`, `=100`; a bare number means "reach at least / at most
    /// this" depending on direction and is kept as `=`.
    public init?(_ text: String) {
        let trimmed = text.trimmingWhitespace
        let ordered = Comparator.allCases.sorted { $0.rawValue.count > $1.rawValue.count }
        let comparator = ordered.first { trimmed.hasPrefix($0.rawValue) } ?? .equal
        let rest = trimmed.hasPrefix(comparator.rawValue) ? String(trimmed.dropFirst(comparator.rawValue.count)) : trimmed
        guard let value = Double(rest.trimmingWhitespace), value.isFinite else { return nil }
        self.init(comparator: comparator, value: value)
    }

    public var description: String {
        let number = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        return comparator == .equal ? number : comparator.rawValue + number
    }
}

extension String {
    var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
