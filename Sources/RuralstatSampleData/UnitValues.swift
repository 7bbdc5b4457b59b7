import Foundation
import RuralstatModel

/// The natural figures of a county's units year by year: villages drawn from a size that runs
/// through everything they report (a big village has more households, land and grain), townships
/// and the county reporting the totals of their villages, and the county its own economic figures.
///
/// Sizes multiply a county, a township and a village factor (log-normal), so that peers in a
/// township are alike and counties differ, and a village's land varies more still; each year every
/// figure grows by a few percent. Spread over orders of magnitude, the amounts follow Benford's law
/// as real ones do.
struct UnitValues {
    /// Indicator codes → value, per unit code, per year index.
    var years: [[Int64: [String: Double]]]

    static let villageAmounts = [
        "GRAIN_OUTPUT", "GRAIN_SOWN_AREA", "CULTIVATED_LAND", "HIGH_STANDARD_FARMLAND", "COLLECTIVE_INCOME",
        "VILLAGE_AREA", "VILLAGE_GREEN_AREA", "VILLAGE_DISTANCE_TO_TOWNSHIP",
    ]
    static let villageCounts = [
        "HOUSEHOLDS", "POPULATION", "HH_TAP_WATER", "HH_SANITARY_TOILET", "MONITORED_HOUSEHOLDS",
        "MONITORED_HH_RISK_ELIMINATED", "RURAL_INCOME_PER_CAPITA",
    ]
    static let villageFlags: [(String, Double)] = [
        ("VILLAGE_WASTE_TREATED", 0.85), ("VILLAGE_HAS_CULTURAL_CENTER", 0.6), ("VILLAGE_CIVILIZED", 0.3), ("VILLAGE_HAS_PLAN", 0.9),
        ("VILLAGE_HAS_SERVICE_STATION", 0.75), ("VILLAGE_SECRETARY_IS_DIRECTOR", 0.7), ("VILLAGE_HAS_COVENANT", 0.8),
        ("VILLAGE_HARDENED_ROAD", 0.92),
    ]
    /// What townships report (sums of their villages).
    static let townshipTotals = ["HOUSEHOLDS", "POPULATION", "GRAIN_OUTPUT", "GRAIN_SOWN_AREA", "CULTIVATED_LAND"]
    /// What counties report as totals of their villages.
    static let countyTotals = townshipTotals + ["HIGH_STANDARD_FARMLAND", "MONITORED_HOUSEHOLDS", "MONITORED_HH_RISK_ELIMINATED"]
    /// Decimals each figure is published with.
    static let decimals: [String: Int] = [
        "GRAIN_OUTPUT": 1, "GRAIN_SOWN_AREA": 2, "CULTIVATED_LAND": 1, "HIGH_STANDARD_FARMLAND": 1, "COLLECTIVE_INCOME": 2,
        "VILLAGE_AREA": 2, "VILLAGE_GREEN_AREA": 2, "VILLAGE_DISTANCE_TO_TOWNSHIP": 1, "AG_VALUE_ADDED": 1, "AGRO_PROCESSING_OUTPUT": 1,
        "AG_GROSS_OUTPUT": 1, "MANURE_PRODUCED": 0, "MANURE_UTILIZED": 0, "RURAL_CONSUMPTION_SPENDING": 1, "RURAL_FOOD_SPENDING": 1,
        "RURAL_EDU_CULTURE_SPENDING": 1, "RURAL_TOURISM_VISITS": 4, "URBAN_RURAL_INCOME_RATIO": 2,
    ]

    static func rounded(_ value: Double, _ code: String) -> Double {
        let scale = pow(10, Double(decimals[code] ?? 0))
        return (value * scale).rounded() / scale
    }

    /// The amounts whose yearly change is realistic noise in the realistic profile.
    static let volatile = ["GRAIN_OUTPUT", "COLLECTIVE_INCOME", "GRAIN_SOWN_AREA", "HIGH_STANDARD_FARMLAND"]

    /// The natural figures of one reporter's units for `yearCount` years.
    init(reporter: RegionCode, units: ArraySlice<SampleRegistry.Unit>, yearCount: Int, seed: UInt64, profile: SampleDataGenerator.Profile = .blatant) {
        var county = SeededRandom(seed, reporter.rawValue, 11)
        let countyFactor = exp(county.normal(0, 0.45))
        let incomeBase = 14_000 + Double(reporter.digits(at: .province) % 7) * 1_800
        let tapRate = county.uniform(0.78, 0.97)
        years = Array(repeating: [:], count: yearCount)
        var townshipFactor = 1.0
        // Realistic profile: a shock per township and year that all its villages share.
        var townshipShocks = [Double](repeating: 0, count: yearCount)
        for unit in units {
            let code = unit.code
            if code.level == .township {
                var random = SeededRandom(seed, code.rawValue, 12)
                townshipFactor = exp(random.normal(0, 0.3))
                townshipShocks = (0..<yearCount).map { _ in random.normal(0.02, 0.12) }
                continue
            }
            var random = SeededRandom(seed, code.rawValue, 13)
            let size = countyFactor * townshipFactor * exp(random.normal(0, 0.28))
            var base: [String: Double] = [:]
            let households = max(25, (320 * pow(size, 0.8) * exp(random.normal(0, 0.08))))
            base["HOUSEHOLDS"] = households
            base["POPULATION"] = households * random.uniform(2.7, 3.6)
            base["HH_TAP_WATER"] = households * min(1, max(0.3, tapRate + random.normal(0, 0.04)))
            base["HH_SANITARY_TOILET"] = households * random.uniform(0.55, 0.95)
            base["MONITORED_HOUSEHOLDS"] = households * random.uniform(0.01, 0.05)
            base["MONITORED_HH_RISK_ELIMINATED"] = base["MONITORED_HOUSEHOLDS"]! * random.uniform(0.6, 1)
            base["RURAL_INCOME_PER_CAPITA"] = incomeBase * exp(random.normal(0, 0.12)) * pow(countyFactor, 0.2)
            // How much of a village is farmland varies widely (hills against plains), and its amounts with it.
            let land = households * 4 * exp(random.normal(0, 0.7))
            base["CULTIVATED_LAND"] = land
            base["GRAIN_SOWN_AREA"] = land / 15 * random.uniform(0.9, 1.7)
            base["GRAIN_OUTPUT"] = base["GRAIN_SOWN_AREA"]! * random.uniform(4.5, 7.2)
            base["HIGH_STANDARD_FARMLAND"] = land * random.uniform(0.2, 0.75)
            base["COLLECTIVE_INCOME"] = exp(random.normal(log(25), 1.0)) * pow(size, 0.5)
            base["VILLAGE_AREA"] = exp(random.normal(log(40), 0.6)) * pow(size, 0.6)
            base["VILLAGE_GREEN_AREA"] = base["VILLAGE_AREA"]! * random.uniform(0.05, 0.4)
            base["VILLAGE_DISTANCE_TO_TOWNSHIP"] = exp(random.normal(log(4), 0.6))
            var flags = Dictionary(uniqueKeysWithValues: Self.villageFlags.map { ($0.0, random.chance($0.1) ? 1.0 : 0.0) })
            var current = base
            // Realistic profile: one village in 16 reports its whole numbers in tens.
            let reportsInTens = profile == .realistic && random.chance(1.0 / 16)
            var reported: [String: Double] = [:]
            var repeated: Set<String> = []
            for year in 0..<yearCount {
                var yearly = SeededRandom(seed, code.rawValue, Int64(year), 14)
                if year > 0 {
                    let economy = exp(yearly.normal(0.03, 0.025))
                    for key in ["GRAIN_OUTPUT", "COLLECTIVE_INCOME", "RURAL_INCOME_PER_CAPITA"] { current[key]! *= economy * exp(yearly.normal(0, 0.01)) }
                    for key in ["HOUSEHOLDS", "POPULATION", "HH_TAP_WATER", "HH_SANITARY_TOILET"] { current[key]! *= exp(yearly.normal(0.004, 0.006)) }
                    current["HH_TAP_WATER"] = min(current["HH_TAP_WATER"]! * 1.01, current["HOUSEHOLDS"]!)
                    current["HH_SANITARY_TOILET"] = min(current["HH_SANITARY_TOILET"]! * 1.02, current["HOUSEHOLDS"]!)
                    for key in ["GRAIN_SOWN_AREA", "CULTIVATED_LAND"] { current[key]! *= exp(yearly.normal(0.005, 0.01)) }
                    current["VILLAGE_GREEN_AREA"] = min(current["VILLAGE_GREEN_AREA"]! * exp(yearly.normal(0.02, 0.03)), current["VILLAGE_AREA"]!)
                    // Households enter and leave monitoring every year.
                    current["MONITORED_HOUSEHOLDS"] = base["MONITORED_HOUSEHOLDS"]! * exp(yearly.normal(0, 0.2))
                    current["MONITORED_HH_RISK_ELIMINATED"] = current["MONITORED_HOUSEHOLDS"]! * yearly.uniform(0.6, 1)
                    current["HIGH_STANDARD_FARMLAND"] = min(current["HIGH_STANDARD_FARMLAND"]! * exp(yearly.normal(0.04, 0.02)), current["CULTIVATED_LAND"]!)
                    for (flag, _) in Self.villageFlags where flags[flag] == 0 && yearly.chance(0.05) { flags[flag] = 1 }
                    if profile == .realistic {
                        // Changes of 10–20 % a year, mostly shared by a township (the weather, prices),
                        // a village's own part skewed to the right (a good harvest, a new enterprise).
                        for key in Self.volatile {
                            let own = yearly.chance(0.9) ? yearly.normal(0, 0.06) : yearly.normal(0.05, 0.12)
                            let scale = key == "GRAIN_SOWN_AREA" || key == "HIGH_STANDARD_FARMLAND" ? 0.4 : 1
                            current[key]! *= exp(scale * (townshipShocks[year] + own))
                        }
                        current["HIGH_STANDARD_FARMLAND"] = min(current["HIGH_STANDARD_FARMLAND"]!, current["CULTIVATED_LAND"]!)
                        current["GRAIN_OUTPUT"] = min(current["GRAIN_OUTPUT"]!, current["GRAIN_SOWN_AREA"]! * 12)
                    }
                }
                var values: [String: Double] = [:]
                for (key, value) in current { values[key] = Self.rounded(value, key) }
                if reportsInTens {
                    for (key, value) in values where value >= 100 { values[key] = (value / 10).rounded() * 10 }
                }
                // Realistic profile: now and then a village repeats last year's figure of an amount
                // (never two years running: that is the constant series a check is for).
                if profile == .realistic, year > 0 {
                    for key in Self.volatile where !repeated.contains(key) && yearly.chance(0.08) {
                        values[key] = reported[key] ?? values[key]
                        repeated.insert(key)
                    }
                    repeated = repeated.filter { values[$0] == reported[$0] }
                }
                // Whole-number parts never exceed their whole after rounding.
                values["HH_TAP_WATER"] = min(values["HH_TAP_WATER"]!, values["HOUSEHOLDS"]!)
                values["HH_SANITARY_TOILET"] = min(values["HH_SANITARY_TOILET"]!, values["HOUSEHOLDS"]!)
                values["MONITORED_HOUSEHOLDS"] = max(1, values["MONITORED_HOUSEHOLDS"]!)
                values["MONITORED_HH_RISK_ELIMINATED"] = min(values["MONITORED_HH_RISK_ELIMINATED"]!, values["MONITORED_HOUSEHOLDS"]!)
                values["POPULATION"] = max(values["POPULATION"]!, values["HOUSEHOLDS"]!)
                values["HIGH_STANDARD_FARMLAND"] = min(values["HIGH_STANDARD_FARMLAND"]!, values["CULTIVATED_LAND"]!)
                for (flag, value) in flags { values[flag] = value }
                years[year][code.rawValue] = values
                reported = values
            }
        }
    }

    /// Township and county totals of the villages' figures (after any planted anomaly), and the
    /// county's own economic figures.
    mutating func addTotals(reporter: RegionCode, units: ArraySlice<SampleRegistry.Unit>, seed: UInt64) {
        for year in years.indices {
            var townships: [Int64: [String: Double]] = [:]
            var county: [String: Double] = [:]
            var incomeWeight = 0.0, incomeSum = 0.0
            for unit in units where unit.code.level == .village {
                guard let values = years[year][unit.code.rawValue] else { continue }
                let township = unit.parent!.rawValue
                for key in Self.townshipTotals { townships[township, default: [:]][key, default: 0] += values[key] ?? 0 }
                for key in Self.countyTotals { county[key, default: 0] += values[key] ?? 0 }
                if let income = values["RURAL_INCOME_PER_CAPITA"], let people = values["POPULATION"] {
                    incomeSum += income * people
                    incomeWeight += people
                }
            }
            for (township, totals) in townships {
                years[year][township] = totals.mapValues { $0 }.reduce(into: [:]) { $0[$1.key] = Self.rounded($1.value, $1.key) }
            }
            // The county's own ratios stay from year to year, with a little noise.
            var shape = SeededRandom(seed, reporter.rawValue, 15)
            var random = SeededRandom(seed, reporter.rawValue, Int64(year), 16)
            func ratio(_ low: Double, _ high: Double) -> Double { shape.uniform(low, high) * exp(random.normal(0, 0.02)) }
            // The county's economy scales with its typical village, so that one village's slip of units
            // (a planted outlier) does not make the county's own figures jump too.
            let grains = units.filter { $0.code.level == .village }.compactMap { years[year][$0.code.rawValue]?["GRAIN_OUTPUT"] }.sorted()
            let grain = grains.isEmpty ? 0 : grains[grains.count / 2] * Double(grains.count)
            let gross = grain * 0.3 * ratio(2.5, 4)
            county["AG_GROSS_OUTPUT"] = gross
            county["AG_VALUE_ADDED"] = gross * ratio(0.45, 0.65)
            county["AGRO_PROCESSING_OUTPUT"] = gross * ratio(1.2, 2.8)
            county["AG_WORKERS"] = (county["POPULATION"] ?? 0) * ratio(0.2, 0.35)
            county["MANURE_PRODUCED"] = (county["HOUSEHOLDS"] ?? 0) * ratio(2, 6)
            county["MANURE_UTILIZED"] = county["MANURE_PRODUCED"]! * min(1, ratio(0.7, 0.95))
            county["RURAL_TEACHERS"] = (county["POPULATION"] ?? 0) / ratio(80, 120)
            county["RURAL_TEACHERS_BACHELOR"] = county["RURAL_TEACHERS"]! * min(1, ratio(0.5, 0.85))
            let spending = (county["POPULATION"] ?? 0) * (incomeWeight > 0 ? incomeSum / incomeWeight : 15_000) * 0.75 / 10_000
            county["RURAL_CONSUMPTION_SPENDING"] = spending
            county["RURAL_FOOD_SPENDING"] = spending * ratio(0.28, 0.36)
            county["RURAL_EDU_CULTURE_SPENDING"] = spending * ratio(0.08, 0.12)
            county["RURAL_TOURISM_VISITS"] = (county["POPULATION"] ?? 0) * ratio(2, 8) / 100_000_000
            county["URBAN_RURAL_INCOME_RATIO"] = ratio(1.9, 2.7)
            if incomeWeight > 0 { county["RURAL_INCOME_PER_CAPITA"] = incomeSum / incomeWeight }
            years[year][reporter.rawValue] = county.reduce(into: [:]) { $0[$1.key] = Self.rounded($1.value, $1.key) }
        }
    }
}
