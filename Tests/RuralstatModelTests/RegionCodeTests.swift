import Testing
import TestSupport
@testable import RuralstatModel

@Suite("RegionCode")
struct RegionCodeTests {
    @Test(
        "short forms are right-padded and keep their level",
        arguments: [
            ("11", "110000000000", RegionLevel.province),
            ("1101", "110100000000", .prefecture),
            ("110101", "110101000000", .county),
            ("110101001", "110101001000", .township),
            ("110101001201", "110101001201", .village),
            ("500200000000", "500200000000", .prefecture),
            ("441900003000", "441900003000", .township),
        ])
    func parsesAndPads(text: String, padded: String, level: RegionLevel) throws {
        let code = try RegionCode(text)
        #expect(code.description == padded)
        #expect(code.level == level)
        #expect(code.rawValue == Int64(padded)!)
    }

    @Test func ancestorsAndParentByDigits() throws {
        let village = try RegionCode("110101001201")
        #expect(village.ancestor(at: .township).description == "110101001000")
        #expect(village.ancestor(at: .county).description == "110101000000")
        #expect(village.ancestor(at: .prefecture).description == "110100000000")
        #expect(village.ancestor(at: .province).description == "110000000000")
        #expect(village.ancestor(at: .national) == .national)
        #expect(village.ancestor(at: .village) == village)
        #expect(village.parentByDigits?.description == "110101001000")
        #expect(try RegionCode("11").parentByDigits == .national)
        #expect(RegionCode.national.parentByDigits == nil)
        #expect(village.isWithin(try RegionCode("1101")))
        #expect(!village.isWithin(try RegionCode("1102")))
        #expect(try RegionCode("110101").shortDescription == "110101")
        // A township of a city without counties: its digit parent is the city itself.
        #expect(try RegionCode("441900003000").parentByDigits?.description == "441900000000")
    }

    @Test(
        "malformed codes say why",
        arguments: [
            ("", RegionCodeError.Reason.length(0)),
            ("1", .length(1)),
            ("110", .length(3)),
            ("1101010012011", .length(13)),
            ("11010a", .nonDigit(position: 6)),
            ("11 101", .nonDigit(position: 3)),
            ("１１", .nonDigit(position: 1)),  // full-width digits are normalised by ingest, never here
            ("00", .province(0)),
            ("90", .province(90)),
            ("19", .province(19)),
            ("110001000000", .gap(level: .county)),
            ("110100000001", .gap(level: .village)),
            ("000000000001", .province(0)),
        ])
    func rejects(text: String, reason: RegionCodeError.Reason) {
        #expect(throws: RegionCodeError(text: text, reason: reason)) { try RegionCode(text) }
    }

    @Test func errorMessagesNameTheProblem() {
        do {
            _ = try RegionCode("11010a")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "region code '11010a' has a non-digit at position 6")
        }
        #expect(
            RegionCodeError(text: "110001000000", reason: .gap(level: .county)).description
                == "region code '110001000000' has county digits although the level above is all zeros")
    }

    @Test func everyRealProvinceParses() throws {
        for province in RegionCode.provinces {
            #expect(try RegionCode(String(province)).level == .province)
        }
    }

    @Test("random valid codes round-trip through text and keep their ancestors")
    func roundTripProperty() throws {
        var generator = SplitMix64(seed: 7)
        let provinces = RegionCode.provinces.sorted()
        for _ in 0..<2_000 {
            let province = provinces[Int(generator.next() % UInt64(provinces.count))]
            let groups = [
                Int64(generator.next() % 99 + 1), Int64(generator.next() % 99 + 1),
                Int64(generator.next() % 999 + 1), Int64(generator.next() % 999 + 1),
            ]
            let depth = Int(generator.next() % 5)  // 0 = province … 4 = village
            var value = province
            for (index, group) in groups.enumerated() { value = value * (index < 2 ? 100 : 1000) + (index < depth ? group : 0) }
            let code = try RegionCode(rawValue: value)
            #expect(try RegionCode(code.description) == code)
            #expect(try RegionCode(code.shortDescription) == code)
            #expect(code.level.rawValue == depth + 1)
            for level in RegionLevel.allCases where level <= code.level {
                #expect(code.isWithin(code.ancestor(at: level)))
                #expect(code.ancestor(at: level).level <= level)
            }
        }
    }
}
