import Foundation
import RuralstatModel

/// The pieces every explanation is written from, so that all findings read alike:
/// "村 130121101205 侯家庄村: 粮食产量 GRAIN_OUTPUT 15184 吨 …", as strings for an explanation put
/// together as one string; ``ExplanationText`` (which period over period, with the most findings,
/// writes its explanations as) writes these pieces, and they are taken from it as written.
enum FindingText {
    /// A number as people read it (``NumberText/readable(_:)``).
    static func number(_ value: Double) -> String { NumberText.readable(value) }

    /// "村 130121101205 侯家庄村" (the name when the registry knows the unit).
    static func unit(_ region: RegionCode, registry: RegionRegistry?) -> String { ExplanationText("\(unit: region, registry: registry)").asWritten }

    /// "粮食产量 GRAIN_OUTPUT".
    static func indicator(_ code: String, _ definition: Indicator?) -> String { ExplanationText("\(indicator: code, definition)").asWritten }

    /// A value with its unit: "15184 吨".
    static func amount(_ value: Double, _ definition: Indicator?) -> String { ExplanationText("\(amount: value, definition)").asWritten }

    /// Collapses the runs of spaces that empty parts leave (as ``ExplanationText/text`` does).
    static func tidy(_ text: String) -> String { ExplanationText(stringLiteral: text).text }
}
