import Foundation
import RuralstatModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The pieces every explanation is written from, so that all findings read alike:
/// "村 130121101205 侯家庄村: 粮食产量 GRAIN_OUTPUT 15184 吨 …".
enum FindingText {
    /// A number as people read it: three significant digits below 1000, whole numbers above.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if abs(value) >= 1000 || value == value.rounded() { return String(Int64(value.rounded())) }
        return format("%.3g", value)
    }

    /// One number as printf formats it. `String(format:)` goes through Foundation's formatter, which
    /// costs ten times as much, and tens of thousands of explanations use several numbers each.
    static func format(_ specification: String, _ value: Double) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            _ = withVaList([value]) { vsnprintf(buffer.baseAddress, 64, specification, $0) }
            return String(cString: buffer.baseAddress!)
        }
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

    /// Collapses the runs of spaces that empty parts leave.
    static func tidy(_ text: String) -> String {
        let space = UInt8(ascii: " ")
        var previous: UInt8 = 0
        guard text.utf8.contains(where: { byte in defer { previous = byte }; return byte == space && previous == space }) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        previous = 0
        for byte in text.utf8 where !(byte == space && previous == space) {
            bytes.append(byte)
            previous = byte
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
