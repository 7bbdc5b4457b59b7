import Foundation
import RuralstatModel

extension RuleSet {
    /// Loads the rule set in the file at `path` (UTF-8 YAML, as ``init(yaml:file:knownIndicators:)``):
    /// the one way the nightly run and every command read rules.
    public init(contentsOfFile path: String, knownIndicators: Set<String>) throws(RuleSetLoadError) {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw RuleSetLoadError(file: path, problems: [], unreadable: error.localizedDescription)
        }
        try self.init(yaml: text, file: path, knownIndicators: knownIndicators)
    }

    /// Loads a rule set from YAML text (the layout of `pipelines/rules.yaml`).
    ///
    /// Every problem is collected, each with its line and key path; a rule that does not parse says
    /// where in the rule, e.g. `line 12: rules[3].rule: column 17: expected an expression after '<=',
    /// found end of rule`.
    ///
    /// - Parameter knownIndicators: the catalog's codes; a rule reading any other code is a problem.
    public init(yaml: String, file: String, knownIndicators: Set<String>) throws(RuleSetLoadError) {
        let (root, sink) = YAMLFields.document(yaml)
        var version = ""
        var rules: [EditRule] = []
        var weights: [String: Double] = [:]
        if let root {
            version = root.string("version") ?? ""
            var firstPath: [String: String] = [:]
            for fields in root.mappings("rules") ?? [] {
                if let rule = EditRule(fields: fields, knownIndicators: knownIndicators, firstPath: &firstPath) {
                    rules.append(rule)
                }
            }
            weights = Self.weights(root, knownIndicators: knownIndicators)
            root.rejectUnknownKeys()
        }
        guard sink.problems.isEmpty else { throw RuleSetLoadError(file: file, problems: sink.problems) }
        try self.init(version: version, rules: rules, weights: weights, file: file)
    }

    /// `weights: {HOUSEHOLDS: 2, …}`: positive numbers for known codes.
    private static func weights(_ root: YAMLFields, knownIndicators: Set<String>) -> [String: Double] {
        guard let mapping = root.mapping("weights", required: false) else { return [:] }
        var weights: [String: Double] = [:]
        for (code, _) in root.pairs("weights", required: false) ?? [] {
            guard knownIndicators.contains(code) else {
                mapping.problem(code, "is not an indicator of the catalog")
                continue
            }
            guard let weight = mapping.double(code) else { continue }
            if weight > 0 && weight.isFinite {
                weights[code] = weight
            } else {
                mapping.problem(code, EditRule.badWeightMessage(weight))
            }
        }
        return weights
    }
}

extension EditRule {
    /// Reads one rule entry; records problems in the document and returns `nil` when any field is
    /// unusable. `firstPath` remembers where each id was first seen, to name it in a duplicate.
    init?(fields f: YAMLFields, knownIndicators: Set<String>, firstPath: inout [String: String]) {
        let id = f.string("id")
        var idOK = id != nil
        if let id {
            if !EditRule.isValidID(id) {
                f.problem("id", EditRule.badIDMessage(id))
                idOK = false
            } else if let earlier = firstPath[id] {
                f.problem("id", "'\(id)' is already the id of \(earlier)")
                idOK = false
            } else {
                firstPath[id] = f.path
            }
        }
        let text = f.string("rule")
        let severity = f.choice("severity", Severity.self)
        let message = f.string("message", required: false)
        var levels = Set(RegionLevel.allCases)
        var levelsOK = true
        if let names = f.strings("levels", required: false) {
            levels = []
            for name in names {
                if let level = RegionLevel(name: name) {
                    levels.insert(level)
                } else {
                    f.problem("levels", "'\(name)' is not a level (village, township, county, prefecture, province, national)")
                    levelsOK = false
                }
            }
            if names.isEmpty {
                f.problem("levels", "is empty; leave it out to check units of every level")
                levelsOK = false
            }
        }
        var tolerance = EditRule.defaultTolerance
        var toleranceOK = true
        let givenTolerance = f.double("tolerance", required: false)
        if let given = givenTolerance {
            if given < 0 {
                f.problem("tolerance", "must be zero or more, not \(RuleExpression.literal(given))")
                toleranceOK = false
            }
            tolerance = given
        }
        var expression: RuleExpression?
        if let text {
            do {
                expression = try RuleExpression(parsing: text, knownIndicators: knownIndicators)
            } catch {
                f.problem("rule", error.description)
            }
        }
        // A tolerance on a rule without `==`, `!=` or `in` would be silently ignored; say so.
        if let expression, givenTolerance != nil, !expression.usesTolerance {
            f.problem("tolerance", "applies only to ==, != and in, and the rule has none of them")
            toleranceOK = false
        }
        f.rejectUnknownKeys()
        guard let id, idOK, let text, let expression, let severity, levelsOK, toleranceOK else { return nil }
        self.init(
            id: id, text: text, expression: expression, severity: severity, message: message,
            levels: levels, tolerance: tolerance)
    }
}
