import RuralstatModel

/// Which tail of a distribution an outlier method looks at.
public enum OutlierSide: String, Sendable, Hashable, CaseIterable {
    /// The low tail, the high tail, or both (Banff's `side`; both is its default).
    case left, right, both

    var looksLeft: Bool { self != .right }
    var looksRight: Bool { self != .left }
}

/// Banff's detailed outlier status: the tier and the side (ODIL = outlier, imputation, left …).
public enum OutlierStatus: String, Sendable, Hashable, CaseIterable {
    /// ODIL: beyond the left imputation bound, to be imputed (FTI).
    case imputeLeft = "ODIL"
    /// ODEL: between the left exclusion and imputation bounds, to be excluded (FTE) but not imputed.
    case excludeLeft = "ODEL"
    /// ODER: between the right exclusion and imputation bounds, to be excluded (FTE) but not imputed.
    case excludeRight = "ODER"
    /// ODIR: beyond the right imputation bound, to be imputed (FTI).
    case imputeRight = "ODIR"

    /// FTI (field to impute) for ODIL and ODIR, FTE (field to exclude) for ODEL and ODER.
    public var tier: OutlierTier {
        switch self {
        case .imputeLeft, .imputeRight: .impute
        case .excludeLeft, .excludeRight: .exclude
        }
    }

    /// Whether the value lies in the low tail (ODIL or ODEL).
    public var isLeft: Bool { self == .imputeLeft || self == .excludeLeft }
}

/// Which values of a group an outlier method may use, and how many it turned away and why — the
/// counts of Banff's `outsummary`. Missing values are NaN.
public struct OutlierAdmission: Sendable, Hashable {
    /// Values in the group, used or not; each rejected one is counted below under its first cause, in the order listed.
    public var observations = 0
    /// Rejected: the current value is missing.
    public var missingCurrent = 0
    /// Rejected: the previous value is missing (ratio mode).
    public var missingPrevious = 0
    /// Rejected: the current value is 0 (ratio mode, or current mode without `acceptZero`).
    public var zeroCurrent = 0
    /// Rejected: the previous value is 0 (ratio mode).
    public var zeroPrevious = 0
    /// Rejected: the current value is negative (ratio mode, or current mode without `acceptNegative`).
    public var negativeCurrent = 0
    /// Rejected: the previous value is negative (ratio mode).
    public var negativePrevious = 0
    /// Indices of the values used, in input order.
    public var used: [Int] = []

    /// How many values were turned away, for any cause: `observations` − `used.count`.
    public var rejected: Int { observations - used.count }

    /// Admits current values alone: missing ones are dropped, negatives unless `acceptNegative`,
    /// zeros when `acceptZero` is false.
    init(current: [Double], acceptZero: Bool, acceptNegative: Bool) {
        observations = current.count
        for (index, value) in current.enumerated() {
            if value.isNaN {
                missingCurrent += 1
            } else if value < 0 && !acceptNegative {
                negativeCurrent += 1
            } else if value == 0 && !acceptZero {
                zeroCurrent += 1
            } else {
                used.append(index)
            }
        }
    }

    /// Admits pairs for a ratio current / previous: both must be present and positive (Banff then
    /// ignores accept_zero and accept_negative).
    init(current: [Double], previous: [Double]) {
        precondition(current.count == previous.count)
        observations = current.count
        for index in current.indices {
            let (x, y) = (current[index], previous[index])
            if x.isNaN {
                missingCurrent += 1
            } else if y.isNaN {
                missingPrevious += 1
            } else if x == 0 {
                zeroCurrent += 1
            } else if y == 0 {
                zeroPrevious += 1
            } else if x < 0 {
                negativeCurrent += 1
            } else if y < 0 {
                negativePrevious += 1
            } else {
                used.append(index)
            }
        }
    }
}
