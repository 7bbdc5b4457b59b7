import Testing
@testable import RuralstatModel

/// A small irregular tree: a municipality placeholder, a province-direct county group, a prefecture
/// city without counties (repeated as its own county, as NBS lists it), and ordinary branches.
enum SmallTree {
    static let text = """
        110000000000,北京市,
        110100000000,市辖区,110000000000
        110101000000,东城区,110100000000
        110101001000,东华门街道,110101000000
        110101001001,多福巷社区,110101001000
        410000000000,河南省,
        419000000000,省直辖县级行政区划,410000000000
        419001000000,济源市,419000000000
        419001100000,克井镇,419001000000
        419001100201,克井村,419001100000
        440000000000,广东省,
        441900000000,东莞市,440000000000
        441900000000,东莞市,441900000000
        441900003000,东城街道,441900000000
        441900003201,东城村,441900003000
        441900004000,南城街道,441900000000
        """

    static func rows(_ text: String = text, file: String = "small.csv") -> [RegionRow] {
        text.split(separator: "\n").enumerated().map { index, line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return RegionRow(
                code: fields[0], name: fields[1], parentCode: fields[2],
                urbanRuralClass: fields.count > 3 ? fields[3] : "",
                location: SourceLocation(file: file, line: index + 1))
        }
    }

    static func registry() throws -> RegionRegistry { try RegionRegistry(edition: 2023, rows: rows()) }
}

@Suite("RegionRegistry")
struct RegistryTests {
    @Test func irregularTreeLinksByExplicitParents() throws {
        let registry = try SmallTree.registry()
        let dongguan = try RegionCode("4419")
        #expect(registry.count == 15)
        #expect(registry.unit(dongguan)?.kind == .noCountyLevel)
        #expect(registry.unit(dongguan)?.lowestLevel == .county)
        #expect(registry.unit(try RegionCode("1101"))?.kind == .municipalityPlaceholder)
        #expect(registry.unit(try RegionCode("4190"))?.kind == .directlyAdministeredGroup)

        let village = try RegionCode("441900003201")
        #expect(registry.ancestor(of: village, at: .township)?.description == "441900003000")
        #expect(registry.ancestor(of: village, at: .county) == dongguan)
        #expect(registry.ancestor(of: village, at: .prefecture) == dongguan)
        #expect(registry.ancestor(of: village, at: .province)?.description == "440000000000")
        #expect(registry.ancestor(of: village, at: .national) == .national)
        #expect(registry.ancestor(of: try RegionCode("419001100201"), at: .prefecture)?.description == "419000000000")
        #expect(registry.isWithin(village, try RegionCode("44")))
        #expect(!registry.isWithin(village, try RegionCode("41")))
        #expect(registry.children(of: dongguan).map(\.description) == ["441900003000", "441900004000"])
        #expect(registry.children(of: .national).count == 3)
    }

    /// A code is looked up within its six-digit prefix: every unit of a tree of many prefixes is
    /// found with its own name, and codes next to them (and past the ends) are not.
    @Test func lookupsFindEveryUnitAndNothingElse() throws {
        var rows: [(code: Int64, parent: Int64?)] = []
        for province: Int64 in [11, 41, 65] {
            let p = province * 10_000_000_000
            rows.append((p, nil))
            for prefecture: Int64 in 1...3 {
                let f = p + prefecture * 100_000_000
                rows.append((f, p))
                for county: Int64 in 1...3 {
                    let c = f + county * 1_000_000
                    rows.append((c, f))
                    for township: Int64 in 1...3 {
                        let t = c + township * 1_000
                        rows.append((t, c))
                        for village: Int64 in 201...203 { rows.append((t + village, t)) }
                    }
                }
            }
        }
        let registry = try RegionRegistry(
            edition: 2023,
            rows: rows.enumerated().map { line, row in
                RegionRow(
                    code: String(row.code), name: "单位\(line)", parentCode: row.parent.map(String.init) ?? "", urbanRuralClass: "",
                    location: SourceLocation(file: "t.csv", line: line + 1))
            })
        let held = Set(rows.map(\.code))
        for (line, row) in rows.enumerated() {
            #expect(registry.name(of: RegionCode(uncheckedRawValue: row.code)) == "单位\(line)")
            for neighbour in [row.code - 1, row.code + 1, row.code + 1_000_000] where !held.contains(neighbour) {
                #expect(!registry.contains(RegionCode(uncheckedRawValue: neighbour)), "\(neighbour)")
            }
        }
        #expect(!registry.contains(RegionCode(uncheckedRawValue: 100_000_000_000)) && !registry.contains(RegionCode(uncheckedRawValue: 990_000_000_000)))
    }

    @Test("expected units per level skip placeholders and count spanning units once")
    func unitsAtLevel() throws {
        let registry = try SmallTree.registry()
        #expect(registry.units(at: .prefecture).map(\.description) == ["441900000000"])
        #expect(registry.units(at: .county).map(\.description) == ["110101000000", "419001000000", "441900000000"])
        #expect(registry.units(at: .township, under: try RegionCode("44")).count == 2)
        #expect(registry.units(at: .village).count == 3)
    }

    @Test func editionInForce() throws {
        let registry = try SmallTree.registry()
        #expect(throws: Never.self) { try registry.checkInForce(reportingYear: 2024) }
        #expect(throws: RegistryEditionError(reportingYear: 2022, editions: [2023])) {
            try registry.checkInForce(reportingYear: 2022)
        }
        let older = try RegionRegistry(edition: 2021, rows: SmallTree.rows())
        let editions = RegistryEditions([registry, older])
        #expect(try editions.inForce(for: 2022).edition == 2021)
        #expect(try editions.inForce(for: 2025).edition == 2023)
        #expect(throws: RegistryEditionError.self) { try editions.inForce(for: 2020) }
    }

    @Test(
        "each structural error is found, with file, line and rule",
        arguments: [
            ("110000000000,北京市,\n110100000000,市辖区,120000000000", RegistryRule.unknownParent, 2),
            ("110000000000,北京市,\n110100000000,市辖区,110000000000\n110100000000,又一个,110000000000", .duplicateCode, 3),
            ("110000000000,北京市,\n110101000000,东城区,110101001000\n110101001000,街道,110101000000", .cycle, 2),
            ("110000000000,北京市,\n110101000000,东城区,110101000000", .cycle, 2),
            ("110000000000,北京市,\n110101001000,街道,110000000000", .wrongParentLevel, 2),
            ("110000000000,北京市,\n120100000000,市辖区,110000000000", .parentNotPrefix, 2),
            ("110000000000,北京市,\n11010X000000,东城区,110000000000", .malformedCode, 2),
            ("110000000000,北京市,\n110100000000,市辖区,11000", .malformedParent, 2),
            ("110000000000,北京市,,999", .unknownUrbanRuralClass, 1),
            ("110000000000,,", .emptyName, 1),
        ])
    func structuralErrors(text: String, rule: RegistryRule, line: Int) throws {
        do {
            _ = try RegionRegistry(edition: 2023, rows: SmallTree.rows(text, file: "bad.csv"))
            Issue.record("expected \(rule)")
        } catch {
            let problem = try #require(error.problems.first { $0.rule == rule })
            #expect(problem.location == SourceLocation(file: "bad.csv", line: line))
            #expect(error.description.contains("bad.csv:\(line): \(rule.rawValue)"))
        }
    }

    @Test func cycleMessageShowsTheLoop() throws {
        let text = "110000000000,北京市,\n110101000000,东城区,110101001000\n110101001000,街道,110101000000"
        do {
            _ = try RegionRegistry(edition: 2023, rows: SmallTree.rows(text))
            Issue.record("expected a cycle")
        } catch {
            let cycle = try #require(error.problems.first { $0.rule == .cycle })
            #expect(cycle.message == "parent links form a cycle: 110101000000 → 110101001000 → 110101000000")
            // A unit caught in a cycle is not reported again for its level.
            #expect(error.problems.count == 1)
        }
    }

    @Test func everyProblemIsCollected() throws {
        let text = "110000000000,北京市,\n1101X,甲,110000000000\n110100000000,乙,990000000000\n110200000000,丙,110000000000\n110200000000,丁,110000000000"
        do {
            _ = try RegionRegistry(edition: 2023, rows: SmallTree.rows(text))
            Issue.record("expected problems")
        } catch {
            #expect(error.problems.map(\.rule) == [.malformedCode, .malformedParent, .duplicateCode])
        }
    }
}
