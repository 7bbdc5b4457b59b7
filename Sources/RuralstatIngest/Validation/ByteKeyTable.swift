/// A small table from byte strings to dense indices, for the few distinct indicator codes and
/// periods of a file: looking a field up costs a hash and a compare, with no `String` made. It holds
/// at most `limit` keys (a real file has a few hundred; a hostile one must not make it grow without
/// end): a new key beyond that gets index -1.
struct ByteKeyTable {
    static let limit = 4_096
    private var slots: [Int32]  // index into keys, or -1
    private var hashes: [UInt64] = []
    private(set) var keys: [[UInt8]] = []
    private var mask: Int

    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    var count: Int { keys.count }
    /// The key that followed each key last time: files repeat the same sequence of indicators for
    /// every region, so checking the predicted key first nearly always spares the hash.
    private var successor: [Int] = []
    private var last = -1

    @inline(__always)
    static func hash(_ bytes: FieldBytes) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }

    /// The index of `bytes`, inserting it when new.
    @inline(__always)
    mutating func index(of bytes: FieldBytes) -> (index: Int, inserted: Bool) {
        if last >= 0 {
            if keys[last].withUnsafeBufferPointer({ $0.equals(bytes) }) { return (last, false) }
            let next = successor[last]
            if next >= 0, keys[next].withUnsafeBufferPointer({ $0.equals(bytes) }) {
                last = next
                return (next, false)
            }
        }
        let found = lookup(bytes)
        guard found.index >= 0 else { return found }
        if last >= 0 { successor[last] = found.index }
        last = found.index
        return found
    }

    private mutating func lookup(_ bytes: FieldBytes) -> (index: Int, inserted: Bool) {
        let hash = ByteKeyTable.hash(bytes)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let existing = slots[slot]
            if existing < 0 { break }
            if hashes[Int(existing)] == hash, keys[Int(existing)].withUnsafeBufferPointer({ $0.equals(bytes) }) {
                return (Int(existing), false)
            }
            slot = (slot + 1) & mask
        }
        if keys.count >= ByteKeyTable.limit { return (-1, false) }
        let index = keys.count
        keys.append(Array(bytes))
        hashes.append(hash)
        successor.append(-1)
        slots[slot] = Int32(index)
        if keys.count * 2 > slots.count { grow() }
        return (index, true)
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        for (index, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
    }
}
