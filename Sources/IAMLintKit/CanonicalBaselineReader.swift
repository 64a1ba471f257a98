import IAMLintCore

/// Reads a baseline file written exactly as `Baseline.serialized()` writes it, line by line,
/// without building a YAML tree: an organisation's baseline is tens of megabytes, and parsing it
/// as YAML took about a second of CPU beside the scan.
///
/// It accepts only what it can read exactly as the YAML parser would: the header comments,
/// `version: 1`, then entries of `rule` (a code of capitals and digits), `file`, `location` and
/// `subject` (double-quoted printable ASCII without a backslash), an optional `count` and a
/// `fingerprint` (16 lower-case hex digits), in that order and that
/// indentation, with `\n` line ends. Anything else — a hand-edited file, an escape, a blank
/// line, an error — answers nil, and the file is read by the YAML parser instead, which also
/// names the position of any error.
struct CanonicalBaselineReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The entries, or nil when the file is not in the canonical form.
    mutating func read() -> [FindingKey: Int]? {
        while peek(UInt8(ascii: "#")) { guard skipLine() else { return nil } }
        guard line(is: "version: 1") else { return nil }
        if line(is: "findings: []") { return position == bytes.count ? [:] : nil }
        guard line(is: "findings:") else { return nil }
        // `findings:` with nothing under it is not a list: the YAML parser's error.
        guard position < bytes.count else { return nil }
        // Sized first: growing a table of a hundred thousand keys rehashes every key it holds
        // at each doubling (4% of an organisation's run that accepts all its findings).
        var entries = Baseline.EntryTable(capacity: entryCount(from: position - 1))
        while position < bytes.count {
            guard prefix("  - rule: "), let rule = ruleCode(), newline(),
                  prefix("    file: "), let file = quoted(), newline(),
                  prefix("    location: "), let location = quoted(), newline(),
                  prefix("    subject: "), let subject = quoted(), newline()
            else { return nil }
            var count = 1
            if prefix("    count: ") {
                guard let n = positiveNumber(), newline() else { return nil }
                count = n
            }
            guard prefix("    fingerprint: "), hexDigits(16), newline() else { return nil }
            entries.add(rule: rule, file: file, location: location, subject: subject, count: count)
        }
        return entries.entries
    }

    /// How many lines after `start` (the line end before the first entry) start an entry:
    /// the size of the entries' table, found with `memchr` over the line ends.
    private func entryCount(from start: Int) -> Int {
        let needle: StaticString = "\n  - rule: "
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        var count = 0
        var from = start
        while let found = ByteSearch.firstIndex(of: pattern, in: bytes, from: from) {
            count += 1
            from = found + pattern.count
        }
        return count
    }

    private func peek(_ byte: UInt8) -> Bool {
        position < bytes.count && bytes[position] == byte
    }

    /// Skips to the start of the next line; false at the end of the file without a line end.
    private mutating func skipLine() -> Bool {
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "\n") { return true }
            if byte == UInt8(ascii: "\r") { return false }
        }
        return false
    }

    /// Consumes `text` followed by a line end when the next line is exactly that.
    private mutating func line(is text: StaticString) -> Bool {
        let start = position
        if prefix(text), newline() { return true }
        position = start
        return false
    }

    /// Consumes `text` when the bytes at the position start with it.
    private mutating func prefix(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard bytes.count - position >= count else { return false }
        let start = text.utf8Start
        for k in 0..<count where bytes[position + k] != start[k] { return false }
        position += count
        return true
    }

    private mutating func newline() -> Bool {
        guard peek(UInt8(ascii: "\n")) else { return false }
        position += 1
        return true
    }

    /// A rule code: a capital letter, then capitals and digits (a plain YAML scalar that reads
    /// as itself).
    private mutating func ruleCode() -> String? {
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            let isCapital = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")
            let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            guard isCapital || (isDigit && position > start) else { break }
            position += 1
        }
        guard position > start else { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    /// A double-quoted text of printable ASCII without escapes. (Text beyond ASCII is left to
    /// the YAML parser, which decides which characters it accepts as printable.)
    private mutating func quoted() -> String? {
        guard peek(UInt8(ascii: "\"")) else { return nil }
        let start = position + 1
        var end = start
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x7F { return nil }
            end += 1
        }
        guard end < bytes.count else { return nil }
        position = end + 1
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    /// A count: digits without a leading zero, at most 18 of them.
    private mutating func positiveNumber() -> Int? {
        let start = position
        var value = 0
        while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
            value = value * 10 + Int(bytes[position] - UInt8(ascii: "0"))
            position += 1
        }
        let digits = position - start
        guard digits > 0, digits <= 18, bytes[start] != UInt8(ascii: "0") else { return nil }
        return value
    }

    private mutating func hexDigits(_ count: Int) -> Bool {
        guard bytes.count - position >= count else { return false }
        for k in 0..<count {
            let byte = bytes[position + k]
            let isHex = (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
            guard isHex else { return false }
        }
        position += count
        return true
    }
}
