/// A hand-written, single-pass JSON (RFC 8259) parser that keeps source positions.
///
/// - One document: `documents == [root]`; empty or whitespace-only input gives no documents and no
///   diagnostics (the caller decides what an empty file means).
/// - Objects become `.mapping` (entries in source order, every key with the range of its quoted
///   text), arrays `.sequence`, strings `.doubleQuoted` scalars (escapes decoded, surrogate pairs
///   combined, a lone surrogate becomes U+FFFD), numbers / `true` / `false` / `null` `.plain`
///   scalars holding their exact source text.
/// - A repeated key is reported as `.duplicateKey` at the second key; both entries stay in the tree.
/// - A syntax error gives one `.syntax` diagnostic at the exact position and no documents; nesting
///   deeper than `limits.maxDepth` gives one `.limit` diagnostic and no documents.
///
/// Positions are 1-based; columns count Unicode scalars; lines end at `\n`, `\r\n` or `\r`. A UTF-8
/// byte order mark is skipped (the character after it is column 1). The parser is iterative, so
/// the nesting limit, not the stack, bounds the depth.
public enum JSONParser {
    public static func parse(_ text: String, limits: ParserLimits = .default) -> ParseResult {
        var text = text
        return text.withUTF8 { parse(buffer: $0, limits: limits) }
    }

    public static func parse(_ bytes: [UInt8], limits: ParserLimits = .default) -> ParseResult {
        bytes.withUnsafeBufferPointer { parse(buffer: $0, limits: limits) }
    }

    public static func parse(buffer: UnsafeBufferPointer<UInt8>, limits: ParserLimits = .default) -> ParseResult {
        guard buffer.count <= NodeDocumentBuilder.maxInputBytes else {
            return ParseResult(documents: [], diagnostics: [
                ParseDiagnostic(kind: .limit, message: "input larger than \(NodeDocumentBuilder.maxInputBytes) bytes", range: .fileStart),
            ])
        }
        var scanner = JSONScanner(buffer, limits: limits)
        do {
            guard let root = try scanner.parseDocument() else {
                return ParseResult(documents: [], diagnostics: [])
            }
            return ParseResult(documents: [Node(scanner.tree.finish(), root)], diagnostics: scanner.diagnostics)
        } catch let failure as JSONFailure {
            return ParseResult(documents: [], diagnostics: [
                ParseDiagnostic(kind: failure.kind, message: failure.message, range: failure.range),
            ])
        } catch {
            return ParseResult(documents: [], diagnostics: [
                ParseDiagnostic(kind: .syntax, message: "\(error)", range: .fileStart),
            ])
        }
    }
}

private struct JSONFailure: Error {
    var kind: ParseDiagnostic.Kind
    var message: String
    var range: SourceRange
}

/// The bytes the JSON scanner tests for.
private extension ASCII {
    static let quote: UInt8 = 0x22        // "
    static let backslash: UInt8 = 0x5C    // \
    static let slash: UInt8 = 0x2F        // /
    static let comma: UInt8 = 0x2C        // ,
    static let colon: UInt8 = 0x3A        // :
    static let openBrace: UInt8 = 0x7B    // {
    static let closeBrace: UInt8 = 0x7D   // }
    static let openBracket: UInt8 = 0x5B  // [
    static let closeBracket: UInt8 = 0x5D // ]
    static let minus: UInt8 = 0x2D        // -
    static let plus: UInt8 = 0x2B         // +
    static let dot: UInt8 = 0x2E          // .
    static let zero: UInt8 = 0x30
    static let nine: UInt8 = 0x39
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let lowerE: UInt8 = 0x65
    static let upperE: UInt8 = 0x45
    static let lowerT: UInt8 = 0x74
    static let lowerF: UInt8 = 0x66
    static let lowerN: UInt8 = 0x6E
    static let lowerU: UInt8 = 0x75
    static let lowerB: UInt8 = 0x62
    static let lowerR: UInt8 = 0x72
}

/// One open object or array while the scanner is inside it; its children wait on the tree
/// builder's pending stacks from `pendingFrom` on.
private struct Frame {
    var isObject: Bool
    var start: SourcePosition
    var pendingFrom: Int
    var pendingKey: (start: UInt32, count: UInt32) = (0, 0)
    var pendingKeyRange: SourceRange = .fileStart
    /// Built once an object has enough keys that a linear duplicate search gets slow.
    var keyIndex: [Int: Int]? = nil
}

private struct JSONScanner {
    let p: UnsafeBufferPointer<UInt8>
    let n: Int
    let limits: ParserLimits
    var i = 0
    var line = 1
    /// Byte offset where the current line starts.
    var lineStart = 0
    /// UTF-8 continuation bytes seen on the current line since `lineStart` (so column = scalars).
    var continuationBytes = 0
    var diagnostics: [ParseDiagnostic] = []
    /// The document being built: nodes, entries and texts. Its text starts as the input, so that
    /// a string without escapes, a number or a literal is the span of the input where it is
    /// written; strings with escapes are decoded into text appended after the input.
    var tree: NodeDocumentBuilder

    init(_ buffer: UnsafeBufferPointer<UInt8>, limits: ParserLimits) {
        p = buffer
        n = buffer.count
        self.limits = limits
        tree = NodeDocumentBuilder(input: buffer)
        if n >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF {
            i = 3
            lineStart = 3
        }
    }

    // MARK: Positions and errors

    @inline(__always)
    var position: SourcePosition {
        SourcePosition(line: line, column: i - lineStart - continuationBytes + 1)
    }

    func fail(_ message: String, at position: SourcePosition) -> JSONFailure {
        JSONFailure(kind: .syntax, message: message, range: SourceRange(position))
    }

    func fail(_ message: String) -> JSONFailure {
        fail(message, at: position)
    }

    /// The error for an unexpected byte at `i` (which must be < n), naming the character.
    func unexpected(_ expectation: String) -> JSONFailure {
        let b = p[i]
        if b >= 0x80 {
            var probe = self
            guard let scalar = probe.decodeMultibyte() else {
                return fail("invalid UTF-8")
            }
            let hex = String(scalar.value, radix: 16, uppercase: true)
            let padded = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            return fail("unexpected character '\(Character(scalar))' (U+\(padded)); \(expectation)")
        }
        return fail("unexpected character \(describe(b)); \(expectation)")
    }

    func describe(_ b: UInt8) -> String {
        if b < 0x20 || b == 0x7F {
            let hex = String(b, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: 4 - hex.count) + hex
        }
        return "'\(Character(Unicode.Scalar(b)))'"
    }

    // MARK: Whitespace

    @inline(__always)
    mutating func skipWhitespace() {
        while i < n {
            let b = p[i]
            if b == ASCII.space || b == ASCII.tab {
                i += 1
            } else if b == ASCII.lf {
                i += 1
                newLine()
            } else if b == ASCII.cr {
                i += 1
                if i < n, p[i] == ASCII.lf { i += 1 }
                newLine()
            } else {
                return
            }
        }
    }

    @inline(__always)
    mutating func newLine() {
        line += 1
        lineStart = i
        continuationBytes = 0
    }

    // MARK: Document

    /// The root's index in `tree`, or nil for an empty input.
    mutating func parseDocument() throws -> UInt32? {
        skipWhitespace()
        if i >= n { return nil }
        let root = try parseValueTree()
        skipWhitespace()
        if i < n {
            throw fail("trailing content after JSON value")
        }
        return root
    }

    /// Parses one value, iteratively: containers are kept on an explicit stack.
    mutating func parseValueTree() throws -> UInt32 {
        var stack: [Frame] = []
        valueLoop: while true {
            skipWhitespace()
            guard i < n else { throw fail("unexpected end of input") }
            var node: UInt32
            let b = p[i]
            switch b {
            case ASCII.openBrace, ASCII.openBracket:
                let isObject = b == ASCII.openBrace
                if stack.count >= limits.maxDepth {
                    throw JSONFailure(
                        kind: .limit,
                        message: "nesting deeper than \(limits.maxDepth) levels (limit maxDepth; raise it under `limits:` in .iamlint.yml if the file is legitimate)",
                        range: SourceRange(position))
                }
                let start = position
                i += 1
                skipWhitespace()
                let close = isObject ? ASCII.closeBrace : ASCII.closeBracket
                if i < n, p[i] == close {
                    i += 1
                    let range = SourceRange(start: start, end: position)
                    node = isObject
                        ? tree.closeMapping(pendingFrom: tree.pendingEntries.count, range: range)
                        : tree.closeSequence(pendingFrom: tree.pendingItems.count, range: range)
                } else {
                    stack.append(Frame(isObject: isObject, start: start, pendingFrom: isObject ? tree.pendingEntries.count : tree.pendingItems.count))
                    if isObject {
                        guard i < n else { throw fail("unexpected end of input") }
                        guard p[i] == ASCII.quote else { throw unexpected("expected a string key or '}'") }
                        let (key, keyRange) = try parseString()
                        stack[stack.count - 1].pendingKey = key
                        stack[stack.count - 1].pendingKeyRange = keyRange
                        try expectColon()
                    }
                    continue valueLoop
                }
            case ASCII.quote:
                let (text, range) = try parseString()
                node = tree.addScalar(start: text.start, count: text.count, style: .doubleQuoted, range: range)
            case ASCII.minus, ASCII.zero...ASCII.nine:
                node = try parseNumber()
            case ASCII.lowerT:
                node = try parseLiteral("true")
            case ASCII.lowerF:
                node = try parseLiteral("false")
            case ASCII.lowerN:
                node = try parseLiteral("null")
            default:
                throw unexpected("expected a JSON value")
            }

            // Attach the finished node to its parent, closing containers as they end.
            while true {
                let top = stack.count - 1
                if top < 0 { return node }
                skipWhitespace()
                if stack[top].isObject {
                    let key = stack[top].pendingKey
                    tree.pendingEntries.append(EntryRecord(keyRange: stack[top].pendingKeyRange, keyStart: key.start, keyCount: key.count, value: node))
                    guard i < n else { throw fail("unexpected end of input") }
                    let c = p[i]
                    if c == ASCII.comma {
                        i += 1
                        skipWhitespace()
                        guard i < n else { throw fail("unexpected end of input") }
                        if p[i] == ASCII.closeBrace { throw fail("trailing comma before '}'") }
                        guard p[i] == ASCII.quote else { throw unexpected("expected a string key after ','") }
                        let (key, keyRange) = try parseString()
                        checkDuplicate(key, keyRange, in: &stack[top])
                        stack[top].pendingKey = key
                        stack[top].pendingKeyRange = keyRange
                        try expectColon()
                        continue valueLoop
                    } else if c == ASCII.closeBrace {
                        i += 1
                        let frame = stack.removeLast()
                        node = tree.closeMapping(pendingFrom: frame.pendingFrom, range: SourceRange(start: frame.start, end: position))
                    } else {
                        throw fail("expected ',' or '}' after object member")
                    }
                } else {
                    tree.pendingItems.append(node)
                    guard i < n else { throw fail("unexpected end of input") }
                    let c = p[i]
                    if c == ASCII.comma {
                        i += 1
                        skipWhitespace()
                        if i < n, p[i] == ASCII.closeBracket { throw fail("trailing comma before ']'") }
                        continue valueLoop
                    } else if c == ASCII.closeBracket {
                        i += 1
                        let frame = stack.removeLast()
                        node = tree.closeSequence(pendingFrom: frame.pendingFrom, range: SourceRange(start: frame.start, end: position))
                    } else {
                        throw fail("expected ',' or ']' after array element")
                    }
                }
            }
        }
    }

    mutating func expectColon() throws {
        skipWhitespace()
        guard i < n else { throw fail("unexpected end of input") }
        guard p[i] == ASCII.colon else { throw fail("expected ':' after object key") }
        i += 1
    }

    mutating func checkDuplicate(_ key: (start: UInt32, count: UInt32), _ keyRange: SourceRange, in frame: inout Frame) {
        guard let k = tree.firstPendingEntry(withKey: key.start, key.count, from: frame.pendingFrom, index: &frame.keyIndex) else { return }
        let first = tree.pendingEntries[k].keyRange
        let text = tree.string(key.start, key.count)
        diagnostics.append(ParseDiagnostic(
            kind: .duplicateKey(key: text, first: first),
            message: "duplicate key '\(text)' (first defined at line \(first.start.line), column \(first.start.column))",
            range: keyRange))
    }

    // MARK: Scalars

    mutating func parseLiteral(_ word: StaticString) throws -> UInt32 {
        let start = position
        let count = word.utf8CodeUnitCount
        let bytes = word.utf8Start
        var k = 0
        while k < count {
            guard i + k < n else {
                i += k
                throw fail("unexpected end of input")
            }
            if p[i + k] != bytes[k] {
                throw fail("invalid literal; expected 'true', 'false' or 'null'", at: start)
            }
            k += 1
        }
        let text = UInt32(truncatingIfNeeded: i)
        i += count
        return tree.addScalar(start: text, count: UInt32(count), style: .plain, range: SourceRange(start: start, end: position))
    }

    @inline(__always)
    func isDigit(_ b: UInt8) -> Bool { b >= ASCII.zero && b <= ASCII.nine }

    mutating func parseNumber() throws -> UInt32 {
        let start = position
        let from = i
        if p[i] == ASCII.minus { i += 1 }
        guard i < n else { throw fail("unexpected end of input") }
        if p[i] == ASCII.zero {
            i += 1
            if i < n, isDigit(p[i]) { throw fail("invalid number: leading zeros are not allowed") }
        } else if isDigit(p[i]) {
            while i < n, isDigit(p[i]) { i += 1 }
        } else {
            throw fail("invalid number: expected a digit")
        }
        if i < n, p[i] == ASCII.dot {
            i += 1
            guard i < n else { throw fail("unexpected end of input") }
            guard isDigit(p[i]) else { throw fail("invalid number: expected a digit after '.'") }
            while i < n, isDigit(p[i]) { i += 1 }
        }
        if i < n, p[i] == ASCII.lowerE || p[i] == ASCII.upperE {
            i += 1
            if i < n, p[i] == ASCII.plus || p[i] == ASCII.minus { i += 1 }
            guard i < n else { throw fail("unexpected end of input") }
            guard isDigit(p[i]) else { throw fail("invalid number: expected a digit in the exponent") }
            while i < n, isDigit(p[i]) { i += 1 }
        }
        return tree.addScalar(start: UInt32(truncatingIfNeeded: from), count: UInt32(i - from), style: .plain, range: SourceRange(start: start, end: position))
    }

    /// Validates and steps over one multibyte UTF-8 sequence at `i`; nil (and `i` unchanged) if invalid.
    @inline(__always)
    mutating func decodeMultibyte() -> Unicode.Scalar? {
        let b0 = p[i]
        var length: Int
        var value: UInt32
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: length = 2; value = UInt32(b0 & 0x1F)
        case 0xE0: length = 3; value = UInt32(b0 & 0x0F); low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3; value = UInt32(b0 & 0x0F)
        case 0xED: length = 3; value = UInt32(b0 & 0x0F); high = 0x9F
        case 0xF0: length = 4; value = UInt32(b0 & 0x07); low = 0x90
        case 0xF1...0xF3: length = 4; value = UInt32(b0 & 0x07)
        case 0xF4: length = 4; value = UInt32(b0 & 0x07); high = 0x8F
        default: return nil
        }
        guard i + length <= n else { return nil }
        for k in 1..<length {
            let b = p[i + k]
            if k == 1 {
                guard b >= low, b <= high else { return nil }
            } else {
                guard b & 0xC0 == 0x80 else { return nil }
            }
            value = (value << 6) | UInt32(b & 0x3F)
        }
        i += length
        continuationBytes += length - 1
        return Unicode.Scalar(value)
    }

    /// Parses a string starting at the opening quote at `i`; returns the span of its decoded text
    /// in `tree` (the input's own bytes when there is no escape) and the range of the quoted text
    /// (quotes included).
    mutating func parseString() throws -> ((start: UInt32, count: UInt32), SourceRange) {
        let start = position
        i += 1
        let contentStart = i
        // Fast path: no escapes.
        while i < n {
            i = nextSpecialByte(from: i)
            guard i < n else { break }
            let b = p[i]
            if b == ASCII.quote {
                let text = UInt32(truncatingIfNeeded: contentStart)
                let count = UInt32(i - contentStart)
                i += 1
                return ((text, count), SourceRange(start: start, end: position))
            }
            if b == ASCII.backslash { break }
            if b < 0x20 { throw fail("control character in string (\(describe(b)))") }
            if b < 0x80 {
                i += 1
            } else if decodeMultibyte() == nil {
                throw fail("invalid UTF-8")
            }
        }
        guard i < n else { throw fail("unterminated string", at: start) }

        // Slow path: decode escapes straight into the document's text.
        let textStart = tree.appendText(UnsafeBufferPointer(rebasing: p[contentStart..<i]))
        while i < n {
            let b = p[i]
            if b == ASCII.quote {
                i += 1
                let count = UInt32(truncatingIfNeeded: tree.text.count) - textStart
                return ((textStart, count), SourceRange(start: start, end: position))
            }
            if b == ASCII.backslash {
                let escapeStart = position
                i += 1
                guard i < n else { throw fail("unterminated string", at: start) }
                let e = p[i]
                switch e {
                case ASCII.quote, ASCII.backslash, ASCII.slash: tree.text.append(e); i += 1
                case ASCII.lowerB: tree.text.append(0x08); i += 1
                case ASCII.lowerF: tree.text.append(0x0C); i += 1
                case ASCII.lowerN: tree.text.append(0x0A); i += 1
                case ASCII.lowerR: tree.text.append(0x0D); i += 1
                case ASCII.lowerT: tree.text.append(0x09); i += 1
                case ASCII.lowerU:
                    i += 1
                    var scalar = try parseHex4(escapeStart: escapeStart)
                    if scalar >= 0xD800, scalar <= 0xDBFF {
                        // A high surrogate: combine with a following \uDC00-\uDFFF, else U+FFFD.
                        if i + 1 < n, p[i] == ASCII.backslash, p[i + 1] == ASCII.lowerU {
                            let saved = (i, continuationBytes)
                            let secondStart = position
                            i += 2
                            let low = try parseHex4(escapeStart: secondStart)
                            if low >= 0xDC00, low <= 0xDFFF {
                                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                (i, continuationBytes) = saved
                                scalar = 0xFFFD
                            }
                        } else {
                            scalar = 0xFFFD
                        }
                    } else if scalar >= 0xDC00, scalar <= 0xDFFF {
                        scalar = 0xFFFD
                    }
                    Self.appendUTF8(scalar, to: &tree.text)
                default:
                    var shown: String
                    if e >= 0x80 {
                        var probe = self
                        if let s = probe.decodeMultibyte() { shown = String(Character(s)) } else { throw fail("invalid UTF-8") }
                    } else if e < 0x20 || e == 0x7F {
                        shown = describe(e)
                        throw JSONFailure(kind: .syntax, message: "invalid escape: backslash followed by \(shown)", range: SourceRange(escapeStart))
                    } else {
                        shown = String(Character(Unicode.Scalar(e)))
                    }
                    throw JSONFailure(
                        kind: .syntax, message: "invalid escape '\\\(shown)'",
                        range: SourceRange(start: escapeStart, end: SourcePosition(line: escapeStart.line, column: escapeStart.column + 2)))
                }
                continue
            }
            if b < 0x20 { throw fail("control character in string (\(describe(b)))") }
            if b < 0x80 {
                tree.text.append(b)
                i += 1
            } else {
                let from = i
                guard decodeMultibyte() != nil else { throw fail("invalid UTF-8") }
                tree.text.append(contentsOf: UnsafeBufferPointer(rebasing: p[from..<i]))
            }
        }
        throw fail("unterminated string", at: start)
    }

    /// The first byte at or after `start` that a string's fast path must look at — a quote, a
    /// backslash, a control character or a byte outside ASCII — or the first of the last seven
    /// bytes, whichever comes first. Eight bytes at a time: every byte skipped is one the byte loop
    /// would have stepped over alone.
    @inline(__always)
    func nextSpecialByte(from start: Int) -> Int {
        guard let base = p.baseAddress else { return start }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var k = start
        while k + 8 <= n {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + k).loadUnaligned(as: UInt64.self))
            // A byte of `x` that is zero sets its high bit in `(x - ones) & ~x`; borrows only run
            // towards later bytes, so the first byte flagged is exact.
            let quotes = word ^ (ones &* UInt64(ASCII.quote))
            let backslashes = word ^ (ones &* UInt64(ASCII.backslash))
            let flagged = ((quotes &- ones) & ~quotes)
                | ((backslashes &- ones) & ~backslashes)
                | ((word &- ones &* 0x20) & ~word)  // below 0x20 (for an ASCII byte)
                | word  // outside ASCII
            let special = flagged & highs
            if special != 0 { return k + special.trailingZeroBitCount >> 3 }
            k += 8
        }
        return k
    }

    /// Reads four hex digits at `i` (after `\u`).
    mutating func parseHex4(escapeStart: SourcePosition) throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard i < n else { throw fail("unterminated string") }
            let h = p[i]
            let digit: UInt32
            switch h {
            case 0x30...0x39: digit = UInt32(h - 0x30)
            case 0x41...0x46: digit = UInt32(h - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(h - 0x61 + 10)
            default:
                throw JSONFailure(kind: .syntax, message: "invalid \\u escape: expected four hexadecimal digits", range: SourceRange(escapeStart))
            }
            value = value << 4 | digit
            i += 1
        }
        return value
    }

    static func appendUTF8(_ scalar: UInt32, to buffer: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            buffer.append(UInt8(scalar))
        case 0x80..<0x800:
            buffer.append(UInt8(0xC0 | (scalar >> 6)))
            buffer.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            buffer.append(UInt8(0xE0 | (scalar >> 12)))
            buffer.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            buffer.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            buffer.append(UInt8(0xF0 | (scalar >> 18)))
            buffer.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            buffer.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            buffer.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }
}
