/// Byte-level ASCII helpers shared by the parsers, the model and the rules (IAM names, keys and
/// action names are compared ignoring ASCII case on their UTF-8 bytes).
public enum ASCII {
    /// The byte lower-cased if it is an ASCII capital letter, else unchanged.
    @inlinable public static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}
