import IAMLintCore
import IAMLintModel
import XCTest

/// `Statement.derived(_:compute:)` keeps a fact in the storage that copies of a statement share,
/// and forgets it when the statement changes.
final class StatementFactsTests: XCTestCase {
    private enum ActionNames: StatementFact { typealias Value = [String] }
    private enum ActionCount: StatementFact { typealias Value = Int }

    private let range = SourceRange(start: SourcePosition(line: 1, column: 1), end: SourcePosition(line: 1, column: 2))

    private func statement(_ actions: [String]) -> Statement {
        Statement(effect: .allow, actions: actions.map { PolicyText($0, range: range) },
                  provenance: Provenance(file: "t.json", logicalPath: "Statement[0]", range: range))
    }

    func testCopiesShareAFactComputedOnce() {
        let original = statement(["s3:GetObject", "s3:PutObject"])
        let copy = original
        var calls = 0
        let names = { (s: Statement) -> [String] in
            calls += 1
            return s.actions.map(\.value)
        }
        XCTAssertEqual(original.derived(ActionNames.self, compute: names), ["s3:GetObject", "s3:PutObject"])
        XCTAssertEqual(copy.derived(ActionNames.self, compute: names), ["s3:GetObject", "s3:PutObject"])
        XCTAssertEqual(calls, 1)
        // Another fact of the same statement is kept apart.
        XCTAssertEqual(copy.derived(ActionCount.self) { $0.actions.count }, 2)
        XCTAssertEqual(original.derived(ActionNames.self, compute: names), ["s3:GetObject", "s3:PutObject"])
        XCTAssertEqual(calls, 1)
    }

    func testChangingACopyLeavesTheOriginalsFact() {
        let original = statement(["s3:GetObject"])
        XCTAssertEqual(original.derived(ActionCount.self) { $0.actions.count }, 1)
        var changed = original
        changed.actions.append(PolicyText("s3:PutObject", range: range))
        XCTAssertEqual(changed.derived(ActionCount.self) { $0.actions.count }, 2)
        XCTAssertEqual(original.derived(ActionCount.self) { $0.actions.count }, 1)
    }

    func testChangingTheOnlyCopyForgetsItsFacts() {
        var only = statement(["s3:GetObject"])
        XCTAssertEqual(only.derived(ActionCount.self) { $0.actions.count }, 1)
        only.actions.append(PolicyText("s3:PutObject", range: range))  // unique storage: changed in place
        XCTAssertEqual(only.derived(ActionCount.self) { $0.actions.count }, 2)
        only.isNotAction = true
        XCTAssertEqual(only.derived(ActionNames.self) { $0.isNotAction ? ["not"] : [] }, ["not"])
    }
}
