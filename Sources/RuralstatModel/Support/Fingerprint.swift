/// A 64-bit fingerprint (FNV-1a) of what decides an outcome — a registry, a catalog, reading options —
/// so that a later run can tell whether anything that could change it has changed. Not a security
/// hash: it tells versions of trusted reference data apart.
public struct Fingerprint: Sendable, Hashable {
    /// The hash so far; it starts at the FNV-1a offset basis.
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    /// Starts an empty fingerprint.
    public init() {}

    /// Adds bytes, then a separator, so that (`ab`, `c`) and (`a`, `bc`) differ.
    public mutating func add(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }
        value = (value ^ 0xFF) &* 0x100_0000_01b3  // a separator, so that ("ab", "c") differs from ("a", "bc")
    }

    /// Adds the UTF-8 bytes of `text`.
    public mutating func add(_ text: String) { add(text.utf8) }

    /// Adds the 8 little-endian bytes of `number`, so that the fingerprint is the same on every machine.
    public mutating func add(_ number: Int64) {
        withUnsafeBytes(of: number.littleEndian) { add($0) }
    }

    /// Sixteen hexadecimal digits.
    public var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

extension RegionRegistry {
    /// The fingerprint of the tree: edition, codes, parents, levels and names.
    public var fingerprint: Fingerprint {
        var print = Fingerprint()
        print.add(Int64(edition))
        for index in 0..<count {
            print.add(table.codes[index])
            print.add(Int64(table.parents[index]))
            print.add(Int64(table.lowest[index]))
        }
        print.add(table.names)
        return print
    }
}

extension IndicatorCatalog {
    /// The fingerprint of what ingest checks against: the version, the period window and each
    /// definition's code, window, unit, scale, kind, range, frequency and reporting levels.
    public var fingerprint: Fingerprint {
        var print = Fingerprint()
        print.add(version)
        print.add("\(periodWindow)")
        for definition in definitions {
            print.add(
                "\(definition.code)|\(definition.definitionVersion)|\(definition.validFrom)|\(definition.validTo.map(String.init) ?? "")|"
                    + "\(definition.unit)|\(definition.unitMultiplier)|\(definition.kind.rawValue)|\(definition.validRange.map { "\($0)" } ?? "")|"
                    + "\(definition.frequency.rawValue)|\(definition.reportedLevels.map(\.description).joined(separator: ","))")
        }
        return print
    }
}
