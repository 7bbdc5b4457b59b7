import Foundation
import RuralstatModel
import Testing
import TestSupport
@testable import RuralstatReport

/// `findings.json`, written one finding at a time, is byte for byte JSONEncoder's pretty print of the
/// whole array (the oracle here), for no finding, one, and several with nested lists and awkward text.
@Suite("Findings JSON")
struct FindingsJSONTests {
    static func finding(_ index: Int) throws -> Finding {
        Finding(
            ruleID: "peer_outlier", method: "robust_z", severity: index % 2 == 0 ? .warning : .error, level: .county,
            region: try RegionCode("130121"), indicator: "HOUSEHOLDS", period: try Period("2024"), observed: Double(index) + 0.5,
            parameters: ["shares": .numbers([0.3, 0.176]), "fdr": .number(0.05), "note": .text("a \"quoted\"\nline / 村")],
            explanation: "\(index): 井陉县 <b> & \"x\"\t\\ end")
    }

    @Test(arguments: [0, 1, 7])
    func streamedEqualsTheWholeArray(count: Int) throws {
        let findings = try (0..<count).map(Self.finding)
        let folder = try TemporaryFolder()
        let path = folder.path("findings.json")
        try FindingTables.writeJSON(findings, registry: nil, to: path)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let whole = try encoder.encode(findings.map { FindingTables.JSONFinding($0, regionName: "") })
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(written == whole, "\(String(decoding: written.prefix(200), as: UTF8.self)) against \(String(decoding: whole.prefix(200), as: UTF8.self))")
        #expect(try JSONSerialization.jsonObject(with: written) is [Any])
    }
}
