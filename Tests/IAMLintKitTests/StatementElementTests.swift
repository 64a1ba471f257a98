import IAMLintCore
@testable import IAMLintRules
import IAMLintModel
import XCTest

/// IAM217 finds a statement's elements in one pass; each must be the entry
/// `Value.entry(caseInsensitive:)` gives, and unknown keys the ones `isElement` rejects.
final class StatementElementTests: XCTestCase {
    func testNamesMatchAsLowerCasedText() {
        XCTAssertEqual(InvalidPolicy.StatementElement(key: "Action"), .action)
        XCTAssertEqual(InvalidPolicy.StatementElement(key: "nOtAcTiOn"), .notAction)
        XCTAssertEqual(InvalidPolicy.StatementElement(key: "NOTPRINCIPAL"), .notPrincipal)
        XCTAssertEqual(InvalidPolicy.StatementElement(key: "sid"), .sid)
        XCTAssertNil(InvalidPolicy.StatementElement(key: "Actions"))
        XCTAssertNil(InvalidPolicy.StatementElement(key: "Act"))
        XCTAssertNil(InvalidPolicy.StatementElement(key: ""))
        XCTAssertNil(InvalidPolicy.StatementElement(key: "Äction"))
        for element in InvalidPolicy.StatementElement.allCases {
            XCTAssertEqual(InvalidPolicy.StatementElement(key: element.name), element)
            XCTAssertEqual(InvalidPolicy.StatementElement(key: element.name.uppercased()), element)
        }
    }

    func testOnePassAgreesWithCaseInsensitiveLookup() {
        let range = SourceRange(start: SourcePosition(line: 1, column: 1), end: SourcePosition(line: 1, column: 2))
        func entry(_ key: String, _ value: String) -> ValueEntry {
            ValueEntry(key: key, keyRange: range, value: .string(value, range))
        }
        let statement = Value.map([
            entry("Effect", "Allow"), entry("action", "s3:GetObject"), entry("ACTION", "s3:PutObject"),
            entry("Fn::If", "x"), entry("Ref", "y"), entry("Resources", "*"), entry("Resource", "*"),
        ], range)
        let elements = InvalidPolicy.StatementElements(statement)
        for element in InvalidPolicy.StatementElement.allCases {
            XCTAssertEqual(elements[element]?.value.text?.value, statement.entry(caseInsensitive: element.name)?.value.text?.value, element.name)
            XCTAssertEqual(elements[element]?.key, statement.entry(caseInsensitive: element.name)?.key, element.name)
        }
        XCTAssertEqual(elements.unknown.map(\.key), ["Resources"])
    }
}
