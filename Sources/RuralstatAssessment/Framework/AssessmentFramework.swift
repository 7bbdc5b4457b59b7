import RuralstatModel

/// What an assessment combines: indicators grouped into dimensions, and the dimensions into one
/// index (the JRC/OECD Handbook's "framework"). By default the plan's 22 indicators under its five
/// dimensions, read from the catalog; any catalog indicator may be placed in a dimension.
public struct AssessmentFramework: Sendable, Hashable {
    /// One dimension (产业兴旺 Thriving industry …) and the indicators it combines.
    public struct Dimension: Sendable, Hashable {
        /// The dimension's name as the catalog or the spec gives it.
        public var name: String
        /// Indicator codes, in the framework's order.
        public var indicators: [String]
        /// Policy weights of the indicators (by code), for the `policy` weighting; missing ones are 1.
        public var weights: [String: Double]

        /// A dimension of these indicators, with policy weights for some of them.
        public init(name: String, indicators: [String], weights: [String: Double] = [:]) {
            self.name = name
            self.indicators = indicators
            self.weights = weights
        }
    }

    /// A name for the framework (the plan's, or the spec's second framework).
    public var name: String
    /// The dimensions, in order.
    public var dimensions: [Dimension]
    /// Policy weights of the dimensions in the index (by name); missing ones are 1.
    public var dimensionWeights: [String: Double]

    /// A framework of these dimensions.
    public init(name: String, dimensions: [Dimension], dimensionWeights: [String: Double] = [:]) {
        self.name = name
        self.dimensions = dimensions
        self.dimensionWeights = dimensionWeights
    }

    /// Every indicator, dimension by dimension.
    public var indicators: [String] { dimensions.flatMap(\.indicators) }

    /// The plan's framework: every catalog indicator that names a dimension, grouped by it, in catalog order.
    public static func plan(from catalog: IndicatorCatalog) -> AssessmentFramework {
        var order: [String] = []
        var members: [String: [String]] = [:]
        for code in catalog.codes {
            guard let dimension = catalog.definitions(of: code).last?.dimension else { continue }
            if members[dimension] == nil { order.append(dimension) }
            members[dimension, default: []].append(code)
        }
        return AssessmentFramework(name: "plan", dimensions: order.map { Dimension(name: $0, indicators: members[$0]!) })
    }
}
