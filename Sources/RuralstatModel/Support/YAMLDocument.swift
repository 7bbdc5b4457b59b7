import Yams

/// A problem in a YAML document, with the line it is on and the key path that leads to it.
public struct YAMLProblem: Sendable, Hashable, CustomStringConvertible {
    /// The line in the document, or `nil` when the problem has no one place.
    public let line: Int?
    /// The key path, e.g. `indicators[3].aggregation`.
    public let path: String
    /// What is wrong, for people.
    public let message: String

    /// `line 12: indicators[3].aggregation: message`, one line.
    public var description: String { (line.map { "line \($0): " } ?? "") + "\(path): \(message)" }

    /// Creates a problem; see the properties for each field.
    public init(line: Int?, path: String, message: String) {
        self.line = line
        self.path = path
        self.message = message
    }
}

/// Reads a YAML mapping with typed getters that record a problem (with line and key path) instead of
/// stopping at the first one, and that flag keys nobody asked for, so a typo in a spec is caught.
///
/// Catalogs, rules and pipeline specs are read through this, so that all of them name the key and
/// the reason when something is wrong.
public final class YAMLFields {
    private let node: Node
    /// This mapping's key path in the document (empty for the top).
    public let path: String
    private let sink: YAMLProblemSink
    private var asked: Set<String> = []

    /// Parses `yaml`; a syntax error becomes the document's only problem.
    public static func document(_ yaml: String) -> (root: YAMLFields?, problems: YAMLProblemSink) {
        let sink = YAMLProblemSink()
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                sink.add(YAMLProblem(line: nil, path: "(document)", message: "the document is empty"))
                return (nil, sink)
            }
            guard node.mapping != nil else {
                sink.add(YAMLProblem(line: node.mark?.line, path: "(document)", message: "expected a mapping of keys at the top"))
                return (nil, sink)
            }
            return (YAMLFields(node: node, path: "", sink: sink), sink)
        } catch {
            sink.add(YAMLProblem(line: nil, path: "(document)", message: "not valid YAML: \(error)"))
            return (nil, sink)
        }
    }

    init(node: Node, path: String, sink: YAMLProblemSink) {
        self.node = node
        self.path = path
        self.sink = sink
    }

    private func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The line the mapping starts on.
    public var line: Int? { node.mark?.line }

    /// The mapping's keys in document order (for mappings keyed by data, such as indicator codes).
    public var keys: [String] { node.mapping.map { $0.compactMap { $0.key.scalar?.string } } ?? [] }

    /// Records a problem at `key` of this mapping.
    public func problem(_ key: String, _ message: String) {
        sink.add(YAMLProblem(line: node[key]?.mark?.line ?? line, path: keyPath(key), message: message))
    }

    private func value(_ key: String, required: Bool) -> Node? {
        asked.insert(key)
        let isNull = { (node: Node) in
            node.scalar.map { $0.style == .plain && ["", "~", "null", "Null", "NULL"].contains($0.string) } ?? false
        }
        guard let value = node[key], !isNull(value) else {
            if required { problem(key, "is required") }
            return nil
        }
        return value
    }

    /// The single value at `key` as text; `nil` when absent or null (a problem if `required`) or not a single value (a problem).
    public func string(_ key: String, required: Bool = true) -> String? {
        guard let value = value(key, required: required) else { return nil }
        guard let scalar = value.scalar else {
            problem(key, "expected a single value")
            return nil
        }
        return scalar.string
    }

    /// The whole number at `key`; `nil` when absent (a problem if `required`) or not a whole number (a problem).
    public func int(_ key: String, required: Bool = true) -> Int? {
        guard let text = string(key, required: required) else { return nil }
        guard let number = Int(text) else {
            problem(key, "'\(text)' is not a whole number")
            return nil
        }
        return number
    }

    /// The finite number at `key`; `nil` when absent (a problem if `required`) or not a finite number (a problem).
    public func double(_ key: String, required: Bool = true) -> Double? {
        guard let text = string(key, required: required) else { return nil }
        guard let number = Double(text), number.isFinite else {
            problem(key, "'\(text)' is not a number")
            return nil
        }
        return number
    }

    /// The boolean at `key`; `nil` when absent (a problem if `required`) or not true or false (a problem).
    public func bool(_ key: String, required: Bool = true) -> Bool? {
        guard let value = value(key, required: required) else { return nil }
        guard let flag = value.bool else {
            problem(key, "'\(value.scalar?.string ?? "…")' is not true or false")
            return nil
        }
        return flag
    }

    /// A value from a fixed set of words, e.g. an enum's raw values.
    public func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type, required: Bool = true) -> T?
    where T.RawValue == String {
        guard let text = string(key, required: required) else { return nil }
        guard let value = T(rawValue: text) else {
            problem(key, "'\(text)' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return value
    }

    /// A list of single values (`[village, township]`); a single value is taken as a list of one.
    public func strings(_ key: String, required: Bool = true) -> [String]? {
        guard let value = value(key, required: required) else { return nil }
        if let scalar = value.scalar { return [scalar.string] }
        guard let sequence = value.sequence else {
            problem(key, "expected a list")
            return nil
        }
        var result: [String] = []
        for item in sequence {
            guard let scalar = item.scalar else {
                problem(key, "expected a list of single values")
                return nil
            }
            result.append(scalar.string)
        }
        return result
    }

    /// A nested mapping.
    public func mapping(_ key: String, required: Bool = true) -> YAMLFields? {
        guard let value = value(key, required: required) else { return nil }
        guard value.mapping != nil else {
            problem(key, "expected a mapping of keys")
            return nil
        }
        return YAMLFields(node: value, path: keyPath(key), sink: sink)
    }

    /// A list of mappings, each with its own path `key[i]`.
    public func mappings(_ key: String, required: Bool = true) -> [YAMLFields]? {
        guard let value = value(key, required: required) else { return nil }
        guard let sequence = value.sequence else {
            problem(key, "expected a list")
            return nil
        }
        var result: [YAMLFields] = []
        for (index, item) in sequence.enumerated() {
            guard item.mapping != nil else {
                sink.add(YAMLProblem(line: item.mark?.line, path: "\(keyPath(key))[\(index)]", message: "expected a mapping of keys"))
                continue
            }
            result.append(YAMLFields(node: item, path: "\(keyPath(key))[\(index)]", sink: sink))
        }
        return result
    }

    /// The keys and single values of a nested mapping, in document order (`targets: {2020: 85}`).
    public func pairs(_ key: String, required: Bool = true) -> [(key: String, value: String)]? {
        guard let value = value(key, required: required) else { return nil }
        guard let mapping = value.mapping else {
            problem(key, "expected a mapping")
            return nil
        }
        var result: [(String, String)] = []
        for (k, v) in mapping {
            guard let keyText = k.scalar?.string, let valueText = v.scalar?.string else {
                problem(key, "expected single keys and values")
                return nil
            }
            result.append((keyText, valueText))
        }
        return result
    }

    /// Records a problem for every key of this mapping that no getter asked for.
    public func rejectUnknownKeys() {
        guard let mapping = node.mapping else { return }
        for (key, value) in mapping {
            guard let name = key.scalar?.string, !asked.contains(name) else { continue }
            sink.add(
                YAMLProblem(
                    line: value.mark?.line ?? key.mark?.line, path: keyPath(name),
                    message: "unknown key (known here: \(asked.sorted().joined(separator: ", ")))"))
        }
    }
}

/// Collects the problems of one YAML document.
public final class YAMLProblemSink {
    /// The problems recorded so far, in the order found.
    public private(set) var problems: [YAMLProblem] = []
    func add(_ problem: YAMLProblem) { problems.append(problem) }
}
