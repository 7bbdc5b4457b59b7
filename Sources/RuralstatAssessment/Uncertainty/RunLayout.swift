import Foundation
import RuralstatModel

/// One variant's normalised data laid out for the Monte Carlo's hot loop: unit-major values, and
/// their logarithms for each geometric shift, so that a run costs multiply-adds and one sort.
struct RunLayout: Sendable {
    let units: Int
    let indicators: Int
    /// `values[unit * indicators + j]`, NaN when missing.
    let values: [Double]
    /// For each aggregation alternative that is geometric within dimensions: log(y + shift), same layout.
    let logs: [Int: [Double]]
    let members: [Range<Int>]
    /// The variant's weights, indicator weights flattened in framework order.
    let indicatorWeights: [Double]
    let dimensionWeights: [Double]

    init(_ prepared: PreparedIndex, aggregations: [UncertaintyAnalysis.AggregationChoice]) {
        units = prepared.units.count
        indicators = prepared.normalised.count
        var values = [Double](repeating: .nan, count: units * indicators)
        for (j, column) in prepared.normalised.enumerated() {
            for (unit, value) in column.enumerated() { values[unit * indicators + j] = value }
        }
        self.values = values
        var logs: [Int: [Double]] = [:]
        for (position, choice) in aggregations.enumerated() {
            if case .geometric(let shift) = choice.indicators { logs[position] = values.map { log($0 + shift) } }
        }
        self.logs = logs
        members = prepared.members
        indicatorWeights = prepared.indicatorWeights.flatMap { $0 }
        dimensionWeights = prepared.dimensionWeights
    }

    /// The ranks (1 best, ties sharing the best; 0 unranked) of one run.
    func ranks(_ draw: RunDraw, aggregations: [UncertaintyAnalysis.AggregationChoice]) -> [Int] {
        let choice = aggregations[draw.aggregation]
        var weights = indicatorWeights, outer = dimensionWeights
        if !draw.weightUniforms.isEmpty {
            for j in weights.indices { weights[j] *= 1 + draw.noise * (2 * draw.weightUniforms[j] - 1) }
            for d in outer.indices { outer[d] *= 1 + draw.noise * (2 * draw.weightUniforms[weights.count + d] - 1) }
        }
        let logValues = logs[draw.aggregation]
        var shift: Double?
        if case .geometric(let value) = choice.indicators { shift = value }
        var index = [Double](repeating: .nan, count: units)
        var scores = [Double](repeating: .nan, count: members.count)
        for unit in 0..<units {
            let row = unit * indicators
            for (d, range) in members.enumerated() {
                var (total, weightSum) = (0.0, 0.0)
                for j in range where !values[row + j].isNaN {
                    total += weights[j] * (logValues?[row + j] ?? values[row + j])
                    weightSum += weights[j]
                }
                scores[d] = weightSum == 0 ? .nan : shift.map { exp(total / weightSum) - $0 } ?? total / weightSum
            }
            index[unit] = choice.dimensions.combine(scores, weights: outer)
        }
        return Ranking.minRanks(index)
    }
}

/// What a worker's runs add up to, in integers, so that adding workers' tallies in any order gives
/// the same sums.
struct Tally: Sendable {
    let units: Int
    /// Rank histograms of the A and B runs: `histogram[unit * units + rank − 1]`.
    var histogram: [UInt32]
    /// Σ r and Σ r² of each region's rank over the A and B runs, and how many runs ranked it.
    var rankSum: [Int64]
    var rankSquares: [Int64]
    var ranked: [Int64]
    /// Σ r_B·(r_ABi − r_A) per factor and region.
    var firstOrder: [Int64]
    /// Per replication: the summed absolute rank shift of the A, B and A_B runs.
    var scalars: [(replication: Int, a: Int64, b: Int64, mixed: [Int64])] = []

    init(units: Int, factors: Int) {
        self.units = units
        histogram = [UInt32](repeating: 0, count: units * units)
        rankSum = [Int64](repeating: 0, count: units)
        rankSquares = rankSum
        ranked = rankSum
        firstOrder = [Int64](repeating: 0, count: units * factors)
    }

    /// Σ |r − r_nominal| over the regions both rank.
    static func shift(_ ranks: [Int], _ nominal: [Int]) -> Int64 {
        var total: Int64 = 0
        for (r, r0) in zip(ranks, nominal) where r > 0 && r0 > 0 { total += Int64(abs(r - r0)) }
        return total
    }

    mutating func record(_ ranks: [Int]) {
        for (unit, rank) in ranks.enumerated() where rank > 0 {
            self.histogram[unit * units + rank - 1] += 1
            rankSum[unit] += Int64(rank)
            rankSquares[unit] += Int64(rank * rank)
            ranked[unit] += 1
        }
    }

    mutating func add(_ other: Tally) {
        for i in histogram.indices { histogram[i] += other.histogram[i] }
        for i in rankSum.indices {
            rankSum[i] += other.rankSum[i]
            rankSquares[i] += other.rankSquares[i]
            ranked[i] += other.ranked[i]
        }
        for i in firstOrder.indices { firstOrder[i] += other.firstOrder[i] }
        scalars += other.scalars
    }

    func result(units codes: [RegionCode], nominalRanks: [Int], factors: [UncertaintyAnalysis.Factor], replications n: Int)
        -> UncertaintyAnalysis.Result
    {
        func quantile(_ unit: Int, _ p: Double) -> Int {
            let counts = histogram[(unit * units)..<((unit + 1) * units)]
            let total = counts.reduce(0) { $0 + Int($1) }
            guard total > 0 else { return 0 }
            var cumulative = 0
            for (offset, count) in counts.enumerated() {
                cumulative += Int(count)
                if Double(cumulative) >= p * Double(total) { return offset + 1 }
            }
            return units
        }
        let sorted = scalars.sorted { $0.replication < $1.replication }
        let regions = max(1, nominalRanks.count { $0 > 0 })
        let yA = sorted.map { Double($0.a) / Double(regions) }, yB = sorted.map { Double($0.b) / Double(regions) }
        let pooled = yA + yB
        let mean = pooled.reduce(0, +) / Double(pooled.count)
        let variance = pooled.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(pooled.count - 1)
        var sensitivity: [UncertaintyAnalysis.Sensitivity] = []
        for (i, factor) in factors.enumerated() {
            let yAB = sorted.map { Double($0.mixed[i]) / Double(regions) }
            let first = zip(yB, zip(yAB, yA)).reduce(0) { $0 + $1.0 * ($1.1.0 - $1.1.1) } / Double(n) / variance
            let total = zip(yA, yAB).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / (2 * Double(n) * variance)
            sensitivity.append(.init(factor: factor, firstOrder: variance > 0 ? first : 0, total: variance > 0 ? total : 0))
        }
        let regionFirstOrder = factors.indices.map { i in
            (0..<units).map { unit -> Double in
                let count = Double(ranked[unit])
                guard count > 1 else { return 0 }
                let m = Double(rankSum[unit]) / count
                let v = (Double(rankSquares[unit]) - count * m * m) / (count - 1)
                return v > 0 ? Double(firstOrder[i * units + unit]) / Double(n) / v : 0
            }
        }
        return UncertaintyAnalysis.Result(
            units: codes, nominalRanks: nominalRanks, medianRanks: (0..<units).map { quantile($0, 0.5) },
            rankLow: (0..<units).map { quantile($0, 0.05) }, rankHigh: (0..<units).map { quantile($0, 0.95) },
            sensitivity: sensitivity, regionFirstOrder: regionFirstOrder, runs: n * (factors.count + 2))
    }
}
