import IAMLintCore

/// Writes bytes through a pointer into room reserved at the end of a byte array (see
/// `Array.appendWritten(atMost:_:)`): one bounds check per piece written, where appending to the
/// array checks its capacity and uniqueness byte after byte. The JSON report writes each finding
/// this way (appending cost it about 12,000 instructions a finding).
struct ByteCursor {
    private(set) var position: UnsafeMutablePointer<UInt8>

    fileprivate init(_ position: UnsafeMutablePointer<UInt8>) {
        self.position = position
    }

    /// The most bytes `string(_:)` writes for a string of `utf8Count` bytes: two quotes, and six
    /// bytes (`\u00XX`) for each byte at worst.
    static func stringBound(_ utf8Count: Int) -> Int { 2 + 6 * utf8Count }

    /// The most bytes `int(_:)` writes.
    static let intBound = 20

    /// The most bytes `member(_:first:indent:)` writes for a key of up to 24 bytes.
    static func memberBound(indent: Int) -> Int { 2 + 2 * (indent + 1) + 24 + 4 }

    @inline(__always)
    mutating func byte(_ byte: UInt8) {
        position.pointee = byte
        position += 1
    }

    mutating func bytes(_ text: StaticString) {
        text.withUTF8Buffer { buffer in
            guard let base = buffer.baseAddress else { return }
            position.update(from: base, count: buffer.count)
            position += buffer.count
        }
    }

    /// Stored a word and a byte at a time: indentations are a few bytes, and a call to fill
    /// memory cost more than the stores.
    mutating func spaces(_ count: Int) {
        var left = count
        while left >= 8 {
            UnsafeMutableRawPointer(position).storeBytes(of: 0x2020_2020_2020_2020 as UInt64, as: UInt64.self)
            position += 8
            left -= 8
        }
        while left > 0 {
            byte(UInt8(ascii: " "))
            left -= 1
        }
    }

    /// `text`'s bytes (at least 8: a report's fixed pieces, such as a member's start), copied
    /// eight at a time, the last eight overlapping the ones before.
    mutating func literal(_ text: StaticString) {
        let count = text.utf8CodeUnitCount
        precondition(count >= 8, "ByteCursor.literal needs at least 8 bytes")
        let source = UnsafeRawPointer(text.utf8Start)
        let target = UnsafeMutableRawPointer(position)
        var i = 0
        while i + 8 <= count {
            target.storeBytes(of: source.loadUnaligned(fromByteOffset: i, as: UInt64.self), toByteOffset: i, as: UInt64.self)
            i += 8
        }
        if i < count {
            target.storeBytes(of: source.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self), toByteOffset: count - 8, as: UInt64.self)
        }
        position += count
    }

    /// What `JSONValue.writeIndent` writes: two spaces a level.
    mutating func indent(_ level: Int) { spaces(2 * level) }

    /// An object member's start as `JSONValue` lays it out: `{` before the first member (`,`
    /// before the others), a newline, the indentation of a member of an object at `indent`, and
    /// `"key": `. `key` needs no escaping and has at most 24 bytes.
    mutating func member(_ key: StaticString, first: Bool, indent: Int) {
        byte(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
        byte(UInt8(ascii: "\n"))
        self.indent(indent + 1)
        byte(UInt8(ascii: "\""))
        bytes(key)
        byte(UInt8(ascii: "\""))
        byte(UInt8(ascii: ":"))
        byte(UInt8(ascii: " "))
    }

    /// The start of an item of an array at indentation level `indent`, as `JSONValue` lays it
    /// out: `[` before the first item (`,` before the others), a newline and the indentation of
    /// an item (one level deeper); at most `2 + 2 * (indent + 1)` bytes.
    mutating func item(first: Bool, indent: Int) {
        byte(first ? UInt8(ascii: "[") : UInt8(ascii: ","))
        byte(UInt8(ascii: "\n"))
        self.indent(indent + 1)
    }

    /// The end of a non-empty object or array at indentation level `indent`: a newline, the
    /// indentation and `bracket`; `2 + 2 * indent` bytes.
    mutating func close(_ bracket: UInt8, indent: Int) {
        byte(UInt8(ascii: "\n"))
        self.indent(indent)
        byte(bracket)
    }

    /// The decimal digits of `value`, as `String(value)` spells them.
    mutating func int(_ value: Int) {
        if value < 0 { byte(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits = 1
        var rest = magnitude
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        var end = position + digits
        repeat {
            end -= 1
            end.pointee = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
        position += digits
    }

    /// A JSON string literal, escaped as the reports always escaped (`JSONValue.writeString`
    /// writes the strings that need escaping through here): `"` and `\` with a
    /// backslash, `\n` `\r` `\t` by name, other control characters as `\u00XX`, every other byte
    /// as it is. Clean text is copied eight bytes at a time.
    mutating func string(_ value: String) {
        byte(UInt8(ascii: "\""))
        // Native strings lend their bytes without a copy of the string.
        if value.utf8.withContiguousStorageIfAvailable({ escaped($0) }) == nil {
            var value = value
            value.withUTF8 { escaped($0) }
        }
        byte(UInt8(ascii: "\""))
    }

    /// A finding's message as a JSON string literal, its parts escaped one after another
    /// (escaping goes byte by byte, so the parts escape as their concatenation would).
    mutating func string(_ message: MessageText) {
        byte(UInt8(ascii: "\""))
        escaped(message.headUTF8)
        let text = message.text
        if text.utf8.withContiguousStorageIfAvailable({ escaped($0) }) == nil {
            var text = text
            text.withUTF8 { escaped($0) }
        }
        escaped(message.tailUTF8)
        byte(UInt8(ascii: "\""))
    }

    private mutating func escaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        let count = bytes.count
        var i = 0
        while i + 8 <= count {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            if JSONValue.needsEscape(word) {
                for k in i..<(i + 8) { escaped(base[k]) }
            } else {
                UnsafeMutableRawPointer(position).storeBytes(of: word, as: UInt64.self)
                position += 8
            }
            i += 8
        }
        // The last bytes of a text of eight or more: its last eight bytes, when none needs
        // escaping, stored over the ones already written as they are.
        if i < count && count >= 8 {
            let word = UnsafeRawPointer(base + count - 8).loadUnaligned(as: UInt64.self)
            if !JSONValue.needsEscape(word) {
                UnsafeMutableRawPointer(position - (8 - (count - i))).storeBytes(of: word, as: UInt64.self)
                position += count - i
                return
            }
        }
        while i < count {
            escaped(base[i])
            i += 1
        }
    }

    @inline(__always)
    private mutating func escaped(_ b: UInt8) {
        guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else {
            byte(b)
            return
        }
        byte(UInt8(ascii: "\\"))
        switch b {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): byte(b)
        case UInt8(ascii: "\n"): byte(UInt8(ascii: "n"))
        case UInt8(ascii: "\r"): byte(UInt8(ascii: "r"))
        case UInt8(ascii: "\t"): byte(UInt8(ascii: "t"))
        default:
            bytes("u00")
            byte(Self.hexDigit(b >> 4))
            byte(Self.hexDigit(b & 0xF))
        }
    }

    /// The lower-case hex digit of `value` (below 16).
    @inline(__always)
    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") - 10 + value
    }

    /// A line hash's spelling in quotes (at most `2 + LineHash.Value.spelledBound` bytes).
    mutating func quotedLineHash(_ value: LineHash.Value) {
        byte(UInt8(ascii: "\""))
        position = value.spell(into: position)
        byte(UInt8(ascii: "\""))
    }

    /// The 16 lower-case hex digits of `value`, zero-padded, in quotes.
    mutating func quotedHex(_ value: UInt64) {
        byte(UInt8(ascii: "\""))
        for i in 0..<16 { position[i] = Self.hexDigit(UInt8(truncatingIfNeeded: value >> UInt64(60 - 4 * i)) & 0xF) }
        position += 16
        byte(UInt8(ascii: "\""))
    }
}

extension Array where Element == UInt8 {
    /// Appends what `write` writes through a cursor, which must be at most `bound` bytes: room
    /// for `bound` bytes is added (zero bytes, copied in blocks) and what was not written is
    /// removed again; the capacity grows by doubling, as appending would grow it.
    mutating func appendWritten(atMost bound: Int, _ write: (inout ByteCursor) -> Void) {
        let start = count
        if capacity < start + bound { reserveCapacity(Swift.max(start + bound, 2 * capacity)) }
        var left = bound
        while left > 0 {
            let run = Swift.min(left, zeroBytes.count)
            zeroBytes.withUnsafeBufferPointer { append(contentsOf: UnsafeBufferPointer(rebasing: $0[0..<run])) }
            left -= run
        }
        let written = withUnsafeMutableBufferPointer { buffer -> Int in
            guard let base = buffer.baseAddress else { return 0 }
            var cursor = ByteCursor(base + start)
            write(&cursor)
            return cursor.position - (base + start)
        }
        // Past the bound, the cursor wrote over memory that is not the array's.
        precondition(written <= bound, "ByteCursor wrote past its bound")
        removeLast(bound - written)
    }
}

/// Zero bytes, copied to make room for a cursor.
private let zeroBytes = [UInt8](repeating: 0, count: 4096)
