import Foundation
import IAMLintCore
import XCTest

final class JSONParserTests: XCTestCase {
    private func pos(_ line: Int, _ column: Int) -> SourcePosition { SourcePosition(line: line, column: column) }
    private func range(_ l1: Int, _ c1: Int, _ l2: Int, _ c2: Int) -> SourceRange {
        SourceRange(start: pos(l1, c1), end: pos(l2, c2))
    }

    private func root(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> Node {
        let result = JSONParser.parse(text)
        XCTAssertEqual(result.diagnostics, [], file: file, line: line)
        XCTAssertEqual(result.documents.count, 1, file: file, line: line)
        return try XCTUnwrap(result.documents.first, file: file, line: line)
    }

    // MARK: Positions

    func testPositionsWithTabsAndMultibyteCharacters() throws {
        let text = "{\n\t\"name\": \"h\u{E9}llo\",\n\t\"n\": [1, -2.5e+3, true, null],\n\t\"\u{1F600}k\": {\"a\": false}\n}"
        let node = try root(text)
        XCTAssertEqual(node.range, range(1, 1, 5, 2))
        let entries = try XCTUnwrap(node.entries)
        XCTAssertEqual(entries.map(\.key), ["name", "n", "\u{1F600}k"])

        XCTAssertEqual(entries[0].keyRange, range(2, 2, 2, 8))
        XCTAssertEqual(entries[0].value.range, range(2, 10, 2, 17))
        XCTAssertEqual(entries[0].value.scalar, Scalar("h\u{E9}llo", style: .doubleQuoted))

        XCTAssertEqual(entries[1].keyRange, range(3, 2, 3, 5))
        let items = try XCTUnwrap(entries[1].value.items)
        XCTAssertEqual(entries[1].value.range, range(3, 7, 3, 31))
        XCTAssertEqual(items.map(\.range), [range(3, 8, 3, 9), range(3, 11, 3, 18), range(3, 20, 3, 24), range(3, 26, 3, 30)])
        XCTAssertEqual(items.compactMap(\.scalar), [
            Scalar("1", style: .plain), Scalar("-2.5e+3", style: .plain), Scalar("true", style: .plain), Scalar("null", style: .plain),
        ])
        XCTAssertTrue(items[3].isNull)

        XCTAssertEqual(entries[2].keyRange, range(4, 2, 4, 6))
        XCTAssertEqual(entries[2].value.range, range(4, 8, 4, 20))
        let inner = try XCTUnwrap(entries[2].value.entries)
        XCTAssertEqual(inner[0].keyRange, range(4, 9, 4, 12))
        XCTAssertEqual(inner[0].value.range, range(4, 14, 4, 19))
        XCTAssertEqual(inner[0].value.scalar, Scalar("false", style: .plain))
    }

    func testLineEndings() throws {
        let node = try root("[\r\n1,\r2,\n3\r\n,\"x\"]")
        let items = try XCTUnwrap(node.items)
        XCTAssertEqual(items.map(\.range.start), [pos(2, 1), pos(3, 1), pos(4, 1), pos(5, 2)])
        XCTAssertEqual(node.range, range(1, 1, 5, 6))
    }

    func testMultibyteInsideStringsAdvancesColumnsByScalar() throws {
        // é (2 bytes), € (3 bytes), 😀 (4 bytes): each one column.
        let node = try root("[\"\u{E9}\u{20AC}\u{1F600}\", 1]")
        let items = try XCTUnwrap(node.items)
        XCTAssertEqual(items[0].range, range(1, 2, 1, 7))
        XCTAssertEqual(items[1].range, range(1, 9, 1, 10))
    }

    func testEmptyContainersAndNesting() throws {
        let node = try root(" { \"a\" : { } , \"b\":[ ],\"c\":[[[]]] } ")
        XCTAssertEqual(node.range, range(1, 2, 1, 36))
        XCTAssertEqual(node["a"]?.entries?.count, 0)
        XCTAssertEqual(node["a"]?.range, range(1, 10, 1, 13))
        XCTAssertEqual(node["b"]?.items?.count, 0)
        XCTAssertEqual(node["c"]?.items?.first?.items?.first?.items?.count, 0)
    }

    func testScalarRoots() throws {
        XCTAssertEqual(try root("\"x\"").scalar, Scalar("x", style: .doubleQuoted))
        XCTAssertEqual(try root("  42 ").range, range(1, 3, 1, 5))
        XCTAssertEqual(try root("false").scalar, Scalar("false", style: .plain))
    }

    // MARK: Strings and numbers

    func testEveryEscapeAndSurrogatePairs() throws {
        let text = #"["\" \\ \/ \b \f \n \r \t", "\u0041\u00e9\u20AC\uD83D\uDE00", "\uD800x", "\uDC00", "\uD800\u0041", "\ud83d\ude00 tail", "a\u0000b"]"#
        let node = try root(text)
        let strings = try XCTUnwrap(node.items).map { $0.scalar?.text }
        XCTAssertEqual(strings, [
            "\" \\ / \u{08} \u{0C} \n \r \t",
            "A\u{E9}\u{20AC}\u{1F600}",
            "\u{FFFD}x",
            "\u{FFFD}",
            "\u{FFFD}A",
            "\u{1F600} tail",
            "a\u{0}b",
        ])
        XCTAssertEqual(node.items?[0].scalar?.style, .doubleQuoted)
        // The range covers the escaped source text.
        XCTAssertEqual(node.items?[1].range, range(1, 29, 1, 61))
    }

    func testNumbersKeepTheirSourceText() throws {
        let numbers = ["0", "-0", "1.50", "1e10", "1E-7", "-12.340e+05", "123456789012345678901234567890", "0.1e-0"]
        let node = try root("[" + numbers.joined(separator: ",") + "]")
        XCTAssertEqual(node.items?.map { $0.scalar }, numbers.map { Scalar($0, style: .plain) })
    }

    // MARK: BOM, empty input

    func testByteOrderMarkIsSkipped() throws {
        let result = JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("{\"a\": 1}".utf8))
        XCTAssertEqual(result.diagnostics, [])
        let node = try XCTUnwrap(result.documents.first)
        XCTAssertEqual(node.range, range(1, 1, 1, 9))
        XCTAssertEqual(node.entries?.first?.keyRange, range(1, 2, 1, 5))
        // Through a String too.
        XCTAssertEqual(JSONParser.parse("\u{FEFF}[1]").documents.first?.items?.first?.range, range(1, 2, 1, 3))
    }

    func testEmptyInputHasNoDocumentsAndNoDiagnostics() {
        for text in ["", " \n\t\r\n ", "\u{FEFF}", "\u{FEFF}  \n"] {
            let result = JSONParser.parse(text)
            XCTAssertEqual(result.documents.count, 0, text.debugDescription)
            XCTAssertEqual(result.diagnostics, [], text.debugDescription)
        }
    }

    // MARK: Duplicate keys

    func testDuplicateKeyIsReportedAtTheSecondKeyAndBothAreKept() throws {
        let result = JSONParser.parse("{\n  \"a\": 1,\n  \"b\": 2,\n  \"a\": 3\n}")
        XCTAssertEqual(result.diagnostics, [ParseDiagnostic(
            kind: .duplicateKey(key: "a", first: range(2, 3, 2, 6)),
            message: "duplicate key 'a' (first defined at line 2, column 3)",
            range: range(4, 3, 4, 6))])
        XCTAssertFalse(result.hasSyntaxError)
        let node = try XCTUnwrap(result.documents.first)
        XCTAssertEqual(node.entries?.map(\.key), ["a", "b", "a"])
        XCTAssertEqual(node["a"]?.scalar?.text, "3")
    }

    func testDuplicateKeysInLargeObjectsAndNestedObjects() throws {
        var members = (0..<40).map { "\"k\($0)\": \($0)" }
        members.append("\"k7\": 0")
        members.append("\"k39\": {\"x\": 1, \"x\": 2}")
        members.append("\"k7\": 1")
        let result = JSONParser.parse("{" + members.joined(separator: ", ") + "}")
        XCTAssertEqual(result.documents.count, 1)
        let keys = result.diagnostics.compactMap { d -> String? in
            if case .duplicateKey(let key, _) = d.kind { return key } else { return nil }
        }
        XCTAssertEqual(keys, ["k7", "k39", "x", "k7"])
        if case .duplicateKey(_, let first) = result.diagnostics[0].kind {
            XCTAssertEqual(first.start, pos(1, 2 + members[0..<7].map { $0.count + 2 }.reduce(0, +)))
        } else {
            XCTFail("not a duplicate-key diagnostic")
        }
    }

    // MARK: Syntax errors

    private func assertError(_ bytes: [UInt8], _ message: String, _ line: Int, _ column: Int,
                             file: StaticString = #filePath, sourceLine: UInt = #line) {
        let result = JSONParser.parse(bytes)
        XCTAssertEqual(result.documents.count, 0, "documents for \(String(decoding: bytes, as: UTF8.self).debugDescription)", file: file, line: sourceLine)
        XCTAssertEqual(result.diagnostics.count, 1, "\(result.diagnostics)", file: file, line: sourceLine)
        guard let d = result.diagnostics.first else { return }
        XCTAssertEqual(d.kind, .syntax, file: file, line: sourceLine)
        XCTAssertEqual(d.message, message, file: file, line: sourceLine)
        XCTAssertEqual(d.range.start, pos(line, column), "position of \(message)", file: file, line: sourceLine)
    }

    private func assertError(_ text: String, _ message: String, _ line: Int, _ column: Int,
                             file: StaticString = #filePath, sourceLine: UInt = #line) {
        assertError(Array(text.utf8), message, line, column, file: file, sourceLine: sourceLine)
    }

    func testSyntaxErrorsAndTheirPositions() {
        assertError(#"{"a": 1 "b": 2}"#, "expected ',' or '}' after object member", 1, 9)
        assertError("[1 2]", "expected ',' or ']' after array element", 1, 4)
        assertError(#"{"a" 1}"#, "expected ':' after object key", 1, 6)
        assertError("{1: 2}", "unexpected character '1'; expected a string key or '}'", 1, 2)
        assertError(#"{"a": 1, 2}"#, "unexpected character '2'; expected a string key after ','", 1, 10)
        assertError(#"{"a": 1,}"#, "trailing comma before '}'", 1, 9)
        assertError("[1,\n ]", "trailing comma before ']'", 2, 2)
        assertError(#""abc"#, "unterminated string", 1, 1)
        assertError("[\"abc\\", "unterminated string", 1, 2)
        assertError(#"["a\qb"]"#, #"invalid escape '\q'"#, 1, 4)
        assertError(#"["a\u12G4"]"#, #"invalid \u escape: expected four hexadecimal digits"#, 1, 4)
        assertError("[\"a\tb\"]", "control character in string (U+0009)", 1, 4)
        assertError("[\"a\nb\"]", "control character in string (U+000A)", 1, 4)
        assertError(#"{"a": "#, "unexpected end of input", 1, 7)
        assertError("[1,\n", "unexpected end of input", 2, 1)
        assertError(#"{"a""#, "unexpected end of input", 1, 5)
        assertError("{} x", "trailing content after JSON value", 1, 4)
        assertError("1 2", "trailing content after JSON value", 1, 3)
        assertError("[01]", "invalid number: leading zeros are not allowed", 1, 3)
        assertError("[-]", "invalid number: expected a digit", 1, 3)
        assertError("[1.]", "invalid number: expected a digit after '.'", 1, 4)
        assertError("[1e]", "invalid number: expected a digit in the exponent", 1, 4)
        assertError("[+1]", "unexpected character '+'; expected a JSON value", 1, 2)
        assertError("[tru]", "invalid literal; expected 'true', 'false' or 'null'", 1, 2)
        assertError("[NaN]", "unexpected character 'N'; expected a JSON value", 1, 2)
        assertError("// c\n{}", "unexpected character '/'; expected a JSON value", 1, 1)
        assertError("[\u{A0}1]", "unexpected character '\u{A0}' (U+00A0); expected a JSON value", 1, 2)
        assertError("{\n  \"a\": [1,\n    2\n  \n}", "expected ',' or ']' after array element", 5, 1)
        assertError("\t\t{\"\u{E9}\u{1F600}\" 1}", "expected ':' after object key", 1, 9)
    }

    func testInvalidUTF8() {
        assertError([0x5B, 0x22, 0xFF, 0x22, 0x5D], "invalid UTF-8", 1, 3)
        // é then a truncated two-byte sequence: the column counts é as one.
        assertError([0x5B, 0x22, 0xC3, 0xA9, 0xC3, 0x22, 0x5D], "invalid UTF-8", 1, 4)
        // An overlong encoding and an encoded surrogate are invalid too.
        assertError([0x22, 0xC0, 0xAF, 0x22], "invalid UTF-8", 1, 2)
        assertError([0x22, 0xED, 0xA0, 0x80, 0x22], "invalid UTF-8", 1, 2)
        assertError([0x5B, 0xFF, 0x5D], "invalid UTF-8", 1, 2)
    }

    // MARK: Depth limit

    func testDepthLimit() throws {
        let deep = [UInt8](repeating: 0x5B, count: 100_000)
        let result = JSONParser.parse(deep)
        XCTAssertEqual(result.documents.count, 0)
        XCTAssertEqual(result.diagnostics.count, 1)
        let d = try XCTUnwrap(result.diagnostics.first)
        XCTAssertEqual(d.kind, .limit)
        XCTAssertEqual(d.range.start, pos(1, 513))
        XCTAssertTrue(d.message.contains("512"), d.message)
        XCTAssertTrue(d.message.contains("maxDepth"), d.message)
        XCTAssertTrue(d.message.contains("limits:"), d.message)

        // Exactly at the limit is fine; one more is not.
        let atLimit = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        XCTAssertEqual(JSONParser.parse(atLimit).documents.count, 1)
        let objects = String(repeating: "{\"a\":", count: 513) + "1" + String(repeating: "}", count: 513)
        XCTAssertEqual(JSONParser.parse(objects).diagnostics.first?.kind, .limit)
        XCTAssertEqual(JSONParser.parse(objects, limits: ParserLimits(maxDepth: 1000)).documents.count, 1)
        XCTAssertEqual(JSONParser.parse("[[1]]", limits: ParserLimits(maxDepth: 1)).diagnostics.first?.range.start, pos(1, 2))
    }

    /// The parser is iterative: a high configured limit does not overflow the stack while parsing.
    /// (Freeing the tree is not recursive either: a file's nodes are a few flat arrays. Later
    /// tree walks do recurse, which is why `ParserLimits.maxSupportedDepth` bounds the limit.)
    func testHighConfiguredDepthDoesNotOverflowTheStack() {
        let depth = 10_000
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let result = JSONParser.parse(text, limits: ParserLimits(maxDepth: depth))
        XCTAssertEqual(result.documents.count, 1)
        XCTAssertEqual(result.diagnostics, [])
    }

    // MARK: Agreement with Foundation

    func testDecodedValuesAgreeWithFoundation() throws {
        let text = #"{"s": "a\"b\\c\/d\u00e9\uD83D\uDE00\n", "list": [1, 2.5, -3e2, true, false, null, {"k": "v"}], "e": {}}"#
        let node = try root(text)
        let foundation = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        XCTAssertEqual(node["s"]?.string, foundation["s"] as? String)
        XCTAssertEqual(node["list"]?.items?.count, (foundation["list"] as? [Any])?.count)
        XCTAssertEqual(node["list"]?.items?[6]["k"]?.string, "v")
    }
}
