import IAMLintCore
import IAMLintModel
import XCTest

final class UTF8SearchTests: XCTestCase {
    func testContainsUTF8() {
        XCTAssertTrue("arn:${AWS::Partition}:iam".containsUTF8("${"))
        XCTAssertTrue("${".containsUTF8("${"))
        XCTAssertTrue("abc".containsUTF8(""))
        XCTAssertTrue("".containsUTF8(""))
        XCTAssertFalse("".containsUTF8("*"))
        XCTAssertFalse("$ {".containsUTF8("${"))
        XCTAssertFalse("$".containsUTF8("${"))
        XCTAssertTrue("iam:Pass*".containsUTF8("*"))
        XCTAssertTrue("x.SecretAccessKey}".containsUTF8(".SecretAccessKey}"))
        XCTAssertFalse("x.SecretAccessKey".containsUTF8(".SecretAccessKey}"))
        XCTAssertTrue("ééstringnotequals".containsUTF8("not"))
        XCTAssertTrue("a:b*c".split(separator: ":")[1].containsUTF8("*"))
        XCTAssertFalse("a*:bc".split(separator: ":")[1].containsUTF8("*"))
        XCTAssertTrue("aaab".containsUTF8("aab"))
    }

    func testOffsetAndReplacement() {
        XCTAssertEqual("ec2.amazonaws.com".utf8Offset(of: ".amazonaws.com"), 3)
        XCTAssertEqual("é.amazonaws.com".utf8Offset(of: ".amazonaws.com"), 2)
        XCTAssertNil("ec2.amazonaws.co".utf8Offset(of: ".amazonaws.com"))
        XCTAssertEqual("arn:${AWS::Partition}:iam::${AWS::Partition}".replacingUTF8("${AWS::Partition}", with: "aws"), "arn:aws:iam::aws")
        XCTAssertEqual("${AWS::Partition}".replacingUTF8("${AWS::Partition}", with: "aws"), "aws")
        XCTAssertEqual("arn:aws:iam".replacingUTF8("${AWS::Partition}", with: "aws"), "arn:aws:iam")
        XCTAssertEqual("aaaa".replacingUTF8("aa", with: "b"), "bb")
    }

    func testByteSearchFromAnOffset() {
        let bytes = Array("a}b}c".utf8)
        bytes.withUnsafeBufferPointer { buffer in
            XCTAssertEqual(ByteSearch.firstIndex(of: UInt8(ascii: "}"), in: buffer, from: 0), 1)
            XCTAssertEqual(ByteSearch.firstIndex(of: UInt8(ascii: "}"), in: buffer, from: 2), 3)
            XCTAssertNil(ByteSearch.firstIndex(of: UInt8(ascii: "}"), in: buffer, from: 4))
            XCTAssertNil(ByteSearch.firstIndex(of: UInt8(ascii: "}"), in: buffer, from: 5))
            XCTAssertEqual(ByteSearch.firstIndex(of: Array("}c".utf8), in: buffer), 3)
        }
    }
}
