import IAMLintCore
import XCTest

final class INIParserTests: XCTestCase {
    private func pos(_ line: Int, _ column: Int) -> SourcePosition { SourcePosition(line: line, column: column) }
    private func range(_ l1: Int, _ c1: Int, _ l2: Int, _ c2: Int) -> SourceRange {
        SourceRange(start: pos(l1, c1), end: pos(l2, c2))
    }

    private func parseClean(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> INIFile {
        let ini = INIParser.parse(text)
        XCTAssertEqual(ini.diagnostics, [], file: file, line: line)
        return ini
    }

    // MARK: Positions

    func testPositionsOfSectionsKeysAndValues() throws {
        let ini = parseClean("[profile dev]\nregion = us-west-2\n\n[ default ]\n  \nkey=\tvalue\t\n")
        XCTAssertEqual(ini.sections.count, 2)
        let dev = ini.sections[0]
        XCTAssertEqual(dev.name, "profile dev")
        XCTAssertEqual(dev.range, range(1, 1, 1, 14))
        XCTAssertEqual(dev.nameRange, range(1, 2, 1, 13))
        XCTAssertEqual(dev.properties.count, 1)
        XCTAssertEqual(dev.properties[0].key, "region")
        XCTAssertEqual(dev.properties[0].value, "us-west-2")
        XCTAssertEqual(dev.properties[0].keyRange, range(2, 1, 2, 7))
        XCTAssertEqual(dev.properties[0].valueRange, range(2, 10, 2, 19))

        let def = ini.sections[1]
        XCTAssertEqual(def.name, "default")
        XCTAssertEqual(def.range, range(4, 1, 4, 12))
        XCTAssertEqual(def.nameRange, range(4, 3, 4, 10))
        XCTAssertEqual(def.properties.map(\.key), ["key"])
        XCTAssertEqual(def.properties[0].keyRange, range(6, 1, 6, 4))
        XCTAssertEqual(def.properties[0].value, "value")
        XCTAssertEqual(def.properties[0].valueRange, range(6, 6, 6, 11))
    }

    func testMultibyteCharactersCountOneColumn() throws {
        let ini = parseClean("[profile \u{E9}t\u{E9}]\nname = \u{1F602} x # comment\nk\u{E9}y = v\n")
        XCTAssertEqual(ini.sections[0].name, "profile \u{E9}t\u{E9}")
        XCTAssertEqual(ini.sections[0].range, range(1, 1, 1, 14))
        let name = ini.sections[0].properties[0]
        XCTAssertEqual(name.value, "\u{1F602} x")
        XCTAssertEqual(name.valueRange, range(2, 8, 2, 11))
        let key = ini.sections[0].properties[1]
        XCTAssertEqual(key.key, "k\u{E9}y")
        XCTAssertEqual(key.keyRange, range(3, 1, 3, 4))
        XCTAssertEqual(key.valueRange, range(3, 7, 3, 8))
    }

    func testEmptyValueHasAnEmptyRangeAfterTheEquals() {
        let ini = parseClean("[a]\nname =\nother=  \n")
        XCTAssertEqual(ini.sections[0].properties[0].value, "")
        XCTAssertEqual(ini.sections[0].properties[0].valueRange, range(2, 7, 2, 7))
        XCTAssertEqual(ini.sections[0].properties[1].valueRange, range(3, 7, 3, 7))
    }

    // MARK: Comments

    func testComments() {
        let text = "# c\n; c\n[a] ; c\n  # indented comment\nk = v;x ; c\nk2 = v\t#c\nk3 = v#x\n[b]# adjacent\n[c];\n"
        let ini = parseClean(text)
        XCTAssertEqual(ini.sections.map(\.name), ["a", "b", "c"])
        XCTAssertEqual(ini.sections[0].range, range(3, 1, 3, 4))
        XCTAssertEqual(ini.sections[0].properties.map(\.value), ["v;x", "v", "v#x"])
        XCTAssertEqual(ini.sections[0].properties[0].valueRange, range(5, 5, 5, 8))
    }

    // MARK: Continuations and sub-properties

    func testContinuationLines() {
        let ini = parseClean("[a]\nk = v\n  more # not a comment\n\n\tlast \nnext = 1\n")
        let k = ini.sections[0].properties[0]
        XCTAssertEqual(k.value, "v\nmore # not a comment\nlast")
        XCTAssertEqual(k.valueRange, range(2, 5, 5, 6))
        XCTAssertEqual(k.subProperties.count, 0)
        XCTAssertEqual(ini.sections[0].properties[1].key, "next")
    }

    func testSubProperties() {
        let ini = parseClean("[services x]\ns3 =\n  endpoint_url = http://localhost\n\n  Other =\n  in valid = y\nregion = r\n")
        let s3 = ini.sections[0].properties[0]
        XCTAssertEqual(s3.value, "\nendpoint_url = http://localhost\nOther =\nin valid = y")
        XCTAssertEqual(s3.valueRange, range(2, 5, 6, 15))
        XCTAssertEqual(s3.subProperties.map(\.key), ["endpoint_url", "Other", "in valid"])
        XCTAssertEqual(s3.subProperties.map(\.value), ["http://localhost", "", "y"])
        XCTAssertEqual(s3.subProperties[0].keyRange, range(3, 3, 3, 15))
        XCTAssertEqual(s3.subProperties[0].valueRange, range(3, 18, 3, 34))
        XCTAssertEqual(s3.subProperties[1].valueRange, range(5, 10, 5, 10))
        XCTAssertEqual(ini.sections[0].properties[1].value, "r")
    }

    // MARK: Line endings and BOM

    func testCRLFAndCRLineEndings() {
        let crlf = parseClean("[a]\r\nk = v\r\n\r\nk2 = w\r\n")
        XCTAssertEqual(crlf.sections[0].properties.map(\.value), ["v", "w"])
        XCTAssertEqual(crlf.sections[0].properties[1].keyRange, range(4, 1, 4, 3))
        let cr = parseClean("[a]\rk = v\r  more\rk2 = w")
        XCTAssertEqual(cr.sections[0].properties.map(\.value), ["v\nmore", "w"])
        XCTAssertEqual(cr.sections[0].properties[1].keyRange, range(4, 1, 4, 3))
    }

    func testByteOrderMarkIsSkipped() {
        let ini = parseClean("\u{FEFF}[a]\nk = v\n")
        XCTAssertEqual(ini.sections.first?.name, "a")
        XCTAssertEqual(ini.sections.first?.range, range(1, 1, 1, 4))
    }

    func testEmptyInput() {
        XCTAssertEqual(parseClean("").sections.count, 0)
        XCTAssertEqual(parseClean("\n \n# only comments\n").sections.count, 0)
    }

    // MARK: Errors

    private func errors(_ text: String) -> [(String, SourcePosition)] {
        INIParser.parse(text).diagnostics.map {
            XCTAssertEqual($0.kind, .syntax)
            return ($0.message, $0.range.start)
        }
    }

    private func assertErrors(_ text: String, _ expected: [(String, Int, Int)], file: StaticString = #filePath, line: UInt = #line) {
        let actual = errors(text)
        XCTAssertEqual(actual.map(\.0), expected.map(\.0), text.debugDescription, file: file, line: line)
        XCTAssertEqual(actual.map(\.1), expected.map { pos($0.1, $0.2) }, text.debugDescription, file: file, line: line)
    }

    func testUnterminatedHeader() {
        assertErrors("[profile foo", [("Profile definition must end with ']'", 1, 13)])
        assertErrors("[profile foo] junk", [("Profile definition must end with ']'", 1, 19)])
        assertErrors("[", [("Profile definition must end with ']'", 1, 2)])
        // The broken section's properties are skipped quietly; the parse goes on after it.
        let ini = INIParser.parse("[profile foo\nk = v\n  cont\n[ok]\nx = 1\n")
        XCTAssertEqual(ini.diagnostics.count, 1)
        XCTAssertEqual(ini.sections.map(\.name), ["ok"])
        XCTAssertEqual(ini.sections[0].properties.map(\.key), ["x"])
    }

    func testPropertyOutsideASection() {
        let message = "Expected a profile definition (a '[...]' section header) before this line"
        assertErrors("k = v\nk2 = v2\n[a]\n", [(message, 1, 1)])
        assertErrors("\n   -continued", [(message, 2, 4)])
        XCTAssertEqual(INIParser.parse("k = v\n[a]\nx = 1").diagnostics.first?.range, range(1, 1, 1, 6))
    }

    func testBadPropertyLines() {
        assertErrors("[a]\nkey : value\n  cont\nx = 1", [("Expected an '=' sign defining a property", 2, 1)])
        assertErrors("[a]\n= v", [("Property did not have a name", 2, 1)])
        assertErrors("[a]\n\t = v", [("Expected a property definition, found continuation line", 2, 3)])
        assertErrors("[a]\nk = v\n[a]\n  cont\n  more", [("Expected a property definition, found continuation line", 4, 3)])
        // A comment cut before '=' leaves no '='.
        assertErrors("[a]\nkey # = value", [("Expected an '=' sign defining a property", 2, 1)])
        let ini = INIParser.parse("[a]\nkey : value\n  cont\nx = 1")
        XCTAssertEqual(ini.sections[0].properties.map(\.key), ["x"])
        XCTAssertTrue(ini.hasSyntaxError)
    }

    func testBadSubProperties() {
        assertErrors("[a]\ns3 =\n  bad\n  = v\n  ok = 1\n", [
            ("Expected an '=' sign defining a sub-property", 3, 3),
            ("Sub-property did not have a name", 4, 3),
        ])
        let ini = INIParser.parse("[a]\ns3 =\n  bad\n  ok = 1\n")
        XCTAssertEqual(ini.sections[0].properties[0].subProperties.map(\.key), ["ok"])
    }
}
