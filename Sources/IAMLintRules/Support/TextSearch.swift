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
