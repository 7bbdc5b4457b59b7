/// A plan target or baseline such as `>90`, `>=6.5`, `100`: a comparator and a value.
public struct Target: Sendable, Hashable, CustomStringConvertible {
    /// How a value must compare with the target's number, spelled as in the catalog.
    public enum Comparator: String, Sendable, Hashable, CaseIterable {
        /// `=`, a bare number: reach it, upwards or downwards as the indicator's direction says.
        case equal = "="
        /// `>`: above the number.
        case greater = ">"
        /// `>=`: at least the number.
        case greaterOrEqual = ">="
        /// `<`: below the number.
        case less = "<"
        /// `<=`: at most the number.
        case lessOrEqual = "<="
    }

    /// How a value must compare with ``value``.
    public let comparator: Comparator
    /// The target's number, as the catalog writes it.
    public let value: Double

    /// Creates a target; see the properties for each field.
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

    /// The catalog form: `90`, `>90`, `>=6.5` (a whole number without a fraction).
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
