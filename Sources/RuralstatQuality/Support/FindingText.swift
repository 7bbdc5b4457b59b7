import Foundation
import RuralstatModel

/// The pieces every explanation is written from, so that all findings read alike:
/// "村 130121101205 侯家庄村: 粮食产量 GRAIN_OUTPUT 15184 吨 …".
enum FindingText {
    /// A number as people read it: three significant digits below 1000, whole numbers above.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if abs(value) >= 1000 || value == value.rounded() { return String(Int64(value.rounded())) }
        return String(format: "%.3g", value)
    }

    /// "村 130121101205 侯家庄村" (the name when the registry knows the unit).
    static func unit(_ region: RegionCode, registry: RegionRegistry?) -> String {
        if region == .national { return "全国" }
        let name = registry?.unit(region).map { " \($0.name)" } ?? ""
        return "\(region.level.chineseName) \(region)\(name)"
    }

    /// "粮食产量 GRAIN_OUTPUT".
    static func indicator(_ code: String, _ definition: Indicator?) -> String {
        definition.map { "\($0.nameZh) \(code)" } ?? code
    }

    /// A value with its unit: "15184 吨".
    static func amount(_ value: Double, _ definition: Indicator?) -> String {
        let unit = definition?.scaledUnit ?? ""
        return unit.isEmpty ? number(value) : "\(number(value)) \(unit)"
    }

    /// Collapses the double spaces that empty parts leave.
    static func tidy(_ text: String) -> String {
        var text = text
        while text.contains("  ") { text = text.replacingOccurrences(of: "  ", with: " ") }
        return text
    }
}
