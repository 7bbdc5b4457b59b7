/// Validated observations in columns (struct of arrays), as every reader produces them.
///
/// Codes and periods are small per-file tables; each row holds indices into them, so a batch of
/// 64k rows is about 2 MB and everything after the readers is format-blind.
public struct ObservationBatch: Sendable {
    /// Indicator codes referenced by `indicators`.
    public var indicatorCodes: [String]
    /// Periods referenced by `periods`.
    public var periodTable: [Period]

    /// Region codes as integers; `wildcard` in a delete row that names no region.
    public var regions: [Int64] = []
    /// Index into `indicatorCodes`, or `wildcardIndex`.
    public var indicators: [UInt16] = []
    /// Index into `periodTable`, or `wildcardIndex`.
    public var periods: [UInt16] = []
    /// The value in the catalog's unit and scale; NaN when missing.
    public var values: [Double] = []
    /// The OBS_STATUS letter, or 0 when none was given.
    public var statuses: [UInt8] = []
    /// `Action.rawValue` of the row (already made effective: Append and Information are Merge).
    public var actions: [UInt8] = []
    /// The source line (CSV) or observation ordinal (XML) of the row.
    public var lines: [Int32] = []

    /// Marks a dimension left empty in a delete row (it matches everything).
    public static let wildcard: Int64 = -1
    /// Marks an indicator or period left empty in a delete row (it matches everything).
    public static let wildcardIndex = UInt16.max

    /// Creates an empty batch over the given code and period tables, with room for `capacity` rows.
    public init(indicatorCodes: [String] = [], periodTable: [Period] = [], capacity: Int = 0) {
        self.indicatorCodes = indicatorCodes
        self.periodTable = periodTable
        regions.reserveCapacity(capacity)
        indicators.reserveCapacity(capacity)
        periods.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
        statuses.reserveCapacity(capacity)
        actions.reserveCapacity(capacity)
        lines.reserveCapacity(capacity)
    }

    /// The number of rows.
    public var count: Int { regions.count }
    /// Whether the batch has no rows.
    public var isEmpty: Bool { regions.isEmpty }

    /// Appends one row of table indices; the action is stored as its effective one (Append and Information become Merge).
    @inline(__always)
    public mutating func append(
        region: Int64, indicator: UInt16, period: UInt16, value: Double, status: UInt8,
        action: Action, line: Int32
    ) {
        regions.append(region)
        indicators.append(indicator)
        periods.append(period)
        values.append(value)
        statuses.append(status)
        actions.append(action.effective.rawValue)
        lines.append(line)
    }

    /// Row `index` as a value, for tests, rejects and small consumers.
    public func row(_ index: Int) -> ObservationRow {
        ObservationRow(
            region: regions[index] == ObservationBatch.wildcard ? nil : RegionCode(uncheckedRawValue: regions[index]),
            indicator: indicators[index] == ObservationBatch.wildcardIndex ? nil : indicatorCodes[Int(indicators[index])],
            period: periods[index] == ObservationBatch.wildcardIndex ? nil : periodTable[Int(periods[index])],
            value: values[index], status: statuses[index] == 0 ? nil : ObservationStatus(code: statuses[index]),
            action: Action(rawValue: actions[index])!, line: Int(lines[index]))
    }

    /// All rows, for tests and small consumers.
    public var rows: [ObservationRow] { (0..<count).map(row) }
}

/// One observation as a value; `nil` dimensions are wildcards of a delete.
public struct ObservationRow: Hashable, Sendable, CustomStringConvertible {
    /// The region, or `nil` for a wildcard in a delete.
    public var region: RegionCode?
    /// The indicator code, or `nil` for a wildcard in a delete.
    public var indicator: String?
    /// The period, or `nil` for a wildcard in a delete.
    public var period: Period?
    /// The value in the catalog's unit and scale; NaN when missing.
    public var value: Double
    /// The observation status, or `nil` when none was given.
    public var status: ObservationStatus?
    /// What the row asks the store to do.
    public var action: Action
    /// The source line (CSV) or observation ordinal (XML); 0 when unknown.
    public var line: Int

    /// Creates a row; see the properties for each field.
    public init(
        region: RegionCode?, indicator: String?, period: Period?, value: Double, status: ObservationStatus? = nil,
        action: Action = .merge, line: Int = 0
    ) {
        self.region = region
        self.indicator = indicator
        self.period = period
        self.value = value
        self.status = status
        self.action = action
        self.line = line
    }

    /// Rows are equal when every field is, a NaN value counting as equal to NaN.
    public static func == (lhs: ObservationRow, rhs: ObservationRow) -> Bool {
        lhs.region == rhs.region && lhs.indicator == rhs.indicator && lhs.period == rhs.period
            && (lhs.value == rhs.value || (lhs.value.isNaN && rhs.value.isNaN)) && lhs.status == rhs.status
            && lhs.action == rhs.action && lhs.line == rhs.line
    }

    /// Hashes the key (region, indicator, period) only, consistently with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(region)
        hasher.combine(indicator)
        hasher.combine(period)
    }

    /// One line for tests and logs: `Merge 110101001201 HOUSEHOLDS 2024 = 398.0`, with `*` for a wildcard.
    public var description: String {
        "\(action) \(region?.description ?? "*") \(indicator ?? "*") \(period?.description ?? "*") = \(value)"
            + (status.map { " [\($0)]" } ?? "")
    }
}
