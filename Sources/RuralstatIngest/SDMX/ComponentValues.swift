/// The component values in force at one level of an SDMX message (dataset, series, group or
/// observation), by role, copied into one small arena so they outlive the parser callback.
struct ComponentValues {
    private var storage: [UInt8] = []
    /// Start and end of each role's value in `storage`; -1 when the role is not set.
    private var starts = InlineArray<9, Int32>(repeating: -1)
    private var ends = InlineArray<9, Int32>(repeating: -1)
    /// Every id and value as written, kept only where groups need to match series keys.
    private(set) var raw: [(id: String, value: String)] = []
    var keepsRaw = false

    mutating func removeAll() {
        storage.removeAll(keepingCapacity: true)
        starts = InlineArray(repeating: -1)
        if keepsRaw || !raw.isEmpty { raw.removeAll(keepingCapacity: true) }
    }

    mutating func set(_ role: FieldRole?, id: String? = nil, _ bytes: FieldBytes) {
        if keepsRaw, let id { raw.append((id, bytes.text)) }
        guard let role else { return }
        starts[role.rawValue] = Int32(storage.count)
        storage.append(contentsOf: bytes)
        ends[role.rawValue] = Int32(storage.count)
    }

    /// Copies every role set in `other` that is not set here.
    mutating func inherit(_ other: ComponentValues) {
        other.storage.withUnsafeBufferPointer { bytes in
            for role in FieldRole.allCases where starts[role.rawValue] < 0 && other.starts[role.rawValue] >= 0 {
                set(role, FieldBytes(rebasing: bytes[Int(other.starts[role.rawValue])..<Int(other.ends[role.rawValue])]))
            }
        }
    }

    /// Fills the roles set here into `fields` (leaving the others as they are), within `body`.
    func withFields<R>(_ fields: inout ObservationFields, _ body: (inout ObservationFields) throws -> R) rethrows -> R {
        if storage.isEmpty { return try body(&fields) }
        return try storage.withUnsafeBufferPointer { bytes in
            for role in FieldRole.allCases where starts[role.rawValue] >= 0 {
                fields[role] = FieldBytes(
                    start: bytes.baseAddress! + Int(starts[role.rawValue]),
                    count: Int(ends[role.rawValue] - starts[role.rawValue]))
            }
            return try body(&fields)
        }
    }
}
