/// A level of the NBS statistical division hierarchy, from the nation down to the village.
///
/// The raw values are the depth below the national root, so `a < b` means "a is above b".
public enum RegionLevel: Int, Sendable, CaseIterable, Comparable, Codable, CustomStringConvertible {
    /// The nation, the root of the tree (code `000000000000`).
    case national = 0
    /// Provinces, autonomous regions and municipalities (省): the first 2 digits.
    case province = 1
    /// Prefectures and prefecture-level cities (地): the first 4 digits.
    case prefecture = 2
    /// Counties and county-level units (县): the first 6 digits.
    case county = 3
    /// Townships and towns (乡): the first 9 digits.
    case township = 4
    /// Villages and residents' committees (村): all 12 digits.
    case village = 5

    /// Higher levels order first: `national < province < … < village`.
    public static func < (lhs: RegionLevel, rhs: RegionLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The number of leading code digits that identify a unit at this level (2, 4, 6, 9 or 12).
    public var significantDigits: Int {
        switch self {
        case .national: 0
        case .province: 2
        case .prefecture: 4
        case .county: 6
        case .township: 9
        case .village: 12
        }
    }

    /// This level's bit in a set of levels held as one integer, for a test made once per row.
    @inlinable public var bit: Int { 1 << rawValue }

    /// The bits of `levels` (see ``bit``).
    public static func bits(_ levels: some Sequence<RegionLevel>) -> Int { levels.reduce(0) { $0 | $1.bit } }

    /// The level directly above, or `nil` for the nation.
    public var parent: RegionLevel? { RegionLevel(rawValue: rawValue - 1) }

    /// The level directly below, or `nil` for a village.
    public var child: RegionLevel? { RegionLevel(rawValue: rawValue + 1) }

    /// The English name used in files, the CLI and the store (`province`, `county`, …).
    public var description: String {
        switch self {
        case .national: "national"
        case .province: "province"
        case .prefecture: "prefecture"
        case .county: "county"
        case .township: "township"
        case .village: "village"
        }
    }

    /// The Chinese name used in reports (`省`, `县`, …).
    public var chineseName: String {
        switch self {
        case .national: "全国"
        case .province: "省"
        case .prefecture: "地"
        case .county: "县"
        case .township: "乡"
        case .village: "村"
        }
    }

    /// Parses a level name in English (`county`) or Chinese (`县`), case-insensitively.
    public init?(name: String) {
        let lowered = name.lowercased()
        guard let level = RegionLevel.allCases.first(where: { $0.description == lowered || $0.chineseName == name })
        else { return nil }
        self = level
    }
}
