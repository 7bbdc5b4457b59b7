import Foundation
import Testing
import TestSupport
@testable import RuralstatModel

/// Numbers as text: computed figures without float noise, matching printf's `%.15g` read back.
@Suite("Number text")
struct NumberTextTests {
    /// Over random values of every magnitude a report meets, `computed` gives the double that printf's
    /// `%.15g` reads back to (the reference), in at most 15 significant digits.
    @Test func computedMatchesPrintfAtFifteenDigits() {
        var random = SplitMix64(seed: 15)
        for _ in 0..<200_000 {
            let magnitude = pow(10, Double.random(in: -7...14, using: &random))
            let value = (Bool.random(using: &random) ? 1 : -1) * magnitude * Double.random(in: 1..<10, using: &random)
            let text = NumberText.computed(value)
            let reference = Double(NumberText.format("%.15g", value))!
            #expect(Double(text) == reference, "\(value): \(text) against \(reference)")
            let digits = text.prefix { $0 != "e" }.filter(\.isNumber).drop { $0 == "0" }
            #expect(digits.count <= 15, "\(value): \(text)")
        }
    }

    /// The text is the shortest text of the double it reads back to, and the bytes a CSV writer gets
    /// from ``ComputedDecimal`` are that text.
    @Test func computedTextIsShortestAndItsBytesAgree() {
        var random = SplitMix64(seed: 16)
        for _ in 0..<200_000 {
            let magnitude = pow(10, Double.random(in: -7...14, using: &random))
            var value = (Bool.random(using: &random) ? 1 : -1) * magnitude * Double.random(in: 1..<10, using: &random)
            // Sums of short decimals, where the float noise is: 2.1 + 3.17, 0.1 · 3.
            if Bool.random(using: &random) { value = (value * 1000).rounded() / 1000 + 0.1 * 3 }
            let text = NumberText.computed(value)
            #expect(NumberText.shortest(Double(text)!) == text, "\(value): \(text)")
            if let decimal = ComputedDecimal(value) {
                var bytes: [UInt8] = []
                decimal.append(to: &bytes)
                #expect(String(decoding: bytes, as: UTF8.self) == text, "\(value)")
            }
        }
        #expect(NumberText.computed(2.1 + 3.17) == "5.27" && NumberText.computed(0.1 * 3) == "0.3")
        #expect(NumberText.computed(-0.000123) == "-0.000123" && NumberText.computed(9.99999999999999999) == "10")
        #expect(NumberText.computed(0.00001234) == "1.234e-05" && NumberText.computed(123456.0000000001) == "123456")
    }

    @Test func wholeNumbersAndMissingValues() {
        #expect(NumberText.computed(1e15) == NumberText.shortest(1e15) && NumberText.computed(-3) == "-3" && NumberText.computed(0.5) == "0.5")
        #expect(NumberText.computed(.nan) == "NaN" && NumberText.computed(.infinity) == "inf")
    }
}
