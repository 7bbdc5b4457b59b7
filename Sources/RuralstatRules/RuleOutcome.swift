import RuralstatModel

/// What an edit rule says about one reporting unit in one period.
///
/// Like `validate`'s TRUE / FALSE / NA: a rule that cannot be judged for a unit (a value it needs is
/// missing, it divides by zero, or its `if` condition is false) is *not applicable*, which is neither
/// a pass nor a failure and is counted apart.
public enum RuleOutcome: UInt8, Sendable, Hashable, CaseIterable {
    /// `pass`: the rule holds; `fail`: it is violated; `notApplicable`: it could not be judged (see ``NotApplicableReason``).
    case pass, fail, notApplicable
}

/// Why a rule was not applicable to a unit.
public enum NotApplicableReason: Sendable, Hashable {
    /// These indicators (used outside `is_missing`) were not reported.
    case missing([String])
    /// A divisor was zero.
    case divisionByZero
    /// The condition of an `if … then` guard was false (this one).
    case conditionFalse(RuleExpression)
}
