import Testing
@testable import RuralstatAggregate
import RuralstatModel
@testable import RuralstatQuality

@Suite("PeerOutlierCheck")
struct PeerOutlierCheckTests {
    static let catalog = try! IndicatorCatalog(
        version: "t",
        definitions: [
            Indicator(
                code: "GRAIN_OUTPUT", validFrom: 2016, nameZh: "粮食产量", nameEn: "Grain output", unit: "吨", kind: .amount,
                reportedLevels: [.village], aggregation: .sum)
        ])

    static func table(_ rows: [(String, Double)]) -> ObservationTable {
        var batch = ObservationBatch(indicatorCodes: ["GRAIN_OUTPUT"], periodTable: [try! Period("2024")])
        for (line, row) in rows.enumerated() {
            batch.append(
                region: try! RegionCode(row.0).rawValue, indicator: 0, period: 0, value: row.1, status: 0, action: .merge,
                line: Int32(line))
        }
        let builder = ObservationTableBuilder()
        builder.add(batch)
        return builder.build()
    }

    /// The textbook check (robust z 3.5, five peers, linear scale, each group's own MAD), whose numbers are easy to follow by hand.
    static let classic = PeerOutlierCheck(threshold: 3.5, minimumPeers: 5, logScaleKinds: [], poolSpread: false)

    static func findings(_ rows: [(String, Double)], check: PeerOutlierCheck = classic) -> [Finding] {
        check.run(QualityInput(table: table(rows), rollups: [], catalog: catalog, registry: nil, workers: 2)).findings
    }

    @Test func robustZByHand() throws {
        // Median 12.5; deviations 2.5 1.5 0.5 0.5 1.5 87.5, so MAD 1.5; z(100) = 0.6745 · 87.5 / 1.5.
        let found = Self.findings([
            ("130121101201", 10), ("130121101202", 11), ("130121101203", 12), ("130121101204", 13),
            ("130121101205", 14), ("130121101206", 100),
        ])
        let finding = try #require(found.first)
        #expect(found.count == 1)
        #expect(finding.region.description == "130121101206")
        #expect(finding.expected == 12.5)
        #expect(abs(finding.statistic! - 0.6745 * 87.5 / 1.5) < 1e-12)
        #expect(finding.method == "robust_z")
        #expect(finding.peerGroup?.description == "130121101000" && finding.peerSize == 6)
        #expect(
            finding.explanation
                == "村 130121101206: 粮食产量 GRAIN_OUTPUT 100 吨 is 8× its township's median 12.5 吨 (robust z 39.3 beyond ±3.5; MAD 1.5; 6 peers)")
    }

    @Test func zeroMADFallsBackToTheMeanAbsoluteDeviation() throws {
        // Five of six agree: MAD 0; mean |x − 5| = 4/6, so z(9) = 4 / (1.253314 · 4/6).
        let found = Self.findings([
            ("130121101201", 5), ("130121101202", 5), ("130121101203", 5), ("130121101204", 5),
            ("130121101205", 5), ("130121101206", 9),
        ])
        let finding = try #require(found.first)
        #expect(finding.method == "robust_z_mean_ad")
        #expect(abs(finding.statistic! - 4 / (1.253314 * 4 / 6)) < 1e-12)
        #expect(finding.explanation.contains("MAD 0, mean abs. deviation 0.667"))
        // All equal: nothing to say.
        #expect(Self.findings((1...6).map { ("13012110120\($0)", 5) }).isEmpty)
    }

    @Test func smallGroupsBorrowTheirParentsPeers() throws {
        // Township 102 has two villages; its county's eight villages are the peers.
        var rows: [(String, Double)] = (1...6).map { ("13012110120\($0)", Double(10 + $0)) }
        rows += [("130121102201", 12), ("130121102202", 90)]
        let finding = try #require(Self.findings(rows).first { $0.region.description == "130121102202" })
        #expect(finding.peerGroup?.description == "130121000000")
        #expect(finding.peerSize == 8)
        #expect(finding.explanation.hasSuffix("8 peers; its township has only 2 units, so the county's 8 are the peers)"))
    }

    @Test func logScaleForSkewedAmounts() throws {
        let rows: [(String, Double)] = [
            ("130121101201", 100), ("130121101202", 120), ("130121101203", 90), ("130121101204", 110),
            ("130121101205", 105), ("130121101206", 5000),
        ]
        let plain = Self.findings(rows)
        let logged = Self.findings(
            rows,
            check: PeerOutlierCheck(
                threshold: 3.5, minimumPeers: 5, logScale: ["GRAIN_OUTPUT"], logScaleKinds: [],
                poolSpread: false))
        #expect(plain.map(\.region.description) == ["130121101206"])
        #expect(logged.map(\.region.description) == ["130121101206"])
        #expect(logged[0].explanation.contains("on a log scale"))
        #expect(abs(logged[0].expected! - (105.0 * 110).squareRoot()) < 1e-9)  // exp of the median of the logs
    }

    @Test func aSmallGroupsSpreadIsPooledOverItsCounty() throws {
        // Township 101: eight villages within ±1 of 100 (MAD 0.5), and one at 104; townships 102 and
        // 103 spread by ±4 around 50 and 200. On its own MAD, 104 is z = 0.6745 · 4 / 0.5 = 5.4; with the
        // county's pooled deviations (MAD 1) it is z = 0.6745 · 4 / 1 = 2.7, an ordinary value.
        var rows: [(String, Double)] = [99, 99.5, 100, 100, 100.5, 101, 100, 99.5, 104].enumerated().map {
            ("1301211012\(String(format: "%02d", $0.offset + 1))", $0.element)
        }
        for (township, centre) in [(102, 50.0), (103, 200.0)] {
            rows += [-4.0, -3, -2, -1, 0, 1, 2, 3, 4].enumerated().map { ("130121\(township)2\(String(format: "%02d", $0.offset + 1))", centre + $0.element) }
        }
        let own = PeerOutlierCheck(threshold: 3.5, minimumPeers: 5, logScaleKinds: [], poolSpread: false)
        #expect(Self.findings(rows, check: own).map(\.region.description) == ["130121101209"])
        let pooled = PeerOutlierCheck(threshold: 3.5, minimumPeers: 5, logScaleKinds: [], poolSpread: true)
        #expect(Self.findings(rows, check: pooled).isEmpty)
        // A real slip (1040 instead of 104) stands out either way, and says where its spread came from.
        rows[8].1 = 1_040
        let finding = try #require(Self.findings(rows, check: pooled).first)
        #expect(finding.method == "robust_z_pooled" && finding.explanation.contains("spread pooled over its county's townships"))
    }
}
