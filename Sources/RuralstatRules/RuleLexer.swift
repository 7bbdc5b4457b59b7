import RuralstatModel

/// One token of a rule: a number, an indicator code, a lower-case word (keyword or function name),
/// a symbol, or the end of the rule; with the column it starts at.
struct RuleToken: Equatable {
    enum Kind: Equatable {
        case number(Double)
        /// An indicator code: `[A-Z][A-Z0-9_]*`.
        case code
        /// Any other name: keywords (`and`, `or`, `not`, `in`, `if`, `then`), function names, or a
        /// mistake (`Households`, `sqrt`) that the parser reports in context.
        case word
        /// Operators and punctuation: `<= >= == != < > + - * / ( ) { } ,`.
        case symbol
        case end
    }

    let kind: Kind
    let text: String
    /// 1-based, in characters (Unicode scalars) of the rule text.
    let column: Int

    func isSymbol(_ symbol: String) -> Bool { kind == .symbol && text == symbol }
    func isWord(_ word: String) -> Bool { kind == .word && text == word }

    /// How an error message names the token: `'<='`, `'HOUSEHOLDS'`, `end of rule`.
    var quoted: String { kind == .end ? "end of rule" : "'\(text)'" }
}

/// Splits a rule into tokens on demand, so that errors come out in reading order: the parser asks for
/// the next token only once it has understood the ones before.
struct RuleLexer {
    private let scalars: [Unicode.Scalar]
    private var position = 0

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    mutating func next() throws(RuleSyntaxError) -> RuleToken {
        while position < scalars.count, scalars[position].properties.isWhitespace { position += 1 }
        let start = position
        let column = start + 1
        guard position < scalars.count else { return RuleToken(kind: .end, text: "", column: column) }
        let first = scalars[position]

        if Self.isDigit(first) { return try number(from: start) }

        if Self.isLetter(first) || first == "_" {
            while position < scalars.count, Self.isLetter(scalars[position]) || Self.isDigit(scalars[position]) || scalars[position] == "_" {
                position += 1
            }
            let text = String(String.UnicodeScalarView(scalars[start..<position]))
            return RuleToken(kind: IndicatorCode.isValid(text) ? .code : .word, text: text, column: column)
        }

        // Two-character operators first, so `<=` is not read as `<` then `=`.
        if position + 1 < scalars.count {
            let pair = String(String.UnicodeScalarView([first, scalars[position + 1]]))
            if ["<=", ">=", "==", "!="].contains(pair) {
                position += 2
                return RuleToken(kind: .symbol, text: pair, column: column)
            }
        }
        position += 1
        switch first {
        case "<", ">", "+", "-", "*", "/", "(", ")", "{", "}", ",":
            return RuleToken(kind: .symbol, text: String(first), column: column)
        // Habits from other languages get a hint rather than a bare "unexpected".
        case "=": throw RuleSyntaxError(column: column, message: "unexpected '='; compare with '=='")
        case "!": throw RuleSyntaxError(column: column, message: "unexpected '!'; write 'not', or '!=' to compare")
        case "&": throw RuleSyntaxError(column: column, message: "unexpected '&'; write 'and'")
        case "|": throw RuleSyntaxError(column: column, message: "unexpected '|'; write 'or'")
        default: throw RuleSyntaxError(column: column, message: "unexpected character '\(first)'")
        }
    }

    /// `digits [. digits] [e [+-] digits]`: `20`, `0.5`, `1e3`, `2.5E-4`.
    private mutating func number(from start: Int) throws(RuleSyntaxError) -> RuleToken {
        func digits() -> Int {
            let from = position
            while position < scalars.count, Self.isDigit(scalars[position]) { position += 1 }
            return position - from
        }
        var wellFormed = digits() > 0
        if position < scalars.count, scalars[position] == "." {
            position += 1
            wellFormed = wellFormed && digits() > 0
        }
        if position < scalars.count, scalars[position] == "e" || scalars[position] == "E" {
            position += 1
            if position < scalars.count, scalars[position] == "+" || scalars[position] == "-" { position += 1 }
            wellFormed = wellFormed && digits() > 0
        }
        let text = String(String.UnicodeScalarView(scalars[start..<position]))
        guard wellFormed, let value = Double(text) else {
            throw RuleSyntaxError(column: start + 1, message: "'\(text)' is not a number")
        }
        guard value.isFinite else { throw RuleSyntaxError(column: start + 1, message: "'\(text)' is too large") }
        return RuleToken(kind: .number(value), text: text, column: start + 1)
    }

    private static func isDigit(_ s: Unicode.Scalar) -> Bool { ("0"..."9").contains(s) }
    private static func isLetter(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) || ("A"..."Z").contains(s) }
}
