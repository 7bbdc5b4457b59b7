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

    @Test func wholeNumbersAndMissingValues() {
        #expect(NumberText.computed(1e15) == NumberText.shortest(1e15) && NumberText.computed(-3) == "-3" && NumberText.computed(0.5) == "0.5")
        #expect(NumberText.computed(.nan) == "NaN" && NumberText.computed(.infinity) == "inf")
    }
}
