import Foundation
import RuralstatModel
import Testing

@testable import RuralstatAssessment

@Suite("Spot-check draw")
struct SpotCheckTests {
    /// One county of 12 villages, findings on three of them.
    static let county = RegionCode(uncheckedRawValue: 130_122_000_000)
    static let villages = (1...12).map { RegionCode(uncheckedRawValue: 130_122_101_000 + Int64($0)) }
    static func finding(_ village: RegionCode, _ severity: Severity, _ rule: String = "peer_outlier") -> Finding {
        Finding(
            ruleID: rule, method: "m", severity: severity, level: .village, region: village, indicator: nil, period: nil, observed: nil,
            parameters: [:], explanation: "")
    }
    static let findings = [
        finding(villages[0], .error), finding(villages[0], .warning), finding(villages[3], .warning), finding(villages[7], .info, "benford"),
    ]

    @Test func probabilitiesAreCappedAndSpreadAgain() {
        let pi = SpotCheckDraw.probabilities([10, 1, 1, 1, 1], size: 2)
        #expect(pi == [1, 0.25, 0.25, 0.25, 0.25])
        #expect(abs(SpotCheckDraw.probabilities([1, 2, 3, 4], size: 2).reduce(0, +) - 2) < 1e-12)
    }

    @Test func risksComeFromTheFindings() throws {
        let frame = try #require(try SpotCheckDraw().frames(villages: Self.villages, findings: Self.findings).first)
        #expect(frame.county == Self.county && frame.riskSize == 4 && frame.randomSize == 1)
        #expect(frame.risks[0] == 0.5 + 3 + 1 && frame.risks[3] == 1.5 && frame.risks[7] == 0.75 && frame.risks[1] == 0.5)
    }

    /// Over many seeds, each village is drawn as often as its stated probability says (within four
    /// standard errors), and the Horvitz–Thompson estimate of the villages with errors is unbiased.
    @Test func realisedFrequenciesMatchTheStatedProbabilities() throws {
        var draw = SpotCheckDraw()
        let frame = try #require(try draw.frames(villages: Self.villages, findings: Self.findings).first)
        let runs = 20_000
        var counts = [Int](repeating: 0, count: Self.villages.count)
        let hasError: [RegionCode: Bool] = [Self.villages[0]: true, Self.villages[5]: true, Self.villages[7]: true]
        var estimates = 0.0
        for seed in 0..<runs {
            draw.seed = UInt64(seed)
            let list = try draw.draw(villages: Self.villages, findings: Self.findings)
            #expect(list.count == 5)
            for selection in list { counts[Self.villages.firstIndex(of: selection.village)!] += 1 }
            estimates += SpotCheckDraw.horvitzThompson(list, found: hasError).estimate
        }
        for i in Self.villages.indices {
            let p = frame.inclusionProbability(i)
            let error = (p * (1 - p) / Double(runs)).squareRoot()
            #expect(abs(Double(counts[i]) / Double(runs) - p) <= 4 * error + 1e-9, "village \(i): \(Double(counts[i]) / Double(runs)) against \(p)")
        }
        #expect(abs(estimates / Double(runs) - 3) < 0.1, "mean HT estimate \(estimates / Double(runs)) against 3")
    }

    @Test func theSameSeedDrawsTheSameList() throws {
        var draw = SpotCheckDraw()
        draw.seed = 42
        let first = try draw.draw(villages: Self.villages, findings: Self.findings)
        #expect(try draw.draw(villages: Self.villages, findings: Self.findings) == first)
        draw.seed = 43
        #expect(try draw.draw(villages: Self.villages, findings: Self.findings) != first)
        // Village 0 carries the most risk: π = 1 in the risk stage, so it is always on the list, with its findings.
        let village = try #require(first.first { $0.village == Self.villages[0] })
        #expect(village.findings == ["peer_outlier": 2] && !village.drawnAtRandom && village.inclusionProbability == 1)
    }

    @Test func everyVillageCanBeDrawn() throws {
        let frame = try #require(try SpotCheckDraw().frames(villages: Self.villages, findings: Self.findings).first)
        #expect(Self.villages.indices.allSatisfy { frame.inclusionProbability($0) > 0 })
        var draw = SpotCheckDraw()
        draw.floor = 0
        #expect(throws: AssessmentError.self) { try draw.frames(villages: Self.villages, findings: Self.findings) }
    }
}
