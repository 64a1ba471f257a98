import IAMLintCore
import IAMLintLoaders
import IAMLintModel
import XCTest

final class CloudFormationLoaderTests: XCTestCase {
    private func load(_ yaml: String) throws -> GraphFragment {
        let result = YAMLParser.parse(yaml)
        let root = try XCTUnwrap(result.documents.first, "\(result.diagnostics)")
        XCTAssertTrue(CloudFormationLoader.isTemplate(root))
        return CloudFormationLoader.load(root, file: "t.yaml")
    }

    private func role(_ fragment: GraphFragment, _ name: String) throws -> Principal {
        try XCTUnwrap(fragment.principals.first { $0.logicalName == name })
    }

    func testRecognisesTemplates() {
        let yes = YAMLParser.parse("Resources:\n  B:\n    Type: AWS::S3::Bucket\n").documents[0]
        let versionOnly = YAMLParser.parse("AWSTemplateFormatVersion: '2010-09-09'\n").documents[0]
        let no = YAMLParser.parse("Resources:\n  B:\n    kind: Deployment\n").documents[0]
        let notMap = YAMLParser.parse("- a\n").documents[0]
        XCTAssertTrue(CloudFormationLoader.isTemplate(yes))
        XCTAssertTrue(CloudFormationLoader.isTemplate(versionOnly))
        XCTAssertFalse(CloudFormationLoader.isTemplate(no))
        XCTAssertFalse(CloudFormationLoader.isTemplate(notMap))
    }

    func testRefUsesParameterDefaultsAndKeepsPseudoParametersSymbolic() throws {
        let fragment = try load("""
        Parameters:
          Name: {Type: String, Default: Deployer}
          NoDefault: {Type: String}
        Resources:
          A:
            Type: AWS::IAM::Role
            Properties:
              RoleName: !Ref Name
              ManagedPolicyArns: [!Ref NoDefault, !Ref AWS::AccountId]
        """)
        let a = try role(fragment, "A")
        XCTAssertEqual(a.explicitName, PolicyText("Deployer", range: SourceRange(start: .init(line: 8, column: 17), end: .init(line: 8, column: 26))))
        XCTAssertEqual(a.managedPolicyArns.map(\.value), ["${NoDefault}", "${AWS::AccountId}"])
        XCTAssertEqual(a.managedPolicyArns.map(\.isSymbolic), [true, true])
    }

    func testRefToResourceIsItsNameOrASymbolicLogicalID() throws {
        let fragment = try load("""
        Resources:
          Named: {Type: AWS::IAM::Role, Properties: {RoleName: admin}}
          Generated: {Type: AWS::IAM::Role, Properties: {}}
          P:
            Type: AWS::IAM::Policy
            Properties:
              PolicyName: p
              PolicyDocument: {Statement: []}
              Roles: [!Ref Named, !Ref Generated]
        """)
        let policy = try XCTUnwrap(fragment.policies.first)
        XCTAssertEqual(policy.roles.map(\.value), ["admin", "${Generated}"])
        XCTAssertEqual(policy.roles.map(\.isSymbolic), [false, true])
    }

    func testSubInBothFormsAndGetAttArn() throws {
        let fragment = try load("""
        Parameters:
          Env: {Type: String, Default: prod}
        Resources:
          Target: {Type: AWS::IAM::Role, Properties: {RoleName: target, Path: /ops/}}
          A:
            Type: AWS::IAM::Role
            Properties:
              RoleName: !Sub "${Env}-admin"
              ManagedPolicyArns:
                - !Sub "arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess"
                - !Sub ["arn:aws:iam::${Acct}:policy/${Env}-${!Literal}", {Acct: "111111111111"}]
                - !GetAtt Target.Arn
                - !Sub "${Target.Arn}"
        """)
        let a = try role(fragment, "A")
        XCTAssertEqual(a.explicitName?.value, "prod-admin")
        XCTAssertEqual(a.explicitName?.isSymbolic, false)
        XCTAssertEqual(a.managedPolicyArns.map(\.value), [
            "arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess",
            "arn:aws:iam::111111111111:policy/prod-${Literal}",
            "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/ops/target",
            "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/ops/target",
        ])
        XCTAssertTrue(ARN.isAdministratorAccess(a.managedPolicyArns[0].value))
    }

    func testJoinSelectSplitAndFindInMap() throws {
        let fragment = try load("""
        Mappings:
          Accounts:
            identity: {Id: "111111111111"}
        Parameters:
          Names: {Type: CommaDelimitedList, Default: "alice,bob"}
        Resources:
          A:
            Type: AWS::IAM::Role
            Properties:
              RoleName: !Join ["-", [ops, !Select [1, !Split [",", "a,b,c"]]]]
              ManagedPolicyArns:
                - !Join ["", ["arn:aws:iam::", !FindInMap [Accounts, identity, Id], ":policy/x"]]
                - !Select [1, !Ref Names]
                - !FindInMap [Accounts, nowhere, Id]
        """)
        let a = try role(fragment, "A")
        XCTAssertEqual(a.explicitName?.value, "ops-b")
        XCTAssertEqual(a.managedPolicyArns.map(\.value), ["arn:aws:iam::111111111111:policy/x", "bob", "${Fn::FindInMap}"])
        XCTAssertEqual(a.managedPolicyArns.map(\.isSymbolic), [false, false, true])
    }

    func testIfKeepsBothBranchesAndNoValueDisappears() throws {
        let fragment = try load("""
        Conditions:
          IsProd: !Equals [!Ref AWS::AccountId, "222222222222"]
        Resources:
          A:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Statement:
                  - !If
                    - IsProd
                    - {Effect: Allow, Principal: {AWS: "111111111111"}, Action: sts:AssumeRole}
                    - !Ref AWS::NoValue
                  - Effect: Allow
                    Principal:
                      AWS: !If [IsProd, "arn:aws:iam::111111111111:root", "arn:aws:iam::333333333333:user/ci"]
                    Action: sts:AssumeRole
              ManagedPolicyArns: !If [IsProd, [a, b], !Ref AWS::NoValue]
        """)
        let a = try role(fragment, "A")
        let statements = try XCTUnwrap(a.trustPolicy?.statements)
        XCTAssertEqual(statements.count, 2)
        XCTAssertEqual(statements[0].principals.map(\.text.value), ["111111111111"])
        XCTAssertEqual(statements[1].principals.map(\.identity), [.account("111111111111"), .user(account: "333333333333", name: "ci")])
        XCTAssertEqual(a.managedPolicyArns.map(\.value), ["a", "b"])
    }

    func testPolicyDocumentsAsObjectsOrJSONStringsWithSingleStatementsAndStrings() throws {
        let fragment = try load("""
        Resources:
          U:
            Type: AWS::IAM::User
            Properties:
              Policies:
                - PolicyName: json
                  PolicyDocument: '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}'
                - PolicyName: object
                  PolicyDocument:
                    Statement:
                      Effect: Deny
                      NotAction: [iam:*, "sts:*"]
                      NotResource: arn:aws:s3:::b
                      Condition: {BoolIfExists: {aws:MultiFactorAuthPresent: "false"}}
        """)
        let user = try XCTUnwrap(fragment.principals.first)
        XCTAssertEqual(user.inlinePolicies.map(\.name), ["json", "object"])
        let json = try XCTUnwrap(user.inlinePolicies[0].document.statements.first)
        XCTAssertEqual(json.effect, .allow)
        XCTAssertTrue(json.coversAllActions && json.coversAllResources)
        XCTAssertEqual(json.provenance.range.start, SourcePosition(line: 7, column: 27), "a JSON-string policy points at the string")
        XCTAssertEqual(json.provenance.logicalPath, "Resources.U.Properties.Policies[0].PolicyDocument.Statement")
        let object = try XCTUnwrap(user.inlinePolicies[1].document.statements.first)
        XCTAssertEqual(object.effect, .deny)
        XCTAssertTrue(object.isNotAction && object.isNotResource)
        XCTAssertEqual(object.actions.map(\.value), ["iam:*", "sts:*"])
        XCTAssertTrue(object.deniesWithoutMFA)
        XCTAssertFalse(object.covers(action: "iam:CreateUser"))
        XCTAssertTrue(object.covers(action: "s3:GetObject"))
    }

    func testEveryIAMResourceKindIsRead() throws {
        let fragment = try load("""
        Resources:
          R: {Type: AWS::IAM::Role, Properties: {RoleName: r}}
          U: {Type: AWS::IAM::User, Properties: {UserName: u, Groups: [g], LoginProfile: {Password: x}}}
          G: {Type: AWS::IAM::Group, Properties: {GroupName: g}}
          MP: {Type: AWS::IAM::ManagedPolicy, Properties: {ManagedPolicyName: mp, PolicyDocument: {Statement: []}, Users: [u]}}
          P: {Type: AWS::IAM::Policy, Properties: {PolicyName: p, PolicyDocument: {Statement: []}, Groups: [g]}}
          RP: {Type: AWS::IAM::RolePolicy, Properties: {PolicyName: rp, RoleName: r, PolicyDocument: {Statement: []}}}
          UP: {Type: AWS::IAM::UserPolicy, Properties: {PolicyName: up, UserName: u, PolicyDocument: {Statement: []}}}
          GP: {Type: AWS::IAM::GroupPolicy, Properties: {PolicyName: gp, GroupName: g, PolicyDocument: {Statement: []}}}
          Add: {Type: AWS::IAM::UserToGroupAddition, Properties: {GroupName: g, Users: [u]}}
          Key: {Type: AWS::IAM::AccessKey, Properties: {UserName: !Ref U}}
          IP: {Type: AWS::IAM::InstanceProfile, Properties: {InstanceProfileName: ip, Roles: [!Ref R]}}
        """)
        XCTAssertEqual(fragment.principals.map(\.kind), [.role, .user, .group])
        XCTAssertTrue(fragment.principals[1].hasLoginProfile)
        XCTAssertEqual(fragment.policies.map(\.logicalName), ["MP", "P", "RP", "UP", "GP"])
        XCTAssertEqual(fragment.policies.map(\.isManaged), [true, false, false, false, false])
        XCTAssertEqual(fragment.policies[2].roles.map(\.value), ["r"])
        XCTAssertEqual(fragment.memberships.first?.users.map(\.value), ["u"])
        XCTAssertEqual(fragment.accessKeys.first?.user.value, "u")
        XCTAssertEqual(fragment.instanceProfiles.first?.roles.map(\.value), ["r"])
        let graph = IAMGraph(fragments: [fragment])
        let user = try XCTUnwrap(graph.principals.firstIndex { $0.kind == .user })
        XCTAssertEqual(graph.grants[user].map(\.policyName).sorted(), ["gp", "mp", "p", "up"])
    }

    func testCyclicRefsStaySymbolicInsteadOfLooping() throws {
        let fragment = try load("""
        Resources:
          A: {Type: AWS::IAM::Role, Properties: {RoleName: !Ref B}}
          B: {Type: AWS::IAM::Role, Properties: {RoleName: !Ref A}}
        """)
        XCTAssertEqual(fragment.principals.count, 2)
        XCTAssertTrue(fragment.principals[0].explicitName?.isSymbolic ?? false)
    }
}
