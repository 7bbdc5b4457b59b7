import Foundation
import RuralstatModel

/// The pieces every explanation is written from, so that all findings read alike:
/// "村 130121101205 侯家庄村: 粮食产量 GRAIN_OUTPUT 15184 吨 …".
enum FindingText {
    /// A number as people read it (``NumberText/readable(_:)``).
    static func number(_ value: Double) -> String { NumberText.readable(value) }

    /// "村 130121101205 侯家庄村" (the name when the registry knows the unit).
    static func unit(_ region: RegionCode, registry: RegionRegistry?) -> String {
        if region == .national { return "全国" }
        let name = registry?.name(of: region).map { " \($0)" } ?? ""
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

    /// Collapses the runs of spaces that empty parts leave.
    static func tidy(_ text: String) -> String {
        let space = UInt8(ascii: " ")
        // Most explanations have no double space: look before copying.
        var text = text
        let doubled = text.withUTF8 { utf8 in
            var previous: UInt8 = 0
            for byte in utf8 {
                if byte == space && previous == space { return true }
                previous = byte
            }
            return false
        }
        guard doubled else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 where !(byte == space && bytes.last == space) { bytes.append(byte) }
        return bytes.count == text.utf8.count ? text : String(decoding: bytes, as: UTF8.self)
    }
}
