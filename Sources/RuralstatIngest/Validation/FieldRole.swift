import RuralstatModel

/// What a column (CSV) or component (SDMX) means to ruralstat.
public enum FieldRole: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case region, indicator, period, value, status, unitMultiplier, unit, frequency, action

    public var description: String {
        switch self {
        case .region: "region"
        case .indicator: "indicator"
        case .period: "period"
        case .value: "value"
        case .status: "status"
        case .unitMultiplier: "unit_mult"
        case .unit: "unit"
        case .frequency: "frequency"
        case .action: "action"
        }
    }
}

/// How component ids and column names map to roles. The defaults understand the SDMX
/// cross-domain ids, ruralstat's long CSV and Chinese headers; a pipeline can add its own.
public struct ComponentMap: Sendable {
    private var roles: [String: FieldRole]

    public init(extra: [String: FieldRole] = [:]) {
        var roles: [String: FieldRole] = [:]
        for (role, names) in ComponentMap.defaults {
            for name in names { roles[name.lowercased()] = role }
        }
        for (name, role) in extra { roles[name.lowercased()] = role }
        self.roles = roles
    }

    /// The role of a component id or column name (case-insensitive; `ID: Name` labels are cut at the colon).
    /// The names and roles, for a fingerprint of the reading options.
    public var description: String {
        roles.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    public func role(of name: String) -> FieldRole? {
        var key = name.trimmingCharacters(in: " \t").lowercased()
        if let colon = key.firstIndex(of: ":") { key = String(key[..<colon]).trimmingCharacters(in: " \t") }
        return roles[key]
    }

    static let defaults: [FieldRole: [String]] = [
        .region: ["region", "ref_area", "region_code", "area", "地区代码", "区划代码", "统计用区划代码", "地区"],
        .indicator: ["indicator", "series", "indicator_code", "指标代码", "指标"],
        .period: ["period", "time_period", "time", "时期", "期别", "年份"],
        .value: ["value", "obs_value", "数值", "值"],
        .status: ["status", "obs_status", "状态", "观测状态"],
        .unitMultiplier: ["unit_mult", "unit_multiplier", "单位倍数"],
        .unit: ["unit", "unit_measure", "计量单位", "单位"],
        .frequency: ["freq", "frequency", "频率"],
        .action: ["action"],
    ]
}
