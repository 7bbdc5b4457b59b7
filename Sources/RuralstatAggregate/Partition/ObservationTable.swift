import RuralstatModel

/// The current observations of a run in columnar partitions, one per (period, province), each
/// holding one column of (region, value) sorted by region per indicator.
///
/// A province is the unit of parallel work: every level up to the province is computed inside one
/// partition, and only the national level merges partitions (in a fixed order, so that results do
/// not depend on the number of threads).
public struct ObservationTable: Sendable {
    /// Indicator codes; a column's indicator is an index into this.
    public let indicators: [String]
    /// Periods; a partition's period is an index into this.
    public let periods: [Period]
    /// Partitions in (period, province) order.
    public let partitions: [RegionPartition]
    /// Rows given twice with different values: dropped from the columns, listed here.
    public let contradictions: [ObservationKey]
    /// Rows that repeated an earlier one exactly (kept once).
    public let repeats: Int

    /// The number of (region, value) rows over all partitions and columns.
    public var rowCount: Int { partitions.reduce(0) { $0 + $1.rowCount } }

    /// Creates the table; the partitions are sorted into (period, province) order.
    public init(indicators: [String], periods: [Period], partitions: [RegionPartition], contradictions: [ObservationKey] = [], repeats: Int = 0) {
        self.indicators = indicators
        self.periods = periods
        self.partitions = partitions.sorted { ($0.period, $0.province) < ($1.period, $1.province) }
        self.contradictions = contradictions
        self.repeats = repeats
    }

    /// The index of an indicator code.
    public func indicatorIndex(_ code: String) -> Int? { indicators.firstIndex(of: code) }
}

/// The observations of one period and one province.
public struct RegionPartition: Sendable {
    /// Index into the table's periods.
    public let period: Int
    /// The province's two digits (11 … 82).
    public let province: Int
    /// One column per indicator of the table (empty when the partition has none of it).
    public let columns: [IndicatorColumn]

    /// Rows in all of the partition's columns.
    public var rowCount: Int { columns.reduce(0) { $0 + $1.count } }

    /// Creates the partition; `columns` must be indexed like the table's indicators.
    public init(period: Int, province: Int, columns: [IndicatorColumn]) {
        self.period = period
        self.province = province
        self.columns = columns
    }
}

/// One indicator's values in a partition, sorted by region, without missing values.
public struct IndicatorColumn: Sendable {
    /// 12-digit division codes as integers, in ascending order.
    public var regions: [Int64]
    /// The values, aligned with `regions` (missing values are never stored).
    public var values: [Double]

    /// Creates a column from regions in ascending order and their values.
    public init(regions: [Int64] = [], values: [Double] = []) {
        self.regions = regions
        self.values = values
    }

    /// The number of rows.
    public var count: Int { regions.count }
    /// Whether the partition has no rows of this indicator.
    public var isEmpty: Bool { regions.isEmpty }
}
