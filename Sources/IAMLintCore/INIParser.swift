/// A raw, positioned INI file as the AWS CLI and SDKs read `~/.aws/config` and `~/.aws/credentials`.
///
/// Section names and property keys are kept as written (trimmed); what they mean (profiles,
/// `sso-session`s, valid names, case) is decided by the AWS profile loader.
public struct INIFile: Sendable {
    public var sections: [INISection]
    public var diagnostics: [ParseDiagnostic]

    public init(sections: [INISection] = [], diagnostics: [ParseDiagnostic] = []) {
        self.sections = sections
        self.diagnostics = diagnostics
    }

    public var hasSyntaxError: Bool {
        diagnostics.contains { if case .syntax = $0.kind { return true } else { return false } }
    }
}

/// One `[name]` header and the properties under it (until the next header).
public struct INISection: Sendable {
    /// The trimmed text between `[` and `]`, e.g. `profile dev`.
    public var name: String
    /// The whole header, from `[` to just past `]`.
    public var range: SourceRange
    /// The trimmed name inside the brackets.
    public var nameRange: SourceRange
    public var properties: [INIProperty]

    public init(name: String, range: SourceRange, nameRange: SourceRange, properties: [INIProperty] = []) {
        self.name = name
        self.range = range
        self.nameRange = nameRange
        self.properties = properties
    }
}

/// One `key = value` line, with its continuation lines folded into `value` (joined with `\n`).
public struct INIProperty: Sendable {
    /// As written, trimmed.
    public var key: String
    /// Trimmed; continuation lines are appended trimmed, each after a `\n`. A property whose value
    /// is empty on its own line and continues with indented `key = value` lines (a nested section
    /// like `s3 =`) has the raw text here and the parsed lines in `subProperties`.
    public var value: String
    public var keyRange: SourceRange
    /// From the first character of the value to the end of its last continuation line. An empty
    /// value has an empty range just after the `=`.
    public var valueRange: SourceRange
    public var subProperties: [INIProperty]

    public init(key: String, value: String, keyRange: SourceRange, valueRange: SourceRange, subProperties: [INIProperty] = []) {
        self.key = key
        self.value = value
        self.keyRange = keyRange
        self.valueRange = valueRange
        self.subProperties = subProperties
    }
}

/// Parses AWS config/credentials INI text with the AWS SDKs' shared profile-file rules:
///
/// - Lines end at `\n`, `\r\n` or `\r`; a UTF-8 BOM is skipped. Blank lines are ignored everywhere
///   (they do not end a property's continuation).
/// - A line whose first non-blank character is `#` or `;` is a comment (as botocore reads it).
/// - A line starting with `[` is a section header. Everything from the first `#` or `;` on is a
///   comment; the rest, trimmed, must end with `]` ("Profile definition must end with ']'").
/// - A line starting with a space or tab continues the previous property: its trimmed text is
///   appended to the value after a `\n` (comment characters included). If the property's own value
///   was empty, continuation lines are sub-properties and must be `key = value`.
/// - Any other line is `key = value`: a `#` or `;` preceded by whitespace starts a comment (so
///   `value;x` keeps the `;x`); the first `=` splits key and value, both trimmed.
///
/// Errors are `.syntax` diagnostics at the offending position; the parse goes on with the next
/// line (lines that belong to a broken header or property are skipped without further errors).
public enum INIParser {
    public static func parse(_ text: String) -> INIFile {
        var parser = INIParserState(Array(text.utf8))
        parser.run()
        return INIFile(sections: parser.sections, diagnostics: parser.diagnostics)
    }
}

private struct INIParserState {
    let bytes: [UInt8]
    var sections: [INISection] = []
    var diagnostics: [ParseDiagnostic] = []

    // Current line.
    var lineNumber = 0
    var lineStart = 0
    var lineEnd = 0

    var currentSection: Int?
    /// Properties are being skipped because the header before them was broken (or missing and
    /// already reported).
    var skippingSection = false
    var currentProperty: Int?
    /// Continuation lines are being skipped because their property was broken.
    var skippingProperty = false
    var subPropertyMode = false

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let hash: UInt8 = 0x23
    static let semicolon: UInt8 = 0x3B
    static let openBracket: UInt8 = 0x5B
    static let closeBracket: UInt8 = 0x5D
    static let equals: UInt8 = 0x3D

    @inline(__always)
    static func isBlank(_ b: UInt8) -> Bool {
        b == space || b == tab || b == 0x0B || b == 0x0C
    }

    @inline(__always)
    static func isComment(_ b: UInt8) -> Bool { b == hash || b == semicolon }

    mutating func run() {
        var i = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        let n = bytes.count
        while i < n || (i == n && lineNumber == 0) {
            lineNumber += 1
            lineStart = i
            var end = i
            while end < n, bytes[end] != INIParserState.lf, bytes[end] != INIParserState.cr { end += 1 }
            lineEnd = end
            processLine()
            if end < n, bytes[end] == INIParserState.cr, end + 1 < n, bytes[end + 1] == INIParserState.lf {
                i = end + 2
            } else {
                i = end + 1
            }
            if i > n { break }
        }
    }

    // MARK: Positions

    func position(_ offset: Int) -> SourcePosition {
        var column = 1
        var k = lineStart
        while k < offset {
            if bytes[k] & 0xC0 != 0x80 { column += 1 }
            k += 1
        }
        return SourcePosition(line: lineNumber, column: column)
    }

    func range(_ from: Int, _ to: Int) -> SourceRange {
        SourceRange(start: position(from), end: position(to))
    }

    func text(_ from: Int, _ to: Int) -> String {
        String(decoding: bytes[from..<to], as: UTF8.self)
    }

    /// `from..<to` without leading and trailing blanks.
    func trimmed(_ from: Int, _ to: Int) -> (Int, Int) {
        var a = from
        var b = to
        while a < b, INIParserState.isBlank(bytes[a]) { a += 1 }
        while b > a, INIParserState.isBlank(bytes[b - 1]) { b -= 1 }
        return (a, b)
    }

    mutating func error(_ message: String, _ range: SourceRange) {
        diagnostics.append(ParseDiagnostic(kind: .syntax, message: message, range: range))
    }

    // MARK: Lines

    mutating func processLine() {
        let (contentStart, contentEnd) = trimmed(lineStart, lineEnd)
        if contentStart == contentEnd { return }                      // blank
        if INIParserState.isComment(bytes[contentStart]) { return }    // full-line comment
        let first = bytes[lineStart]
        if first == INIParserState.openBracket {
            header()
        } else if INIParserState.isBlank(first) {
            continuation(contentStart, contentEnd)
        } else {
            property()
        }
    }

    mutating func header() {
        currentProperty = nil
        skippingProperty = false
        subPropertyMode = false
        var end = lineStart + 1
        while end < lineEnd, !INIParserState.isComment(bytes[end]) { end += 1 }
        while end > lineStart, INIParserState.isBlank(bytes[end - 1]) { end -= 1 }
        guard end - 1 > lineStart, bytes[end - 1] == INIParserState.closeBracket else {
            error("Profile definition must end with ']'", SourceRange(position(end)))
            currentSection = nil
            skippingSection = true
            return
        }
        let (nameStart, nameEnd) = trimmed(lineStart + 1, end - 1)
        sections.append(INISection(
            name: text(nameStart, nameEnd),
            range: range(lineStart, end),
            nameRange: range(nameStart, nameEnd)))
        currentSection = sections.count - 1
        skippingSection = false
    }

    /// Reports a line outside any section (once until the next header) and skips it.
    mutating func outsideSection(_ from: Int, _ to: Int) {
        if !skippingSection {
            error("Expected a profile definition (a '[...]' section header) before this line", range(from, to))
            skippingSection = true
        }
        currentProperty = nil
        skippingProperty = true
    }

    mutating func property() {
        guard let section = currentSection else {
            let (a, b) = trimmed(lineStart, lineEnd)
            outsideSection(a, b)
            return
        }
        // A '#' or ';' after whitespace starts a comment.
        var end = lineStart
        while end < lineEnd {
            if INIParserState.isComment(bytes[end]), end > lineStart, INIParserState.isBlank(bytes[end - 1]) { break }
            end += 1
        }
        while end > lineStart, INIParserState.isBlank(bytes[end - 1]) { end -= 1 }
        var equals = lineStart
        while equals < end, bytes[equals] != INIParserState.equals { equals += 1 }
        guard equals < end else {
            error("Expected an '=' sign defining a property", range(lineStart, end))
            currentProperty = nil
            skippingProperty = true
            return
        }
        let (keyStart, keyEnd) = trimmed(lineStart, equals)
        guard keyStart < keyEnd else {
            error("Property did not have a name", range(equals, equals + 1))
            currentProperty = nil
            skippingProperty = true
            return
        }
        let (valueStart, valueEnd) = trimmed(equals + 1, end)
        let valueRange = valueStart < valueEnd ? range(valueStart, valueEnd) : range(equals + 1, equals + 1)
        sections[section].properties.append(INIProperty(
            key: text(keyStart, keyEnd),
            value: text(valueStart, valueEnd),
            keyRange: range(keyStart, keyEnd),
            valueRange: valueRange))
        currentProperty = sections[section].properties.count - 1
        skippingProperty = false
        subPropertyMode = valueStart == valueEnd
    }

    mutating func continuation(_ contentStart: Int, _ contentEnd: Int) {
        guard let section = currentSection else {
            outsideSection(contentStart, contentEnd)
            return
        }
        guard let property = currentProperty else {
            if !skippingProperty {
                error("Expected a property definition, found continuation line", range(contentStart, contentEnd))
                skippingProperty = true
            }
            return
        }
        let content = text(contentStart, contentEnd)
        let end = position(contentEnd)
        sections[section].properties[property].value += "\n" + content
        sections[section].properties[property].valueRange.end = end
        guard subPropertyMode else { return }

        var equals = contentStart
        while equals < contentEnd, bytes[equals] != INIParserState.equals { equals += 1 }
        guard equals < contentEnd else {
            error("Expected an '=' sign defining a sub-property", range(contentStart, contentEnd))
            return
        }
        let (keyStart, keyEnd) = trimmed(contentStart, equals)
        guard keyStart < keyEnd else {
            error("Sub-property did not have a name", range(equals, equals + 1))
            return
        }
        let (valueStart, valueEnd) = trimmed(equals + 1, contentEnd)
        let valueRange = valueStart < valueEnd ? range(valueStart, valueEnd) : range(equals + 1, equals + 1)
        sections[section].properties[property].subProperties.append(INIProperty(
            key: text(keyStart, keyEnd),
            value: text(valueStart, valueEnd),
            keyRange: range(keyStart, keyEnd),
            valueRange: valueRange))
    }
}
