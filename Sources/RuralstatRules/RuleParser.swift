import RuralstatModel

/// Turns a rule's text into a ``RuleExpression``: a recursive-descent parser that handles binary
/// operators by precedence climbing (Pratt), checks kinds (number or condition) as it goes, and stops
/// at the first error with its column.
///
/// Grammar, loosest first:
/// ```
/// rule       := 'if' expr 'then' rule | expr                      (must be a condition)
/// expr       := expr 'or' expr | expr 'and' expr | 'not' expr
///             | sum ('<' | '<=' | '>' | '>=' | '==' | '!=') sum   (at most one: no chains)
///             | sum 'in' '{' number (',' number)* '}' | sum
/// sum        := sum ('+' | '-') term | term
/// term       := term ('*' | '/') unary | unary
/// unary      := '-' unary | NUMBER | CODE | '(' expr ')' | function '(' args ')' | 'is_missing' '(' CODE ')'
/// ```
struct RuleParser {
    /// An expression with its kind and the column it starts at, for kind errors that point at it.
    private struct Parsed {
        let expression: RuleExpression
        let kind: RuleExpression.Kind
        let column: Int
    }

    private var lexer: RuleLexer
    private var current: RuleToken
    /// The token before `current`, so that "expected an expression after '<='" can name it.
    private var previous: RuleToken?
    private let knownIndicators: Set<String>?
    private var depth = 0
    static let deepest = 64
    static let longest = 4_096

    init(_ text: String, knownIndicators: Set<String>?) throws(RuleSyntaxError) {
        // Long chains of operators make deep trees too: a rule's length is bounded as well as its nesting.
        guard text.utf8.count <= Self.longest else {
            throw RuleSyntaxError(column: 1, message: "the rule is \(text.utf8.count) characters long; an edit rule is at most \(Self.longest)")
        }
        var lexer = RuleLexer(text)
        current = try lexer.next()
        self.lexer = lexer
        self.knownIndicators = knownIndicators
    }

    /// Parses a whole rule; anything left over is an error.
    mutating func parseRule() throws(RuleSyntaxError) -> RuleExpression {
        let rule = try rule(after: nil)
        guard current.kind == .end else { throw expected("an operator or the end of the rule") }
        return rule
    }

    // MARK: - Rules and guards

    private mutating func rule(after keyword: String?) throws(RuleSyntaxError) -> RuleExpression {
        if current.isWord("if") {
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.deepest else {
                throw RuleSyntaxError(column: current.column, message: "the rule nests more than \(Self.deepest) levels deep; no edit rule needs that")
            }
            let ifToken = current
            try advance()
            let condition = try expression(0)
            try require(condition, .condition, "after 'if'")
            guard current.isWord("then") else {
                throw expected("'then' after the condition of the 'if' at column \(ifToken.column)")
            }
            try advance()
            return .conditional(condition.expression, then: try rule(after: "'then'"))
        }
        let body = try expression(0)
        if body.kind != .condition {
            let place = keyword.map { "after \($0)" } ?? "(a comparison, 'in', is_missing or in_range)"
            throw RuleSyntaxError(column: body.column, message: "expected a condition \(place), found a number")
        }
        return body.expression
    }

    // MARK: - Expressions

    /// The precedence of `token` as a binary operator, or `nil` if it is not one.
    private func infixLevel(_ token: RuleToken) -> Int? {
        switch (token.kind, token.text) {
        case (.word, "or"): RuleExpression.orLevel
        case (.word, "and"): RuleExpression.andLevel
        case (.word, "in"), (.symbol, "<"), (.symbol, "<="), (.symbol, ">"), (.symbol, ">="), (.symbol, "=="), (.symbol, "!="):
            RuleExpression.comparisonLevel
        case (.symbol, "+"), (.symbol, "-"): RuleExpression.additive
        case (.symbol, "*"), (.symbol, "/"): RuleExpression.multiplicative
        default: nil
        }
    }

    /// Parses operators of precedence `minLevel` or tighter (precedence climbing): each loop step
    /// takes one operator and parses its right operand one level tighter, which makes `+ - * /`,
    /// `and`, `or` left-associative.
    private mutating func expression(_ minLevel: Int) throws(RuleSyntaxError) -> Parsed {
        var left = try prefix()
        while let level = infixLevel(current), level >= minLevel {
            let op = current
            try advance()
            switch level {
            case RuleExpression.orLevel, RuleExpression.andLevel:
                try require(left, .condition, "before '\(op.text)'")
                let right = try expression(level + 1)
                try require(right, .condition, "after '\(op.text)'")
                left = Parsed(
                    expression: op.text == "and" ? .and(left.expression, right.expression) : .or(left.expression, right.expression),
                    kind: .condition, column: left.column)
            case RuleExpression.comparisonLevel:
                try require(left, .number, "before '\(op.text)'")
                if op.text == "in" {
                    left = Parsed(expression: .member(left.expression, try setLiteral()), kind: .condition, column: left.column)
                } else {
                    let right = try expression(RuleExpression.additive)
                    try require(right, .number, "after '\(op.text)'")
                    left = Parsed(
                        expression: .comparison(RuleExpression.Comparison(rawValue: op.text)!, left.expression, right.expression),
                        kind: .condition, column: left.column)
                }
                // Non-associative: `a < b < c` means something else in every language that allows it.
                if infixLevel(current) == RuleExpression.comparisonLevel {
                    throw RuleSyntaxError(
                        column: current.column,
                        message:
                            "comparisons cannot be chained; found \(current.quoted) after a comparison (join two comparisons with 'and')")
                }
            default:
                try require(left, .number, "before '\(op.text)'")
                let right = try expression(level + 1)
                try require(right, .number, "after '\(op.text)'")
                left = Parsed(
                    expression: .arithmetic(RuleExpression.Arithmetic(rawValue: op.text)!, left.expression, right.expression),
                    kind: .number, column: left.column)
            }
        }
        return left
    }

    /// An operand: a literal, a code, a parenthesised expression, a prefix operator or a function call.
    private mutating func prefix() throws(RuleSyntaxError) -> Parsed {
        // Every nesting (a sign, 'not', parentheses, a function's arguments) passes here: bounded, so that
        // no rule text, however made, can exhaust the stack of the parser or of what walks the rule after.
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.deepest else {
            throw RuleSyntaxError(column: current.column, message: "the rule nests more than \(Self.deepest) levels deep; no edit rule needs that")
        }
        let token = current
        switch token.kind {
        case .number(let value):
            try advance()
            return Parsed(expression: .number(value), kind: .number, column: token.column)
        case .code:
            try checkKnown(token)
            try advance()
            return Parsed(expression: .indicator(token.text), kind: .number, column: token.column)
        case .symbol where token.text == "(":
            try advance()
            let inner = try expression(0)
            guard current.isSymbol(")") else { throw expected("')' to close the '(' at column \(token.column)") }
            try advance()
            return Parsed(expression: inner.expression, kind: inner.kind, column: token.column)
        case .symbol where token.text == "-":
            try advance()
            let operand = try expression(RuleExpression.unaryMinus)
            try require(operand, .number, "after '-'")
            return Parsed(expression: .negate(operand.expression), kind: .number, column: token.column)
        case .word where token.text == "not":
            try advance()
            let operand = try expression(RuleExpression.notLevel)
            try require(operand, .condition, "after 'not'")
            return Parsed(expression: .not(operand.expression), kind: .condition, column: token.column)
        case .word where token.text == "is_missing":
            return try isMissing()
        case .word where RuleExpression.Function(rawValue: token.text) != nil:
            return try call(RuleExpression.Function(rawValue: token.text)!)
        case .word where token.text == "if":
            throw RuleSyntaxError(column: token.column, message: "'if' can only start a rule or follow 'then'")
        case .word where !["and", "or", "in", "then"].contains(token.text):
            try advance()
            if current.isSymbol("(") {
                throw RuleSyntaxError(
                    column: token.column,
                    message:
                        "unknown function '\(token.text)' (the functions are \(RuleExpression.Function.names.joined(separator: ", ")))")
            }
            throw RuleSyntaxError(
                column: token.column,
                message:
                    "unknown name '\(token.text)'; indicator codes are upper case (A–Z, 0–9, _, starting with a letter)")
        default:
            throw expected("an expression" + (previous.map { " after '\($0.text)'" } ?? ""))
        }
    }

    /// `abs(x)`, `min(a, b, …)`, `max(a, b, …)`, `in_range(x, lo, hi)`; every argument is a number.
    private mutating func call(_ function: RuleExpression.Function) throws(RuleSyntaxError) -> Parsed {
        let name = current
        try advance()
        guard current.isSymbol("(") else { throw expected("'(' after '\(name.text)'") }
        try advance()
        var arguments: [Parsed] = []
        if !current.isSymbol(")") {
            while true {
                arguments.append(try expression(0))
                if current.isSymbol(",") {
                    try advance()
                    continue
                }
                guard current.isSymbol(")") else {
                    throw expected("',' or ')' after argument \(arguments.count) of \(name.text)")
                }
                break
            }
        }
        try advance()
        guard function.arity.contains(arguments.count) else {
            throw RuleSyntaxError(column: name.column, message: "\(name.text) \(function.arityPhrase), found \(arguments.count)")
        }
        for (index, argument) in arguments.enumerated() {
            try require(argument, .number, "as argument \(index + 1) of \(name.text)")
        }
        return Parsed(expression: .call(function, arguments.map(\.expression)), kind: function.resultKind, column: name.column)
    }

    /// `is_missing(CODE)`: takes a code rather than an expression, so that what "missing" means stays
    /// simple (the unit did not report that indicator).
    private mutating func isMissing() throws(RuleSyntaxError) -> Parsed {
        let name = current
        try advance()
        guard current.isSymbol("(") else { throw expected("'(' after 'is_missing'") }
        let open = current
        try advance()
        let code = current
        guard code.kind == .code else { throw expected("an indicator code in is_missing(…)") }
        try checkKnown(code)
        try advance()
        guard current.isSymbol(")") else { throw expected("')' to close the '(' at column \(open.column)") }
        try advance()
        return Parsed(expression: .isMissing(code.text), kind: .condition, column: name.column)
    }

    /// `{0, 1}` or `{-1, 0, 1}` after `in`: literal numbers only, so membership is known when the rule loads.
    private mutating func setLiteral() throws(RuleSyntaxError) -> [Double] {
        guard current.isSymbol("{") else { throw expected("'{' after 'in'") }
        try advance()
        var values: [Double] = []
        while true {
            var sign = 1.0
            if current.isSymbol("-") {
                sign = -1
                try advance()
            }
            guard case .number(let value) = current.kind else { throw expected("a number in the set") }
            values.append(sign * value)
            try advance()
            if current.isSymbol(",") {
                try advance()
                continue
            }
            guard current.isSymbol("}") else { throw expected("',' or '}' in the set") }
            try advance()
            return values
        }
    }

    // MARK: - Helpers

    private mutating func advance() throws(RuleSyntaxError) {
        previous = current
        current = try lexer.next()
    }

    private func expected(_ what: String) -> RuleSyntaxError {
        RuleSyntaxError(column: current.column, message: "expected \(what), found \(current.quoted)")
    }

    private func require(_ operand: Parsed, _ kind: RuleExpression.Kind, _ place: String) throws(RuleSyntaxError) {
        guard operand.kind != kind else { return }
        throw RuleSyntaxError(column: operand.column, message: "expected \(kind.phrase) \(place), found \(operand.kind.phrase)")
    }

    private func checkKnown(_ token: RuleToken) throws(RuleSyntaxError) {
        guard let knownIndicators, !knownIndicators.contains(token.text) else { return }
        let hint = Self.closest(to: token.text, in: knownIndicators).map { " (did you mean \($0)?)" } ?? ""
        throw RuleSyntaxError(column: token.column, message: "unknown indicator '\(token.text)'\(hint)")
    }

    /// The known code nearest to a misspelt one (edit distance at most 2), for a "did you mean" hint.
    static func closest(to code: String, in known: Set<String>) -> String? {
        func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
            var row = Array(0...b.count)
            for (i, x) in a.enumerated() {
                var diagonal = row[0]
                row[0] = i + 1
                for (j, y) in b.enumerated() {
                    let above = row[j + 1]
                    row[j + 1] = Swift.min(above + 1, row[j] + 1, diagonal + (x == y ? 0 : 1))
                    diagonal = above
                }
            }
            return row[b.count]
        }
        let target = Array(code.utf8)
        let scored = known.map { (code: $0, distance: distance(target, Array($0.utf8))) }.filter { $0.distance <= 2 }
        return scored.min { ($0.distance, $0.code) < ($1.distance, $1.code) }?.code
    }
}

extension RuleExpression {
    /// Parses a rule's text.
    ///
    /// - Parameter knownIndicators: when given, an indicator code not in it is an error (with a
    ///   "did you mean" hint); pass the catalog's codes when loading rules.
    /// - Throws: the first syntax or kind error, with its column.
    public init(parsing text: String, knownIndicators: Set<String>? = nil) throws(RuleSyntaxError) {
        var parser = try RuleParser(text, knownIndicators: knownIndicators)
        self = try parser.parseRule()
    }
}
