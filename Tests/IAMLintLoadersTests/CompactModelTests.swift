@testable import IAMLintCore
@testable import IAMLintLoaders
@testable import IAMLintModel
import XCTest

/// The compact forms of the model (shared logical paths, shared texts, one-pass statement
/// elements) must read exactly as the plain forms they replace.
final class CompactModelTests: XCTestCase {
    private let range = SourceRange.fileStart

    /// `Provenance.child` as it was: the path spelled at once.
    private func spelled(_ base: String, _ step: String) -> String {
        base.isEmpty ? step : "\(base).\(step)"
    }

    func testLogicalPathsSpellAsTheChainOfChildren() {
        let steps: [(String, Int?)] = [("Properties.Policies", 3), ("PolicyDocument", nil), ("", nil), ("Statement", 0),
                                      ("Condition.Bool", nil), ("", 2), ("x", Int(Int32.max) + 1), ("Résource", -1),
                                      ("AVeryLongKeyThatIsNotInline", 1_234_567), ("k", Int(Int32.min)), ("e\u{301}", 10)]
        let emptyFirst: [(String, Int?)] = [("", nil), ("", nil), ("a", nil), ("", nil), ("", -3), ("Statement", 15), ("b", 16)]
        for (base, steps) in [("", steps), ("Resources.Admin", steps), ("aws_iam_role.admin[\"a.b\"]", steps), ("", emptyFirst)] {
            var provenance = Provenance(file: "t.json", logicalPath: base, range: range)
            var expected = base
            for (key, index) in steps {
                if let index {
                    provenance = provenance.child(key, index: index, range: range)
                    expected = spelled(expected, "\(key)[\(index)]")
                } else {
                    provenance = provenance.child(key, range: range)
                    expected = spelled(expected, key)
                }
                XCTAssertEqual(Array(provenance.logicalPath.utf8), Array(expected.utf8))
            }
        }
    }

    func testProvenancesWithTheSameTextAreEqual() {
        let base = Provenance(file: "t.json", logicalPath: "Resources.A", range: range)
        let chained = base.child("Properties", range: range).child("Policies", index: 0, range: range)
        let flat = Provenance(file: "t.json", logicalPath: "Resources.A.Properties.Policies[0]", range: range)
        XCTAssertEqual(chained, flat)
        XCTAssertEqual(chained.hashValue, flat.hashValue)
        XCTAssertEqual(Set([chained, flat]).count, 1)
        XCTAssertNotEqual(chained, base.child("Properties.Policies[1]", range: range))
        var renamed = chained
        renamed.logicalPath = "Outputs"
        XCTAssertEqual(renamed.logicalPath, "Outputs")
        XCTAssertEqual(chained.logicalPath, "Resources.A.Properties.Policies[0]")
    }

    func testSharedTextsKeepEveryTextsOwnBytes() {
        var texts = SharedTexts()
        let long = "arn:aws:iam::123456789012:role/Admin"
        let first = texts.shared(String(decoding: Array(long.utf8), as: UTF8.self))
        let second = texts.shared(String(decoding: Array(long.utf8), as: UTF8.self))
        XCTAssertEqual(Array(first.utf8), Array(long.utf8))
        XCTAssertEqual(Array(second.utf8), Array(long.utf8))
        // Canonically equivalent but different bytes: each keeps its own.
        let composed = "arn:aws:s3:::caf\u{E9}-bucket-name"
        let decomposed = "arn:aws:s3:::cafe\u{301}-bucket-name"
        XCTAssertEqual(composed, decomposed)
        XCTAssertEqual(Array(texts.shared(composed).utf8), Array(composed.utf8))
        XCTAssertEqual(Array(texts.shared(decomposed).utf8), Array(decomposed.utf8))
        // Many distinct texts (the table grows) come back unchanged.
        for i in 0..<1000 {
            let text = "arn:aws:iam::123456789012:role/r-\(i)"
            XCTAssertEqual(texts.shared(text), text)
        }
        XCTAssertEqual(texts.shared("short"), "short")
        // The byte entry point finds the texts kept through either.
        let bytes = Array(long.utf8)
        XCTAssertEqual(bytes.withUnsafeBufferPointer { texts.shared($0) }, long)
        let decomposedBytes = Array(decomposed.utf8)
        XCTAssertEqual(Array(decomposedBytes.withUnsafeBufferPointer { texts.shared($0) }.utf8), decomposedBytes)
    }

    /// A resource's type is read on its bytes as `String` equality would decide it.
    func testResourceTypesAreClassifiedAsStringsCompare() throws {
        func type(_ yaml: String) throws -> CloudFormationLoader.ResourceType {
            let root = try XCTUnwrap(YAMLParser.parse(Array(yaml.utf8)).documents.first)
            return CloudFormationLoader.resourceType(root["Type"])
        }
        XCTAssertEqual(try type("Type: AWS::IAM::Role"), .read("AWS::IAM::Role"))
        XCTAssertEqual(try type("Type: AWS::IAM::OIDCProvider"), .read("AWS::IAM::OIDCProvider"))
        XCTAssertEqual(try type("Type: AWS::S3::Bucket"), .other)
        XCTAssertEqual(try type("Type: ~"), .missing)
        XCTAssertEqual(try type("Type: [AWS::IAM::Role]"), .missing)
        // U+212A KELVIN SIGN is canonically equivalent to K.
        XCTAssertEqual(try type("Type: \"AWS::IAM::Access\\u212Aey\""), .read("AWS::IAM::Access\u{212A}ey"))
    }

    /// Terraform addresses split the same on bytes (ASCII) and by characters (anything else).
    func testTerraformAddressesSplitAtDotsOutsideIndexesAndQuotes() {
        XCTAssertEqual(TerraformAddress.split("module.a[0].module.b.data.aws_iam_policy_document.d[\"k.x\"]"),
                       ["module", "a[0]", "module", "b", "data", "aws_iam_policy_document", "d[\"k.x\"]"])
        XCTAssertEqual(TerraformAddress.split("aws_iam_role.r[\"a\\\"].b\"]"), ["aws_iam_role", "r[\"a\\\"].b\"]"])
        XCTAssertEqual(TerraformAddress.split("a..b."), ["a", "", "b", ""])
        XCTAssertEqual(TerraformAddress.split(""), [""])
        // A dot followed by a combining mark is one character, not a separator.
        XCTAssertEqual(TerraformAddress.split("aws_iam_user.caf\u{E9}.x\u{301}y"), ["aws_iam_user", "caf\u{E9}", "x\u{301}y"])
        XCTAssertEqual(TerraformAddress.split("aws_iam_user.u.\u{301}"), ["aws_iam_user", "u.\u{301}"])
    }

    /// CloudFormation short tags are found on bytes as the dictionary finds them.
    func testShortTagsHaveTheirLongForms() {
        for (short, long) in YAMLParser.cloudFormationTags {
            XCTAssertEqual(YAMLParser.cloudFormationLongName(short), long)
        }
        XCTAssertNil(YAMLParser.cloudFormationLongName("!Custom"))
        XCTAssertNil(YAMLParser.cloudFormationLongName("!Re"))
        XCTAssertNil(YAMLParser.cloudFormationLongName("tag:yaml.org,2002:str"))
    }

    /// Parameters are found by name as a dictionary keyed by `String` would find them.
    func testEntriesAreFoundByNameAsStringsCompare() throws {
        let yaml = "A: 1\nB: 2\nA: 3\n\"Caf\\u00E9\": 4\n"
        let root = try XCTUnwrap(YAMLParser.parse(Array(yaml.utf8)).documents.first)
        let entries = try XCTUnwrap(root.entries)
        XCTAssertEqual(entries.last(named: "A")?.value.string, "3")
        XCTAssertEqual(entries.last(named: "B")?.value.string, "2")
        XCTAssertNil(entries.last(named: "C"))
        XCTAssertEqual(entries.last(named: "Cafe\u{301}")?.value.string, "4")
    }

    /// `PolicyParser.statement` finds each element as `Value.entry(caseInsensitive:)` does: the
    /// last entry whose key names it ignoring case, ASCII or not.
    func testStatementElementsAreFoundAsByCaseInsensitiveLookup() throws {
        func text(_ s: String) -> Value { .string(s, range) }
        let keys: [(String, Value)] = [
            ("effect", text("Deny")), ("EFFECT", text("Allow")), ("Action", text("s3:GetObject")), ("ACTION", text("s3:PutObject")),
            ("NotAction", text("iam:*")), ("resource", text("arn:aws:s3:::a")), ("R\u{E9}source", text("arn:aws:s3:::b")),
            ("SID", text("First")), ("Sid", text("Second")), ("Sİd", text("Dotted")), ("CONDITION", .map([
                ValueEntry(key: "Bool", keyRange: range, value: .map([ValueEntry(key: "aws:SecureTransport", keyRange: range, value: text("true"))], range)),
            ], range)), ("principal", .map([ValueEntry(key: "AWS", keyRange: range, value: text("*"))], range)),
        ]
        let value = Value.map(keys.map { ValueEntry(key: $0.0, keyRange: range, value: $0.1) }, range)
        let statement = try XCTUnwrap(PolicyParser.statement(value, provenance: Provenance(file: "t.json", logicalPath: "", range: range)))
        XCTAssertEqual(statement.effect, .allow)
        XCTAssertEqual(statement.actions.map(\.value), value.entry(caseInsensitive: "Action")?.value.texts.map(\.value))
        XCTAssertEqual(statement.actions.map(\.value), ["s3:PutObject"])
        XCTAssertFalse(statement.isNotAction)
        XCTAssertEqual(statement.resources.map(\.value), ["arn:aws:s3:::a"])
        XCTAssertEqual(statement.sid, value.entry(caseInsensitive: "Sid")?.value.text?.value)
        XCTAssertEqual(statement.conditions.map(\.key), ["aws:SecureTransport"])
        XCTAssertEqual(statement.principals.map(\.text.value), ["*"])
        for key in keys.map(\.0) {
            let element = StatementElements.element(named: key)
            let reference = StatementElements.Element.allCases.first { key.lowercased() == $0.name.lowercased() }
            XCTAssertEqual(element, reference, key)
        }
    }

    /// The committed-key prefilter finds `AKIA`/`ASIA` from their `I`: at either end of the
    /// source, next to other `I`s and `A`s, and not in near misses.
    func testKeyIDPrefilterFindsEveryPrefix() {
        func may(_ text: String) -> Bool { CommittedKeyScanner.sourceMayHoldKeyID(Array(text.utf8)) }
        for text in ["AKIA", "ASIA", "xAKIA", "AKIAx", "IIAKIA", "AASIA", "AAKIAA", "IAM AKIA", "AKI ASIA"] {
            XCTAssertTrue(may(text), text)
        }
        for text in ["AKI", "AKIB", "ABIA", "KIAA", "IAIA", "IAM::Role", "AKJA", "A KIA", "akia", "AS IA"] {
            XCTAssertFalse(may(text), text)
        }
    }
}
