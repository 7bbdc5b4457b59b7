import Foundation
import Testing
import TestSupport
@testable import RuralstatIngest
import RuralstatModel
import RuralstatFuzzEntries

/// The number reader: what a reporting unit types is read as that number, or refused — never turned
/// into another number (a lone `+` was once read as 0).
@Suite("Number reader")
struct NumberReaderTests {
    static func read(_ text: String) -> FieldText.Number {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { FieldText.number(FieldBytes($0)) }
    }

    @Test(
        "signs and dots without a digit, and misplaced separators, are not numbers",
        arguments: [
            "+", "+.", "-.", ".", "+e5", ".e1", "1,234.5,6", "1,23", "12,34,567", "1e", "1e+", "--5", "+-5", "1.2.3", "0x10", "inf", "-inf",
            "infinity", "1e999", "∞", "１２a", "1_000", "1 000", "5%",
        ])
    func refused(text: String) {
        #expect(Self.read(text) == .invalid, "\(text)")
    }

    @Test(
        "numbers as reporting units write them",
        arguments: [
            ("0", 0.0), ("+5", 5), ("-5", -5), ("5.", 5), (".5", 0.5), ("-.5", -0.5), ("1,234", 1234), ("1,234,567.25", 1_234_567.25),
            ("-1,234.5", -1234.5), ("1e3", 1000), ("1.5E-2", 0.015), ("１２３．５", 123.5), ("－７", -7), (" 42 ", 42), ("4000000.0000001", 4000000.0000001),
        ])
    func read(text: String, value: Double) {
        #expect(Self.read(text) == .value(value), "\(text)")
    }

    @Test("missing markers", arguments: ["", "NaN", "nan", "#N/A", "NA", "n/a", "-", "…", "—"])
    func missing(text: String) {
        #expect(Self.read(text) == .missing)
    }

    /// Random strings over signs, dots, exponents, separators, spaces, full-width digits and letters:
    /// whatever the reference (`NumberGrammar`, an independent reading of the documented grammar, also
    /// the fuzzer's oracle) refuses is refused, and whatever it reads is read to the same double.
    @Test func agreesWithTheReferenceOnRandomStrings() {
        let alphabet: [String] = [
            "0", "1", "5", "9", "0", "7", "+", "-", ".", ".", "e", "E", ",", " ", "\t", "１", "２", "．", "－", "＋", "a", "x", "n",
            "i", "f", "_", "%", "‰", "\u{3000}",
        ]
        var random = SplitMix64(seed: 12)
        var read = 0, refused = 0
        for _ in 0..<60_000 {
            let text = (0..<Int.random(in: 1...9, using: &random)).map { _ in alphabet.randomElement(using: &random)! }.joined()
            let expected = NumberGrammar.read(text), actual = Self.read(text)
            if case .value(let value) = expected {
                read += 1
                guard case .value(let got) = actual, got.bitPattern == value.bitPattern || (got == 0 && value == 0) else {
                    Issue.record("'\(text)': expected \(value), read \(actual)")
                    return
                }
            } else if expected != actual {
                Issue.record("'\(text)': expected \(expected), read \(actual)")
                return
            } else {
                refused += 1
            }
        }
        #expect(read > 2_000 && refused > 2_000)  // both sides were exercised
    }
}
