import Foundation
import RuralstatModel

/// A made-up division tree under real province codes: prefectures, counties, townships and villages
/// with plausible names, and the irregular branches of the real tree — a prefecture city without
/// counties whose townships sit directly under it (as 东莞 441900), and a municipality whose
/// prefecture level is two placeholders (重庆 500100 市辖区 and 500200 县).
public struct SampleRegistry: Sendable {
    public struct Unit: Sendable {
        public var code: RegionCode
        public var name: String
        public var parent: RegionCode?
        /// Written a second time with itself as parent: the unit stands for the level below too.
        public var spansNextLevel = false
        public var urbanRuralClass: String?
    }

    /// Rows in the NBS layout's order (parents before children).
    public private(set) var units: [Unit] = []
    /// The counties (and county-like units) that report, in code order: each sends one file a year.
    public private(set) var reporters: [RegionCode] = []
    /// Each reporter's townships and villages: a range of ``units``.
    private var reporterUnits: [Range<Int>] = []

    /// Province codes and names used in order; the first three are the sample's (河北, 广东, 重庆).
    static let provinces: [(Int, String)] = [
        (13, "河北省"), (44, "广东省"), (50, "重庆市"), (11, "北京市"), (12, "天津市"), (14, "山西省"), (15, "内蒙古自治区"), (21, "辽宁省"),
        (22, "吉林省"), (23, "黑龙江省"), (31, "上海市"), (32, "江苏省"), (33, "浙江省"), (34, "安徽省"), (35, "福建省"), (36, "江西省"),
        (37, "山东省"), (41, "河南省"), (42, "湖北省"), (43, "湖南省"), (45, "广西壮族自治区"), (46, "海南省"), (51, "四川省"), (52, "贵州省"),
        (53, "云南省"), (54, "西藏自治区"), (61, "陕西省"), (62, "甘肃省"), (63, "青海省"), (64, "宁夏回族自治区"), (65, "新疆维吾尔自治区"),
    ]

    static let surnames = Array(
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔汤庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍申尤毕聂柴焦向柳邢岳齐沿梅莫庄辛管祝左涂谷祁时舒耿牟卜路詹关苗凌费纪靳盛童欧甄项曲成游阳裴席卫查屈鲍位覃霍翁隋植甘景薄单包司柏宁柯阮桂闵欧阳解强丛华车冉房边辜吉饶刁瞿戚丘古米池滕晋苑邬臧畅宫来嵺苟全褚廉简娄盖符奚木穆党燕郎邸冀谈姬屠连郜晏栾郁商蒙计喻揭窦迟宇敖糜鄢冷卓花艾蓝都巩稽井练仲乐虞卞封竺冼原官衣楚佟栗匡宗应台巫鞠僧桑荆谌银扬明沙薄伏岑习胥保和蔺"
    )
    static let villageSuffixes = ["庄村", "营村", "屯村", "岭村", "沟村", "洼村", "寨村", "坪村", "湾村", "河村", "店村", "口村"]
    static let places = Array("东西南北中上下前后新老大小石金银青白红黄安平和兴隆丰泰福顺康宁远长永清明光华山河川湖海林松柏桃杏梅竹泉溪峰岗坡")
    static let townshipSuffixes = ["镇", "乡", "镇", "镇", "乡"]

    /// A tree with about `villages` villages over as many provinces as that needs (three at least).
    public init(villages: Int, seed: UInt64) {
        var random = SeededRandom(seed, 1)
        let provinceCount = min(Self.provinces.count, max(3, villages / 60_000))
        let perProvince = max(60, villages / provinceCount)
        for (position, (province, name)) in Self.provinces.prefix(provinceCount).enumerated() {
            let provinceCode = Self.code(province * 10_000_000_000)
            units.append(Unit(code: provinceCode, name: name, parent: nil))
            if province == 50 {
                addMunicipality(provinceCode, villages: perProvince, random: &random)
            } else {
                addProvince(provinceCode, villages: perProvince, irregular: position == 1, random: &random)
            }
        }
    }

    static func code(_ value: Int) -> RegionCode { RegionCode(uncheckedRawValue: Int64(value)) }

    /// Counties needed for `villages` villages (about 75 villages a county in the sample, more at scale).
    private static func countyCount(_ villages: Int) -> Int { max(1, villages / (villages < 1_000 ? 75 : 150)) }

    private mutating func addProvince(_ province: RegionCode, villages: Int, irregular: Bool, random: inout SeededRandom) {
        var counties = Self.countyCount(villages)
        let prefectures = max(counties > 1 ? 2 : 1, counties / 8)
        var perPrefecture = [Int](repeating: counties / prefectures, count: prefectures)
        for index in 0..<(counties % prefectures) { perPrefecture[index] += 1 }
        if irregular { perPrefecture[prefectures - 1] = 0 }
        counties = perPrefecture.reduce(0, +) + (irregular ? 1 : 0)
        let villagesPerCounty = max(8, villages / max(1, counties))
        for (index, count) in perPrefecture.enumerated() {
            // The county-less city takes 19 (as 东莞 4419), or the next free number in a big province.
            let number = irregular && index == prefectures - 1 ? max(19, prefectures + 1) : index + 1
            let prefecture = Self.code(Int(province.rawValue) + number * 100_000_000)
            if irregular && index == prefectures - 1 {
                // A prefecture city without counties: its townships sit under it (county digits 00).
                units.append(Unit(code: prefecture, name: Self.placeName(&random) + "市", parent: province))
                units.append(Unit(code: prefecture, name: units.last!.name, parent: prefecture, spansNextLevel: true))
                reporters.append(prefecture)
                addTownships(prefecture, villages: villagesPerCounty, random: &random)
                continue
            }
            units.append(Unit(code: prefecture, name: Self.placeName(&random) + "市", parent: province))
            for county in 0..<count {
                let code = Self.code(Int(prefecture.rawValue) + (21 + county) * 1_000_000)
                units.append(Unit(code: code, name: Self.placeName(&random) + "县", parent: prefecture))
                reporters.append(code)
                addTownships(code, villages: villagesPerCounty, random: &random)
            }
        }
    }

    private mutating func addMunicipality(_ province: RegionCode, villages: Int, random: inout SeededRandom) {
        // A municipality has some forty districts and counties (重庆 38); at scale they grow larger instead.
        let counties = min(80, Self.countyCount(villages))
        let districts = max(1, (counties + 1) / 2), plain = max(1, counties - districts)
        let villagesPerCounty = max(8, villages / (districts + plain))
        for (number, name, count, first, suffix) in [(1, "市辖区", districts, 1, "区"), (2, "县", plain, 29, "县")] {
            let placeholder = Self.code(Int(province.rawValue) + number * 100_000_000)
            units.append(Unit(code: placeholder, name: name, parent: province))
            for county in 0..<count {
                let code = Self.code(Int(placeholder.rawValue) + (first + county) * 1_000_000)
                units.append(Unit(code: code, name: Self.placeName(&random) + suffix, parent: placeholder))
                reporters.append(code)
                addTownships(code, villages: villagesPerCounty, random: &random)
            }
        }
    }

    private mutating func addTownships(_ county: RegionCode, villages: Int, random: inout SeededRandom) {
        let start = units.count
        defer { reporterUnits.append(start..<units.count) }
        var left = villages
        var township = 0
        while left > 0 {
            township += 1
            let size = min(left, Int.random(in: 12...30, using: &random))
            left -= size
            let code = Self.code(Int(county.rawValue) + (100 + township) * 1_000)
            let suffix = Self.townshipSuffixes[Int.random(in: 0..<Self.townshipSuffixes.count, using: &random)]
            units.append(Unit(code: code, name: Self.placeName(&random) + suffix, parent: county))
            for village in 1...size {
                // Residents' committees (社区) are numbered 0xx and urban; villagers' committees (村) 2xx.
                // A township's first eight are villages, then come its few communities.
                let isCommunity = village > 8 && village <= 8 + size / 10
                let number = isCommunity ? village : 200 + village
                let name =
                    String(Self.surnames[Int.random(in: 0..<Self.surnames.count, using: &random)]) + "家"
                    + (isCommunity ? "社区" : Self.villageSuffixes[Int.random(in: 0..<Self.villageSuffixes.count, using: &random)])
                let urban =
                    isCommunity
                    ? ["111", "112", "121"][Int.random(in: 0...2, using: &random)]
                    : ["121", "122", "210", "220", "220", "220"][Int.random(in: 0...5, using: &random)]
                units.append(Unit(code: Self.code(Int(code.rawValue) + number), name: name, parent: code, urbanRuralClass: urban))
            }
        }
    }

    private static func placeName(_ random: inout SeededRandom) -> String {
        String(places[Int.random(in: 0..<places.count, using: &random)]) + String(places[Int.random(in: 0..<places.count, using: &random)])
    }

    /// The townships and villages of the `reporter`-th reporter, in code order.
    public func units(under reporter: Int) -> ArraySlice<Unit> { units[reporterUnits[reporter]] }

    /// The registry file in the NBS layout (`code,name,parent_code,urban_rural_class`).
    public func csv() -> String {
        var text = "code,name,parent_code,urban_rural_class\n"
        for unit in units {
            text += "\(unit.code),\(unit.name),\(unit.parent.map(\.description) ?? ""),\(unit.urbanRuralClass ?? "")\n"
        }
        return text
    }
}
