import Foundation
import RuralstatIngest
import RuralstatModel
import RuralstatRules

/// `ruralstat-bench localise --catalog C --rules RULES [--units N] [--workers W]`: Fellegi–Holt error
/// localisation of N generated village records (default 100,000) that each fail at least one rule
/// of RULES: plausible values, then one or two planted errors (a part above its total, output in
/// kilograms, an area in the wrong unit, households a tenth, a flag of 2). Times only the
/// localisation, over W threads, and prints one JSON line with the seconds, units per second, how
/// the answers fell (one field, ties, missing, not localised) and the peak resident memory.
func localise(_ arguments: Arguments) throws {
    let catalog = try ReferenceFiles.loadCatalog(path: arguments.required("--catalog").last!)
    let rules = try RuleSet(contentsOfFile: arguments.required("--rules").last!, knownIndicators: Set(catalog.codes))
    let units = arguments.count("--units", default: 100_000)
    let workers = arguments.count("--workers", default: ProcessInfo.processInfo.activeProcessorCount)
    let codes = Array(Set(rules.rules.flatMap(\.indicators))).sorted()
    let slots = IndicatorSlots(codes)
    let bounds = codes.map { catalog.definition($0, year: 2024)?.validRange }
    let villageRules = rules.rules.indices.filter { rules.rules[$0].applies(to: .village) }

    // The records, one after another, and each one's failing rules.
    var random = SeededRandom(15)
    var records: [Double] = []
    var failing: [[Int]] = []
    records.reserveCapacity(units * codes.count)
    while failing.count < units {
        var v = [String: Double]()
        let households = random.uniform(100, 600).rounded()
        v["HOUSEHOLDS"] = households
        v["POPULATION"] = (households * random.uniform(2.5, 4)).rounded()
        v["HH_TAP_WATER"] = (households * random.uniform(0.5, 1)).rounded()
        v["HH_SANITARY_TOILET"] = (households * random.uniform(0.5, 1)).rounded()
        let sown = random.uniform(10, 100)
        v["GRAIN_SOWN_AREA"] = sown
        v["GRAIN_OUTPUT"] = sown * random.uniform(4, 8)
        let land = random.uniform(500, 3_000)
        v["CULTIVATED_LAND"] = land
        v["HIGH_STANDARD_FARMLAND"] = land * random.uniform(0.2, 0.9)
        let area = random.uniform(5, 50)
        v["VILLAGE_AREA"] = area
        v["VILLAGE_GREEN_AREA"] = area * random.uniform(0.1, 0.5)
        let monitored = Double(random.next() % 20)
        v["MONITORED_HOUSEHOLDS"] = monitored
        v["MONITORED_HH_RISK_ELIMINATED"] = (monitored * random.uniform(0, 1)).rounded()
        v["VILLAGE_HAS_PLAN"] = Double(random.next() % 2)
        for _ in 0...(random.next() % 2) {
            switch random.next() % 8 {
            case 0: v["HH_TAP_WATER"] = (households * random.uniform(1.1, 2)).rounded()
            case 1: v["HH_SANITARY_TOILET"] = (households * random.uniform(1.1, 2)).rounded()
            case 2: v["GRAIN_OUTPUT"]! *= 1_000
            case 3: v["HIGH_STANDARD_FARMLAND"] = land * random.uniform(1.1, 3)
            case 4: v["VILLAGE_AREA"]! /= 1_000
            case 5: v["HOUSEHOLDS"] = (households / 10).rounded()
            case 6: v["MONITORED_HH_RISK_ELIMINATED"] = monitored + 1 + Double(random.next() % 5)
            default: v["VILLAGE_HAS_PLAN"] = 2
            }
        }
        if random.chance(0.05) { v["POPULATION"] = nil }
        let record = codes.map { v[$0] ?? .nan }
        let fails = villageRules.filter { rules.rules[$0].explain(record, slots: slots).outcome == .fail }
        guard !fails.isEmpty else { continue }
        records += record
        failing.append(fails)
    }

    let localizer = ErrorLocalizer(rules: rules, slots: slots)
    let failingRules = failing
    let started = Date()
    let chunks = workers * 8
    let allRecords = records
    let perChunk = (0..<chunks).map { _ in ResultBox() }
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        var tally = Tally()
        allRecords.withUnsafeBufferPointer { all in
            for unit in stride(from: chunk, to: units, by: chunks) {
                let record = UnsafeBufferPointer(rebasing: all[(unit * codes.count)..<((unit + 1) * codes.count)])
                let found = localizer.localize(record, level: .village, failing: failingRules[unit], bounds: bounds)
                for result in Set(found.values) { tally.add(result) }
            }
        }
        perChunk[chunk].tally = tally
    }
    let results = perChunk.reduce(into: Tally()) { $0.merge($1.tally) }
    let seconds = Date().timeIntervalSince(started)
    var fields: [String] = []
    fields.append("\"units\": \(units), \"rules\": \(rules.rules.count), \"fields\": \(codes.count), \"workers\": \(workers)")
    fields.append("\"seconds\": " + String(format: "%.3f", seconds))
    fields.append("\"units_per_s\": " + String(format: "%.0f", Double(units) / seconds))
    fields.append("\"answers\": \(results.answers), \"one_field\": \(results.oneField), \"ties\": \(results.ties)")
    fields.append("\"with_imputation\": \(results.imputed), \"not_localised\": \(results.notLocalised)")
    fields.append("\"peak_rss_mb\": " + String(format: "%.1f", peakResidentMB()))
    print("{\"bench\": \"localise\", " + fields.joined(separator: ", ") + "}")
}

/// How the answers fell.
private struct Tally {
    var answers = 0, oneField = 0, ties = 0, imputed = 0, notLocalised = 0

    mutating func add(_ result: ErrorLocalization) {
        answers += 1
        if result.reason != nil { notLocalised += 1 }
        if result.sets.count == 1 && result.sets[0].count == 1 { oneField += 1 }
        if result.sets.count > 1 { ties += 1 }
        if !result.imputed.isEmpty { imputed += 1 }
    }

    mutating func merge(_ other: Tally) {
        answers += other.answers
        oneField += other.oneField
        ties += other.ties
        imputed += other.imputed
        notLocalised += other.notLocalised
    }
}

/// One chunk's tally, written by the thread that owns the chunk.
private final class ResultBox: @unchecked Sendable {
    var tally = Tally()
}
