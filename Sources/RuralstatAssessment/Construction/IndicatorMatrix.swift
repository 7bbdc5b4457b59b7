import RuralstatModel

/// The data an assessment works on: one column per indicator, one row per assessed unit, NaN where a
/// unit has no usable value; with what the construction steps need to know of each indicator.
public struct IndicatorMatrix: Sendable {
    /// What the construction needs to know of one indicator.
    public struct Column: Sendable {
        /// The indicator's code.
        public var code: String
        /// Whether higher or lower values are better (the catalog's direction; higher when it has none).
        public var direction: Direction
        /// The plan's target in force for the assessed year, if any (for distance to target).
        public var target: Target?
        /// Fixed bounds for goalpost normalisation (the spec's, else the catalog's valid range).
        public var goalposts: ClosedRange<Double>?
        /// One value per unit, in ``IndicatorMatrix/units`` order; NaN when missing.
        public var values: [Double]

        /// A column of values with its direction, target and goalposts.
        public init(code: String, direction: Direction, target: Target? = nil, goalposts: ClosedRange<Double>? = nil, values: [Double]) {
            self.code = code
            self.direction = direction
            self.target = target
            self.goalposts = goalposts
            self.values = values
        }
    }

    /// The assessed units, in code order.
    public var units: [RegionCode]
    /// The indicators, in the framework's order.
    public var columns: [Column]

    /// A matrix of these units and columns (every column holds one value per unit).
    public init(units: [RegionCode], columns: [Column]) {
        precondition(columns.allSatisfy { $0.values.count == units.count }, "every column holds one value per unit")
        self.units = units
        self.columns = columns
    }

    /// The share of indicators a unit has a value for.
    public func coverage(ofUnit unit: Int) -> Double {
        columns.isEmpty ? 0 : Double(columns.count { !$0.values[unit].isNaN }) / Double(columns.count)
    }

    /// The matrix restricted to some units (in the order given).
    public func units(_ keep: [Int]) -> IndicatorMatrix {
        var copy = self
        copy.units = keep.map { units[$0] }
        for index in copy.columns.indices { copy.columns[index].values = keep.map { columns[index].values[$0] } }
        return copy
    }
}
