/// Banff's two tiers of outliers: values so far out that they should be imputed (FTI, "field to
/// impute"), and values out enough to be kept but excluded from the donors and estimates that
/// impute others (FTE, "field to exclude").
public enum OutlierTier: String, Sendable, Hashable, CaseIterable {
    /// FTI, field to impute: so far out that the value should be replaced.
    case impute = "FTI"
    /// FTE, field to exclude: kept, but left out of the donors and estimates that impute others.
    case exclude = "FTE"
}
