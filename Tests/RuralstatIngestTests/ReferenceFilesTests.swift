import Testing
import TestSupport
@testable import RuralstatIngest
import RuralstatModel

@Suite("Reference files")
struct ReferenceFilesTests {
    @Test func registryWithChineseHeaderAndUrbanClass() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write(
            "regions_2024.csv",
            """
            代码,名称,上级代码,城乡分类代码
            110000000000,北京市,,
            110100000000,市辖区,110000000000,
            110101000000,东城区,110100000000,
            110101001000,东华门街道,110101000000,
            110101001001,多福巷社区,110101001000,111
            """)
        let registry = try ReferenceFiles.loadRegistry(paths: [path])
        #expect(registry.edition == 2024)
        #expect(registry.unit(try RegionCode("110101001001"))?.urbanRuralClass == .mainUrbanArea)
    }

    @Test func registryProblemsNameFileAndLine() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("regions.csv", "code,name,parent_code\n110000000000,北京市,\n110100000000,市辖区\n110200000000,甲,120000000000\n")
        do {
            _ = try ReferenceFiles.loadRegistry(paths: [path], edition: 2023)
            Issue.record("expected problems")
        } catch let error as RegistryLoadError {
            #expect(
                error.problems.map(\.description) == [
                    "\(path):3: field_count: has 2 fields; the header has 3",
                    "\(path):4: unknown_parent: unit 120200000000 '甲' names parent 120000000000, which is not in the list"
                        .replacingOccurrences(of: "120200000000", with: "110200000000"),
                ])
        }
    }

    @Test func registryNeedsAnEditionAndAHeader() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("regions.csv", "code,name,parent_code\n")
        #expect(throws: IngestError.self) { try ReferenceFiles.loadRegistry(paths: [path]) }
        let bad = try folder.write("bad_2023.csv", "id,label\n1,2\n")
        #expect {
            _ = try ReferenceFiles.loadRegistry(paths: [bad])
        } throws: { error in
            (error as? IngestError)?.rule == .malformedHeader && (error as? IngestError)?.location.line == 1
        }
    }

    @Test func editionFromFileNames() {
        #expect(ReferenceFiles.editionFromNames(["/data/x/nbs2023_townships.csv"]) == 2023)
        #expect(ReferenceFiles.editionFromNames(["/data/2019/regions.csv"]) == nil)
        #expect(ReferenceFiles.editionFromNames(["regions-12345.csv"]) == nil)
    }
}
