import Foundation
import IAMLintCatalogGen
import IAMLintCore
import IAMLintKit
import XCTest

/// Runs every `rules/<CODE>-<slug>/fail` and `pass` case: a fail case must produce exactly the
/// findings of its `.findings` file (rule, position and message), a pass case none of the rule's.
final class RuleExamplesTests: XCTestCase {
    func testEveryRuleExample() throws {
        let specs = try CatalogGenerator.loadSpecs(rulesDirectory: TestPaths.rules)
        XCTAssertFalse(specs.isEmpty)
        var cases = 0
        for spec in specs {
            XCTAssertTrue(spec.examples.contains(where: \.isFailing), "\(spec.code) has no fail/ example")
            XCTAssertTrue(spec.examples.contains { !$0.isFailing }, "\(spec.code) has no pass/ example")
            for example in spec.examples {
                cases += 1
                let path = "\(TestPaths.rules)/\(spec.folder)/\(example.isFailing ? "fail" : "pass")/\(example.name)"
                let result = Linter().lintFixture(path)
                let own = result.findings.filter { $0.rule.code == spec.code }
                let actual = own.map(TextReporter().line).joined()
                let expected = example.expectedFindings ?? ""
                XCTAssertEqual(actual, expected, "\(spec.folder)/\(example.isFailing ? "fail" : "pass")/\(example.name)")
                if example.isFailing {
                    XCTAssertFalse(own.isEmpty, "fail case \(spec.folder)/fail/\(example.name) produced no finding")
                }
            }
        }
        XCTAssertGreaterThan(cases, 0)
    }
}
