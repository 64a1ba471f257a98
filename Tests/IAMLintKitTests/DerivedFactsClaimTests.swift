import Foundation
import IAMLintKit
import IAMLintRules
import XCTest

/// The rules that say they ask for no derived facts (`Rule.asksDerivedFacts == false`) run after
/// the facts are released: one that asked anyway would compute a fact again (the assume steps of
/// an organisation cost as much as several rules). Each is run here alone on graphs where it
/// reports something — its own fail cases and the multi-account example — and must leave the
/// graph's facts as it found them: none.
final class DerivedFactsClaimTests: XCTestCase {
    func testRulesThatAskForNoFactsDeriveNone() throws {
        let claimants = RuleSet.builtIn.rules.filter { !type(of: $0.rule).asksDerivedFacts }
        XCTAssertGreaterThanOrEqual(claimants.count, 20)
        var graphs = 0
        var ranOnFindings = Set<String>()
        for folder in try FileManager.default.contentsOfDirectory(atPath: TestPaths.rules).sorted() {
            let fail = "\(TestPaths.rules)/\(folder)/fail"
            guard FileManager.default.fileExists(atPath: fail) else { continue }
            for name in try FileManager.default.contentsOfDirectory(atPath: fail).sorted() where !name.hasSuffix(".findings") {
                let graph = Linter().lintFixture("\(fail)/\(name)").graph
                graphs += 1
                for (metadata, rule) in claimants {
                    XCTAssertEqual(graph.derived.count, 0, "\(folder)/fail/\(name) before \(metadata.code)")
                    let found = rule.check(RuleContext(graph: graph, metadata: metadata))
                    if !found.isEmpty { ranOnFindings.insert(metadata.code) }
                    XCTAssertEqual(graph.derived.count, 0, "\(metadata.code) derived a fact on \(folder)/fail/\(name)")
                }
            }
        }
        XCTAssertGreaterThan(graphs, 50)
        // Each claimant was run on a graph where it reports: the claim was tried where the rule works.
        XCTAssertEqual(Set(claimants.map(\.metadata.code)).subtracting(ranOnFindings), [])
    }

    /// The check above can fail: a rule that asks for facts leaves some behind.
    func testARuleThatAsksForFactsLeavesThem() throws {
        let graph = Linter().lintFixture("\(TestPaths.packageRoot)/docs/examples/multi-account").graph
        XCTAssertEqual(graph.derived.count, 0, "the linter releases the facts once the rules have run")
        let (metadata, rule) = try XCTUnwrap(RuleSet.builtIn.rules.first { $0.metadata.code == "IAM101" })
        XCTAssertTrue(type(of: rule).asksDerivedFacts)
        _ = rule.check(RuleContext(graph: graph, metadata: metadata))
        XCTAssertGreaterThan(graph.derived.count, 0)
    }
}
