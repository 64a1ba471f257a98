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

/// Messages, subjects and logical paths spelt from a few parts in one allocation. An
/// interpolation grows its string as it goes (a reallocation and copy for most parts); a rule
/// that makes a finding for nearly every resource of an organisation pays that for each.
enum Spelling {
    /// The parts one after the other, as `parts.joined()` spells them.
    static func joined(_ parts: String...) -> String {
        var count = 0
        for part in parts { count += part.utf8.count }
        return String(unsafeUninitializedCapacity: count) { buffer in
            var offset = 0
            for var part in parts {
                part.withUTF8 { bytes in
                    guard let base = bytes.baseAddress, let target = buffer.baseAddress else { return }
                    (target + offset).update(from: base, count: bytes.count)
                    offset += bytes.count
                }
            }
            return offset
        }
    }
}
