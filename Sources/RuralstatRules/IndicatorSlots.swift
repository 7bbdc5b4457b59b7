import RuralstatModel

/// The layout of a record: which position holds which indicator's value.
///
/// Rules are compiled against a slot table once, so that evaluating them on millions of records is
/// array indexing, with no dictionary look-ups or string comparisons. A record is a buffer of
/// doubles, one per slot, with NaN for an indicator the unit did not report.
///
/// ```
/// let slots = IndicatorSlots(["HOUSEHOLDS", "HH_TAP_WATER"])
/// slots["HH_TAP_WATER"]   // 1
/// ```
public struct IndicatorSlots: Sendable, Hashable {
    /// The codes, in slot order.
    public let codes: [String]
    private let index: [String: Int]

    /// One slot per code, in the order given. Codes must be distinct.
    public init(_ codes: [String]) {
        var index: [String: Int] = [:]
        for (slot, code) in codes.enumerated() {
            precondition(index.updateValue(slot, forKey: code) == nil, "indicator \(code) has two slots")
        }
        self.codes = codes
        self.index = index
    }

    /// The slot of `code`, or `nil` when records of this layout do not carry it.
    public subscript(code: String) -> Int? { index[code] }

    /// The number of slots, i.e. the length of a record.
    public var count: Int { codes.count }
}
