/// SDMX unit codes (UNIT_MEASURE) and the catalog's Chinese units they stand for, so a submission
/// may say `CNY` where the catalog says `元`.
public enum UnitCodes {
    static let aliases: [String: Set<String>] = [
        "元": ["CNY", "YUAN", "RMB"],
        "户": ["HH", "HOUSEHOLD", "HOUSEHOLDS"],
        "人": ["PS", "PERS", "PERSON", "PERSONS"],
        "吨": ["T", "TONNE", "TONNES", "TON"],
        "公顷": ["HA", "HECTARE", "HECTARES"],
        "亩": ["MU"],
        "%": ["PC", "PCT", "PERCENT"],
        "公里": ["KM"],
        "人次": ["VISITS", "PERSON_TIMES"],
        "是否": ["BOOL", "YN", "FLAG"],
    ]

    /// Whether a submitted unit names the catalog's unit (`CNY` for `元`, `元` for `元`, case-insensitive codes).
    public static func matches(_ submitted: String, _ catalogUnit: String) -> Bool {
        if submitted == catalogUnit { return true }
        let upper = submitted.uppercased()
        return aliases[catalogUnit]?.contains(upper) ?? false
    }
}
