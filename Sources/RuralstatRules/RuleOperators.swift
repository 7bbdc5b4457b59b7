import RuralstatModel

// The operators and built-in functions of the rule language, and what each one means.

extension RuleExpression {
    /// The four arithmetic operators.
    public enum Arithmetic: String, Sendable, Hashable, CaseIterable {
        /// Add, subtract, multiply and divide, written `+ - * /`.
        case add = "+", subtract = "-", multiply = "*", divide = "/"

        /// `*` and `/` bind tighter than `+` and `-`.
        var precedence: Int { self == .add || self == .subtract ? RuleExpression.additive : RuleExpression.multiplicative }
    }

    /// The six comparisons. Only `==` and `!=` use a tolerance.
    public enum Comparison: String, Sendable, Hashable, CaseIterable {
        /// Less, at most, greater, at least, equal, not equal: `< <= > >= == !=`.
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", equal = "==", notEqual = "!="

        /// The comparison that holds exactly when this one does not (how a failure is worded).
        public var negation: Comparison {
            switch self {
            case .less: .greaterOrEqual
            case .lessOrEqual: .greater
            case .greater: .lessOrEqual
            case .greaterOrEqual: .less
            case .equal: .notEqual
            case .notEqual: .equal
            }
        }

        /// Compares two numbers; equality is `|a − b| <= tolerance` (validate's `lin.eq.eps`, but
        /// inclusive so that a tolerance of 0 means exact equality).
        @inline(__always)
        public func holds(_ a: Double, _ b: Double, tolerance: Double) -> Bool {
            switch self {
            case .less: a < b
            case .lessOrEqual: a <= b
            case .greater: a > b
            case .greaterOrEqual: a >= b
            case .equal: Swift.abs(a - b) <= tolerance
            case .notEqual: !(Swift.abs(a - b) <= tolerance)
            }
        }
    }

    /// The built-in functions that take numbers. (`is_missing` takes an indicator code and is its own case.)
    public enum Function: String, Sendable, Hashable, CaseIterable {
        /// `abs(x)`, and `min` and `max` of two or more numbers.
        case abs, min, max
        /// `in_range(x, lo, hi)`: `lo <= x <= hi`, bounds included (validate's default).
        case inRange = "in_range"

        /// The number of arguments: `abs` 1, `in_range` 3, `min` and `max` two or more.
        var arity: ClosedRange<Int> {
            switch self {
            case .abs: 1...1
            case .min, .max: 2...Int.max
            case .inRange: 3...3
            }
        }

        var resultKind: Kind { self == .inRange ? .condition : .number }

        /// "takes 1 argument", "takes 2 or more arguments": for the arity error.
        var arityPhrase: String {
            switch self {
            case .abs: "takes 1 argument"
            case .min, .max: "takes 2 or more arguments"
            case .inRange: "takes 3 arguments (x, lo, hi)"
            }
        }

        /// All function names, for "unknown function" messages.
        static let names = allCases.map(\.rawValue) + ["is_missing"]
    }
}
