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
            for byte in bytes where byte >= 0x80 { return nil }
            return values(units: bytes, count: bytes.count)
        }
        if let fromBytes, let result = fromBytes { return result }
        return values(units: text.utf16, count: text.utf16.count)
    }

    /// The hashes of the lines of a text given as its `count` UTF-16 code units, in two passes:
    /// the units that count (spaces and tabs dropped, CR and CRLF read as LF), the end marker and
    /// the zero padding are copied into one buffer, noting where each line starts; then each
    /// line's window is hashed there, rolled on from the previous line's when that one is less
    /// than a window back, else summed afresh. (Rolling over every unit with the window in a
    /// ring cost about 48 instructions a byte; this costs a few.)
    private static func values<Units: Sequence>(units: Units, count: Int) -> [Value] where Units.Element: FixedWidthInteger {
        let buffer = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: count + 1 + blockSize)
        defer { buffer.deallocate() }
        guard let s = buffer.baseAddress else { return [] }
        var lineStarts: [Int] = []
        var end = 0
        var previousCR = false
        var lineStart = true
        for unit in units {
            var current = UInt16(truncatingIfNeeded: unit)
            if current == 0x20 || current == 0x09 || (previousCR && current == 0x0A) {
                previousCR = false
                continue
            }
            if current == 0x0D {
                current = 0x0A
                previousCR = true
            } else {
                previousCR = false
            }
            // At most `count` units: the sequence has `count` of them.
            guard end < count else { break }
            if lineStart {
                lineStart = false
                lineStarts.append(end)
            }
            if current == 0x0A { lineStart = true }
            s[end] = current
            end += 1
        }
        // The end marker (a line of its own after a final newline) and the zero padding.
        if lineStart { lineStarts.append(end) }
        s[end] = UInt16(endOfFile)
        (s + end + 1).initialize(repeating: 0, count: blockSize)

        var firstMod: UInt64 = 1
        for _ in 0..<blockSize { firstMod = firstMod &* mod }
        var counts: [UInt64: Int] = [:]
        var result: [Value] = []
        result.reserveCapacity(lineStarts.count)
        var hash: UInt64 = 0
        var windowStart = -blockSize
        for start in lineStarts {
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

    private static func increment(_ count: inout Int) -> Int {
        count += 1
        return count
    }
}
