/// 64-bit FNV-1a: the hash behind the project's own byte-keyed tables (ARN and name indexes,
/// shared texts, the trust filter) and behind finding fingerprints. Fingerprints are written into
/// baselines and SARIF logs, so the function must never change.
public struct FNV1a {
    /// FNV's 64-bit offset basis and prime (computed, so that they fold to constants in other
    /// modules' inlined loops).
    @inlinable public static var offsetBasis: UInt64 { 0xcbf2_9ce4_8422_2325 }
    @inlinable public static var prime: UInt64 { 0x0000_0100_0000_01B3 }

    public var value: UInt64

    /// A hash of nothing yet; a `seed` (xor-ed into the offset basis) keeps the hashes of texts
    /// of different kinds apart.
    @inlinable public init(seed: UInt64 = 0) {
        value = Self.offsetBasis ^ seed
    }

    @inlinable public mutating func mix(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* Self.prime
    }

    @inlinable public mutating func mix(_ bytes: UnsafeBufferPointer<UInt8>) {
        for byte in bytes { mix(byte) }
    }

    /// Mixes `bytes` eight at a time, each little-endian word as one value, then the last bytes
    /// one by one; with `lowercased`, ASCII capitals are mixed as lower-case letters. Not the
    /// published FNV-1a (fingerprints use `mix`): a cheaper hash for in-memory tables whose
    /// matches are checked anyway. Equal bytes hash equally wherever they start.
    @inlinable public mutating func mixWords(_ bytes: UnsafeBufferPointer<UInt8>, lowercased: Bool = false) {
        guard let base = bytes.baseAddress else { return }
        var i = 0
        while i + 8 <= bytes.count {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            value = (value ^ (lowercased ? ASCII.lower(word: word) : word)) &* Self.prime
            i += 8
        }
        while i < bytes.count {
            mix(lowercased ? ASCII.lower(base[i]) : base[i])
            i += 1
        }
    }

    /// Mixes a text's UTF-8 bytes (a native string lends them without a copy).
    /// `mixWords` when every byte is ASCII, answering whether it is: false (the hash then
    /// mixed anyway, to be thrown away) when a byte is 0x80 or above. For tables of texts whose
    /// equal strings must have equal bytes, which only ASCII text guarantees.
    @inlinable public mutating func mixASCIIWords(_ bytes: UnsafeBufferPointer<UInt8>, lowercased: Bool = false) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var high: UInt64 = 0
        var i = 0
        while i + 8 <= bytes.count {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            high |= word
            value = (value ^ (lowercased ? ASCII.lower(word: word) : word)) &* Self.prime
            i += 8
        }
        while i < bytes.count {
            high |= UInt64(base[i])
            mix(lowercased ? ASCII.lower(base[i]) : base[i])
            i += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    @inlinable public mutating func mix(_ text: String) {
        if let mixed = text.utf8.withContiguousStorageIfAvailable({ bytes -> UInt64 in
            var hash = self
            hash.mix(bytes)
            return hash.value
        }) {
            value = mixed
        } else {
            var text = text
            text.withUTF8 { mix($0) }
        }
    }
}
