import IAMLintCore
import IAMLintModel

extension StringProtocol {
    /// True when every UTF-8 byte of the text is ASCII, where characters are bytes: a byte
    /// search then answers what a search by characters would.
    var isASCIIText: Bool {
        if let ascii = utf8.withContiguousStorageIfAvailable({ bytes in bytes.allSatisfy { $0 < 0x80 } }) { return ascii }
        return utf8.allSatisfy { $0 < 0x80 }
    }

    /// `contains(needle)` for an ASCII needle: on the bytes when the text is ASCII, by
    /// characters otherwise (a combining mark after a match makes another character). The
    /// search by characters costs some thousands of instructions a call; rules ask it of every
    /// condition operator.
    func containsText(_ needle: StaticString) -> Bool {
        if isASCIIText { return containsUTF8(needle) }
        return contains(String(describing: needle))
    }
}

extension String {
    /// `lowercased() == text` for a lower-case ASCII `text`: compared on the bytes, without a
    /// lower-cased copy, when this string is ASCII (other characters may lower-case to ASCII,
    /// such as the Kelvin sign: those strings are lower-cased as before).
    func lowercasedEquals(_ text: StaticString) -> Bool {
        let decided: Bool?? = utf8.withContiguousStorageIfAvailable { bytes in
            text.withUTF8Buffer { expected -> Bool? in
                var sameLength = bytes.count == expected.count
                for (offset, byte) in bytes.enumerated() {
                    if byte >= 0x80 { return nil }
                    guard sameLength else { continue }
                    if ASCII.lower(byte) != expected[offset] { sameLength = false }
                }
                return sameLength
            }
        }
        if case .some(.some(let equal)) = decided { return equal }
        return lowercased() == String(describing: text)
    }
}

/// Messages, subjects and logical paths spelt from a few parts in one allocation. An
/// interpolation grows its string as it goes (a reallocation and copy for most parts); a rule
/// that makes a finding for nearly every resource of an organisation pays that for each. The
/// parts are fixed in number (a variadic list is an array allocated and freed per call) and
/// read through their contiguous storage without a mutable copy.
enum Spelling {
    /// `a + b + c`.
    @inline(__always)
    static func joined(_ a: String, _ b: String, _ c: String) -> String {
        String(unsafeUninitializedCapacity: a.utf8.count + b.utf8.count + c.utf8.count) { buffer in
            var offset = 0
            put(a, into: buffer, at: &offset)
            put(b, into: buffer, at: &offset)
            put(c, into: buffer, at: &offset)
            return offset
        }
    }

    /// `a + b + c + d + e + f`.
    @inline(__always)
    static func joined(_ a: String, _ b: String, _ c: String, _ d: String, _ e: String, _ f: String) -> String {
        let count = a.utf8.count + b.utf8.count + c.utf8.count + d.utf8.count + e.utf8.count + f.utf8.count
        return String(unsafeUninitializedCapacity: count) { buffer in
            var offset = 0
            put(a, into: buffer, at: &offset)
            put(b, into: buffer, at: &offset)
            put(c, into: buffer, at: &offset)
            put(d, into: buffer, at: &offset)
            put(e, into: buffer, at: &offset)
            put(f, into: buffer, at: &offset)
            return offset
        }
    }

    @inline(__always)
    private static func put(_ part: String, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: inout Int) {
        let copied: Void? = part.utf8.withContiguousStorageIfAvailable { bytes in
            guard let base = bytes.baseAddress, let target = buffer.baseAddress else { return }
            (target + offset).update(from: base, count: bytes.count)
            offset += bytes.count
        }
        guard copied == nil else { return }
        for byte in part.utf8 {
            buffer[offset] = byte
            offset += 1
        }
    }
}
