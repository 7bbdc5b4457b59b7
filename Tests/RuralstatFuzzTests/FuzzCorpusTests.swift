import Foundation
import Testing
import RuralstatFuzzEntries

/// Every input the fuzzers kept (the committed corpora) and every crash they ever found
/// (`Tests/Fuzz/Crashes`, each fixed since) goes through the same entry as in fuzzing: no crash, and
/// the entry's properties hold.
@Suite("Fuzz corpora and crash reproductions")
struct FuzzCorpusTests {
    static let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz")

    static func inputs(_ folder: String, _ entry: FuzzEntry) -> [URL] {
        let directory = fuzz.appendingPathComponent(folder).appendingPathComponent(entry.rawValue)
        return ((try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? [])
            .filter { !$0.lastPathComponent.hasPrefix(".") }.sorted { $0.path < $1.path }
    }

    @Test("the corpus of each fuzz target", arguments: FuzzEntry.allCases)
    func corpus(entry: FuzzEntry) throws {
        let inputs = Self.inputs("Corpus", entry)
        #expect(inputs.count >= 5, "a corpus of a few seeds is committed for \(entry)")
        for input in inputs + Self.inputs("Crashes", entry) {
            let data = try Data(contentsOf: input)
            data.withUnsafeBytes { entry.run($0) }
        }
    }
}
