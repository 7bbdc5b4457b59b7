import Foundation
import Testing
@testable import RuralstatQuality

/// HB and sigma-gap against Statistics Canada's Banff on 240 random data sets (ties, zeros,
/// negatives, missing values, groups below min_obs, every side, MAD and STD): every flag, every
/// bound, every quartile and count must agree exactly. `Tests/Oracles/banff_outlier.py` regenerates
/// the golden file with Banff (used only as an outside oracle).
@Suite("Banff golden cases")
struct BanffGoldenTests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/banff/outlier_cases.json")

    struct Mismatch: CustomStringConvertible {
        var place: String
        var ours: String
        var banff: String
        var description: String { "\(place): ours \(ours), Banff \(banff)" }
    }

    @Test func everyFlagBoundAndStatisticMatchesBanff() throws {
        let root = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: Self.file)) as? [String: Any])
        let cases = try #require(root["cases"] as? [[String: Any]])
        #expect(cases.count >= 200)
        var mismatches: [Mismatch] = []
        var groupsChecked = 0, flagsCompared = 0
        for testCase in cases {
            let id = testCase["id"] as! String
            let method = testCase["method"] as! String
            let withHistory = testCase["with_history"] as! Bool
            let params = testCase["params"] as! [String: Any]
            let units = testCase["units"] as! [[String: Any]]
            let summaries = testCase["summary"] as! [[String: Any]]
            let flags = testCase["flags"] as! [[String: Any]]
            for summary in summaries {
                let group = summary["group"] as! String
                // Units absent from the history are not matched (Banff's NRejected_NoMatch): they never enter.
                let members = units.filter { $0["group"] as! String == group && (!withHistory || $0["in_history"] as! Bool) }
                let ids = members.map { $0["id"] as! String }
                let current = members.map { Self.number($0["current"]) ?? .nan }
                let previous = members.map { Self.number($0["previous"]) ?? .nan }
                let expectedFlags = Dictionary(uniqueKeysWithValues: flags.filter { $0["group"] as! String == group }.map { ($0["unit"] as! String, $0) })
                var found: [String: (status: OutlierStatus, statistic: Double?)] = [:]
                var ours: [String: Double?] = [:]
                let place = "\(id) \(method)\(withHistory ? "+hist" : "") group \(group)"
                var used = 0, checked = false
                if method == "sigmagap" {
                    let check = SigmaGap(Self.sigmaGapParameters(params))
                    let result = withHistory ? check.check(current: current, previous: previous) : check.check(current: current)
                    checked = result.checked
                    used = result.admission.used.count
                    for score in result.flagged { found[ids[score.index]] = (score.status!, score.gap) }
                    ours = [
                        "DEVIATION": result.deviation, "IMP_SIGMAGAP": result.imputeGap, "EXCL_SIGMAGAP": result.excludeGap,
                        "IMP_BND_L": result.imputeLeftGap, "EXCL_BND_L": result.excludeLeftGap,
                        "EXCL_BND_R": result.excludeRightGap, "IMP_BND_R": result.imputeRightGap,
                    ]
                } else {
                    let check = HidiroglouBerthelot(Self.hbParameters(params))
                    let result = method == "historic" ? check.check(current: current, previous: previous) : check.check(current: current)
                    checked = result.checked
                    used = result.admission.used.count
                    for score in result.flagged { found[ids[score.index]] = (score.status!, method == "historic" ? score.effect : nil) }
                    ours = [
                        "Q1": result.q1, "M": result.median, "Q3": result.q3, "IMP_BND_L": result.imputeLeft, "EXCL_BND_L": result.excludeLeft,
                        "EXCL_BND_R": result.excludeRight, "IMP_BND_R": result.imputeRight,
                    ]
                }
                let banffChecked = summary["NFTI"] is Double || summary["NFTI"] is Int
                if checked != banffChecked { mismatches.append(Mismatch(place: place + " checked", ours: "\(checked)", banff: "\(banffChecked)")) }
                if let nUsed = Self.number(summary["NUsed"]), Int(nUsed) != used {
                    mismatches.append(Mismatch(place: place + " NUsed", ours: "\(used)", banff: "\(nUsed)"))
                }
                guard checked && banffChecked else { continue }
                groupsChecked += 1
                for (column, value) in ours {
                    let theirs = Self.number(summary[column])
                    let mine: Double? = value.flatMap { $0.isNaN ? nil : $0 }
                    // Banff omits a bound column for a side it did not run; ours is nil there too.
                    if summary[column] == nil && mine == nil { continue }
                    if mine != theirs {
                        mismatches.append(Mismatch(place: "\(place) \(column)", ours: "\(String(describing: mine))", banff: "\(String(describing: theirs))"))
                    }
                }
                for unit in Set(found.keys).union(expectedFlags.keys).sorted() {
                    flagsCompared += 1
                    let mine = found[unit], theirs = expectedFlags[unit]
                    let theirStatus = theirs?["outlier_status"] as? String
                    if mine?.status.rawValue != theirStatus {
                        mismatches.append(Mismatch(place: "\(place) unit \(unit) status", ours: mine?.status.rawValue ?? "-", banff: theirStatus ?? "-"))
                        continue
                    }
                    let statisticColumn = method == "sigmagap" ? "GAP" : (method == "historic" ? "EFFECT" : nil)
                    if let statisticColumn, mine?.statistic != Self.number(theirs?[statisticColumn]) {
                        mismatches.append(
                            Mismatch(
                                place: "\(place) unit \(unit) \(statisticColumn)", ours: "\(String(describing: mine?.statistic))",
                                banff: "\(String(describing: theirs?[statisticColumn]))"))
                    }
                }
            }
        }
        #expect(mismatches.count == 0, "first: \(mismatches.prefix(12).map(\.description).joined(separator: "\n"))")
        #expect(groupsChecked > 300 && flagsCompared > 900)
    }

    /// A JSON number as the exact double its shortest text names (Foundation's JSON numbers may be
    /// off by an ulp; `Double(String)` rounds correctly).
    static func number(_ value: Any?) -> Double? {
        guard let value, let number = value as? NSNumber else { return nil }
        return Double("\(number)")
    }

    static func side(_ params: [String: Any]) -> OutlierSide {
        OutlierSide(rawValue: ((params["side"] as? String) ?? "BOTH").lowercased())!
    }

    static func hbParameters(_ p: [String: Any]) -> HidiroglouBerthelot.Parameters {
        HidiroglouBerthelot.Parameters(
            mii: number(p["mii"]), mei: number(p["mei"]), mdm: number(p["mdm"]) ?? 0.05,
            exponent: number(p["exponent"]) ?? 0, side: side(p),
            minimumObservations: (p["min_obs"] as? Int) ?? 10, acceptZero: (p["accept_zero"] as? Bool) ?? true,
            acceptNegative: (p["accept_negative"] as? Bool) ?? false)
    }

    static func sigmaGapParameters(_ p: [String: Any]) -> SigmaGap.Parameters {
        SigmaGap.Parameters(
            betaI: number(p["beta_i"]), betaE: number(p["beta_e"]),
            deviation: (p["sigma"] as? String).map { SigmaGap.Deviation(rawValue: $0.lowercased())! } ?? .mad,
            startCentile: number(p["start_centile"]), side: side(p), minimumObservations: (p["min_obs"] as? Int) ?? 10,
            acceptZero: (p["accept_zero"] as? Bool) ?? true, acceptNegative: (p["accept_negative"] as? Bool) ?? false)
    }
}
