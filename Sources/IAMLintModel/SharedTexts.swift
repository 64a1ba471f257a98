#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import IAMLintCore

/// One copy of each text a template repeats (actions, ARNs, condition keys shared by many
/// statements): the resolved values outlive the parse tree, and each of its scalars would
/// otherwise be a string of its own. Texts are looked up by their UTF-8 bytes, so a text met
/// before is not built again. Texts short enough to be stored inline in a `String` (15 UTF-8
/// bytes) are built as they are, and so are texts with bytes outside ASCII: a shared copy must
/// have the very same bytes, and `String` equality is canonical equivalence. The table is
/// open-addressed and hashed eight bytes at a time (FNV-1a's constants, mixing 64-bit words).
/// One table per file, used by one thread.
public final class SharedTexts {
    // Used by one thread at a time (the file's loader): no runtime exclusivity check.
    @exclusivity(unchecked) private var slots: [String?] = []
    @exclusivity(unchecked) private var hashes: [UInt32] = []
    @exclusivity(unchecked) private var count = 0

    public init() {}

    /// `String(decoding: bytes, as: UTF8.self)`, or the copy kept of the same text.
    public func shared(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.count > 15, let base = bytes.baseAddress, let hash = Self.asciiHash(UnsafeRawPointer(base), bytes.count) else {
            return String(decoding: bytes, as: UTF8.self)
        }
        if count * 2 >= slots.count { grow() }
        let mask = slots.count - 1
        var i = Int(hash) & mask
        while let existing = slots[i] {
            if hashes[i] == hash, Self.sameBytes(existing, UnsafeRawPointer(base), bytes.count) { return existing }
            i = (i + 1) & mask
        }
        let text = String(decoding: bytes, as: UTF8.self)
        slots[i] = text
        hashes[i] = hash
        count += 1
        return text
    }

    /// `shared` of a text's UTF-8 bytes.
    public func shared(_ text: String) -> String {
        guard text.utf8.count > 15 else { return text }
        var text = text
        return text.withUTF8 { shared($0) }
    }

    /// Whether a kept (ASCII) text has exactly the `count` bytes at `bytes`.
    private static func sameBytes(_ text: String, _ bytes: UnsafeRawPointer, _ count: Int) -> Bool {
        let utf8 = text.utf8
        guard utf8.count == count else { return false }
        if let same = utf8.withContiguousStorageIfAvailable({ mine -> Bool in
            guard let theirs = mine.baseAddress else { return count == 0 }
            return memcmp(bytes, theirs, count) == 0
        }) {
            return same
        }
        return utf8.elementsEqual(UnsafeBufferPointer(start: bytes.assumingMemoryBound(to: UInt8.self), count: count))
    }

    /// The hash of `count` bytes; nil when one is outside ASCII.
    private static func asciiHash(_ bytes: UnsafeRawPointer, _ count: Int) -> UInt32? {
        var hash = FNV1a()
        guard hash.mixASCIIWords(UnsafeBufferPointer(start: bytes.assumingMemoryBound(to: UInt8.self), count: count)) else { return nil }
        return UInt32(truncatingIfNeeded: hash.value ^ (hash.value >> 29))
    }

    private func grow() {
        let old = slots.indices.compactMap { i in slots[i].map { ($0, hashes[i]) } }
        let capacity = max(64, slots.count * 2)
        slots = Array(repeating: nil, count: capacity)
        hashes = Array(repeating: 0, count: capacity)
        for (text, hash) in old {
            var i = Int(hash) & (capacity - 1)
            while slots[i] != nil { i = (i + 1) & (capacity - 1) }
            slots[i] = text
            hashes[i] = hash
        }
    }
}
