import Yams

/// The indicator catalog: every indicator's definitions, checked as a whole.
///
/// Loaded from `pipelines/indicators.yaml` by ``init(yaml:file:)``. Loading checks every reference
/// (weights, numerators, denominators, conditions exist and are valid in the same years), that the
/// reference graph has no cycle, and that units and kinds agree; a failure names the indicator and
/// the field.
public struct IndicatorCatalog: Sendable {
    /// The catalog's own version, recorded with every run.
    public let version: String
    /// All definitions, ordered by code, then by `validFrom`.
    public let definitions: [Indicator]
    /// The periods figures may be given for.
    public let periodWindow: PeriodWindow
    private let byCode: [String: [Indicator]]

    /// Every indicator code, in catalog order.
    public var codes: [String] {
        var seen: Set<String> = []
        return definitions.compactMap { seen.insert($0.code).inserted ? $0.code : nil }
    }

    /// The definition of `code` in force in `year`, or `nil` if the code is unknown or not valid then.
    public func definition(_ code: String, year: Int) -> Indicator? {
        byCode[code]?.first { $0.isValid(in: year) }
    }

    /// All definitions of `code` (empty when unknown).
    public func definitions(of code: String) -> [Indicator] { byCode[code] ?? [] }

    /// Builds and checks a catalog from definitions.
    public init(
        version: String, definitions: [Indicator], periodWindow: PeriodWindow = PeriodWindow(),
        file: String = "catalog"
    ) throws(CatalogLoadError) {
        self.version = version
        self.periodWindow = periodWindow
        self.definitions = definitions.sorted { ($0.code, $0.validFrom) < ($1.code, $1.validFrom) }
        var byCode: [String: [Indicator]] = [:]
        for indicator in self.definitions { byCode[indicator.code, default: []].append(indicator) }
        self.byCode = byCode
        let problems = CatalogChecker(definitions: self.definitions, byCode: byCode).problems()
        guard problems.isEmpty else { throw CatalogLoadError(file: file, problems: problems) }
    }
}

/// One problem with a catalog: the indicator, the field and what is wrong.
public struct CatalogProblem: Sendable, Hashable, CustomStringConvertible {
    /// The code of the indicator at fault, or `-` for a problem found in reading the YAML.
    public let indicator: String
    /// The catalog field at fault (`aggregation`, `valid_from` …), or the key path of a YAML problem.
    public let field: String
    /// What is wrong, for people.
    public let message: String

    /// Creates a problem; see the properties for each field.
    public init(indicator: String, field: String, message: String) {
        self.indicator = indicator
        self.field = field
        self.message = message
    }

    /// The problem in one line, naming the indicator and the field.
    public var description: String { "indicator \(indicator), field '\(field)': \(message)" }
}

/// A catalog that does not load; carries every problem found.
public struct CatalogLoadError: Error, Sendable, CustomStringConvertible {
    /// The catalog file, or the name given for definitions built in code.
    public let file: String
    /// Every problem found, not just the first.
    public let problems: [CatalogProblem]

    /// The file, the number of problems and one line for each.
    public var description: String {
        "\(file): the indicator catalog has \(problems.count) problem\(problems.count == 1 ? "" : "s"):\n"
            + problems.map { "  " + $0.description }.joined(separator: "\n")
    }
}

/// The whole-catalog checks: references, cycles, kinds and units, validity windows.
struct CatalogChecker {
    let definitions: [Indicator]
    let byCode: [String: [Indicator]]

    func problems() -> [CatalogProblem] {
        var problems: [CatalogProblem] = []
        func add(_ indicator: Indicator, _ field: String, _ message: String) {
            problems.append(CatalogProblem(indicator: indicator.code, field: field, message: message))
        }

        for (code, versions) in byCode.sorted(by: { $0.key < $1.key }) {
            for (earlier, later) in zip(versions, versions.dropFirst()) {
                if earlier.definitionVersion == later.definitionVersion {
                    add(later, "definition_version", "definition version '\(later.definitionVersion)' appears twice")
                }
                if (earlier.validTo ?? Int.max) >= later.validFrom {
                    add(
                        later, "valid_from",
                        "definitions '\(earlier.definitionVersion)' (from \(earlier.validFrom)) and '\(later.definitionVersion)' (from \(later.validFrom)) of \(code) overlap; close the first with valid_to"
                    )
                }
            }
        }

        for indicator in definitions {
            if let to = indicator.validTo, to < indicator.validFrom {
                add(indicator, "valid_to", "valid_to \(to) is before valid_from \(indicator.validFrom)")
            }
            if let range = indicator.validRange, indicator.kind == .yesNo, range != 0...1 {
                add(indicator, "range", "a yes/no indicator takes the values 0 and 1, not \(range)")
            }
            if indicator.reportedLevels.isEmpty, !indicator.aggregation.isDerived {
                add(indicator, "levels", "no reporting level is given and the rule '\(indicator.aggregation)' does not compute the value")
            }
            checkKind(indicator, add)
            for (field, reference) in indicator.aggregation.references {
                checkReference(indicator, field: field, code: reference, add)
            }
        }

        for cycle in referenceCycles() {
            problems.append(
                CatalogProblem(
                    indicator: cycle[0], field: "aggregation",
                    message: "references form a cycle: " + (cycle + [cycle[0]]).joined(separator: " → ")))
        }
        // A reference is checked in the first and the last year of a definition; report each problem once.
        var seen: Set<CatalogProblem> = []
        return problems.filter { seen.insert($0).inserted }
    }

    private func checkKind(_ indicator: Indicator, _ add: (Indicator, String, String) -> Void) {
        switch indicator.aggregation {
        case .sum where !indicator.kind.isAdditive:
            add(indicator, "aggregation", "sum of a \(indicator.kind.rawValue) is meaningless; use ratio(N, D), weighted_mean(W), share_of_units(C) or mean")
        case .shareOfUnits where indicator.kind != .rate:
            add(indicator, "kind", "share_of_units gives a percentage, so the kind must be rate, not \(indicator.kind.rawValue)")
        case .shareOfUnits where indicator.unit != "%", .ratio where indicator.kind == .rate && indicator.unit != "%":
            add(indicator, "unit", "a rate is a percentage, so the unit must be '%', not '\(indicator.unit)'")
        case .ratio where indicator.kind == .amount || indicator.kind == .count || indicator.kind == .yesNo:
            add(indicator, "kind", "ratio(N, D) gives a rate or a ratio, not a \(indicator.kind.rawValue)")
        case .mean where indicator.kind == .yesNo, .median where indicator.kind == .yesNo:
            add(
                indicator, "aggregation",
                "the \(indicator.aggregation) of a yes/no fact is not a share; use share_of_units(\(indicator.code)) on a rate indicator")
        default:
            break
        }
    }

    private func checkReference(
        _ indicator: Indicator, field: String, code: String,
        _ add: (Indicator, String, String) -> Void
    ) {
        guard let versions = byCode[code] else {
            add(indicator, field, "\(field) \(code) is not in the catalog")
            return
        }
        if code == indicator.code {
            add(indicator, field, "\(field) refers to the indicator itself")
            return
        }
        // The referenced indicator must be defined in every year the referring one is.
        let lastYear = indicator.validTo ?? max(indicator.validFrom, versions.map { $0.validTo ?? $0.validFrom }.max()!) + 1
        for year in [indicator.validFrom, lastYear] where indicator.isValid(in: year) {
            guard let target = versions.first(where: { $0.isValid(in: year) }) else {
                add(indicator, field, "\(field) \(code) has no definition valid in \(year)")
                return
            }
            if target.frequency != indicator.frequency {
                add(indicator, field, "\(field) \(code) has frequency \(target.frequency), the indicator \(indicator.frequency)")
                return
            }
            switch (indicator.aggregation, field) {
            case (.ratio, _):
                if target.aggregation != .sum {
                    add(indicator, field, "\(field) \(code) must roll up by sum so the ratio is formed from summed parts, but it uses \(target.aggregation)")
                } else if indicator.kind == .rate, field == "denominator",
                    case .ratio(let numerator, _) = indicator.aggregation,
                    let top = definition(numerator, year), top.unit != target.unit || top.unitMultiplier != target.unitMultiplier
                {
                    add(
                        indicator, "denominator",
                        "a rate needs numerator and denominator in the same unit: \(numerator) is in \(top.scaledUnit), \(code) in \(target.scaledUnit)")
                }
            case (.weightedMean, _) where !target.kind.isAdditive:
                add(indicator, field, "weight \(code) is a \(target.kind.rawValue); a weight must be an amount or a count")
            case (.shareOfUnits(let condition), _) where condition.comparison == nil && target.kind != .yesNo:
                add(indicator, field, "condition \(code) is a \(target.kind.rawValue); a bare condition needs a yes/no indicator (or write '\(code) >= value')")
            default:
                break
            }
        }
    }

    private func definition(_ code: String, _ year: Int) -> Indicator? { byCode[code]?.first { $0.isValid(in: year) } }

    /// Cycles in the graph "indicator → indicators its rule reads", each listed once from its smallest code.
    private func referenceCycles() -> [[String]] {
        var edges: [String: Set<String>] = [:]
        for indicator in definitions {
            for (_, code) in indicator.aggregation.references where byCode[code] != nil && code != indicator.code {
                edges[indicator.code, default: []].insert(code)
            }
        }
        var state: [String: Int] = [:]  // 1 = on the stack, 2 = done
        var stack: [String] = []
        var cycles: [[String]] = []
        func visit(_ code: String) {
            state[code] = 1
            stack.append(code)
            for next in (edges[code] ?? []).sorted() {
                if state[next] == 1 {
                    let cycle = Array(stack[stack.firstIndex(of: next)!...])
                    let start = cycle.firstIndex(of: cycle.min()!)!
                    cycles.append(Array(cycle[start...] + cycle[..<start]))
                } else if state[next] == nil {
                    visit(next)
                }
            }
            stack.removeLast()
            state[code] = 2
        }
        for code in edges.keys.sorted() where state[code] == nil { visit(code) }
        return cycles
    }
}
