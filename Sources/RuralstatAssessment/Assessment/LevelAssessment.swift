import Foundation
import RuralstatModel

/// The assessment of one level in one year: every region's dimension scores, index, rank overall
/// and in its class, rank interval, and progress — with what was left out and why.
public struct LevelAssessment: Sendable {
    /// The level assessed.
    public var level: RegionLevel
    /// The year assessed.
    public var year: Int
    /// The framework as used: the spec's, without the indicators no region of this level has.
    public var framework: AssessmentFramework
    /// Indicators of the spec's framework without any value at this level and year.
    public var dropped: [String]
    /// The index over the regions (its ``CompositeIndex/Result/units`` are the regions assessed).
    public var result: CompositeIndex.Result
    /// The regions' names, in ``result`` order.
    public var names: [String]
    /// Each region's class (nil: none).
    public var classes: [String?]
    /// Rank within the class (0: no class).
    public var classRanks: [Int]
    /// How many regions each class has.
    public var classSizes: [String: Int]
    /// How many of each region's values were used but marked by the data rules.
    public var marked: [Int]
    /// Progress since the previous year and since the baseline.
    public var progress: [AssessmentProgress]
    /// The uncertainty analysis, when the spec asks for it.
    public var uncertainty: UncertaintyAnalysis.Result?

    /// The short name of a dimension for sentences: its first word (产业兴旺 of "产业兴旺 Thriving industry").
    static func shortName(_ dimension: String) -> String { String(dimension.split(separator: " ").first ?? Substring(dimension)) }

    /// One sentence per region with its numbers, e.g. "宜章县 ranks 3 of 11 in its class (17 of 122
    /// overall; between 12 and 23 under the sensitivity analysis); strongest 生活富裕 0.82, weakest
    /// 生态宜居 0.41; up 4 places since 2023".
    public func sentence(_ unit: Int) -> String {
        let overall = "\(result.ranks[unit]) of \(result.units.count) overall"
        var text = names[unit].isEmpty ? result.units[unit].description : names[unit]
        if let name = classes[unit], classRanks[unit] > 0 {
            text += " ranks \(classRanks[unit]) of \(classSizes[name] ?? 0) in its class \(name) (\(overall)"
        } else {
            text += " ranks \(result.ranks[unit]) of \(result.units.count) (overall"
        }
        if let u = uncertainty, u.rankLow[unit] > 0 {
            text += "; between \(u.rankLow[unit]) and \(u.rankHigh[unit]) under the sensitivity analysis"
        }
        text += ")"
        let scores = framework.dimensions.indices.compactMap { d -> (String, Double)? in
            let score = result.dimensionScores[d][unit]
            return score.isNaN ? nil : (Self.shortName(framework.dimensions[d].name), score)
        }
        if let best = scores.max(by: { $0.1 < $1.1 }), let worst = scores.min(by: { $0.1 < $1.1 }), best.1 == worst.1 {
            text += "; every dimension at \(NumberText.format("%.2f", best.1))"
        } else if let best = scores.max(by: { $0.1 < $1.1 }), let worst = scores.min(by: { $0.1 < $1.1 }) {
            text += "; strongest \(best.0) \(NumberText.format("%.2f", best.1)), weakest \(worst.0) \(NumberText.format("%.2f", worst.1))"
        }
        if let change = progress[unit].rankChange, let year = progress[unit].previousYear {
            text +=
                change == 0 ? "; unchanged since \(year)" : "; \(change > 0 ? "up" : "down") \(abs(change)) place\(abs(change) == 1 ? "" : "s") since \(year)"
        }
        if marked[unit] > 0 { text += "; \(marked[unit]) of its values carry an error-level finding or are partial" }
        return text
    }
}

extension LevelAssessment {
    /// One row per region, as stored and reported.
    public var rows: [AssessmentRow] {
        result.units.indices.map { u in
            AssessmentRow(
                framework: framework.name, level: level, year: year, region: result.units[u], name: names[u], regionClass: classes[u],
                dimensionScores: framework.dimensions.indices.map { .init(dimension: framework.dimensions[$0].name, score: result.dimensionScores[$0][u]) },
                index: result.index[u], rank: result.ranks[u], regions: result.units.count, classRank: classRanks[u],
                classSize: classes[u].map { classSizes[$0] ?? 0 } ?? 0, rankLow: uncertainty?.rankLow[u], rankMedian: uncertainty?.medianRanks[u],
                rankHigh: uncertainty?.rankHigh[u], progress: progress[u], marked: marked[u], sentence: sentence(u))
        }
    }
}
