/// A hash table from 64-bit keys (packed codes, or a value's bits) to integers, by open addressing
/// with linear probing; it can be emptied and reused without reallocating. Hand-written for the
/// checks' hot loops: a `Dictionary` hashes each key with SipHash, several times the cost here.
struct PackedKeyTable {
    private var keys: [UInt64] = []
    private var occupied: [Bool] = []
    /// The value of each slot (meaningful where occupied).
    private(set) var values: [Int] = []
    /// The occupied slots, in the order their keys came.
    private(set) var filled: [Int] = []
    private var shift: UInt64 = 64

    init(capacity: Int = 0) { reset(for: capacity) }

    /// Empties the table, making room for `count` keys.
    mutating func reset(for count: Int) {
        for slot in filled { occupied[slot] = false }
        filled.removeAll(keepingCapacity: true)
        var capacity = 16
        while capacity < 2 * count { capacity *= 2 }
        if capacity > keys.count {
            keys = [UInt64](repeating: 0, count: capacity)
            occupied = [Bool](repeating: false, count: capacity)
            values = [Int](repeating: 0, count: capacity)
            shift = UInt64(64 - capacity.trailingZeroBitCount)
        }
    }

    @inline(__always)
    private func probe(_ key: UInt64) -> Int {
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)  // Fibonacci hashing
        while occupied[slot] && keys[slot] != key { slot = (slot + 1) & (keys.count - 1) }
        return slot
    }

    /// The slot of `key`, taken (with value 0) when the key is new. At most the count given to
    /// ``reset(for:)`` keys may be added.
    @inline(__always)
    mutating func slot(_ key: UInt64) -> Int {
        let slot = probe(key)
        if !occupied[slot] {
            occupied[slot] = true
            keys[slot] = key
            values[slot] = 0
            filled.append(slot)
        }
        return slot
    }

    /// The value stored for `key`, if it is there.
    func value(_ key: UInt64) -> Int? {
        let slot = probe(key)
        return occupied[slot] ? values[slot] : nil
    }

    subscript(slot slot: Int) -> Int {
        get { values[slot] }
        set { values[slot] = newValue }
    }
}
