import RuralstatModel

/// The edit rules of a project: what `pipelines/rules.yaml` holds, checked as a whole.
///
/// Loaded by ``init(yaml:file:knownIndicators:)``, which reports every problem of the file at once,
/// each with its line and key path.
public struct RuleSet: Sendable {
    /// The rule set's own version, recorded with every run.
    public let version: String
    /// The rules, in file order.
    public let rules: [EditRule]
    /// Reliability weights by indicator code for error localisation (``ErrorLocalizer``): changing a
    /// field costs its weight, so a field that is trusted more is named less readily; codes not listed
    /// weigh 1.
    public let weights: [String: Double]

    /// Builds a rule set; ids must be valid and unique, and weights positive.
    public init(version: String, rules: [EditRule], weights: [String: Double] = [:], file: String = "rules") throws(RuleSetLoadError) {
        var problems: [YAMLProblem] = []
        var seen: Set<String> = []
        for (index, rule) in rules.enumerated() {
            let path = "rules[\(index)].id"
            if !EditRule.isValidID(rule.id) {
                problems.append(YAMLProblem(line: nil, path: path, message: EditRule.badIDMessage(rule.id)))
            } else if !seen.insert(rule.id).inserted {
                problems.append(YAMLProblem(line: nil, path: path, message: "'\(rule.id)' is the id of an earlier rule"))
            }
        }
        for (code, weight) in weights.sorted(by: { $0.key < $1.key }) where !(weight > 0 && weight.isFinite) {
            problems.append(YAMLProblem(line: nil, path: "weights.\(code)", message: EditRule.badWeightMessage(weight)))
        }
        guard problems.isEmpty else { throw RuleSetLoadError(file: file, problems: problems) }
        self.version = version
        self.rules = rules
        self.weights = weights
    }

    /// The rule with this id.
    public func rule(id: String) -> EditRule? { rules.first { $0.id == id } }

    /// The rules that check units of `level`, in file order.
    public func rules(at level: RegionLevel) -> [EditRule] { rules.filter { $0.applies(to: level) } }
}

/// A rule set that does not load; carries every problem found, each with its line and key path.
public struct RuleSetLoadError: Error, Sendable, CustomStringConvertible {
    /// The rule file, or the name given for a rule set built in code.
    public let file: String
    /// Every problem found, each with its line and key path.
    public let problems: [YAMLProblem]
    /// Why the file could not be read at all (then there are no problems to list).
    public var unreadable: String?

    /// Creates the error; see the properties for each field.
    public init(file: String, problems: [YAMLProblem], unreadable: String? = nil) {
        self.file = file
        self.problems = problems
        self.unreadable = unreadable
    }

    /// Why the file could not be read, or the file and one line per problem.
    public var description: String {
        if let unreadable { return "cannot read the rules \(file): \(unreadable)" }
        return "\(file): the rule set has \(problems.count) problem\(problems.count == 1 ? "" : "s"):\n"
            + problems.map { "  " + $0.description }.joined(separator: "\n")
    }
}

extension EditRule {
    static func badWeightMessage(_ weight: Double) -> String {
        "a reliability weight must be a positive number, not \(RuleExpression.literal(weight))"
    }

    static func badIDMessage(_ id: String) -> String {
        "'\(id)' is not a rule id (a–z, 0–9, _, starting with a letter)"
    }
}
