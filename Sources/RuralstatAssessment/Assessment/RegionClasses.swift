import Foundation
import RuralstatModel

/// The classes regions are assessed within (分类考核).
public enum RegionClasses {
    /// The NBS economic regions, by the province's two digits.
    static let economicRegions: [Int: String] = {
        var table: [Int: String] = [:]
        for code in [11, 12, 13, 31, 32, 33, 35, 37, 44, 46] { table[code] = "东部 East" }
        for code in [14, 34, 36, 41, 42, 43] { table[code] = "中部 Central" }
        for code in [15, 45, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65] { table[code] = "西部 West" }
        for code in [21, 22, 23] { table[code] = "东北 Northeast" }
        return table
    }()

    /// Each unit's class (nil: none), from the spec's source. A region the file does not list has no
    /// class: it is ranked overall only.
    public static func classes(of units: [RegionCode], from source: AssessmentSpec.Classes) throws(AssessmentError) -> [String?] {
        switch source {
        case .none:
            return units.map { _ in nil }
        case .economicRegion:
            return units.map { economicRegions[$0.digits(at: .province)] }
        case .file(let path):
            let table = try read(path)
            return units.map { table[$0] }
        }
    }

    /// A `region,class` CSV (header required); an unreadable file, a bad code or a repeated region is an error.
    static func read(_ path: String) throws(AssessmentError) -> [RegionCode: String] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw AssessmentError("cannot read the classes file \(path)")
        }
        var table: [RegionCode: String] = [:]
        // The first line is the header; blank lines are skipped and keep the numbering of the rest.
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where number > 0 && !line.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            guard fields.count == 2, !fields[1].isEmpty else {
                throw AssessmentError("\(path), line \(number + 1): expected region,class, found '\(EchoText.quote(String(line)))'")
            }
            let code: RegionCode
            do { code = try RegionCode(fields[0]) } catch {
                throw AssessmentError("\(path), line \(number + 1): '\(EchoText.quote(fields[0]))' is not a region code")
            }
            guard table.updateValue(fields[1], forKey: code) == nil else {
                throw AssessmentError("\(path), line \(number + 1): region \(code) is given a class twice")
            }
        }
        return table
    }
}
