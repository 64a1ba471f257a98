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
        only.actions.append(PolicyText("s3:PutObject", range: range))  // a list replaced: a storage of its own
        XCTAssertEqual(only.derived(ActionCount.self) { $0.actions.count }, 2)
        only.isNotAction = true  // unique storage: changed in place
        XCTAssertEqual(only.derived(ActionNames.self) { $0.isNotAction ? ["not"] : [] }, ["not"])
    }

    /// `requiresMFA` tells keys apart by their length before comparing them: it answers as the
    /// lower-cased comparison of every key, operator and value.
    func testRequiresMFAAnswersAsTheLowerCasedComparison() {
        let keys = ["aws:MultiFactorAuthPresent", "AWS:multifactorauthpresent", "aws:MultiFactorAuthAge", "aws:multifactorauthage",
                    "aws:MultiFactorAuthPresent\u{301}", "aws:SourceIp", "", "aws:MultiFactorAuthPresenT ", "aws:MultiFactorAuthÅge", "aws:MultiFactorAuthA\u{E9}"]
        let ops = ["Bool", "bool", "BoolIfExists", "NumericLessThan", "numericlessthanequals", "NumericLessThanEqualsX", "Böol", "B\u{F6}l", ""]
        let values = [["true"], ["TRUE"], ["false"], ["false", "True"], [], ["true\u{301}"]]
        func reference(_ key: String, _ op: String, _ values: [String]) -> Bool {
            let eq = { (a: String, b: String) in a.lowercased() == b.lowercased() }
            if eq(key, "aws:MultiFactorAuthPresent") { return eq(op, "Bool") && values.contains { eq($0, "true") } }
            if eq(key, "aws:MultiFactorAuthAge") { return eq(op, "NumericLessThan") || eq(op, "NumericLessThanEquals") }
            return false
        }
        for key in keys {
            for op in ops {
                for texts in values {
                    let clause = ConditionClause(op: op, key: key, values: texts.map { PolicyText($0, range: range) }, range: range)
                    let statement = Statement(effect: .allow, actions: [], conditions: [clause],
                                              provenance: Provenance(file: "t.json", logicalPath: "Statement[0]", range: range))
                    XCTAssertEqual(statement.requiresMFA, reference(key, op, texts), "\(key) \(op) \(texts)")
                }
            }
        }
    }
}
