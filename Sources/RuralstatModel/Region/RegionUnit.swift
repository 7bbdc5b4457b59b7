/// One unit of the statistical division tree as the registry knows it.
public struct RegionUnit: Sendable, Hashable {
    /// The unit's code.
    public let code: RegionCode
    /// The unit's name from the division list, e.g. `井陉县`.
    public let name: String
    /// The explicit parent from the division list; `RegionCode.national` for a province.
    public let parent: RegionCode
    /// The lowest level this unit stands for. Usually its own level; a prefecture city without a
    /// county level (东莞 441900) stands for the county level too, and its townships hang under it.
    /// The NBS list marks such a unit by repeating it one level down with itself as parent.
    public let lowestLevel: RegionLevel
    /// What kind of unit it is, so that a placeholder is not counted as a real unit.
    public let kind: RegionKind
    /// The NBS urban–rural class (111…220) of a village-level unit, when the list gives it.
    public let urbanRuralClass: UrbanRuralClass?

    /// Creates a unit; see the properties for each field.
    public init(
        code: RegionCode, name: String, parent: RegionCode, lowestLevel: RegionLevel,
        kind: RegionKind, urbanRuralClass: UrbanRuralClass? = nil
    ) {
        self.code = code
        self.name = name
        self.parent = parent
        self.lowestLevel = lowestLevel
        self.kind = kind
        self.urbanRuralClass = urbanRuralClass
    }

    /// The level the code's digits say.
    public var level: RegionLevel { code.level }

    /// Whether the unit stands for `level` (its own, or one it spans).
    public func stands(for level: RegionLevel) -> Bool { level >= self.level && level <= lowestLevel }
}

/// What kind of unit a registry entry is, so that rollups and coverage do not count a placeholder
/// as a real city.
public enum RegionKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// An ordinary unit.
    case regular
    /// A municipality's prefecture placeholder (北京 110100 市辖区, 重庆 500200 县).
    case municipalityPlaceholder = "municipality_placeholder"
    /// A province's group of directly administered county-level units (省直辖县级行政区划, `xx90`).
    case directlyAdministeredGroup = "directly_administered_group"
    /// A prefecture city with no county level (东莞, 中山, 儋州); it stands for its own county.
    case noCountyLevel = "no_county_level"
    /// A county listed without townships (金门县); it stands for its own township.
    case noTownshipLevel = "no_township_level"
    /// An NBS-only county-level unit such as a development zone (county digits 71–80).
    case developmentZone = "development_zone"
    /// A township-level unit holding villages directly under the county (直辖村级区划, `xxx198`).
    case directVillageGroup = "direct_village_group"
    /// A township-like unit: state farm, forest farm, zone (township digits 400–599).
    case townshipLikeUnit = "township_like_unit"

    /// Placeholders group real units but are not units of their own level.
    public var isPlaceholder: Bool { self == .municipalityPlaceholder || self == .directlyAdministeredGroup }

    /// Classifies a unit from its code and whether it spans a lower level.
    static func classify(_ code: RegionCode, spansLowerLevel: Bool) -> RegionKind {
        if spansLowerLevel { return code.level == .prefecture ? .noCountyLevel : .noTownshipLevel }
        switch code.level {
        case .prefecture:
            if [11, 12, 31, 50].contains(code.digits(at: .province)) { return .municipalityPlaceholder }
            if code.digits(at: .prefecture) == 90 { return .directlyAdministeredGroup }
        case .county:
            if (71...80).contains(code.digits(at: .county)) { return .developmentZone }
        case .township:
            if code.digits(at: .township) == 198 { return .directVillageGroup }
            if (400...599).contains(code.digits(at: .township)) { return .townshipLikeUnit }
        default:
            break
        }
        return .regular
    }
}

/// The NBS urban–rural classification code of a village-level unit (《统计上划分城乡的规定》).
public enum UrbanRuralClass: String, Sendable, Hashable, Codable, CaseIterable {
    /// 111 主城区: the main urban area.
    case mainUrbanArea = "111"
    /// 112 城乡结合区: the urban–rural fringe.
    case urbanRuralFringe = "112"
    /// 121 镇中心区: a town centre.
    case townCentre = "121"
    /// 122 镇乡结合区: where a town meets the countryside.
    case townRuralFringe = "122"
    /// 123 特殊区域: a special area, such as a development zone.
    case specialArea = "123"
    /// 210 乡中心区: a township centre (rural).
    case townshipCentre = "210"
    /// 220 村庄: a village (rural).
    case village = "220"

    /// Classes 210 and 220 are rural; the rest are urban.
    public var isRural: Bool { self == .townshipCentre || self == .village }
}
