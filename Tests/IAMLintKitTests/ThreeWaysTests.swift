import Foundation
import IAMLintCore
import IAMLintKit
import IAMLintModel
import XCTest

/// One IAM setup written three ways — a CloudFormation template, `terraform show -json` of the
/// applied state, and `terraform show -json` of the plan that creates it — gives one graph and one
/// set of findings.
///
/// The setup (Fixtures/three-ways, each folder with a `.iamlint.yml` naming account 123456789012):
/// user `alice` in group `admins`; the group's policy `assume-admin` allows `sts:AssumeRole` on
/// role `Admin`; the managed policy `admins-self-service` is attached to the group; `Admin` has
/// AdministratorAccess and trusts the account root without MFA (IAM101); `Deployer` trusts
/// ec2.amazonaws.com and has AdministratorAccess (IAM201).
///
/// Positions and logical locations differ per format (`Resources.AdminRole…` against
/// `aws_iam_role.admin.assume_role_policy`), so everything is compared as normalised tuples of
/// names, labels and messages.
final class ThreeWaysTests: XCTestCase {
    static let formats = ["cloudformation", "state", "plan"]

    /// Rules that only concern one way of writing the setup, and so rightly differ:
    /// IAM402 `hardcoded-iam-name` reports a template's fixed `RoleName`/`UserName`/… (a stack with
    /// them cannot be deployed twice in one account); Terraform always names its resources, so
    /// the same names in a state or plan are not findings.
    static let templateOnlyRules: Set<String> = ["IAM402"]

    private func lint(_ format: String) -> LintResult {
        var linter = Linter()
        linter.configuration.threads = 1
        return linter.lintFixture("\(TestPaths.packageRoot)/Tests/IAMLintKitTests/Fixtures/three-ways/\(format)")
    }

    /// What the comparison looks at, normalised to names and labels.
    private struct Summary: Equatable {
        var principals: [String] = []
        var accounts: [String] = []
        var memberships: [String] = []
        var grants: [String] = []
        var statements: [String] = []
        var administrators: [String] = []
        var trustEdges: [String] = []
        var assumeEdges: [String] = []
        var findings: [String] = []
        var graphEdges: [String] = []
    }

    private func summary(_ result: LintResult) -> Summary {
        let graph = result.graph
        var s = Summary()
        // Principals by kind and display name. Every principal has an explicit name in all three
        // files (`UserName`/`GroupName`/`RoleName`, Terraform `name`), so display names agree; without
        // one, CloudFormation would show the logical id (`AdminRole`) and Terraform the address
        // (`aws_iam_role.admin`), and those would have to be mapped.
        s.principals = graph.principals.indices.map { graph.describe($0) }.sorted()
        s.accounts = graph.principals.indices.map { "\(graph.describe($0)) in \(graph.accountID(of: $0) ?? "?")" }.sorted()
        for (i, p) in graph.principals.enumerated() where p.kind == .user {
            for g in graph.groups(ofUser: i) { s.memberships.append("\(p.displayName) member of \(graph.principals[g].displayName)") }
        }
        s.memberships.sort()
        for (i, grants) in graph.grants.enumerated() {
            for grant in grants {
                let via = grant.viaGroup.map { " via \(graph.principals[$0].displayName)" } ?? ""
                s.grants.append("\(graph.describe(i)): \(grant.label)\(via)")
                // The grant's statements as IAM reads them. CloudFormation `Resource: !GetAtt AdminRole.Arn`
                // and `!Sub …${AWS::AccountId}…` resolve to the configured account, so the ARNs are
                // literally the ones Terraform wrote.
                for statement in grant.document?.statements ?? [] {
                    let actions = statement.actions.map { $0.value.lowercased() }.sorted().joined(separator: ",")
                    let resources = statement.resources.map(\.value).sorted().joined(separator: ",")
                    s.statements.append("\(graph.describe(i)) / \(grant.label): \(statement.effect) \(actions) on \(resources)")
                }
            }
        }
        s.grants.sort()
        s.statements.sort()
        s.administrators = graph.principals.indices.filter { graph.isAdministratorEquivalent($0) }.map { graph.describe($0) }.sorted()
        s.trustEdges = graph.trustEdges.map { edge in
            "\(graph.describe(edge.role)) trusts \(edge.principal.identity)\(edge.statement.requiresMFA ? " with MFA" : " without MFA")"
        }.sorted()
        s.assumeEdges = graph.assumeEdges.map { "\(graph.describe($0.from)) may assume \(graph.describe($0.role))" }.sorted()
        s.findings = result.findings.filter { !Self.templateOnlyRules.contains($0.rule.code) }
            .map { "\($0.rule.code) \($0.severity) [\($0.subject)] \($0.message)" }.sorted()
        let export = GraphExport(graph: graph)
        let label = Dictionary(uniqueKeysWithValues: export.nodes.map { ($0.id, "\($0.kind.rawValue) \($0.label)\($0.isAdmin ? " (admin)" : "")") })
        s.graphEdges = export.edges.map { "\(label[$0.from] ?? $0.from) -\($0.kind.rawValue)[\($0.label)]-> \(label[$0.to] ?? $0.to)" }.sorted()
        return s
    }

    func testEachFormatLoadsCleanly() {
        for format in Self.formats {
            let result = lint(format)
            XCTAssertEqual(result.scannedFiles.count, 1, "\(format): \(result.scannedFiles)")
            XCTAssertTrue(result.graph.problems.isEmpty, "\(format): \(result.graph.problems.map(\.message))")
            XCTAssertEqual(result.findings.filter { $0.rule.code.hasPrefix("IAM0") }.map(\.message), [], format)
        }
    }

    /// The CloudFormation reading, spelled out, so that the comparison below cannot pass on three
    /// equally empty graphs.
    func testTheSetupAsExpected() {
        let s = summary(lint("cloudformation"))
        XCTAssertEqual(s.principals, ["group 'admins'", "role 'Admin'", "role 'Deployer'", "user 'alice'"])
        XCTAssertEqual(Set(s.accounts.map { $0.components(separatedBy: " in ").last ?? "" }), ["123456789012"])
        XCTAssertEqual(s.memberships, ["alice member of admins"])
        XCTAssertEqual(s.grants, [
            "group 'admins': policy 'admins-self-service'",
            "group 'admins': policy 'assume-admin'",
            "role 'Admin': AdministratorAccess",
            "role 'Deployer': AdministratorAccess",
            "user 'alice': policy 'admins-self-service' via admins",
            "user 'alice': policy 'assume-admin' via admins",
        ])
        XCTAssertTrue(s.statements.contains("user 'alice' / policy 'assume-admin': allow sts:assumerole on arn:aws:iam::123456789012:role/Admin"), "\(s.statements)")
        XCTAssertEqual(s.administrators, ["role 'Admin'", "role 'Deployer'"])
        XCTAssertEqual(s.trustEdges, [
            "role 'Admin' trusts account 123456789012 without MFA",
            "role 'Deployer' trusts service ec2.amazonaws.com without MFA",
        ])
        XCTAssertEqual(s.assumeEdges, ["user 'alice' may assume role 'Admin'"])
        XCTAssertEqual(s.findings, [
            "IAM101 error [Admin] role 'Admin' has administrator access (AdministratorAccess) and trusts account 123456789012 without requiring MFA",
            "IAM201 warning [Deployer] role 'Deployer', assumed by service ec2.amazonaws.com, is granted administrator access by AdministratorAccess; grant it to a role that people assume with MFA",
        ])
        XCTAssertTrue(s.graphEdges.contains("user alice -member-of[]-> group admins"), "\(s.graphEdges)")
        XCTAssertTrue(s.graphEdges.contains("account-root root -may-assume[no MFA]-> role Admin (admin)"), "\(s.graphEdges)")
    }

    func testStateAndPlanGiveTheSameGraphAndFindingsAsTheTemplate() {
        let template = summary(lint("cloudformation"))
        for format in ["state", "plan"] {
            let other = summary(lint(format))
            XCTAssertEqual(other.principals, template.principals, "\(format): principals")
            XCTAssertEqual(other.accounts, template.accounts, "\(format): accounts")
            XCTAssertEqual(other.memberships, template.memberships, "\(format): memberships")
            XCTAssertEqual(other.grants, template.grants, "\(format): grants")
            XCTAssertEqual(other.statements, template.statements, "\(format): statements")
            XCTAssertEqual(other.administrators, template.administrators, "\(format): administrators")
            XCTAssertEqual(other.trustEdges, template.trustEdges, "\(format): trust edges")
            XCTAssertEqual(other.assumeEdges, template.assumeEdges, "\(format): assume edges")
            XCTAssertEqual(other.findings, template.findings, "\(format): findings")
            XCTAssertEqual(other.graphEdges, template.graphEdges, "\(format): graph edges")
        }
    }

    func testTemplateOnlyRulesStayOutOfTheTerraformFormats() {
        for format in ["state", "plan"] {
            XCTAssertEqual(lint(format).findings.filter { Self.templateOnlyRules.contains($0.rule.code) }.map(\.message), [], format)
        }
    }

    /// Each finding points into its own file, at the element that says it: the trust statement
    /// (IAM101) and the grant of AdministratorAccess (IAM201) — for Terraform the
    /// `aws_iam_role_policy_attachment`, not the role's read-back `managed_policy_arns`.
    func testFindingsPointAtTheStatementThatSaysIt() {
        let expected: [String: [String]] = [
            "cloudformation": [
                "IAM101 iam.yaml Resources.AdminRole.Properties.AssumeRolePolicyDocument.Statement[0]",
                "IAM201 iam.yaml Resources.DeployerRole.Properties.ManagedPolicyArns[0]",
            ],
            "state": [
                "IAM101 terraform-state.json aws_iam_role.admin.assume_role_policy.Statement[0]",
                "IAM201 terraform-state.json aws_iam_role_policy_attachment.deployer_administrator",
            ],
            "plan": [
                "IAM101 terraform-plan.json aws_iam_role.admin.assume_role_policy.Statement[0]",
                "IAM201 terraform-plan.json aws_iam_role_policy_attachment.deployer_administrator",
            ],
        ]
        for format in Self.formats {
            let findings = lint(format).findings.filter { ["IAM101", "IAM201"].contains($0.rule.code) }
                .map { "\($0.rule.code) \($0.location.file) \($0.logicalLocation)" }
            XCTAssertEqual(findings, expected[format], format)
        }
    }
}
