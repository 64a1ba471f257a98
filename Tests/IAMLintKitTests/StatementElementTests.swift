import IAMLintCore
@testable import IAMLintRules
import IAMLintModel
import XCTest

/// The policy parser and IAM217 find a statement's elements in one pass; each must be the entry
/// `Value.entry(caseInsensitive:)` gives, and the other keys the ones that name no element.
final class StatementElementTests: XCTestCase {
    func testNamesMatchAsLowerCasedText() {
        XCTAssertEqual(StatementElements.element(named: "Action"), .action)
        XCTAssertEqual(StatementElements.element(named: "nOtAcTiOn"), .notAction)
        XCTAssertEqual(StatementElements.element(named: "NOTPRINCIPAL"), .notPrincipal)
        XCTAssertEqual(StatementElements.element(named: "sid"), .sid)
        XCTAssertNil(StatementElements.element(named: "Actions"))
        XCTAssertNil(StatementElements.element(named: "Act"))
        XCTAssertNil(StatementElements.element(named: ""))
        XCTAssertNil(StatementElements.element(named: "Äction"))
        for element in StatementElements.Element.allCases {
            XCTAssertEqual(StatementElements.element(named: element.name), element)
            XCTAssertEqual(StatementElements.element(named: element.name.uppercased()), element)
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
        let elements = StatementElements(statement.mapEntries ?? [])
        for element in StatementElements.Element.allCases {
            XCTAssertEqual(elements[element]?.value.text?.value, statement.entry(caseInsensitive: element.name)?.value.text?.value, element.name)
            XCTAssertEqual(elements[element]?.key, statement.entry(caseInsensitive: element.name)?.key, element.name)
            XCTAssertEqual(elements.contains(element), elements[element] != nil, element.name)
            XCTAssertEqual(elements.keyRange(element), elements[element]?.keyRange, element.name)
        }
        XCTAssertEqual(elements.otherEntries.map(\.key), ["Fn::If", "Ref", "Resources"])
    }
}
