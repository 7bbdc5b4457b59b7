import RuralstatModel

/// A finding's explanation as it is written: literal text, readable numbers and the pieces every
/// explanation shares (a unit with its name, an indicator, an amount with its unit) appended as
/// UTF-8 to one buffer, and one `String` made at the end (``text``), with the runs of spaces that
/// empty parts leave collapsed. A night writes tens of thousands of explanations of a dozen pieces
/// each, and plain string interpolation makes a string of every piece first.
///
///     let explanation: ExplanationText = "\(unit: region, registry: registry): \(number: ratio) …"
///     finding.explanation = explanation.text
///
/// A multi-line literal with a `\` at each line's end keeps one explanation one interpolation.
struct ExplanationText: ExpressibleByStringInterpolation {
    /// The explanation so far, as UTF-8.
    private(set) var bytes: [UInt8]

    init(stringLiteral literal: String) { bytes = Array(literal.utf8) }

    init(stringInterpolation: StringInterpolation) { bytes = stringInterpolation.bytes }

    /// The text as written, runs of spaces and all (a piece of an explanation made as a string).
    var asWritten: String { String(decoding: bytes, as: UTF8.self) }

    /// The explanation, each run of spaces collapsed to one.
    var text: String {
        bytes.withUnsafeBufferPointer { bytes in
            let space = UInt8(ascii: " ")
            // Most explanations have no run of spaces: look before copying.
            guard let first = (1..<max(bytes.count, 1)).first(where: { bytes[$0] == space && bytes[$0 - 1] == space }) else {
                return String(decoding: bytes, as: UTF8.self)
            }
            return String(unsafeUninitializedCapacity: bytes.count) { text in
                var kept = first
                _ = text.initialize(fromContentsOf: bytes[..<first])
                for byte in bytes[first...] where !(byte == space && text[kept - 1] == space) {
                    text[kept] = byte
                    kept += 1
                }
                return kept
            }
        }
    }

    /// Appends another explanation's text (a part written apart, such as a method's numbers).
    mutating func append(_ other: ExplanationText) { bytes += other.bytes }

    struct StringInterpolation: StringInterpolationProtocol {
        fileprivate var bytes: [UInt8] = []

        init(literalCapacity: Int, interpolationCount: Int) { bytes.reserveCapacity(literalCapacity + 16 * interpolationCount) }

        mutating func appendLiteral(_ literal: String) { append(literal) }

        mutating func appendInterpolation(_ text: String) { append(text) }

        /// A part written apart.
        mutating func appendInterpolation(_ part: ExplanationText) { bytes += part.bytes }

        /// Anything else by its description (a period, a level, a count).
        mutating func appendInterpolation(_ value: some CustomStringConvertible) { append(value.description) }

        /// A count.
        mutating func appendInterpolation(_ count: Int) { NumberText.appendInteger(Int64(count), to: &bytes) }

        /// A string's UTF-8, copied at once from its storage when it has one (nearly always).
        private mutating func append(_ text: String) {
            var text = text
            text.withUTF8 { bytes.append(contentsOf: $0) }
        }

        /// A number as people read it (``NumberText/readable(_:)``).
        mutating func appendInterpolation(number value: Double) { NumberText.appendReadable(value, to: &bytes) }

        /// A value with its unit: "15184 吨".
        mutating func appendInterpolation(amount value: Double, _ definition: Indicator?) {
            NumberText.appendReadable(value, to: &bytes)
            guard let unit = definition?.scaledUnit, !unit.isEmpty else { return }
            bytes.append(UInt8(ascii: " "))
            append(unit)
        }

        /// "粮食产量 GRAIN_OUTPUT" (the code alone when the catalog does not know it).
        mutating func appendInterpolation(indicator code: String, _ definition: Indicator?) {
            if let definition {
                append(definition.nameZh)
                bytes.append(UInt8(ascii: " "))
            }
            append(code)
        }

        /// "村 130121101205 侯家庄村" (the name when the registry knows the unit); "全国" for the nation.
        mutating func appendInterpolation(unit region: RegionCode, registry: RegionRegistry?) {
            guard region != .national else { return append("全国") }
            append(region.level.chineseName)
            bytes.append(UInt8(ascii: " "))
            NumberText.appendInteger(region.rawValue, width: 12, to: &bytes)
            registry?.appendName(of: region, after: UInt8(ascii: " "), to: &bytes)
        }
    }
}
