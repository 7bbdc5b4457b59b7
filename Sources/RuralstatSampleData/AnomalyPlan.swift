import Foundation
import RuralstatModel

/// Where one county's anomalies go, and the planting itself: village figures before the totals are
/// added up (so totals stay consistent with what the villages report), reported totals and
/// omissions after.
struct AnomalyPlan {
    let reporter: RegionCode
    let countyKind: AnomalyKind?
    let periods: [Period]
    let options: SampleDataGenerator.Options
    private(set) var planted: [PlantedAnomaly] = []
    /// The year whose submission arrives late.
    private(set) var lateYear: Int?
    /// Villages whose figures another village copied: coverage gaps leave them whole.
    private var copied: Set<RegionCode> = []
    private var random: SeededRandom

    init(reporter: RegionCode, countyKind: AnomalyKind?, periods: [Period], options: SampleDataGenerator.Options) {
        self.reporter = reporter
        self.countyKind = countyKind
        self.periods = periods
        self.options = options
        random = SeededRandom(options.seed, reporter.rawValue, 30)
    }

    private mutating func plant(_ kind: AnomalyKind, _ region: RegionCode, _ indicator: String?, _ year: Int?, _ detail: String) {
        planted.append(PlantedAnomaly(kind: kind, region: region, indicator: indicator, period: year.map { periods[$0] }, detail: detail))
    }

    /// Made-up figures as people invent them: the county's typical order of magnitude with a first
    /// digit picked evenly from 1 to 9 — plausible one by one, but not Benford's digits.
    private mutating func makeUp(_ key: String, year: Int, in values: inout UnitValues, villages: [Int64]) {
        let sorted = villages.map { values.years[year][$0]![key]! }.sorted()
        let magnitude = pow(10, log10(sorted[sorted.count / 2]).rounded(.down))
        for village in villages { values.years[year][village]![key] = UnitValues.rounded(magnitude * random.uniform(1, 10), key) }
    }

    mutating func plantInVillages(_ values: inout UnitValues, units: ArraySlice<SampleRegistry.Unit>) {
        let villages = units.filter { $0.code.level == .village }.map(\.code.rawValue)
        guard !villages.isEmpty else { return }
        let years = periods.count
        switch countyKind {
        case .benford?:
            // Every amount made up.
            let keys = UnitValues.villageAmounts.filter { $0 != "VILLAGE_DISTANCE_TO_TOWNSHIP" }
            for year in 0..<years {
                for key in keys { makeUp(key, year: year, in: &values, villages: villages) }
                // Made up, but consistent, as a careful forger keeps them: parts within wholes, yields plausible.
                for village in villages {
                    var v = values.years[year][village]!
                    v["HIGH_STANDARD_FARMLAND"] = min(v["HIGH_STANDARD_FARMLAND"]!, v["CULTIVATED_LAND"]!)
                    v["VILLAGE_GREEN_AREA"] = min(v["VILLAGE_GREEN_AREA"]!, v["VILLAGE_AREA"]!)
                    if v["GRAIN_OUTPUT"]! > 12 * v["GRAIN_SOWN_AREA"]! || v["GRAIN_OUTPUT"]! < 3 * v["GRAIN_SOWN_AREA"]! {
                        v["GRAIN_OUTPUT"] = UnitValues.rounded(v["GRAIN_SOWN_AREA"]! * random.uniform(4.5, 7.2), "GRAIN_OUTPUT")
                    }
                    values.years[year][village] = v
                }
            }
            plant(.benford, reporter, nil, nil, "amounts of every village made up: first digits even over 1–9")
            return
        case .heaping?:
            for year in 0..<years {
                for village in villages {
                    for key in ["HOUSEHOLDS", "POPULATION", "HH_TAP_WATER", "HH_SANITARY_TOILET"] {
                        values.years[year][village]![key] = (values.years[year][village]![key]! / 10).rounded() * 10
                    }
                }
            }
            plant(.heaping, reporter, nil, nil, "households, population, tap-water and toilet households rounded to tens")
            return
        case .repeats?:
            let year = Int.random(in: 0..<years, using: &random)
            let sorted = villages.map { values.years[year][$0]!["GRAIN_OUTPUT"]! }.sorted()
            let copied = sorted[sorted.count / 2]
            let count = max(5, villages.count * 2 / 5)
            // Into villages whose sown area makes the copied figure a plausible yield, as a copier would.
            let plausible = villages.filter { copied <= 12 * (values.years[year][$0]!["GRAIN_SOWN_AREA"] ?? 0) }
            for village in (plausible.count >= count ? plausible : villages).shuffled(using: &random).prefix(count) {
                values.years[year][village]!["GRAIN_OUTPUT"] = copied
            }
            plant(.repeats, reporter, "GRAIN_OUTPUT", year, "\(min(count, villages.count)) villages report \(copied) t")
        case .fabricatedIndicator?:
            // One indicator made up for every village and year.
            let key = "COLLECTIVE_INCOME"
            for year in 0..<years { makeUp(key, year: year, in: &values, villages: villages) }
            plant(.fabricatedIndicator, reporter, key, nil, "\(key) of every village made up: first digits even over 1–9")
            return
        case .aggregateJump?:
            let year = Int.random(in: 1..<max(2, years), using: &random)
            guard year < years else { break }
            for later in year..<years {
                for village in villages {
                    values.years[later][village]!["GRAIN_OUTPUT"] = UnitValues.rounded(values.years[later][village]!["GRAIN_OUTPUT"]! * 1.6, "GRAIN_OUTPUT")
                }
            }
            plant(.aggregateJump, reporter, "GRAIN_OUTPUT", year, "every village's grain output ×1.6 from \(periods[year]) on")
        default:
            break
        }
        // A county with a county anomaly keeps its villages clean, so that one anomaly does not hide another.
        guard countyKind == nil || countyKind == .lateSubmission else { return }
        for village in villages {
            var draw = SeededRandom(options.seed, village, 31)
            let u = draw.uniform(0, 1), rate = options.villageRate
            let code = RegionCode(uncheckedRawValue: village)
            if u < rate {
                let year = Int.random(in: 0..<years, using: &draw)
                let households = values.years[year][village]!["HOUSEHOLDS"]!
                let tap = households + Double(Int.random(in: 3...40, using: &draw))
                values.years[year][village]!["HH_TAP_WATER"] = tap
                plant(.editViolation, code, "HH_TAP_WATER", year, "tap-water households \(Int(tap)) > households \(Int(households))")
            } else if u < 2 * rate {
                let year = Int.random(in: 0..<years, using: &draw)
                // A figure off by a thousand, the classic slip of units (kilograms for tonnes, 亩 for
                // thousands of 亩): up when the result stays within the catalog's range, else down.
                let (key, limit) = [("GRAIN_OUTPUT", 3_000_000.0), ("CULTIVATED_LAND", 8_000_000), ("VILLAGE_AREA", 10_000)][
                    Int.random(in: 0...2, using: &draw)]
                let value = values.years[year][village]![key]!
                let factor = draw.chance(0.5) && value * 1_000 <= limit ? 1_000.0 : 0.001
                values.years[year][village]![key] = UnitValues.rounded(value * factor, key)
                plant(.peerOutlier, code, key, year, factor > 1 ? "×1000" : "÷1000")
            } else if u < 3 * rate, years >= 2 {
                let year = Int.random(in: 1..<years, using: &draw)
                let factor = draw.chance(0.5) ? 4.0 : 0.25
                values.years[year][village]!["GRAIN_OUTPUT"] = UnitValues.rounded(values.years[year][village]!["GRAIN_OUTPUT"]! * factor, "GRAIN_OUTPUT")
                plant(.periodJump, code, "GRAIN_OUTPUT", year, "×\(factor == 4 ? "4" : "1/4") against \(periods[year - 1])")
            } else if u < 4 * rate, years >= 3 {
                let first = values.years[0][village]!["GRAIN_OUTPUT"]!
                for year in 1..<years { values.years[year][village]!["GRAIN_OUTPUT"] = first }
                plant(.constantSeries, code, "GRAIN_OUTPUT", nil, "\(first) t in every year")
            } else if options.profile == .realistic, u < 7 * rate {
                plantRealistic(
                    u < 5 * rate ? .scaledValue : u < 6 * rate ? .copiedNeighbour : .roundedHundreds, in: &values, village: village, units: units, draw: &draw)
            }
        }
    }

    /// The village anomalies of realistic strength.
    private mutating func plantRealistic(
        _ kind: AnomalyKind, in values: inout UnitValues, village: Int64, units: ArraySlice<SampleRegistry.Unit>, draw: inout SeededRandom
    ) {
        let years = periods.count
        let code = RegionCode(uncheckedRawValue: village)
        switch kind {
        case .scaledValue:
            // A change the year before shows it: the second year or later when there is one.
            let year = years >= 2 ? Int.random(in: 1..<years, using: &draw) : 0
            let key = draw.chance(0.5) ? "GRAIN_OUTPUT" : "COLLECTIVE_INCOME"
            let factor = draw.chance(0.5) ? draw.uniform(1.5, 2) : draw.uniform(0.5, 0.7)
            values.years[year][village]![key] = UnitValues.rounded(values.years[year][village]![key]! * factor, key)
            plant(.scaledValue, code, key, year, "×\(String(format: "%.2f", factor))")
        case .copiedNeighbour:
            // The village before it (in code order) in the same township; the first copies none.
            guard let unit = units.first(where: { $0.code == code }),
                let source = units.filter({ $0.code.level == .village && $0.parent == unit.parent && $0.code < code }).map(\.code).max()
            else { return }
            let year = Int.random(in: 0..<years, using: &draw)
            for key in UnitValues.villageAmounts + UnitValues.villageCounts {
                values.years[year][village]![key] = values.years[year][source.rawValue]![key]
            }
            copied.insert(source)
            plant(.copiedNeighbour, code, nil, year, "figures copied from \(source)")
        case .roundedHundreds:
            let year = Int.random(in: 0..<years, using: &draw)
            for key in UnitValues.villageAmounts + UnitValues.villageCounts {
                guard let value = values.years[year][village]![key], value >= 100 else { continue }
                values.years[year][village]![key] = (value / 100).rounded() * 100
            }
            plant(.roundedHundreds, code, nil, year, "figures of three digits or more rounded to hundreds")
        default:
            break
        }
    }

    mutating func plantInTotals(_ values: inout UnitValues, units: ArraySlice<SampleRegistry.Unit>) {
        let years = periods.count
        switch countyKind {
        case .balance?:
            let year = Int.random(in: 0..<years, using: &random)
            let factor = random.chance(0.5) ? random.uniform(1.06, 1.15) : random.uniform(0.85, 0.94)
            let reported = (values.years[year][reporter.rawValue]!["HOUSEHOLDS"]! * factor).rounded()
            values.years[year][reporter.rawValue]!["HOUSEHOLDS"] = reported
            plant(.balance, reporter, "HOUSEHOLDS", year, "the county reports \(Int(reported)) households, ×\(String(format: "%.3f", factor)) its units' sum")
        case .lateSubmission?:
            let year = Int.random(in: 0..<years, using: &random)
            lateYear = year
            plant(.lateSubmission, reporter, nil, year, "submitted after the deadline")
        case .shadedTotal?:
            // A township's reported total, or the county's own, nudged by about 3 %.
            let townships = units.filter { $0.code.level == .township && values.years[0][$0.code.rawValue] != nil }.map(\.code)
            let target = townships.isEmpty || random.chance(0.25) ? reporter : townships[Int.random(in: 0..<townships.count, using: &random)]
            let year = Int.random(in: 0..<years, using: &random)
            let key = UnitValues.townshipTotals[Int.random(in: 0..<UnitValues.townshipTotals.count, using: &random)]
            let factor = random.chance(0.5) ? random.uniform(1.025, 1.035) : random.uniform(0.965, 0.975)
            guard let value = values.years[year][target.rawValue]?[key] else { break }
            values.years[year][target.rawValue]![key] = UnitValues.rounded(value * factor, key)
            plant(.shadedTotal, target, key, year, "reported total ×\(String(format: "%.3f", factor))")
        default:
            break
        }
        guard countyKind == nil || countyKind == .lateSubmission else { return }
        // Coverage gaps: most villages of a township leave grain output out (their township still reports its total).
        for township in units where township.code.level == .township {
            var draw = SeededRandom(options.seed, township.code.rawValue, 32)
            for year in 0..<years where draw.chance(options.coverageRate) {
                // Villages with a planted anomaly keep their figures, so that it stays visible.
                let marked = Set(planted.map(\.region)).union(copied)
                let villages = units.filter { $0.parent == township.code && $0.code.level == .village && !marked.contains($0.code) }
                    .map(\.code.rawValue)
                let count = max(3, villages.count * 3 / 5)
                guard villages.count >= 5 else { continue }
                for village in villages.shuffled(using: &draw).prefix(count) { values.years[year][village]!["GRAIN_OUTPUT"] = nil }
                plant(.coverage, township.code, "GRAIN_OUTPUT", year, "\(count) of \(villages.count) villages left grain output out")
            }
        }
    }
}
