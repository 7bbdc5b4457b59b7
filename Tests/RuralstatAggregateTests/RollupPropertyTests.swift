import Foundation
import Testing
import TestSupport
@testable import RuralstatAggregate
import RuralstatModel

/// Random trees checked against a plain reference implementation, and the results the same for any
/// number of workers.
@Suite("Rollup properties")
struct RollupPropertyTests {
    /// Random villages under a few real provinces, with integer values (so every sum is exact).
    static func randomRows(seed: UInt64, villages: Int) -> [(String, String, Double)] {
        var random = SplitMix64(seed: seed)
        let provinces = [11, 13, 44, 50, 65]
        var rows: [(String, String, Double)] = []
        var used: Set<Int64> = []
        while used.count < villages {
            let province = Int64(provinces[Int(random.next() % UInt64(provinces.count))])
            let code =
                province * 10_000_000_000 + Int64(random.next() % 3 + 1) * 100_000_000 + Int64(random.next() % 4 + 1) * 1_000_000
                + Int64(random.next() % 5 + 101) * 1_000 + Int64(random.next() % 40 + 201)
            guard used.insert(code).inserted else { continue }
            let text = RegionCode(uncheckedRawValue: code).description
            let households = Double(random.next() % 900 + 50)
            rows.append((text, "HH", households))
            if random.next() % 10 != 0 { rows.append((text, "TAP", Double(random.next() % UInt64(households)))) }
            rows.append((text, "DIST", Double(random.next() % 30)))
            rows.append((text, "DIST_MEDIAN", Double(random.next() % 30)))
            rows.append((text, "POP", Double(random.next() % 3000 + 100)))
            rows.append((text, "INCOME", Double(random.next() % 40000 + 5000)))
        }
        return rows
    }

    static let engine = RollupEngine(catalog: Fixture.catalog, registry: nil)

    @Test("agrees with a reference implementation on random trees", arguments: [1, 2, 3] as [UInt64])
    func matchesReference(seed: UInt64) throws {
        let rows = Self.randomRows(seed: seed, villages: 400)
        let rollups = Self.engine.rollups(of: Fixture.table(rows), workers: 2)
        // Reference: group by digit ancestors with dictionaries and plain sums.
        var byKey: [String: [String: Double]] = [:]  // "level|region" → indicator → values
        var groups: [String: [String: [String: Double]]] = [:]  // group → region → indicator → value
        for (region, indicator, value) in rows {
            byKey[region, default: [:]][indicator] = value
        }
        for (region, values) in byKey {
            let code = try RegionCode(region)
            for level in [RegionLevel.national, .province, .prefecture, .county, .township] {
                groups["\(level)|\(code.ancestor(at: level))", default: [:]][region] = values
            }
        }
        var expected: [String: Double] = [:]
        for (group, units) in groups {
            let hh = units.values.compactMap { $0["HH"] }, dist = units.values.compactMap { $0["DIST"] }
            expected["HH|\(group)"] = hh.reduce(0, +)
            expected["DIST|\(group)"] = dist.reduce(0, +) / Double(dist.count)
            let both = units.values.filter { $0["TAP"] != nil && $0["HH"] != nil }
            if !both.isEmpty {
                expected["TAP_RATE|\(group)"] = both.map { $0["TAP"]! }.reduce(0, +) / both.map { $0["HH"]! }.reduce(0, +) * 100
            }
            let pairs = units.values.filter { $0["INCOME"] != nil && $0["POP"] != nil }
            expected["INCOME|\(group)"] = pairs.map { $0["INCOME"]! * $0["POP"]! }.reduce(0, +) / pairs.map { $0["POP"]! }.reduce(0, +)
            let sorted = units.values.compactMap { $0["DIST_MEDIAN"] }.sorted()
            expected["DIST_MEDIAN|\(group)"] =
                sorted.count % 2 == 1
                ? sorted[sorted.count / 2]
                : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
        let computed = Dictionary(uniqueKeysWithValues: rollups.map { ("\($0.indicator)|\($0.level)|\($0.region)", $0.value) })
        let checked = ["HH", "DIST", "TAP_RATE", "INCOME", "DIST_MEDIAN"]
        let relevant = computed.filter { checked.contains(String($0.key.split(separator: "|")[0])) }
        #expect(Set(relevant.keys) == Set(expected.keys))
        for (key, value) in expected {
            let got = try #require(computed[key], "missing \(key)")
            #expect(abs(got - value) <= 1e-12 * max(1, abs(value)), "\(key): \(got) vs \(value)")
        }
    }

    @Test func identicalForAnyNumberOfWorkers() throws {
        let table = Fixture.table(Self.randomRows(seed: 42, villages: 2_000))
        let one = Self.engine.rollups(of: table, workers: 1)
        for workers in [2, 8] {
            let many = Self.engine.rollups(of: table, workers: workers)
            #expect(many.count == one.count)
            // Bit for bit, value by value, in the same order.
            #expect(zip(one, many).allSatisfy { $0.value.bitPattern == $1.value.bitPattern && $0 == $1 })
        }
    }

    @Test func invariantsHold() throws {
        let rollups = Self.engine.rollups(of: Fixture.table(Self.randomRows(seed: 7, villages: 1_000)))
        // National = the sum of the provinces, for a sum.
        let provinces = rollups.filter { $0.indicator == "HH" && $0.level == .province }.reduce(0) { $0 + $1.value }
        #expect(rollups.first { $0.indicator == "HH" && $0.level == .national }?.value == provinces)
        // Every level of a sum adds up to the national total, and counts add up too.
        let national = rollups.first { $0.indicator == "HH" && $0.level == .national }!
        for level in [RegionLevel.province, .prefecture, .county, .township] {
            let parts = rollups.filter { $0.indicator == "HH" && $0.level == level }
            #expect(parts.reduce(0) { $0 + $1.value } == national.value)
            #expect(parts.reduce(0) { $0 + $1.contributing } == national.contributing)
        }
        // A ratio is its summed parts at every level, never a mean of rates.
        for rollup in rollups where rollup.indicator == "TAP_RATE" {
            #expect(rollup.value == rollup.numerator / rollup.denominator * 100)
        }
    }

    @Test func compensatedSumsDoNotDependOnGrouping() {
        // 1e16 + many small values: a naive left-to-right sum loses them, a compensated one keeps them.
        var whole = CompensatedSum()
        var parts = [CompensatedSum(), CompensatedSum()]
        let values = [1e16] + [Double](repeating: 1, count: 1_000) + [-1e16]
        for (index, value) in values.enumerated() {
            whole.add(value)
            parts[index % 2].add(value)
        }
        var merged = parts[0]
        merged.add(parts[1])
        #expect(whole.value == 1_000)
        #expect(merged.value == 1_000)
        #expect(values.reduce(0, +) != 1_000)
    }

    @Test func medianAndMAD() {
        var values: [Double] = [3, 1, 4, 1, 5, 9, 2, 6]
        #expect(values.withUnsafeMutableBufferPointer { OrderStatistics.median($0) } == 3.5)
        let odd: [Double] = [7, 1, 3, 100, 2]
        var scratch = [Double](repeating: 0, count: 5)
        let (median, mad) = odd.withUnsafeBufferPointer { values in
            scratch.withUnsafeMutableBufferPointer { OrderStatistics.medianAndMAD(values, scratch: $0) }
        }
        #expect(median == 3)
        #expect(mad == 2)  // |7−3|, |1−3|, 0, 97, 1 → 0 1 2 4 97
        var random = SplitMix64(seed: 9)
        for _ in 0..<200 {
            var sample = (0..<Int(random.next() % 50 + 1)).map { _ in Double(random.next() % 20) }
            let sorted = sample.sorted()
            let expected = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            #expect(sample.withUnsafeMutableBufferPointer { OrderStatistics.median($0) } == expected)
        }
    }

    /// Small groups take the sorted path, larger ones two selections: both must give a sort's numbers.
    @Test func medianAndMADOfEverySizeMatchSorting() {
        func middle(_ sorted: [Double]) -> Double {
            sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
        var random = SplitMix64(seed: 31)
        for round in 0..<600 {
            let count = round % 80 + 1
            // Ties (a few distinct whole numbers) in half the rounds, skewed amounts in the rest.
            let values: [Double] = (0..<count).map { _ in
                round % 2 == 0 ? Double(random.next() % 7) : exp(Double(random.next() % 10_000) / 1_000) * 10
            }
            let median = middle(values.sorted())
            let mad = middle(values.map { abs($0 - median) }.sorted())
            var scratch = [Double](repeating: 0, count: count)
            let computed = values.withUnsafeBufferPointer { values in
                scratch.withUnsafeMutableBufferPointer { OrderStatistics.medianAndMAD(values, scratch: $0) }
            }
            #expect(computed.median == median && computed.mad == mad, "\(values)")
        }
    }

    /// The sort gives the standard library's order at every size, ties or none (sizes above a small
    /// group go through quicksort, and heavy ties hand ranges back to the standard library).
    @Test func sortingMatchesTheStandardLibrary() {
        var random = SplitMix64(seed: 6)
        for count in [0, 1, 2, 15, 16, 17, 33, 100, 1_000, 5_000] {
            for distinct in [1, 3, 50, 1_000_000] {
                var values = (0..<count).map { _ in Double(random.next() % UInt64(distinct)) - Double(distinct / 2) }
                let expected = values.sorted()
                values.withUnsafeMutableBufferPointer { OrderStatistics.sort($0) }
                #expect(values == expected, "\(count) values, \(distinct) distinct")
            }
        }
    }

    /// Large groups of few distinct values (a village count, a figure repeated from last year) make
    /// Lomuto's selection shed one value a pass; it hands over to Hoare's, with a sort's numbers.
    @Test func selectionsOfLargeTiedGroupsMatchSorting() {
        var random = SplitMix64(seed: 5)
        for count in [100, 257, 1_000, 4_001] {
            for distinct in [1, 2, 3, 1_000_000] {
                var values = (0..<count).map { _ in Double(random.next() % UInt64(distinct)) }
                let sorted = values.sorted()
                for k in [0, count / 3, count / 2, count - 1] {
                    values.shuffle(using: &random)
                    values.withUnsafeMutableBufferPointer { OrderStatistics.select($0, k) }
                    #expect(values[k] == sorted[k], "\(count) values, \(distinct) distinct, k = \(k)")
                    #expect(values[..<k].allSatisfy { $0 <= values[k] } && values[(k + 1)...].allSatisfy { $0 >= values[k] })
                }
            }
        }
    }
}
