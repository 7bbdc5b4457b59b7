/// The parameters a check used for one finding, by name and in the check's order, as typed values:
/// a report that draws a finding (Benford's digit shares) reads them as numbers, never by parsing the
/// text people see.
///
/// ```swift
/// let parameters: FindingParameters = ["threshold": .number(3.5), "minimum_peers": .integer(5), "log": .flag(true)]
/// parameters.description        // "threshold=3.5 minimum_peers=5 log=true"
/// parameters.number("threshold") // 3.5
/// ```
public struct FindingParameters: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByDictionaryLiteral {
    /// One parameter's value.
    public enum Value: Sendable, Hashable {
        /// A real number, such as a threshold.
        case number(Double)
        /// A whole number, such as a minimum count; it stays an integer when stored.
        case integer(Int)
        /// Text, such as an edit rule's text or an outlier status.
        case text(String)
        /// A yes/no setting, such as whether a log scale was used.
        case flag(Bool)
        /// A list of numbers, such as a distribution's shares.
        case numbers([Double])
        /// A list of whole numbers, such as digit counts.
        case integers([Int])
    }

    /// One named parameter.
    public struct Entry: Sendable, Hashable {
        /// The parameter's name (`threshold`); empty for one shown by its value alone.
        public var name: String
        /// The parameter's typed value.
        public var value: Value

        /// Creates a parameter; see the properties for each field.
        public init(name: String, value: Value) {
            self.name = name
            self.value = value
        }
    }

    /// The parameters in the order the check gave them.
    public private(set) var entries: [Entry]

    /// Creates the parameters from entries, kept in the order given.
    public init(_ entries: [Entry] = []) { self.entries = entries }

    /// Creates the parameters from a literal, in the literal's order: `["threshold": .number(3.5)]`.
    public init(dictionaryLiteral elements: (String, Value)...) {
        entries = elements.map { Entry(name: $0.0, value: $0.1) }
    }

    /// The value named `name`, if the check gave one.
    public subscript(name: String) -> Value? { entries.first { $0.name == name }?.value }

    /// The number named `name` (an integer is a number too).
    public func number(_ name: String) -> Double? {
        switch self[name] {
        case .number(let value)?: value
        case .integer(let value)?: Double(value)
        default: nil
        }
    }

    /// The list of numbers named `name`.
    public func numbers(_ name: String) -> [Double]? {
        switch self[name] {
        case .numbers(let values)?: values
        case .integers(let values)?: values.map(Double.init)
        default: nil
        }
    }

    /// The parameters of `lhs` followed by those of `rhs` (a check's shared ones, then a finding's own).
    public static func + (lhs: FindingParameters, rhs: FindingParameters) -> FindingParameters {
        FindingParameters(lhs.entries + rhs.entries)
    }

    /// `name=value` pairs separated by spaces, lists joined by `/` (the `parameters` column of the
    /// findings table and CSV); a parameter without a name shows its value alone.
    public var description: String {
        entries.map { $0.name.isEmpty ? "\($0.value)" : "\($0.name)=\($0.value)" }.joined(separator: " ")
    }
}

extension FindingParameters.Value: CustomStringConvertible {
    /// The value as the findings table shows it: numbers exact and shortest, `true`/`false`, lists joined by `/`.
    public var description: String {
        switch self {
        case .number(let value): NumberText.shortest(value)
        case .integer(let value): String(value)
        case .text(let value): value
        case .flag(let value): value ? "true" : "false"
        case .numbers(let values): values.map(NumberText.shortest).joined(separator: "/")
        case .integers(let values): values.map(String.init).joined(separator: "/")
        }
    }
}

// Stored as `[{"name": "threshold", "number": 3.5}, …]`: one key says the type, so an integer stays
// an integer and a list stays a list when read back.
extension FindingParameters.Entry: Codable {
    private enum Key: String, CodingKey { case name, number, integer, text, flag, numbers, integers }

    /// Reads `{"name": "threshold", "number": 3.5}`: the second key says the value's type.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        name = try c.decode(String.self, forKey: .name)
        if let v = try c.decodeIfPresent(Double.self, forKey: .number) {
            value = .number(v)
        } else if let v = try c.decodeIfPresent(Int.self, forKey: .integer) {
            value = .integer(v)
        } else if let v = try c.decodeIfPresent(String.self, forKey: .text) {
            value = .text(v)
        } else if let v = try c.decodeIfPresent(Bool.self, forKey: .flag) {
            value = .flag(v)
        } else if let v = try c.decodeIfPresent([Double].self, forKey: .numbers) {
            value = .numbers(v)
        } else if let v = try c.decodeIfPresent([Int].self, forKey: .integers) {
            value = .integers(v)
        } else {
            throw DecodingError.dataCorruptedError(forKey: .name, in: c, debugDescription: "parameter '\(name)' has no value")
        }
    }

    /// Writes the name and the value under a key that names its type, so that it reads back as the same case.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(name, forKey: .name)
        switch value {
        case .number(let v): try c.encode(v, forKey: .number)
        case .integer(let v): try c.encode(v, forKey: .integer)
        case .text(let v): try c.encode(v, forKey: .text)
        case .flag(let v): try c.encode(v, forKey: .flag)
        case .numbers(let v): try c.encode(v, forKey: .numbers)
        case .integers(let v): try c.encode(v, forKey: .integers)
        }
    }
}

extension FindingParameters {
    /// Reads the parameters stored as a JSON list of entries, in order.
    public init(from decoder: any Decoder) throws { entries = try [Entry](from: decoder) }
    /// Writes the parameters as a list of entries, so that their types and order survive the store.
    public func encode(to encoder: any Encoder) throws { try entries.encode(to: encoder) }
}
