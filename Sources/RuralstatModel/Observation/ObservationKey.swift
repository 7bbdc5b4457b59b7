/// What identifies an observation: region, indicator and period.
public struct ObservationKey: Hashable, Sendable, CustomStringConvertible {
    public var region: Int64
    public var indicator: String
    public var period: Period

    public init(region: Int64, indicator: String, period: Period) {
        self.region = region
        self.indicator = indicator
        self.period = period
    }

    public var description: String { "\(RegionCode(uncheckedRawValue: region))|\(indicator)|\(period)" }
}
