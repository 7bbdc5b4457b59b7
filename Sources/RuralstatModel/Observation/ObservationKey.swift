/// What identifies an observation: region, indicator and period.
public struct ObservationKey: Hashable, Sendable, CustomStringConvertible {
    /// The region code as a number (``RegionCode/rawValue``).
    public var region: Int64
    /// The indicator code.
    public var indicator: String
    /// The reporting period.
    public var period: Period

    /// Creates a key; see the properties for each field.
    public init(region: Int64, indicator: String, period: Period) {
        self.region = region
        self.indicator = indicator
        self.period = period
    }

    /// `110101001201|HOUSEHOLDS|2024`: the key as problems quote it.
    public var description: String { "\(RegionCode(uncheckedRawValue: region))|\(indicator)|\(period)" }
}
