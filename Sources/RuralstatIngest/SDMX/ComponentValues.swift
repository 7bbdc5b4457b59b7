/// The component values in force at one level of an SDMX message (dataset, series, group or
/// observation), by role, copied into one small arena so they outlive the parser callback.
struct ComponentValues {
    private var storage: [UInt8] = []
    private var ranges = [Range<Int>?](repeating: nil, count: FieldRole.allCases.count)
    /// Every id and value as written, kept only where groups need to match series keys.
    private(set) var raw: [(id: String, value: String)] = []
    var keepsRaw = false

    mutating func removeAll() {
        storage.removeAll(keepingCapacity: true)
        for index in ranges.indices { ranges[index] = nil }
        raw.removeAll(keepingCapacity: true)
    }

    mutating func set(_ role: FieldRole?, id: String? = nil, _ bytes: FieldBytes) {
        if keepsRaw, let id { raw.append((id, bytes.text)) }
        guard let role else { return }
        let start = storage.count
        storage.append(contentsOf: bytes)
        ranges[role.rawValue] = start..<storage.count
    }

    /// Copies every role set in `other` that is not set here.
    mutating func inherit(_ other: ComponentValues) {
        other.storage.withUnsafeBufferPointer { bytes in
            for role in FieldRole.allCases where ranges[role.rawValue] == nil {
                if let range = other.ranges[role.rawValue] { set(role, FieldBytes(rebasing: bytes[range])) }
            }
        }
    }

    func has(_ role: FieldRole) -> Bool { ranges[role.rawValue] != nil }

    /// Fills the roles set here into `fields` (leaving the others as they are), within `body`.
    func withFields<R>(_ fields: inout ObservationFields, _ body: (inout ObservationFields) throws -> R) rethrows -> R {
        if storage.isEmpty { return try body(&fields) }
        return try storage.withUnsafeBufferPointer { bytes in
            for role in FieldRole.allCases {
                if let range = ranges[role.rawValue] { fields[role] = FieldBytes(rebasing: bytes[range]) }
            }
            return try body(&fields)
        }
    }
}
