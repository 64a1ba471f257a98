import IAMLintCore
import XCTest

final class YAMLParserTests: XCTestCase {
    private func parse(_ text: String, limits: ParserLimits = .default) -> ParseResult {
        YAMLParser.parse(text, limits: limits)
    }

    func testKeysAndValuesKeepTheirOwnPositions() throws {
        let yaml = """
        Resources:
          Role:
            Type: AWS::IAM::Role
            Properties:
              RoleName: "Admin"
        """
        let root = try XCTUnwrap(parse(yaml).documents.first)
        let resources = try XCTUnwrap(root.entry("Resources"))
        XCTAssertEqual(resources.keyRange, SourceRange(start: .init(line: 1, column: 1), end: .init(line: 1, column: 10)))
        let name = try XCTUnwrap(root["Resources"]?["Role"]?["Properties"]?.entry("RoleName"))
        XCTAssertEqual(name.keyRange.start, SourcePosition(line: 5, column: 7))
        XCTAssertEqual(name.value.range.start, SourcePosition(line: 5, column: 17))
        XCTAssertEqual(name.value.range.end, SourcePosition(line: 5, column: 24))
        XCTAssertEqual(name.value.scalar, Scalar("Admin", style: .doubleQuoted))
    }

    func testColumnsCountCharactersNotBytes() throws {
        let root = try XCTUnwrap(parse("ünïcödé: x\nk: [a, ü, b]").documents.first)
        XCTAssertEqual(root.entry("ünïcödé")?.value.range.start, SourcePosition(line: 1, column: 10))
        let items = try XCTUnwrap(root["k"]?.items)
        XCTAssertEqual(items[2].range.start, SourcePosition(line: 2, column: 11))
    }

    func testVersionDateStaysAString() throws {
        let root = try XCTUnwrap(parse("Version: 2012-10-17\nCount: 010\nFlag: yes").documents.first)
        XCTAssertEqual(root["Version"]?.string, "2012-10-17")
        XCTAssertEqual(root["Count"]?.string, "010")
        XCTAssertEqual(root["Flag"]?.string, "yes")
    }

    func testShortTagsBecomeLongForms() throws {
        let yaml = """
        A: !Ref Param
        B: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"
        C: !GetAtt Role.Arn
        D: !GetAtt Bucket.Outputs.Name
        E: !If [Cond, x, !Ref AWS::NoValue]
        F: !Join ["", [a, b]]
        G: !Select [0, !Split [",", "a,b"]]
        H: !FindInMap [M, K1, K2]
        I: !ImportValue Shared
        J: !Condition IsProd
        K: !Base64 text
        L: !Custom keep
        """
        let root = try XCTUnwrap(parse(yaml).documents.first)
        XCTAssertEqual(root["A"]?["Ref"]?.string, "Param")
        XCTAssertEqual(root["B"]?["Fn::Sub"]?.string, "arn:${AWS::Partition}:iam::${AWS::AccountId}:root")
        XCTAssertEqual(root["C"]?["Fn::GetAtt"]?.items?.compactMap(\.string), ["Role", "Arn"])
        XCTAssertEqual(root["D"]?["Fn::GetAtt"]?.items?.compactMap(\.string), ["Bucket", "Outputs.Name"])
        XCTAssertEqual(root["E"]?["Fn::If"]?.items?.count, 3)
        XCTAssertEqual(root["E"]?["Fn::If"]?.items?[2]["Ref"]?.string, "AWS::NoValue")
        XCTAssertEqual(root["F"]?["Fn::Join"]?.items?.count, 2)
        XCTAssertNotNil(root["G"]?["Fn::Select"]?.items?[1]["Fn::Split"])
        XCTAssertEqual(root["H"]?["Fn::FindInMap"]?.items?.count, 3)
        XCTAssertEqual(root["I"]?["Fn::ImportValue"]?.string, "Shared")
        XCTAssertEqual(root["J"]?["Condition"]?.string, "IsProd")
        XCTAssertEqual(root["K"]?["Fn::Base64"]?.string, "text")
        XCTAssertEqual(root["L"]?.tag, "!Custom")
        XCTAssertEqual(root["L"]?.string, "keep")
        // The long form's key sits on the tag itself.
        XCTAssertEqual(root["A"]?.entry("Ref")?.keyRange, SourceRange(start: .init(line: 1, column: 4), end: .init(line: 1, column: 8)))
    }

    func testDuplicateKeyIsReportedAtTheSecondKey() throws {
        let result = parse("a: 1\nb: 2\na: 3\n")
        XCTAssertEqual(result.diagnostics.count, 1)
        let d = try XCTUnwrap(result.diagnostics.first)
        XCTAssertEqual(d.range.start, SourcePosition(line: 3, column: 1))
        XCTAssertEqual(d.kind, .duplicateKey(key: "a", first: SourceRange(start: .init(line: 1, column: 1), end: .init(line: 1, column: 2))))
        XCTAssertEqual(d.message, "duplicate key 'a' (first defined at line 1, column 1)")
        XCTAssertEqual(result.documents.first?.entries?.count, 3)
    }

    func testSyntaxErrorPosition() throws {
        let result = parse("Resources:\n  Role:\n    Type: AWS::IAM::Role\n   Bad: [\n")
        XCTAssertTrue(result.hasSyntaxError)
        XCTAssertTrue(result.documents.isEmpty)
        let d = try XCTUnwrap(result.diagnostics.first)
        XCTAssertEqual(d.range.start.line, 4)
    }

    func testMappingValuesNotAllowed() throws {
        let d = try XCTUnwrap(parse("key: value: other\n").diagnostics.first)
        XCTAssertEqual(d.kind, .syntax)
        XCTAssertEqual(d.range.start, SourcePosition(line: 1, column: 11))
        XCTAssertTrue(d.message.contains("mapping values are not allowed"), d.message)
    }

    func testAnchorsAliasesAndMergeKeys() throws {
        let yaml = """
        base: &base
          Effect: Allow
          Action: "*"
        copy: *base
        merged:
          <<: *base
          Action: s3:GetObject
        """
        let root = try XCTUnwrap(parse(yaml).documents.first)
        XCTAssertEqual(root["copy"]?["Effect"]?.string, "Allow")
        XCTAssertEqual(root["merged"]?["Effect"]?.string, "Allow")
        XCTAssertEqual(root["merged"]?["Action"]?.string, "s3:GetObject")
        XCTAssertEqual(root["copy"]?.range.start, SourcePosition(line: 4, column: 7))
    }

    /// Mappings past a dozen keys find repeats through a hash index; a nested mapping keeps its
    /// own; merged keys never replace the mapping's own and come after them, in merge order.
    func testDuplicatesAndMergesInLargeMappings() throws {
        var yaml = "base: &base\n"
        for i in 0 ..< 20 { yaml += "  m\(i): base\(i)\n" }
        yaml += "big:\n"
        for i in 0 ..< 15 { yaml += "  k\(i): \(i)\n" }
        yaml += "  inner:\n"
        for i in 0 ..< 14 { yaml += "    k\(i): inner\(i)\n" }
        yaml += "    k3: again\n"
        yaml += "  <<: *base\n"
        yaml += "  m5: own\n"
        yaml += "  k7: repeated\n"
        let result = parse(yaml)
        let root = try XCTUnwrap(result.documents.first)
        let repeats = result.diagnostics.compactMap { d -> String? in
            if case .duplicateKey(let key, let first) = d.kind { return "\(key)@\(d.range.start.line)<-\(first.start.line)" } else { return nil }
        }
        XCTAssertEqual(repeats, ["k3@53<-42", "k7@56<-30"])
        let big = try XCTUnwrap(root["big"]?.entries)
        XCTAssertEqual(big.count, 15 + 1 + 2 + 19)
        XCTAssertEqual(big.map(\.key).suffix(19), (0 ..< 20).filter { $0 != 5 }.map { "m\($0)" })
        XCTAssertEqual(root["big"]?["m5"]?.string, "own")
        XCTAssertEqual(root["big"]?["m6"]?.string, "base6")
        XCTAssertEqual(root["big"]?["k7"]?.string, "repeated")
        XCTAssertEqual(root["big"]?["inner"]?.entries?.count, 15)
        XCTAssertEqual(root["big"]?["inner"]?["k3"]?.string, "again")
    }

    /// Tags and anchors of nested collections stay with their own node; an alias shares its
    /// anchor's children (tag included) but has its own range.
    func testTagsAndAnchorsOfNestedCollections() throws {
        let yaml = """
        a: !Custom &x
          b: !Other [1, !Join [",", [p, q]]]
        c: *x
        """
        let root = try XCTUnwrap(parse(yaml).documents.first)
        XCTAssertEqual(root["a"]?.tag, "!Custom")
        XCTAssertEqual(root["a"]?["b"]?.tag, "!Other")
        XCTAssertEqual(root["a"]?["b"]?.items?[1]["Fn::Join"]?.items?[1].items?.compactMap(\.string), ["p", "q"])
        XCTAssertEqual(root["c"]?.tag, "!Custom")
        XCTAssertEqual(root["c"]?["b"]?.items?.count, 2)
        XCTAssertEqual(root["c"]?.range.start, SourcePosition(line: 3, column: 4))
        XCTAssertEqual(root["c"]?["b"]?.range.start, SourcePosition(line: 2, column: 6))
    }

    func testMergeOfAScalarIsAnError() throws {
        let d = try XCTUnwrap(parse("a: &x 1\nb:\n  <<: *x\n").diagnostics.first)
        XCTAssertEqual(d.kind, .syntax)
        XCTAssertTrue(d.message.contains("for merging"), d.message)
    }

    func testAliasBombIsBounded() throws {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            let refs = Array(repeating: "*\(previous)", count: 10).joined(separator: ", ")
            yaml += "\(name): &\(name) [\(refs)]\n"
            previous = name
        }
        let result = parse(yaml, limits: ParserLimits(maxDepth: 512, maxAliasExpansion: 10_000))
        XCTAssertTrue(result.documents.isEmpty)
        let d = try XCTUnwrap(result.diagnostics.first)
        XCTAssertEqual(d.kind, .limit)
        XCTAssertTrue(d.message.contains("maxAliasExpansion"), d.message)
    }

    func testDeepNestingHitsTheDepthLimit() throws {
        let deep = String(repeating: "[", count: 100_000)
        let result = parse(deep)
        XCTAssertTrue(result.documents.isEmpty)
        XCTAssertEqual(result.diagnostics.first?.kind, .limit)
    }

    func testUnknownAliasIsAnError() throws {
        let d = try XCTUnwrap(parse("a: *nowhere\n").diagnostics.first)
        XCTAssertEqual(d.kind, .syntax)
        XCTAssertEqual(d.message, "unknown alias '*nowhere'")
    }

    func testNonScalarKeyIsAnError() throws {
        let d = try XCTUnwrap(parse("? [a, b]\n: value\n").diagnostics.first)
        XCTAssertEqual(d.kind, .syntax)
        XCTAssertEqual(d.message, "mapping keys must be strings, found a list")
    }

    func testMultipleDocuments() throws {
        let result = parse("a: 1\n---\nb: 2\n")
        XCTAssertEqual(result.documents.count, 2)
        XCTAssertEqual(result.documents[1]["b"]?.string, "2")
        XCTAssertEqual(result.documents[1].range.start.line, 3)
    }

    func testInvalidUTF8IsASyntaxErrorWithPosition() throws {
        var bytes = Array("a: ok\nb: ".utf8)
        bytes += [0xFF, 0xFE, 0x41]
        let d = try XCTUnwrap(YAMLParser.parse(bytes).diagnostics.first)
        XCTAssertEqual(d.kind, .syntax)
        XCTAssertEqual(d.range.start.line, 2)
        XCTAssertTrue(d.message.contains("UTF-8"), d.message)
    }

    func testEmptyInputHasNoDocuments() {
        let result = parse("")
        XCTAssertTrue(result.documents.isEmpty)
        XCTAssertTrue(result.diagnostics.isEmpty)
    }

    func testNullsAndQuotedNulls() throws {
        let root = try XCTUnwrap(parse("a:\nb: ~\nc: ''\nd: null\n").documents.first)
        XCTAssertTrue(root["a"]?.isNull ?? false)
        XCTAssertTrue(root["b"]?.isNull ?? false)
        XCTAssertEqual(root["c"]?.string, "")
        XCTAssertTrue(root["d"]?.isNull ?? false)
    }
}
