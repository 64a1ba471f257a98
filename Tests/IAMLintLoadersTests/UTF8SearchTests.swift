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
}
