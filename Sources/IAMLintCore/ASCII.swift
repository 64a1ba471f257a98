/// Byte-level ASCII helpers shared by the parsers, the model and the rules (IAM names, keys and
/// action names are compared ignoring ASCII case on their UTF-8 bytes).
public enum ASCII {
    /// The byte lower-cased if it is an ASCII capital letter, else unchanged.
    @inlinable public static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// Each of the eight bytes of `word` lower-cased as `lower` does it.
    @inlinable public static func lower(word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let low7 = word & ~highs
        // The high bit of each byte: its low seven bits are at least `A`, above `Z`; no carry
        // crosses a byte (at most 0x7F + 0x3F).
        let atLeastA = low7 &+ (0x80 - 0x41) &* ones
        let aboveZ = low7 &+ (0x80 - 0x5B) &* ones
        let upper = atLeastA & ~aboveZ & ~word & highs
        return word | (upper >> 2)
    }
}
