import Foundation
import IAMLintCore
@testable import IAMLintKit
import IAMLintModel
@testable import IAMLintRules
import XCTest

/// Custom rule packs: the rule-file reader's errors, each word of the match language on a small
/// multi-account graph, `iamlint test-rules` on the example pack, and custom findings in SARIF,
/// the baseline and suppressions.
final class CustomRulesTests: XCTestCase {
    // MARK: Helpers

    private func temporaryDirectory(_ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("iamlint-custom-\(UUID().uuidString)")
        for (path, content) in files {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: true, encoding: .utf8)
        }
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir.path
    }

    private static let header = """
    code: ORG900
    slug: test-rule
    title: A test rule
    severity: warning
    rationale: Because.
    remediation: Fix it.

    """

    /// A pack of one rule (ORG900) made of `body` (match and message) after the standard fields.
    private func pack(_ body: String) throws -> CustomRulePack {
        let dir = try temporaryDirectory(["ORG900-test-rule/rule.yml": Self.header + body])
        return try CustomRulePack.load(directory: dir)
    }

    /// The error a broken rule file gives, with the temporary folder left out of the path.
    private func loadError(_ body: String, header: String = CustomRulesTests.header) throws -> String {
        let dir = try temporaryDirectory(["ORG900-test-rule/rule.yml": header + body])
        do {
            _ = try CustomRulePack.load(directory: dir)
            XCTFail("expected an error for:\n\(body)")
            return ""
        } catch let error as CustomRuleError {
            return error.description.replacingOccurrences(of: dir + "/", with: "")
        }
    }

    /// The ORG900 findings of `body` on `files` (default: the scenario), as text lines.
    private func findings(_ body: String, files: [String: String]? = nil) throws -> [String] {
        let rulePack = try pack(body)
        let dir = try temporaryDirectory(files ?? Self.scenario)
        let result = try RulePackTester.lintExample(dir, pack: rulePack, enabling: "ORG900")
        return result.findings.filter { $0.rule.code == "ORG900" }.map { TextReporter().line($0).trimmingCharacters(in: .newlines) }
    }

    /// The subjects of the ORG900 findings, sorted: which entities matched.
    private func matched(_ match: String, message: String = "{kind} {name}") throws -> [String] {
        let lines = try findings("match:\n" + match.split(separator: "\n").map { "  \($0)" }.joined(separator: "\n") + "\nmessage: \"\(message)\"\n")
        return lines.map { line -> String in
            let afterSeverity = line.components(separatedBy: ": warning: ").last ?? line
            return afterSeverity.components(separatedBy: " [ORG900").first ?? afterSeverity
        }.sorted()
    }

    /// Two accounts: alice (identity) reaches the admin role `deep-admin` through `jump` without
    /// MFA; bob assumes `mfa-admin` with MFA; `passer` allows `iam:Pass*` and `s3:*` but denies
    /// `s3:Delete*`; a CLI profile uses `deep-admin` without `mfa_serial`.
    static let scenario: [String: String] = [
        ".iamlint.yml": """
        accounts:
          identity: {id: "111111111111", paths: ["identity/**", "aws/**"], identity: true}
          workload: {id: "222222222222", paths: ["workload/**"]}
        """,
        "identity/people.yaml": """
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Developers:
            Type: AWS::IAM::Group
            Properties:
              GroupName: Developers
              ManagedPolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]
          Alice:
            Type: AWS::IAM::User
            Properties:
              UserName: alice
              Groups: [Developers]
              Policies:
                - PolicyName: jump
                  PolicyDocument:
                    Version: "2012-10-17"
                    Statement:
                      - Effect: Allow
                        Action: sts:AssumeRole
                        Resource: arn:aws:iam::222222222222:role/jump
          Bob:
            Type: AWS::IAM::User
            Properties:
              UserName: bob
              Policies:
                - PolicyName: assume-with-mfa
                  PolicyDocument:
                    Version: "2012-10-17"
                    Statement:
                      - Effect: Allow
                        Action: sts:AssumeRole
                        Resource: "*"
                        Condition: {Bool: {aws:MultiFactorAuthPresent: "true"}}
        """,
        "workload/roles.yaml": """
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Jump:
            Type: AWS::IAM::Role
            Properties:
              RoleName: jump
              AssumeRolePolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - {Effect: Allow, Principal: {AWS: arn:aws:iam::111111111111:root}, Action: sts:AssumeRole}
              Policies:
                - PolicyName: onwards
                  PolicyDocument:
                    Version: "2012-10-17"
                    Statement:
                      - {Effect: Allow, Action: sts:AssumeRole, Resource: arn:aws:iam::222222222222:role/deep-admin}
          DeepAdmin:
            Type: AWS::IAM::Role
            Properties:
              RoleName: deep-admin
              PermissionsBoundary: arn:aws:iam::222222222222:policy/org/Boundary
              ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]
              AssumeRolePolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - {Effect: Allow, Principal: {AWS: arn:aws:iam::222222222222:role/jump}, Action: sts:AssumeRole}
          MfaAdmin:
            Type: AWS::IAM::Role
            Properties:
              RoleName: mfa-admin
              ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]
              AssumeRolePolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Principal: {AWS: arn:aws:iam::111111111111:root}
                    Action: sts:AssumeRole
                    Condition: {Bool: {aws:MultiFactorAuthPresent: "true"}}
          Passer:
            Type: AWS::IAM::Role
            Properties:
              RoleName: passer
              AssumeRolePolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
              Policies:
                - PolicyName: pass-and-s3
                  PolicyDocument:
                    Version: "2012-10-17"
                    Statement:
                      - {Effect: Allow, Action: ["iam:Pass*", "s3:*"], Resource: "*"}
                      - {Effect: Deny, Action: "s3:Delete*", Resource: "*"}
          Deploy:
            Type: AWS::IAM::Role
            Properties:
              RoleName: ci-deploy
              AssumeRolePolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Principal: {Federated: arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com}
                    Action: sts:AssumeRoleWithWebIdentity
                    Condition: {StringLike: {token.actions.githubusercontent.com:sub: "repo:example-org/*"}}
        """,
        "aws/config": """
        [default]
        region = eu-west-1

        [profile admin]
        role_arn = arn:aws:iam::222222222222:role/deep-admin
        source_profile = default

        [profile reader]
        role_arn = arn:aws:iam::222222222222:role/mfa-admin
        source_profile = default
        mfa_serial = arn:aws:iam::111111111111:mfa/bob
        """,
    ]

    // MARK: Rule files

    func testBrokenRuleFilesNameFileLineColumnAndWhatWasExpected() throws {
        XCTAssertEqual(
            try loadError("match:\n  role:\n    nmae: \"*-admin\"\nmessage: m\n"),
            "ORG900-test-rule/rule.yml:9:5: unknown property or predicate 'nmae' for role (did you mean 'name'?); expected one of: "
                + Vocabulary.words(for: [.role]).joined(separator: ", "))
        XCTAssertEqual(
            try loadError("match:\n  roles: {}\nmessage: m\n"),
            "ORG900-test-rule/rule.yml:8:3: unknown entity kind 'roles' in 'match' (did you mean 'role'?); expected account, user, group, role, policy, statement, trust-statement, profile and assume-edge")
        XCTAssertEqual(
            try loadError("match:\n  user:\n    trusted-accounts: \"*\"\nmessage: m\n"),
            "ORG900-test-rule/rule.yml:9:5: 'trusted-accounts' does not apply to user; it applies to role and trust-statement")
        XCTAssertEqual(
            try loadError("match:\n  role: {admin: maybe}\nmessage: m\n"),
            "ORG900-test-rule/rule.yml:8:17: 'admin' takes true or false, not 'maybe'")
        XCTAssertEqual(
            try loadError("match:\n  role: {tags: {team: platform}}\nmessage: m\n"),
            "ORG900-test-rule/rule.yml:8:10: 'tags' is not supported: iamlint does not read resource tags into its model yet")
        XCTAssertEqual(
            try loadError("match:\n  role:\n    reachable-from: {policy: {}}\nmessage: m\n"),
            "ORG900-test-rule/rule.yml:9:22: 'reachable-from' cannot select policy; it selects user and role")
        XCTAssertEqual(
            try loadError("match:\n  role: {allowed-actions: PassRole}\nmessage: m\n"),
            "ORG900-test-rule/rule.yml:8:27: 'PassRole' is not an IAM action pattern; expected service:action, e.g. iam:PassRole or s3:Get*")
        XCTAssertEqual(
            try loadError("match:\n  statement:\n    condition: {kye: aws:SourceIp}\nmessage: m\n"),
            "ORG900-test-rule/rule.yml:9:17: unknown key 'condition.kye' (did you mean 'key'?); expected key, operator or values")
        XCTAssertEqual(
            try loadError("match:\n  trust-statement:\n    role: \"ci-*\"\nmessage: m\n"),
            "ORG900-test-rule/rule.yml:9:11: 'role' leads to the role and takes a condition on it (a mapping such as `{name: \"ci-*\"}`), not a string")
        XCTAssertEqual(
            try loadError("match:\n  role: {}\nmessage: \"role {nmae} is bad\"\n"),
            "ORG900-test-rule/rule.yml:9:16: unknown placeholder {nmae} (did you mean 'name'?); expected a property such as {name} or {account}")
        XCTAssertEqual(
            try loadError("match:\n  user: {}\nmessage: \"{trusted-accounts}\"\n"),
            "ORG900-test-rule/rule.yml:9:11: placeholder {trusted-accounts} is not defined for user")
        XCTAssertEqual(
            try loadError("match:\n  role: {}\nmessage: \"{reachable-from}\"\n"),
            "ORG900-test-rule/rule.yml:9:11: {reachable-from} names who reaches the entity: the match needs a reachable-from test")
        XCTAssertEqual(
            try loadError("match:\n  role: {name: [a, b}\nmessage: m\n").hasPrefix("ORG900-test-rule/rule.yml:8:21: "), true)
        XCTAssertEqual(try loadError("message: m\n"), "ORG900-test-rule/rule.yml:1:1: missing field 'match'")
        XCTAssertEqual(
            try loadError("implementation: Foo\nmatch: {role: {}}\nmessage: m\n"),
            "ORG900-test-rule/rule.yml:7:1: a custom rule has no 'implementation': its 'match' section says what it finds")
    }

    func testCodesAndSlugsAreChecked() throws {
        let body = "match: {role: {}}\nmessage: m\n"
        XCTAssertEqual(
            try loadError(body, header: Self.header.replacingOccurrences(of: "code: ORG900", with: "code: IAM900")),
            "ORG900-test-rule/rule.yml:1:7: code 'IAM900': the IAM prefix belongs to iamlint's built-in rules; use your organisation's own, e.g. ORG001")
        XCTAssertEqual(
            try loadError(body, header: Self.header.replacingOccurrences(of: "code: ORG900", with: "code: org900")),
            "ORG900-test-rule/rule.yml:1:7: code 'org900' must be an upper-case prefix and three or four digits, e.g. ORG001")
        XCTAssertEqual(
            try loadError(body, header: Self.header.replacingOccurrences(of: "slug: test-rule", with: "slug: admin-role-without-mfa")),
            "ORG900-test-rule/rule.yml:2:7: slug 'admin-role-without-mfa' is already taken by IAM101 admin-role-without-mfa")
        XCTAssertEqual(
            try loadError(body, header: Self.header.replacingOccurrences(of: "slug: test-rule", with: "slug: other")),
            "ORG900-test-rule/rule.yml:1:1: the rule's folder must be named 'ORG900-other', not 'ORG900-test-rule'")
        XCTAssertEqual(
            try loadError(body, header: Self.header.replacingOccurrences(of: "severity: warning", with: "severity: fatal")),
            "ORG900-test-rule/rule.yml:4:11: severity must be error, warning or note")
    }

    func testConfigurationLoadsPacksBeforeCheckingRuleNames() throws {
        let dir = try temporaryDirectory([
            "pack/ORG900-test-rule/rule.yml": Self.header + "match: {role: {}}\nmessage: \"role {name}\"\n",
            ".iamlint.yml": "rules:\n  ORG900: error\nignore:\n  - {rule: test-rule, path: \"legacy/**\"}\nrulePacks: [pack]\n",
        ])
        let configuration = try ConfigurationFile.load(path: "\(dir)/.iamlint.yml")
        XCTAssertEqual(configuration.rulePacks.map(\.rules.count), [1])
        XCTAssertEqual(configuration.ruleSet.metadata(named: "test-rule")?.code, "ORG900")
        XCTAssertEqual(configuration.severities["ORG900"], .error)

        try "rulePacks: [missing]\n".write(toFile: "\(dir)/.iamlint.yml", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ConfigurationFile.load(path: "\(dir)/.iamlint.yml")) { error in
            XCTAssertEqual("\(error)", "\(dir)/missing: no such rule pack folder (rule pack 'missing' named at \(dir)/.iamlint.yml:1:13)")
        }
    }

    // MARK: The language

    func testPropertiesAndGlobs() throws {
        XCTAssertEqual(try matched("role: {name: [\"*-ADMIN\", jump]}"), ["role deep-admin", "role jump", "role mfa-admin"])
        XCTAssertEqual(try matched("role: {permissions-boundary: \"arn:aws:iam::*:policy/org/*\"}"), ["role deep-admin"])
        XCTAssertEqual(try matched("role:\n  name: \"*admin\"\n  not: {permissions-boundary: \"*\"}"), ["role mfa-admin"])
        XCTAssertEqual(try matched("user: {identity-account: true, groups: developers}"), ["user alice"])
        XCTAssertEqual(try matched("user: {attached-policies: ReadOnlyAccess}"), ["user alice"])
        XCTAssertEqual(try matched("role: {attached-policies: AdministratorAccess, account-name: workload}"), ["role deep-admin", "role mfa-admin"])
        XCTAssertEqual(try matched("group: {members: [alice]}"), ["group Developers"])
        XCTAssertEqual(try matched("role: {trusted-accounts: {only: [\"111111111111\"]}, trusted-services: {only: []}, not: {trusted-federated: \"*\"}}"),
                       ["role jump", "role mfa-admin"])
        XCTAssertEqual(try matched("role: {trusted-services: lambda.amazonaws.com}"), ["role passer"])
        XCTAssertEqual(try matched("role: {mfa-required: true}"), ["role mfa-admin"])
        XCTAssertEqual(try matched("statement: {conditions: aws:multifactorauthpresent}", message: "{policy.name} {effect}"), ["assume-with-mfa Allow"])
        XCTAssertEqual(try matched("policy: {attached-to: {name: alice}}"), ["policy jump"])
        XCTAssertEqual(try matched("statement: {effect: deny, policy: {inline: true}}", message: "{name} {actions}"), ["pass-and-s3 s3:Delete*"])
    }

    func testAnyAllNot() throws {
        XCTAssertEqual(try matched("role:\n  any:\n    - {name: jump}\n    - {name: passer}"), ["role jump", "role passer"])
        XCTAssertEqual(try matched("role:\n  all:\n    - {name: \"*admin\"}\n    - not: {name: deep-*}"), ["role mfa-admin"])
        XCTAssertEqual(try matched("user: {}\ngroup: {}"), ["group Developers", "user alice", "user bob"])
    }

    func testAdminAndAllowedActionsAfterWildcardExpansion() throws {
        XCTAssertEqual(try matched("role: {admin: true}"), ["role deep-admin", "role mfa-admin"])
        XCTAssertEqual(try matched("role: {allowed-actions: iam:PassRole}"), ["role deep-admin", "role mfa-admin", "role passer"])
        // The unconditional Deny of s3:Delete* takes DeleteObject away from passer.
        XCTAssertEqual(try matched("role: {allowed-actions: s3:DeleteObject}"), ["role deep-admin", "role mfa-admin"])
        XCTAssertEqual(try matched("role: {allowed-actions: \"s3:Get*\", not: {admin: true}}"), ["role passer"])
        XCTAssertEqual(try matched("role:\n  allowed-actions: \"*\"\n  not: {allowed-actions: {only: [\"iam:PassRole\", \"s3:*\"]}}"),
                       ["role deep-admin", "role jump", "role mfa-admin"])
        XCTAssertEqual(try matched("user: {allowed-actions: \"sts:assume*\"}"), ["user alice", "user bob"])
        XCTAssertEqual(try matched("statement: {allowed-actions: \"iam:*\"}", message: "{name}"), ["pass-and-s3"])
    }

    func testConditionClauses() throws {
        XCTAssertEqual(
            try matched("trust-statement:\n  condition: {key: aws:MultiFactorAuthPresent, operator: Bool, values: \"true\"}", message: "{role.name}"),
            ["mfa-admin"])
        XCTAssertEqual(
            try matched("trust-statement:\n  condition:\n    key: token.actions.githubusercontent.com:sub\n    values: {only: \"repo:example-org/*\"}", message: "{role.name}"),
            ["ci-deploy"])
        XCTAssertEqual(
            try matched("trust-statement:\n  condition:\n    key: token.actions.githubusercontent.com:sub\n    values: {only: \"repo:other-org/*\"}", message: "{role.name}"),
            [])
    }

    func testReachableFromFollowsAssumeStepsTransitively() throws {
        XCTAssertEqual(try matched("role: {reachable-from: {user: {}}}"), ["role deep-admin", "role jump", "role mfa-admin"])
        XCTAssertEqual(try matched("role: {reachable-from: {user: {}, without-mfa: true}}"), ["role deep-admin", "role jump"])
        // bob needs MFA for every step, but reaches jump (and so deep-admin) as well as mfa-admin.
        XCTAssertEqual(try matched("role: {reachable-from: {user: {name: bob}}}"), ["role deep-admin", "role jump", "role mfa-admin"])
        XCTAssertEqual(try matched("role: {reachable-from: {user: {name: bob}, without-mfa: true}}"), [])
        XCTAssertEqual(try matched("role: {reachable-from: {role: {name: jump}}}"), ["role deep-admin"])
        let lines = try findings("""
        match:
          role:
            admin: true
            reachable-from: {user: {identity-account: true}, without-mfa: true}
        message: "admin role '{name}' can be reached without MFA from {reachable-from}"
        """)
        XCTAssertEqual(lines, [
            "workload/roles.yaml:17:3: warning: admin role 'deep-admin' can be reached without MFA from user 'alice' through role 'jump' [ORG900 test-rule]",
        ])
        let rulePack = try pack("match:\n  role:\n    reachable-from: {user: {}, without-mfa: true}\n    admin: true\nmessage: m\n")
        let dir = try temporaryDirectory(Self.scenario)
        let result = try RulePackTester.lintExample(dir, pack: rulePack, enabling: "ORG900")
        let finding = try XCTUnwrap(result.findings.first { $0.rule.code == "ORG900" })
        XCTAssertEqual(finding.related.map { "\($0.location): \($0.message)" }, [
            "workload/roles.yaml:10:13: user 'alice' may assume role 'jump' without MFA",
            "workload/roles.yaml:26:13: role 'jump' may assume role 'deep-admin' without MFA",
        ])
    }

    func testTrustedBy() throws {
        XCTAssertEqual(try matched("user: {trusted-by: {role: {admin: true}}}"), ["user alice", "user bob"])
        XCTAssertEqual(try matched("role: {trusted-by: {role: {admin: true}}}"), ["role jump"])
        XCTAssertEqual(try matched("user: {trusted-by: {trust-statement: {not: {mfa-required: true}}}}"), ["user alice", "user bob"])
        XCTAssertEqual(try matched("user: {trusted-by: {trust-statement: {mfa-required: true}}}", message: "{name} trusted by {trusted-by}"),
                       ["alice trusted by role 'mfa-admin'", "bob trusted by role 'mfa-admin'"])
        // A configured account is reported at its entry in .iamlint.yml.
        XCTAssertEqual(try findings("match:\n  account: {trusted-by: {role: {name: jump}}}\nmessage: \"account {name} ({id}) is trusted by {trusted-by}\"\n"), [
            ".iamlint.yml:2:3: warning: account identity (111111111111) is trusted by role 'jump' [ORG900 test-rule]",
        ])
    }

    func testAssumeEdgesProfilesAndPositions() throws {
        XCTAssertEqual(try findings("match:\n  assume-edge: {mfa-required: false, cross-account: true}\nmessage: \"{from.name} may become {to.name}\"\n"), [
            "identity/people.yaml:18:17: warning: alice may become jump [ORG900 test-rule]",
        ])
        XCTAssertEqual(try findings("match:\n  profile:\n    role: {admin: true}\n    not: {keys: mfa_serial}\nmessage: \"profile {name} assumes {role-arn} without mfa_serial\"\n"), [
            "aws/config:4:1: warning: profile admin assumes arn:aws:iam::222222222222:role/deep-admin without mfa_serial [ORG900 test-rule]",
        ])
        XCTAssertEqual(try findings("match:\n  trust-statement: {trusted-federated: \"*token.actions.githubusercontent.com\"}\nmessage: \"{role.name} in {account}\"\n"), [
            "workload/roles.yaml:61:13: warning: ci-deploy in 222222222222 [ORG900 test-rule]",
        ])
    }

    /// `assumeSteps()` skips edges that no trust entry can admit; what is left is `assumeHops()`.
    func testAssumeStepsAreTheBuiltInHops() throws {
        let scenario = try temporaryDirectory(Self.scenario)
        var folders = [scenario, "\(TestPaths.examples)/multi-account"]
        if FileManager.default.fileExists(atPath: "\(TestPaths.corpus)/cloudformation") { folders.append("\(TestPaths.corpus)/cloudformation") }
        for folder in folders {
            var configuration = Configuration()
            if FileManager.default.fileExists(atPath: "\(folder)/.iamlint.yml") {
                configuration = try ConfigurationFile.load(path: "\(folder)/.iamlint.yml")
            }
            configuration.disabled = Set(RuleSet.builtIn.metadata.map(\.code))
            let graph = Linter(configuration: configuration).lint([folder], displayBase: folder, root: folder).graph
            func key(_ from: Int, _ to: Int, _ mfa: Bool, _ trust: Statement, _ assume: Statement) -> String {
                "\(from) \(to) \(mfa) \(trust.provenance) \(assume.provenance)"
            }
            let steps = graph.assumeSteps().map { key($0.from, $0.to, $0.requiresMFA, $0.trustStatement, $0.assumeStatement) }
            let hops = graph.assumeHops().map { key($0.from, $0.to, $0.requiresMFA, $0.trust, $0.assume) }
            XCTAssertEqual(steps, hops, folder)
            XCTAssertFalse(steps.isEmpty, folder)
        }
    }

    /// Every word of the language is documented.
    func testReferenceDocumentsEveryWord() throws {
        let doc = try String(contentsOfFile: "\(TestPaths.packageRoot)/docs/custom-rules.md", encoding: .utf8)
        for word in Vocabulary.allWords + MatchKind.allCases.map(\.rawValue) {
            XCTAssertTrue(doc.contains("`\(word)`"), "docs/custom-rules.md does not document `\(word)`")
        }
    }

    /// The worked examples in docs/custom-rules.md are the example pack's rules, word for word.
    func testWorkedExamplesAreThePacksRules() throws {
        let doc = try String(contentsOfFile: "\(TestPaths.packageRoot)/docs/custom-rules.md", encoding: .utf8)
        let pack = try CustomRulePack.load(directory: "\(TestPaths.examples)/rule-pack")
        XCTAssertEqual(pack.rules.map(\.metadata.code), ["ORG001", "ORG002", "ORG003", "ORG004", "ORG005"])
        for rule in pack.rules {
            let text = try String(contentsOfFile: "\(rule.folder)/rule.yml", encoding: .utf8)
            let match = try XCTUnwrap(text.range(of: "\nmatch:\n")).lowerBound
            XCTAssertTrue(doc.contains(String(text[text.index(after: match)...])), "docs/custom-rules.md does not show \(rule.metadata.code)'s match and message as written")
        }
    }

    // MARK: Custom findings everywhere

    private static let openRole = """
    Resources:
      Open:
        Type: AWS::IAM::Role
        Properties:
          RoleName: open
          AssumeRolePolicyDocument:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Principal: {AWS: "999999999999"}, Action: sts:AssumeRole}
    """

    private func openRoleScan(_ extra: String = "", configure: (inout Configuration) -> Void = { _ in }) throws -> LintResult {
        let rulePack = try pack("match:\n  trust-statement: {not: {trusted-accounts: {only: [\"111111111111\"]}}}\nmessage: \"role '{role.name}' trusts {trusted-accounts}\"\n")
        let dir = try temporaryDirectory(["t.yaml": Self.openRole + extra])
        var configuration = Configuration()
        try configuration.addRulePack(at: rulePack.directory)
        configuration.threads = 1
        configure(&configuration)
        return Linter(configuration: configuration).lint([dir], displayBase: dir, root: dir)
    }

    func testCustomRulesInSARIFRuleMetadata() throws {
        let result = try openRoleScan()
        let sarif = SARIFReporter(readSource: nil).render(result)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
        let run = try XCTUnwrap((json["runs"] as? [[String: Any]])?.first)
        let rules = try XCTUnwrap(((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        let index = try XCTUnwrap(rules.firstIndex { $0["id"] as? String == "ORG900" })
        XCTAssertEqual(rules[index]["name"] as? String, "test-rule")
        XCTAssertEqual((rules[index]["shortDescription"] as? [String: Any])?["text"] as? String, "A test rule")
        XCTAssertNil(rules[index]["helpUri"], "a custom rule has no page in iamlint's docs")
        let results = try XCTUnwrap(run["results"] as? [[String: Any]])
        let custom = try XCTUnwrap(results.first { $0["ruleId"] as? String == "ORG900" })
        XCTAssertEqual(custom["ruleIndex"] as? Int, index)
        XCTAssertEqual((custom["message"] as? [String: Any])?["text"] as? String, "role 'open' trusts 999999999999")
        // Markdown links built-in rules to their page, and a custom rule without references to nothing.
        let markdown = MarkdownReporter().render(result)
        XCTAssertTrue(markdown.contains("| ORG900 `test-rule` | warning | 1 |"), markdown)
        XCTAssertFalse(markdown.contains("docs/rules/ORG900.md"))
    }

    func testBaselineSuppressionsIgnoresAndSeverityByCustomCode() throws {
        let plain = try openRoleScan()
        XCTAssertEqual(plain.findings.filter { $0.rule.code == "ORG900" }.map(\.location.line), [9])
        XCTAssertEqual(plain.findings.first { $0.rule.code == "ORG900" }?.severity, .warning)

        // Baseline: written from the findings, it accepts them on the next run.
        let baseline = Baseline(findings: plain.findings, key: plain.key)
        let text = baseline.serialized()
        XCTAssertTrue(text.contains("rule: ORG900"))
        var again = try openRoleScan()
        again.apply(try Baseline.parse(text, file: ".lint-baseline"), name: ".lint-baseline")
        XCTAssertTrue(again.findings.isEmpty)
        XCTAssertTrue(again.suppressed.contains { $0.finding.rule.code == "ORG900" })

        // An inline suppression by slug, and an ignore entry by code.
        let commented = Self.openRole.replacingOccurrences(of: "sts:AssumeRole}", with: "sts:AssumeRole}  # iamlint:ignore test-rule -- partner")
        let rulePack = try pack("match:\n  trust-statement: {not: {trusted-accounts: {only: [\"111111111111\"]}}}\nmessage: m\n")
        let dir = try temporaryDirectory(["t.yaml": commented])
        var configuration = Configuration()
        try configuration.addRulePack(at: rulePack.directory)
        let result = Linter(configuration: configuration).lint([dir], displayBase: dir, root: dir)
        XCTAssertFalse(result.findings.contains { $0.rule.code == "ORG900" })
        XCTAssertEqual(result.suppressed.filter { $0.finding.rule.code == "ORG900" }.map(\.justification), ["partner"])
        XCTAssertFalse(result.findings.contains { $0.rule.code == "IAM003" }, "the suppression is used")

        let ignored = try openRoleScan { $0.ignores = [IgnoreEntry(rule: "ORG900", path: "*.yaml")] }
        XCTAssertFalse(ignored.findings.contains { $0.rule.code == "ORG900" })
        let raised = try openRoleScan { $0.severities = ["test-rule": .error] }
        XCTAssertEqual(raised.findings.first { $0.rule.code == "ORG900" }?.severity, .error)
        let disabled = try openRoleScan { $0.disabled = ["ORG900"] }
        XCTAssertFalse(disabled.findings.contains { $0.rule.code == "ORG900" })
    }

    // MARK: The command line

    private var executable: URL {
        var dir = Bundle(for: CustomRulesTests.self).bundleURL
        while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("iamlint").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("iamlint")
    }

    private func iamlint(_ arguments: [String], in directory: String = TestPaths.packageRoot) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    func testTestRulesPassesOnTheExamplePack() throws {
        let run = try iamlint(["test-rules", "docs/examples/rule-pack"])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let lines = run.stdout.split(separator: "\n")
        XCTAssertEqual(lines.last, "18 passed, 0 failed")
        XCTAssertTrue(lines.contains("PASS ORG004 admin-roles-require-mfa fail/no-mfa-condition.yaml"))
        XCTAssertEqual(lines.filter { $0.hasPrefix("PASS ") }.count, 18)
    }

    func testTestRulesReportsFailuresAndBrokenPacks() throws {
        let dir = try temporaryDirectory([
            "ORG900-test-rule/rule.yml": Self.header + "match: {role: {name: \"*-admin\"}}\nmessage: \"role {name}\"\n",
            "ORG900-test-rule/fail/admin.yaml": "Resources:\n  A:\n    Type: AWS::IAM::Role\n    Properties: {RoleName: ops-admin}\n",
            "ORG900-test-rule/fail/admin.yaml.findings": "admin.yaml:2:3: warning: role other [ORG900 test-rule]\n",
            "ORG900-test-rule/pass/other.yaml": "Resources:\n  A:\n    Type: AWS::IAM::Role\n    Properties: {RoleName: ops}\n",
        ])
        let failing = try iamlint(["test-rules", dir])
        XCTAssertEqual(failing.status, 1)
        XCTAssertEqual(failing.stdout, """
        FAIL ORG900 test-rule fail/admin.yaml
            expected:
                admin.yaml:2:3: warning: role other [ORG900 test-rule]
            actual:
                admin.yaml:2:3: warning: role ops-admin [ORG900 test-rule]
        PASS ORG900 test-rule pass/other.yaml
        1 passed, 1 failed

        """)
        try "match: {role: {nme: x}}\nmessage: m\n".write(toFile: "\(dir)/ORG900-test-rule/rule.yml", atomically: true, encoding: .utf8)
        let broken = try iamlint(["test-rules", dir])
        XCTAssertEqual(broken.status, 2)
        XCTAssertTrue(broken.stderr.hasPrefix("error: \(dir)/ORG900-test-rule/rule.yml:1:1: missing field 'code'"), broken.stderr)
    }

    func testRulesAndExplainIncludePacks() throws {
        let rules = try iamlint(["rules", "--rules", "docs/examples/rule-pack"])
        XCTAssertEqual(rules.status, 0)
        XCTAssertTrue(rules.stdout.contains("ORG003  users-in-identity-account"), rules.stdout)
        let explain = try iamlint(["explain", "ci-roles-github-oidc-only", "--rules", "docs/examples/rule-pack"])
        XCTAssertEqual(explain.status, 0)
        XCTAssertTrue(explain.stdout.hasPrefix("ORG005 ci-roles-github-oidc-only: CI role assumable other than through GitHub OIDC from the organisation\n"))
        XCTAssertTrue(explain.stdout.contains("Examples: docs/examples/rule-pack/ORG005-ci-roles-github-oidc-only/pass and"))
        let check = try iamlint(["check", "--rules", "docs/examples/rule-pack", "--no-baseline", "--format", "text",
                                 "docs/examples/rule-pack/ORG001-trusted-accounts-only/fail/vendor-account.yaml"])
        XCTAssertEqual(check.status, 1)
        XCTAssertTrue(check.stdout.contains(
            "vendor-account.yaml:12:13: error: role 'vendor-read-only' trusts 111111111111, 999999999999; only accounts 111111111111, 222222222222 and 333333333333 may be trusted [ORG001 trusted-accounts-only]"),
            check.stdout)
    }
}
