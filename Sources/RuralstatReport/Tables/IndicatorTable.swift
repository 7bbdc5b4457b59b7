import Foundation
import RuralstatModel

/// The indicator table analysts read: for a level, a region subtree and periods, one row per
/// region, indicator and period (the long form), with the unit, the coverage and publication mark
/// of the rollup and, for the plan's indicators, the target in force, the comparator and the
/// attainment. ``wide`` turns it into one row per region and period, one column per indicator.
public struct IndicatorTable: Sendable {
    public struct Row: Sendable, Hashable {
        public var level: RegionLevel
        public var region: RegionCode
        public var regionName: String
        public var indicator: String
        public var nameZh: String
        public var nameEn: String
        public var period: Period
        /// The value as published: nil when withheld or undefined.
        public var value: Double?
        public var unit: String
        /// How the indicator's values are shown: its kind and the catalog's decimals.
        public var kind: ValueKind
        public var decimals: Int
        public var coverage: Double?
        public var publication: Publication
        public var target: Target?
        public var targetYear: Int?
        /// Value against target, direction-aware, capped at 100 %.
        public var attainment: Double?
        /// Whether the value meets the target's comparator.
        public var meetsTarget: Bool?
    }

    /// In level, region, indicator, period order; a level's part shares the whole table's storage.
    public var rows: ArraySlice<Row>
    /// The indicators in catalog order, for the columns of the wide form, with how their values are shown.
    public var indicators: [(code: String, label: String, kind: ValueKind, decimals: Int)]

    /// The rows of `rollups` at `levels` under `root`, in level, region, indicator (catalog order), period order.
    public init(
        rollups: [Rollup], catalog: IndicatorCatalog, registry: RegionRegistry?, levels: Set<RegionLevel>, root: RegionCode = .national,
        periods: Set<Period>? = nil
    ) {
        let order = Dictionary(uniqueKeysWithValues: catalog.codes.enumerated().map { ($1, $0) })
        var rows: [Row] = []
        rows.reserveCapacity(rollups.count { levels.contains($0.level) })
        var names: [RegionCode: String] = [:]
        for rollup in rollups
        where levels.contains(rollup.level) && (root == .national || rollup.region.isWithin(root))
            && periods.map({ $0.contains(rollup.period) }) ?? true
        {
            guard let definition = catalog.definition(rollup.indicator, year: rollup.period.year) else { continue }
            let name =
                names[rollup.region]
                ?? {
                    let name = rollup.region == .national ? "全国" : registry?.unit(rollup.region)?.name ?? ""
                    names[rollup.region] = name
                    return name
                }()
            let value: Double? = rollup.publication == .withheld || !rollup.value.isFinite ? nil : rollup.value
            // A plan target for a quantity that adds up (visits, tonnes) is the nation's; a rate's holds everywhere.
            let (targetYear, target) =
                definition.kind.isAdditive && rollup.level != .national
                ? (nil, nil)
                : Self.target(definition, year: rollup.period.year)
            var row = Row(
                level: rollup.level, region: rollup.region, regionName: name, indicator: rollup.indicator, nameZh: definition.nameZh,
                nameEn: definition.nameEn, period: rollup.period, value: value, unit: definition.scaledUnit, kind: definition.kind,
                decimals: definition.decimals, coverage: rollup.coverage,
                publication: rollup.publication, target: target, targetYear: targetYear)
            if let value, let target {
                (row.attainment, row.meetsTarget) = Self.attainment(value, target: target, direction: definition.direction ?? .higher)
            }
            rows.append(row)
        }
        rows.sort { ($0.level, $0.region, order[$0.indicator] ?? .max, $0.period) < ($1.level, $1.region, order[$1.indicator] ?? .max, $1.period) }
        self.rows = rows[...]
        let present = Set(rows.map(\.indicator))
        indicators = catalog.codes.filter(present.contains).map { code in
            let definition = catalog.definitions(of: code).last
            return (
                code, definition.map { "\($0.nameZh) \(code) (\($0.scaledUnit))" } ?? code, definition?.kind ?? .amount,
                definition?.decimals ?? ValueKind.amount.defaultDecimals
            )
        }
    }

    /// The rows of one level (a table of several levels holds each level's rows together, and the
    /// part shares them), with the indicators they have.
    public func part(level: RegionLevel) -> IndicatorTable {
        let start = rows.firstIndex { $0.level == level } ?? rows.endIndex
        let end = rows[start...].firstIndex { $0.level != level } ?? rows.endIndex
        let present = Set(rows[start..<end].map(\.indicator))
        return IndicatorTable(rows: rows[start..<end], indicators: indicators.filter { present.contains($0.code) })
    }

    private init(rows: ArraySlice<Row>, indicators: [(code: String, label: String, kind: ValueKind, decimals: Int)]) {
        self.rows = rows
        self.indicators = indicators
    }

    /// The target in force for a year: the latest target year not after it, else the first one.
    static func target(_ definition: Indicator, year: Int) -> (Int?, Target?) {
        let years = definition.targets.keys.sorted()
        guard let chosen = years.last(where: { $0 <= year }) ?? years.first else { return (nil, nil) }
        return (chosen, definition.targets[chosen])
    }

    /// Attainment in percent, capped at 100: value / target when higher is better, target / value when lower is.
    public static func attainment(_ value: Double, target: Target, direction: Direction) -> (Double?, Bool) {
        let meets: Bool =
            switch target.comparator {
            case .greater: value > target.value
            case .greaterOrEqual: value >= target.value
            case .less: value < target.value
            case .lessOrEqual: value <= target.value
            case .equal: direction == .higher ? value >= target.value : value <= target.value
            }
        let ratio: Double? =
            switch direction {
            case .higher: target.value > 0 ? value / target.value : nil
            case .lower: value > 0 ? target.value / value : nil
            }
        return (ratio.map { min(100, 100 * $0) }, meets)
    }

    /// One region and period's cells, one per indicator (nil: not available or withheld): positions
    /// into the table's rows, not copies of them (a county sheet at 30M rows held 60 MB of copies).
    public struct WideCells: RandomAccessCollection, Sendable {
        let rows: ArraySlice<Row>
        var positions: [Int]
        public var startIndex: Int { 0 }
        public var endIndex: Int { positions.count }
        public subscript(column: Int) -> Row? { positions[column] < 0 ? nil : rows[positions[column]] }
    }

    /// One row per region and period, one cell per indicator (nil: not available or withheld).
    public var wide: [(level: RegionLevel, region: RegionCode, regionName: String, period: Period, cells: WideCells)] {
        let column = Dictionary(uniqueKeysWithValues: indicators.enumerated().map { ($1.code, $0) })
        var result: [(level: RegionLevel, region: RegionCode, regionName: String, period: Period, cells: WideCells)] = []
        var index: [String: Int] = [:]
        for position in rows.indices {
            let row = rows[position]
            let key = "\(row.level.rawValue)|\(row.region.rawValue)|\(row.period)"
            let line =
                index[key]
                ?? {
                    let empty = WideCells(rows: rows, positions: [Int](repeating: -1, count: indicators.count))
                    result.append((row.level, row.region, row.regionName, row.period, empty))
                    index[key] = result.count - 1
                    return result.count - 1
                }()
            result[line].cells.positions[column[row.indicator]!] = position
        }
        return result.sorted { ($0.level, $0.region, $0.period) < ($1.level, $1.region, $1.period) }
    }
}
