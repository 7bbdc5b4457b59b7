import Foundation
import RuralstatAggregate
import RuralstatModel

/// Records copied from another unit: a unit whose figures for a period are, indicator by indicator,
/// exactly another unit's of the same province — a village's return filled in from its neighbour's.
/// Honest units share one figure now and then (a round count, a repeated total); sharing every one
/// of at least ``minimumFigures`` figures, several with decimals or of three digits, is not chance.
///
/// Each copy is reported on the later unit in code order, naming the earlier one as the original
/// (which of two identical returns was copied cannot be told from the figures alone).
public struct DuplicateRecordsCheck: QualityCheck {
    /// A record with fewer figures (of additive indicators, non-zero) is not compared.
    public var minimumFigures = 5

    /// `duplicate_records`, tallied once per unit and period compared.
    public var ruleID: String { BuiltInRule.duplicateRecords }

    /// ``QualityCheck/relativeCost``: a hash of every return.
    public var relativeCost: Int { 6 }

    /// The check with the defaults above (set a property to change one).
    public init() {}

    /// Findings for every unit whose record for a period repeats an earlier unit's in its province.
    public func run(_ input: QualityInput) -> QualityResults {
        let table = input.table
        return table.qualityResults(workers: input.workers) { partition -> QualityResults in
            var tally = TallyCounter(ruleID)
            let period = table.periods[partition.period]
            let (columns, used) = table.additiveColumns(of: partition, catalog: input.catalog)
            let units = used.unitRegions
            guard !units.isEmpty else { return QualityResults() }
            // One pass per column: each unit's hash of (indicator, value) and its number of figures.
            var hashes = [UInt64](repeating: 0xcbf2_9ce4_8422_2325, count: units.count)
            var figures = [Int](repeating: 0, count: units.count)
            hashes.withUnsafeMutableBufferPointer { hashes in
                figures.withUnsafeMutableBufferPointer { figures in
                    let salts = columns.map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }
                    used.forEachRow(in: units) { position, unit, value in
                        guard value != 0 else { return }
                        figures[unit] += 1
                        hashes[unit] = Self.mix(hashes[unit], salts[position] ^ (value + 0).bitPattern)
                    }
                }
            }
            // Units of the deepest level with enough figures, grouped by hash; a group is confirmed
            // value by value.
            let deepest = units.map { RegionCode(uncheckedRawValue: $0).level }.max() ?? .village
            var candidates: [Int] = []
            for unit in units.indices where RegionCode(uncheckedRawValue: units[unit]).level == deepest {
                if figures[unit] >= minimumFigures {
                    candidates.append(unit)
                } else {
                    tally.notApplicable(units[unit])
                }
            }
            // The first unit of each hash, in code order; a later one with the same hash is checked
            // figure by figure (64-bit hashes of different records all but never meet).
            var firstOfHash = PackedKeyTable()
            firstOfHash.reset(for: candidates.count)
            var found: [Finding] = []
            var duplicated = [Bool](repeating: false, count: units.count)
            for unit in candidates {
                let slot = firstOfHash.slot(hashes[unit])
                guard firstOfHash[slot: slot] != 0 else {
                    firstOfHash[slot: slot] = unit + 1
                    continue
                }
                let original = firstOfHash[slot: slot] - 1
                let record = record(of: unit, units: units, columns: used)
                guard record == self.record(of: original, units: units, columns: used) else { continue }
                duplicated[unit] = true
                found.append(
                    finding(unit: units[unit], original: units[original], figures: record.compactMap { $0 }.count, period: period, input: input))
            }
            for unit in candidates {
                if duplicated[unit] { tally.fail(units[unit]) } else { tally.pass(units[unit]) }
            }
            return QualityResults(findings: found, tallies: tally.rows)
        }
    }

    /// FNV-style mixing of one more 64-bit word.
    private static func mix(_ hash: UInt64, _ word: UInt64) -> UInt64 { (hash ^ word) &* 0x0000_0100_0000_01B3 ^ (hash >> 29) }

    /// A unit's non-zero figures, column by column (a binary search per column: groups are rare).
    private func record(of unit: Int, units: [Int64], columns: [IndicatorColumn]) -> [Double?] {
        columns.map { column in
            var low = 0, high = column.count
            while low < high {
                let middle = (low + high) / 2
                if column.regions[middle] < units[unit] { low = middle + 1 } else { high = middle }
            }
            guard low < column.count, column.regions[low] == units[unit], column.values[low] != 0 else { return nil }
            return column.values[low]
        }
    }

    private func finding(unit: Int64, original: Int64, figures: Int, period: Period, input: QualityInput) -> Finding {
        let region = RegionCode(uncheckedRawValue: unit), source = RegionCode(uncheckedRawValue: original)
        let explanation =
            "\(FindingText.unit(region, registry: input.registry)): its figures for \(period) are exactly those of "
            + "\(FindingText.unit(source, registry: input.registry)), figure for figure (\(figures) indicators); a return copied rather than compiled"
        return Finding(
            ruleID: ruleID, method: "identical_record", severity: .warning, level: region.level, region: region, indicator: nil, period: period,
            observed: nil, statisticName: "figures", statistic: Double(figures),
            parameters: ["minimum_figures": .integer(minimumFigures), "copy_of": .text(source.description)], peerGroup: source,
            peerSize: 2, explanation: FindingText.tidy(explanation))
    }
}
