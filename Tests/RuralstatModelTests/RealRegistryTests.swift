import Foundation
import RuralstatIngest
import Testing
@testable import RuralstatModel

/// The real NBS 2023 division list down to township level (`Tests/Fixtures/nbs2023`, with its source).
enum RealRegistry {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/nbs2023")
    static let files = ["provinces", "prefectures", "counties", "townships"].map { folder.appendingPathComponent("nbs2023_\($0).csv").path }
}

@Suite("The real NBS 2023 registry")
struct RealRegistryTests {
    static let registry = Result { try ReferenceFiles.loadRegistry(paths: RealRegistry.files) }

    @Test func loadsEveryRow() throws {
        let registry = try Self.registry.get()
        #expect(registry.edition == 2023)
        // 31 + 342 + 2,978 + 41,352 rows; four rows repeat a unit as its own child
        // (东莞, 中山, 儋州 as counties; 金门县 as a township), so 44,699 units.
        #expect(registry.count == 44_699)
        let byLevel = Dictionary(grouping: registry.allUnits, by: \.level).mapValues(\.count)
        #expect(byLevel == [.province: 31, .prefecture: 342, .county: 2_975, .township: 41_351])
    }

    @Test func quirksAreClassified() throws {
        let registry = try Self.registry.get()
        let kinds = Dictionary(grouping: registry.allUnits, by: \.kind).mapValues(\.count)
        #expect(kinds[.municipalityPlaceholder] == 5)
        #expect(kinds[.directlyAdministeredGroup] == 4)
        #expect(kinds[.noCountyLevel] == 3)  // 东莞, 中山, 儋州
        #expect(kinds[.noTownshipLevel] == 1)  // 金门县, listed as its own township
        #expect(kinds[.developmentZone] == 124)
        #expect(kinds[.townshipLikeUnit] == 2_710)
        // 333 real prefecture-level units: the 342 rows less the 9 placeholders.
        #expect(registry.units(at: .prefecture).count == 333)
    }

    @Test func irregularBranchesRollUp() throws {
        let registry = try Self.registry.get()
        let dongguanTownship = try RegionCode("441900003000")
        #expect(registry.ancestor(of: dongguanTownship, at: .county)?.description == "441900000000")
        #expect(registry.ancestor(of: dongguanTownship, at: .province)?.description == "440000000000")
        let jiayuguan = try RegionCode("620201000000")  // a virtual county with its own code
        #expect(registry.unit(jiayuguan)?.parent.description == "620200000000")
        let jiyuan = try RegionCode("419001000000")
        #expect(registry.ancestor(of: jiyuan, at: .prefecture)?.description == "419000000000")
        let chongqingCounty = try RegionCode("500200000000")
        #expect(registry.unit(chongqingCounty)?.kind == .municipalityPlaceholder)
        // Every township reaches a province and the nation.
        for unit in registry.allUnits where unit.level == .township {
            #expect(registry.ancestor(of: unit.code, at: .province) == unit.code.ancestor(at: .province))
        }
    }
}
