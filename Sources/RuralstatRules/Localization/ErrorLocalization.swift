/// Which fields of a unit's record are most likely wrong, by the principle of Fellegi and Holt: the
/// changes of least total reliability weight that let the record satisfy every edit rule.
public struct ErrorLocalization: Sendable, Hashable {
    /// The lightest sets of fields whose change can satisfy every rule, each in rule-set order; more
    /// than one when several weigh the same (at most ``ErrorLocalizer/mostTies``, see ``tiesCut``).
    /// Empty when ``reason`` says why no set was sought or found.
    public var sets: [[String]]
    /// Fields the unit did not report that the rules read: they must be given values anyway, so they
    /// belong to every set (Fellegi–Holt), and are listed here rather than as "wrong".
    public var imputed: [String]
    /// The total weight of each set in ``sets``, the imputed fields included.
    public var weight: Double
    /// Whether more sets of the same weight exist than ``sets`` lists.
    public var tiesCut: Bool
    /// Why the unit's fields were not localised (a rule that is not linear, too many linked fields,
    /// no change within the catalog's ranges); nil when ``sets`` holds the answer.
    public var reason: String?

    /// Creates a result; see the properties for each field.
    public init(sets: [[String]], imputed: [String] = [], weight: Double, tiesCut: Bool = false, reason: String? = nil) {
        self.sets = sets
        self.imputed = imputed
        self.weight = weight
        self.tiesCut = tiesCut
        self.reason = reason
    }

    /// A unit whose fields could not be localised, and why.
    static func notLocalized(_ reason: String) -> ErrorLocalization {
        ErrorLocalization(sets: [], weight: 0, reason: reason)
    }

    /// "HH_TAP_WATER", "HOUSEHOLDS + POPULATION", "HH_TAP_WATER or HOUSEHOLDS": the sets as people read
    /// them; empty when there is none, or when imputing the missing fields is enough.
    public var likelyWrong: String {
        sets.map { $0.joined(separator: " + ") }.joined(separator: " or ")
    }

    /// The clause a finding's explanation ends with: "likely wrong: HH_TAP_WATER (the lightest change
    /// that satisfies every rule, weight 1)", "missing, to impute: POPULATION (enough to satisfy every
    /// rule)", "not localised: …".
    public var summary: String {
        if let reason { return "not localised: \(reason)" }
        if sets == [[]] { return "missing, to impute: \(imputed.joined(separator: ", ")) (enough to satisfy every rule)" }
        let weightText = Self.number(weight)
        var text = "likely wrong: \(likelyWrong) ("
        if sets.count == 1 {
            text += "the lightest change that satisfies every rule, weight \(weightText))"
        } else {
            text += "\(tiesCut ? "more than \(sets.count)" : "\(sets.count)") changes of equal weight \(weightText))"
        }
        if !imputed.isEmpty { text += "; missing, to impute: " + imputed.joined(separator: ", ") }
        return text
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && Swift.abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
