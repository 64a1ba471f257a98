@testable import IAMLintCore
@testable import IAMLintLoaders
@testable import IAMLintModel
import XCTest

/// A document without intrinsic functions is read straight from its parse tree
/// (`PolicyParser.parse(plain:…)`): it must read exactly as the value resolving it does.
final class PlainDocumentTests: XCTestCase {
    private let base = Provenance(file: "t.yaml", logicalPath: "Resources.R.Properties.PolicyDocument", range: .fileStart)

    private static let documents: [String] = [
        #"{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Allow", "Action": ["s3:Get*", ["s3:Put*"]], "Resource": "*"}]}"#,
        #"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "NotAction": "iam:*", "NotResource": ["arn:aws:s3:::b", "arn:aws:s3"]}}"#,
        #"{"Statement": [{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::123456789012:root", "111122223333"], "sErViCe": "ec2.amazonaws.com", "CanonicalUser": "x", "Other": "y"}, "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": ["true", "false"]}, "StringEqualz": {"k": null}}}]}"#,
        #"{"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "NotPrincipal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/${aws:username}"}]}"#,
        #"{"statement": [null, "text", [], {"effect": "Allow", "action": "s3:GetObject", "resource": "*", "Extra": 1}], "Id": "x", "Unknown": true}"#,
        #"{"Version": "2012-10-17", "Statement": [{"Sid": "S", "Effect": "Maybe", "Action": "a:b"}, {"Sid": "S", "Effect": null, "Resource": 12}]}"#,
        #"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}], "Statement": {"Effect": "Deny"}}"#,
        #"{"Version": "1999", "Statement": {"Principal": "*", "Action": ["sts:AssumeRole"], "Principal": {"Federated": "cognito-identity.amazonaws.com"}}}"#,
        #"{"Ver\u00e9sion": "x", "Statement": [{"\u212aey": "v", "Condition": [{"StringLike": {"s3:prefix": ["a", "b"]}}]}]}"#,
        #"{}"#,
        #"{"Version": "2012-10-17"}"#,
        #"{"Version": "2012-10-17", "Statement": []}"#,
    ]

    private func summary(_ document: PolicyDocument) -> String {
        var lines: [String] = []
        for s in document.statements {
            lines.append("\(s.sid ?? "-") \(s.effect) \(s.actions) \(s.isNotAction) \(s.resources) \(s.isNotResource)")
            lines.append("  \(s.principals.map { "\($0.kind) \($0.text) \($0.identity)" }) \(s.isNotPrincipal)")
            lines.append("  \(s.conditions.map { "\($0.op) \($0.key) \($0.values) \($0.range)" })")
            lines.append("  \(s.provenance.logicalPath) \(s.provenance.range) \(String(describing: s.notActionKeyRange)) \(String(describing: s.notResourceKeyRange))")
            lines.append("  \(s.actions.map(\.range)) \(s.resources.map(\.range)) \(s.principals.map(\.text.range))")
        }
        for issue in document.grammarIssues {
            lines.append("issue \(issue.problem) \(issue.scope) \(String(describing: issue.statement)) \(String(describing: issue.element))")
        }
        lines.append("size \(String(describing: document.size))")
        return lines.joined(separator: "\n")
    }

    func testPlainDocumentsReadAsTheirValues() throws {
        for text in Self.documents {
            let parsed = JSONParser.parse(text)
            let root = try XCTUnwrap(parsed.documents.first, text)
            XCTAssertTrue(root.isPlainTree(maxDepth: 48), text)
            for purpose in [PolicyParser.Purpose.trust, .identity, .either] {
                let resolved = PolicyParser.parse(Value(node: root), provenance: base, purpose: purpose)
                let plain = PolicyParser.parse(plain: root, texts: SharedTexts(), provenance: base, purpose: purpose)
                XCTAssertEqual(summary(plain), summary(resolved), text)
            }
        }
    }

    func testIntrinsicFunctionsAndDepthAreNotPlain() throws {
        for (text, plain) in [
            (#"{"Statement": [{"Resource": {"Ref": "Bucket"}}]}"#, false),
            (#"{"Statement": [{"Resource": {"Fn::Sub": "x"}}]}"#, false),
            (#"{"Statement": [{"Resource": {"Ref": "Bucket", "Other": 1}}]}"#, true),
            (#"{"Statement": [{"Resource": {"ref": "Bucket"}}]}"#, true),
            (#"{"Statement": [[[[["deep"]]]]]}"#, false),
        ] {
            let root = try XCTUnwrap(JSONParser.parse(text).documents.first)
            XCTAssertEqual(root.isPlainTree(maxDepth: 5), plain, text)
        }
    }

    /// The whole loader: a template whose documents are read from the tree reads as before
    /// (the corpus and the generated organisation check the rest byte for byte).
    func testTemplateWithPlainAndResolvedDocuments() throws {
        let yaml = """
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Role:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Statement:
                  - Effect: Allow
                    Principal: {AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"}
                    Action: sts:AssumeRole
              Policies:
                - PolicyName: plain
                  PolicyDocument:
                    Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]
                - PolicyName: resolved
                  PolicyDocument:
                    Statement: [{Effect: Allow, Action: "s3:*", Resource: !GetAtt Bucket.Arn}]
                - !If [Cond, {PolicyName: c, PolicyDocument: {Statement: []}}, !Ref AWS::NoValue]
          Policy:
            Type: AWS::IAM::ManagedPolicy
            Properties:
              PolicyDocument:
                Version: "2012-10-17"
                Statement: {Effect: Allow, Action: [iam:PassRole], Resource: "*"}
        """
        let root = try XCTUnwrap(YAMLParser.parse(yaml).documents.first)
        let fragment = CloudFormationLoader.load(root, file: "t.yaml")
        let role = try XCTUnwrap(fragment.principals.first)
        XCTAssertEqual(role.trustPolicy?.statements.first?.principals.first?.text.value, "arn:aws:iam::${AWS::AccountId}:root")
        XCTAssertEqual(role.inlinePolicies.map(\.name), ["plain", "resolved", "c"])
        XCTAssertEqual(role.inlinePolicies[0].document.statements.first?.provenance.logicalPath,
                       "Resources.Role.Properties.Policies[0].PolicyDocument.Statement[0]")
        XCTAssertEqual(role.inlinePolicies[1].document.statements.first?.resources.first?.value, "${Bucket.Arn}")
        let policy = try XCTUnwrap(fragment.policies.first)
        XCTAssertEqual(policy.document.statements.first?.actions.map(\.value), ["iam:PassRole"])
        XCTAssertEqual(policy.document.statements.first?.provenance.logicalPath, "Resources.Policy.Properties.PolicyDocument.Statement")
        XCTAssertNotNil(policy.document.size)
    }
}
