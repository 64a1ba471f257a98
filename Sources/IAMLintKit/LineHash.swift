/// The `primaryLocationLineHash` that GitHub's upload action computes for a SARIF result, so
/// uploads through the API and through the action fingerprint alike and alerts are not duplicated.
///
/// A rolling polynomial hash (base 37, 64-bit wrapping) over a window of the next 100 characters
/// (UTF-16 code units) starting at each line, ignoring spaces and tabs, with CR and CRLF read as LF;
/// an end marker and zero padding close the file. Each value is `hex:n`, n counting repeats.
public enum LineHash {
    static let blockSize = 100
    static let mod: UInt64 = 37
    static let endOfFile: UInt64 = 65535

    /// A line's hash and its number among the lines so far with the same hash, spelt `hex:n`;
    /// a line without a hash (count 0) is spelt as empty text. Kept as numbers, a file's lines
    /// cost no text each: only the lines that results point at are spelt.
    struct Value: Sendable {
        var hash: UInt64
        var count: Int

        static let none = Value(hash: 0, count: 0)

        /// The most bytes of the spelling: 16 hex digits, `:` and 20 digits.
        static let spelledBound = 16 + 1 + 20

        /// `"\(String(hash, radix: 16)):\(count)"`, or empty text without a hash.
        var text: String {
            guard count > 0 else { return "" }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.spelledBound) { buffer in
                guard let base = buffer.baseAddress else { return "" }
                let end = spell(into: base)
                return String(decoding: UnsafeBufferPointer(start: base, count: end - base), as: UTF8.self)
            }
        }

        /// Writes the spelling at `position` (at most `spelledBound` bytes); returns its end.
        func spell(into position: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
            guard count > 0 else { return position }
            var p = position
            var shift = 60
            while shift > 0 && (hash >> UInt64(shift)) & 0xF == 0 { shift -= 4 }
            while shift >= 0 {
                let digit = UInt8(truncatingIfNeeded: (hash >> UInt64(shift)) & 0xF)
                p.pointee = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") - 10 + digit
                p += 1
                shift -= 4
            }
            p.pointee = UInt8(ascii: ":")
            p += 1
            var digits = 1
            var rest = count
            while rest >= 10 {
                rest /= 10
                digits += 1
            }
            var n = count
            for i in stride(from: digits - 1, through: 0, by: -1) {
                p[i] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: n % 10)
                n /= 10
            }
            return p + digits
        }
    }

    /// The hash of every line, indexed by line number − 1.
    public static func hashes(of text: String) -> [String] {
        values(of: text).map(\.text)
    }

    /// The hash of every line as numbers, indexed by line number − 1.
    static func values(of text: String) -> [Value] {
        // ASCII text (the usual case) is its own UTF-16: read as bytes, without decoding.
        let fromBytes = text.utf8.withContiguousStorageIfAvailable { bytes -> [Value]? in
            guard isASCII(bytes) else { return nil }
            return values(count: bytes.count) { copyUnits(ascii: bytes, into: $0) }
        }
        if let fromBytes, let result = fromBytes { return result }
        let units = text.utf16
        return values(count: units.count) { copyUnits(units, count: units.count, into: $0) }
    }

    /// Where the units that count were copied: how many, and where each line starts among them.
    private struct CopiedUnits {
        var end = 0
        var lineStarts: [Int] = []
    }

    /// The hashes of the lines of a text of `count` UTF-16 code units, in two passes: `copy`
    /// copies the units that count (spaces and tabs dropped, CR and CRLF read as LF) into a
    /// buffer of room for `count` units and more, noting where each line starts; the end marker
    /// and the zero padding follow them; then each line's window is hashed there, rolled on from
    /// the previous line's when that one is less than a window back, else summed afresh. (Rolling
    /// over every unit with the window in a ring cost about 48 instructions a byte.)
    private static func values(count: Int, copy: (UnsafeMutablePointer<UInt16>) -> CopiedUnits) -> [Value] {
        let buffer = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: count + 1 + blockSize)
        defer { buffer.deallocate() }
        guard let s = buffer.baseAddress else { return [] }
        let copied = copy(s)
        let end = copied.end
        // The end marker (a line of its own after a final newline, `copy` noted) and the padding.
        s[end] = UInt16(endOfFile)
        (s + end + 1).initialize(repeating: 0, count: blockSize)

        var firstMod: UInt64 = 1
        for _ in 0..<blockSize { firstMod = firstMod &* mod }
        var counts: [UInt64: Int] = [:]
        var result: [Value] = []
        result.reserveCapacity(copied.lineStarts.count)
        var hash: UInt64 = 0
        var windowStart = -blockSize
        for start in copied.lineStarts {
            if start - windowStart < blockSize {
                for q in windowStart..<start {
                    hash = mod &* hash &+ UInt64(s[q + blockSize]) &- firstMod &* UInt64(s[q])
                }
            } else {
                hash = 0
                for k in start..<(start + blockSize) { hash = mod &* hash &+ UInt64(s[k]) }
            }
            windowStart = start
            result.append(Value(hash: hash, count: increment(&counts[hash, default: 0])))
        }
        return result
    }

    /// Reads units one at a time, keeping whether the previous one was CR and whether the next
    /// unit that counts starts a line.
    private struct UnitCopier {
        let s: UnsafeMutablePointer<UInt16>
        var copied = CopiedUnits()
        var previousCR = false
        var lineStart = true

        @inline(__always)
        mutating func copy(_ unit: UInt16) {
            var current = unit
            if current == 0x20 || current == 0x09 || (previousCR && current == 0x0A) {
                previousCR = false
                return
            }
            if current == 0x0D {
                current = 0x0A
                previousCR = true
            } else {
                previousCR = false
            }
            if lineStart {
                lineStart = false
                copied.lineStarts.append(copied.end)
            }
            if current == 0x0A { lineStart = true }
            s[copied.end] = current
            copied.end += 1
        }

        /// The copy, with the end marker's line when the text ends a line.
        mutating func finish() -> CopiedUnits {
            if lineStart { copied.lineStarts.append(copied.end) }
            return copied
        }
    }

    /// Copies the units that count of `count` units (at most `count` are read).
    private static func copyUnits<Units: Sequence>(_ units: Units, count: Int, into s: UnsafeMutablePointer<UInt16>) -> CopiedUnits
    where Units.Element == UInt16 {
        var copier = UnitCopier(s: s)
        for (i, unit) in units.enumerated() where i < count { copier.copy(unit) }
        return copier.finish()
    }

    /// Copies the units that count of ASCII bytes: eight at a time while none of the eight is
    /// a space, a tab, CR, LF or another control character (none is dropped, none ends a line).
    private static func copyUnits(ascii bytes: UnsafeBufferPointer<UInt8>, into s: UnsafeMutablePointer<UInt16>) -> CopiedUnits {
        var copier = UnitCopier(s: s)
        guard let base = bytes.baseAddress else { return copier.finish() }
        let n = bytes.count
        var i = 0
        while i < n {
            if i + 8 <= n, !hasByteBelow0x21(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) {
                if copier.lineStart {
                    copier.lineStart = false
                    copier.copied.lineStarts.append(copier.copied.end)
                }
                copier.previousCR = false
                let end = copier.copied.end
                for k in 0..<8 { s[end + k] = UInt16(base[i + k]) }
                copier.copied.end = end + 8
                i += 8
            } else {
                copier.copy(UInt16(base[i]))
                i += 1
            }
        }
        return copier.finish()
    }

    /// Whether every byte of `bytes` is ASCII (below 0x80), eight at a time.
    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var any: UInt64 = 0
        var i = 0
        while i + 8 <= bytes.count {
            any |= UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            i += 8
        }
        while i < bytes.count {
            any |= UInt64(base[i])
            i += 1
        }
        return any & 0x8080_8080_8080_8080 == 0
    }

    /// Whether any of the eight bytes of `word` (ASCII) is below 0x21: a space, a tab, CR, LF or
    /// another control character.
    @inline(__always)
    private static func hasByteBelow0x21(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        return (word &- ones &* 0x21) & ~word & 0x8080_8080_8080_8080 != 0
    }

    private static func increment(_ count: inout Int) -> Int {
        count += 1
        return count
    }
}
