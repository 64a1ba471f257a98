import Foundation
import IAMLintCore
import IAMLintLoaders
import IAMLintModel
import XCTest

final class TerraformLoaderTests: XCTestCase {
    // MARK: Helpers

    private func root(_ json: String, file: StaticString = #filePath, line: UInt = #line) throws -> Node {
        let result = JSONParser.parse(json)
        XCTAssertTrue(result.diagnostics.isEmpty, "\(result.diagnostics)", file: file, line: line)
        return try XCTUnwrap(result.documents.first, file: file, line: line)
    }

    private func load(_ json: String, file: StaticString = #filePath, line: UInt = #line) throws -> GraphFragment {
        let node = try root(json, file: file, line: line)
        XCTAssertTrue(TerraformLoader.isTerraformJSON(node), "not recognised as Terraform JSON", file: file, line: line)
        return TerraformLoader.load(node, file: "tf.json")
    }

    private func principal(_ fragment: GraphFragment, _ address: String, file: StaticString = #filePath, line: UInt = #line) throws -> Principal {
        try XCTUnwrap(fragment.principals.first { $0.logicalName == address }, "no principal \(address)", file: file, line: line)
    }

    private func index(_ graph: IAMGraph, _ address: String, file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        try XCTUnwrap(graph.principals.firstIndex { $0.logicalName == address }, "no principal \(address)", file: file, line: line)
    }

    /// The range of `needle` (on one line) in the first line of `text` that contains `marker`,
    /// computed from the text itself, independently of the parser.
    private func range(
        of needle: String, onLineWith marker: String, occurrence: Int = 1, in text: String,
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> SourceRange {
        let lines = text.components(separatedBy: "\n")
        let matching = lines.indices.filter { lines[$0].contains(marker) }
        let lineIndex = try XCTUnwrap(matching.dropFirst(occurrence - 1).first, "no line \(occurrence) with \(marker)", file: file, line: line)
        let lineText = lines[lineIndex]
        let found = try XCTUnwrap(lineText.range(of: needle), "no \(needle) on line \(lineIndex + 1)", file: file, line: line)
        let column = lineText.unicodeScalars.distance(from: lineText.unicodeScalars.startIndex, to: found.lowerBound) + 1
        let length = needle.unicodeScalars.count
        return SourceRange(start: .init(line: lineIndex + 1, column: column), end: .init(line: lineIndex + 1, column: column + length))
    }

    static let secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    static let smtpPassword = "BKf0sSmTpPaSsWoRdV4ExAmPlE0123456789abcd"
    static let consolePassword = "Hunter2-Console-Password!"
    static let encrypted = "wcBMA0ENCRYPTEDBLOBEXAMPLE"

    // MARK: Detection

    func testRecognisesStatePlanAndRawState() throws {
        XCTAssertTrue(TerraformLoader.isTerraformJSON(try root(#"{"format_version": "1.0", "values": {"root_module": {}}}"#)))
        XCTAssertTrue(TerraformLoader.isTerraformJSON(try root(#"{"format_version": "1.2", "planned_values": {"root_module": {}}}"#)))
        XCTAssertTrue(TerraformLoader.isTerraformJSON(try root(#"{"format_version": "1.2", "resource_changes": []}"#)))
        XCTAssertTrue(TerraformLoader.isTerraformJSON(try root(#"{"version": 4, "resources": [{"type": "aws_iam_user", "instances": [{"attributes": {}}]}]}"#)))
        XCTAssertTrue(TerraformLoader.isTerraformJSON(try root(#"{"version": 4, "terraform_version": "1.5.0", "serial": 1, "lineage": "x", "resources": []}"#)))
    }

    func testDoesNotRecogniseOtherJSON() throws {
        let cloudFormation = #"{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {}}}}"#
        let packageJSON = #"{"name": "app", "version": "4", "resources": [], "dependencies": {"left-pad": "1.0.0"}}"#
        let versionNumber = #"{"version": 4, "resources": [{"name": "x"}]}"#
        let schemas = #"{"format_version": "1.0", "provider_schemas": {}}"#
        let rawV3 = #"{"version": 3, "modules": [{"path": ["root"], "resources": {}}]}"#
        for text in [cloudFormation, packageJSON, versionNumber, schemas, rawV3, "[1, 2]", #""text""#] {
            XCTAssertFalse(TerraformLoader.isTerraformJSON(try root(text)), text)
        }
    }

    // MARK: State (terraform show -json)

    static let state = #"""
    {
      "format_version": "1.0",
      "terraform_version": "1.6.0",
      "values": {
        "root_module": {
          "resources": [
            {
              "address": "aws_iam_role.admin",
              "mode": "managed",
              "type": "aws_iam_role",
              "name": "admin",
              "values": {
                "arn": "arn:aws:iam::111111111111:role/ops/admin",
                "name": "admin",
                "path": "/ops/",
                "assume_role_policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::222222222222:root\"},\"Action\":\"sts:AssumeRole\"}]}",
                "inline_policy": [
                  {"name": "read", "policy": "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}}"},
                  {"name": "", "policy": ""}
                ],
                "managed_policy_arns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                "permissions_boundary": null
              },
              "sensitive_values": {"inline_policy": [{}, {}], "managed_policy_arns": [false]}
            },
            {
              "address": "aws_iam_role_policy_attachment.admin",
              "mode": "managed",
              "type": "aws_iam_role_policy_attachment",
              "name": "admin",
              "values": {"role": "admin", "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"},
              "sensitive_values": {}
            },
            {
              "address": "aws_iam_user.alice",
              "mode": "managed",
              "type": "aws_iam_user",
              "name": "alice",
              "values": {"arn": "arn:aws:iam::111111111111:user/alice", "name": "alice", "path": "/"},
              "sensitive_values": {}
            },
            {
              "address": "aws_iam_group.ops",
              "mode": "managed",
              "type": "aws_iam_group",
              "name": "ops",
              "values": {"arn": "arn:aws:iam::111111111111:group/ops", "name": "ops", "path": "/"},
              "sensitive_values": {}
            },
            {
              "address": "aws_iam_group_membership.ops",
              "mode": "managed",
              "type": "aws_iam_group_membership",
              "name": "ops",
              "values": {"name": "ops-members", "group": "ops", "users": ["alice"]},
              "sensitive_values": {"users": []}
            },
            {
              "address": "aws_iam_policy.deploy",
              "mode": "managed",
              "type": "aws_iam_policy",
              "name": "deploy",
              "values": {
                "arn": "arn:aws:iam::111111111111:policy/deploy",
                "name": "deploy",
                "path": "/",
                "policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"
              },
              "sensitive_values": {}
            },
            {
              "address": "aws_iam_group_policy_attachment.ops",
              "mode": "managed",
              "type": "aws_iam_group_policy_attachment",
              "name": "ops",
              "values": {"group": "ops", "policy_arn": "arn:aws:iam::111111111111:policy/deploy"},
              "sensitive_values": {}
            },
            {
              "address": "aws_iam_access_key.alice",
              "mode": "managed",
              "type": "aws_iam_access_key",
              "name": "alice",
              "values": {
                "id": "AKIAIOSFODNN7EXAMPLE",
                "user": "alice",
                "secret": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "ses_smtp_password_v4": "BKf0sSmTpPaSsWoRdV4ExAmPlE0123456789abcd",
                "encrypted_secret": null,
                "status": "Active"
              },
              "sensitive_values": {"secret": true, "ses_smtp_password_v4": true}
            },
            {
              "address": "aws_iam_user_login_profile.alice",
              "mode": "managed",
              "type": "aws_iam_user_login_profile",
              "name": "alice",
              "values": {"user": "alice", "password": "Hunter2-Console-Password!", "encrypted_password": "wcBMA0ENCRYPTEDBLOBEXAMPLE"},
              "sensitive_values": {"password": true}
            },
            {
              "address": "data.aws_iam_policy_document.trust",
              "mode": "data",
              "type": "aws_iam_policy_document",
              "name": "trust",
              "values": {"json": "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"},
              "sensitive_values": {}
            }
          ],
          "child_modules": [
            {
              "address": "module.ci",
              "resources": [
                {
                  "address": "module.ci.aws_iam_role.runner",
                  "mode": "managed",
                  "type": "aws_iam_role",
                  "name": "runner",
                  "values": {
                    "arn": "arn:aws:iam::333333333333:role/ci-runner",
                    "name": "ci-runner",
                    "path": "/",
                    "assume_role_policy": "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"
                  },
                  "sensitive_values": {}
                },
                {
                  "address": "module.ci.aws_iam_instance_profile.runner",
                  "mode": "managed",
                  "type": "aws_iam_instance_profile",
                  "name": "runner",
                  "values": {"name": "ci-runner", "role": "ci-runner"},
                  "sensitive_values": {}
                }
              ],
              "child_modules": [
                {
                  "address": "module.ci.module.deep",
                  "resources": [
                    {
                      "address": "module.ci.module.deep.aws_iam_user.bot",
                      "mode": "managed",
                      "type": "aws_iam_user",
                      "name": "bot",
                      "values": {"name": "bot"},
                      "sensitive_values": {}
                    }
                  ]
                }
              ]
            }
          ]
        }
      }
    }
    """#

    func testStateEntitiesKindsAddressesAndNames() throws {
        let fragment = try load(Self.state)
        XCTAssertEqual(fragment.principals.map(\.logicalName), [
            "aws_iam_role.admin", "aws_iam_user.alice", "aws_iam_group.ops",
            "module.ci.aws_iam_role.runner", "module.ci.module.deep.aws_iam_user.bot",
        ])
        XCTAssertEqual(fragment.principals.map(\.kind), [.role, .user, .group, .role, .user])
        XCTAssertEqual(fragment.principals.map { $0.explicitName?.value }, ["admin", "alice", "ops", "ci-runner", "bot"])
        XCTAssertEqual(fragment.principals.map { $0.explicitName?.isSymbolic }, [false, false, false, false, false])

        let admin = try principal(fragment, "aws_iam_role.admin")
        XCTAssertEqual(admin.path, "/ops/")
        XCTAssertEqual(admin.account, "111111111111")
        XCTAssertEqual(try principal(fragment, "module.ci.aws_iam_role.runner").account, "333333333333")
        XCTAssertNil(try principal(fragment, "module.ci.module.deep.aws_iam_user.bot").account)
        XCTAssertEqual(admin.provenance.logicalPath, "aws_iam_role.admin")
        XCTAssertEqual(admin.provenance.file, "tf.json")
        XCTAssertEqual(admin.provenance.range, try range(of: #""address""#, onLineWith: #""address": "aws_iam_role.admin""#, in: Self.state))
        XCTAssertEqual(admin.managedPolicyArns.map(\.value), ["arn:aws:iam::aws:policy/ReadOnlyAccess"])
        XCTAssertEqual(admin.inlinePolicies.map(\.name), ["read"], "the empty placeholder inline_policy is not a policy")
        XCTAssertEqual(admin.inlinePolicies.first?.document.provenance.logicalPath, "aws_iam_role.admin.inline_policy[0].policy")
        XCTAssertEqual(admin.inlinePolicies.first?.document.statements.first?.actions.map(\.value), ["s3:GetObject"])

        XCTAssertEqual(fragment.policies.map(\.logicalName), ["aws_iam_policy.deploy"])
        XCTAssertEqual(fragment.policies.first?.isManaged, true)
        XCTAssertEqual(fragment.policies.first?.explicitName?.value, "deploy")
        XCTAssertEqual(fragment.policies.first?.document.provenance.logicalPath, "aws_iam_policy.deploy.policy")
        XCTAssertEqual(fragment.attachments.map(\.policyArn.value), [
            "arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::111111111111:policy/deploy",
        ])
        XCTAssertEqual(fragment.attachments.map { $0.provenance.logicalPath }, ["aws_iam_role_policy_attachment.admin", "aws_iam_group_policy_attachment.ops"])
        XCTAssertEqual(fragment.memberships.map(\.group.value), ["ops"])
        XCTAssertEqual(fragment.memberships.first?.users.map(\.value), ["alice"])
        XCTAssertEqual(fragment.accessKeys.map(\.user.value), ["alice"])
        XCTAssertEqual(fragment.accessKeys.map(\.logicalName), ["aws_iam_access_key.alice"])
        XCTAssertEqual(fragment.instanceProfiles.map(\.logicalName), ["module.ci.aws_iam_instance_profile.runner"])
        XCTAssertEqual(fragment.instanceProfiles.first?.explicitName?.value, "ci-runner")
        XCTAssertEqual(fragment.instanceProfiles.first?.roles.map(\.value), ["ci-runner"])
        XCTAssertEqual(fragment.principals.map(\.hasLoginProfile), [false, true, false, false, false])
        XCTAssertTrue(fragment.problems.isEmpty)
    }

    func testTrustPolicyIsPlacedAtTheAttributeString() throws {
        let fragment = try load(Self.state)
        let admin = try principal(fragment, "aws_iam_role.admin")
        let trust = try XCTUnwrap(admin.trustPolicy)
        let expected = try range(
            of: #""{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::222222222222:root\"},\"Action\":\"sts:AssumeRole\"}]}""#,
            onLineWith: #""assume_role_policy": "{\"Version\""#, in: Self.state)
        XCTAssertEqual(expected.start, SourcePosition(line: 16, column: 35))
        XCTAssertEqual(trust.provenance.range, expected)
        XCTAssertEqual(trust.provenance.logicalPath, "aws_iam_role.admin.assume_role_policy")
        XCTAssertEqual(trust.statements.count, 1)
        let statement = try XCTUnwrap(trust.statements.first)
        XCTAssertEqual(statement.provenance.logicalPath, "aws_iam_role.admin.assume_role_policy.Statement[0]")
        XCTAssertEqual(statement.provenance.range, expected)
        XCTAssertEqual(statement.principals.map(\.text.value), ["arn:aws:iam::222222222222:root"])
        XCTAssertEqual(statement.principals.first?.text.range, expected)
    }

    func testStateGraphResolvesAttachmentsAndGroups() throws {
        let graph = IAMGraph(fragments: [try load(Self.state)])
        let admin = try index(graph, "aws_iam_role.admin")
        let adminGrant = try XCTUnwrap(graph.grants[admin].first { $0.policyName == "AdministratorAccess" })
        XCTAssertTrue(adminGrant.isAdministratorEquivalent)
        XCTAssertEqual(adminGrant.provenance.logicalPath, "aws_iam_role_policy_attachment.admin")
        XCTAssertTrue(graph.isAdministratorEquivalent(admin))
        XCTAssertEqual(graph.trustEdges.filter { $0.role == admin }.map(\.principal.text.value), ["arn:aws:iam::222222222222:root"])

        let alice = try index(graph, "aws_iam_user.alice")
        let ops = try index(graph, "aws_iam_group.ops")
        XCTAssertEqual(graph.groups(ofUser: alice), [ops])
        let viaGroup = try XCTUnwrap(graph.grants[alice].first { $0.viaGroup == ops })
        XCTAssertEqual(viaGroup.policyName, "deploy", "the literal customer-policy ARN names the local policy")
        XCTAssertTrue(viaGroup.isAdministratorEquivalent)
        XCTAssertTrue(graph.isAdministratorEquivalent(alice))
        XCTAssertFalse(graph.isAdministratorEquivalent(try index(graph, "module.ci.aws_iam_role.runner")))
    }

    func testNoSecretIsCopiedIntoTheModel() throws {
        let fragment = try load(Self.state)
        let description = String(describing: fragment) + String(reflecting: fragment)
        for secret in [Self.secretKey, Self.smtpPassword, Self.consolePassword, Self.encrypted] {
            XCTAssertFalse(description.contains(secret), "\(secret) leaked into the model")
        }
    }

    // MARK: Plan (terraform show -json)

    static let plan = #"""
    {
      "format_version": "1.2",
      "terraform_version": "1.6.0",
      "planned_values": {
        "root_module": {
          "resources": [
            {
              "address": "aws_iam_role.deployer",
              "mode": "managed",
              "type": "aws_iam_role",
              "name": "deployer",
              "values": {"name_prefix": "deployer-", "path": "/", "assume_role_policy": "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"sts:AssumeRole\"}]}"},
              "sensitive_values": {}
            },
            {
              "address": "aws_iam_user.extra",
              "mode": "managed",
              "type": "aws_iam_user",
              "name": "extra",
              "values": {"name": "extra", "path": "/"},
              "sensitive_values": {}
            }
          ]
        }
      },
      "resource_changes": [
        {
          "address": "aws_iam_role.deployer",
          "mode": "managed",
          "type": "aws_iam_role",
          "name": "deployer",
          "change": {
            "actions": ["create"],
            "before": null,
            "after": {"name_prefix": "deployer-", "path": "/", "assume_role_policy": "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"sts:AssumeRole\"}]}"},
            "after_unknown": {"arn": true, "id": true, "name": true, "managed_policy_arns": true},
            "after_sensitive": {}
          }
        },
        {
          "address": "aws_iam_policy.p",
          "mode": "managed",
          "type": "aws_iam_policy",
          "name": "p",
          "change": {
            "actions": ["create"],
            "after": {"name": "p", "path": "/", "policy": "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\"}]}"},
            "after_unknown": {"arn": true, "id": true}
          }
        },
        {
          "address": "aws_iam_role_policy_attachment.p",
          "mode": "managed",
          "type": "aws_iam_role_policy_attachment",
          "name": "p",
          "change": {
            "actions": ["create"],
            "after": {},
            "after_unknown": {"id": true, "role": true, "policy_arn": true}
          }
        },
        {
          "address": "aws_iam_role_policy_attachment.admin",
          "mode": "managed",
          "type": "aws_iam_role_policy_attachment",
          "name": "admin",
          "change": {
            "actions": ["create"],
            "after": {"policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"},
            "after_unknown": {"id": true, "role": true}
          }
        },
        {
          "address": "aws_iam_role.named",
          "mode": "managed",
          "type": "aws_iam_role",
          "name": "named",
          "change": {
            "actions": ["update"],
            "after": {"name": "named", "path": "/", "assume_role_policy": "{\"Statement\":[]}"},
            "after_unknown": {}
          }
        },
        {
          "address": "aws_iam_role_policy.named",
          "mode": "managed",
          "type": "aws_iam_role_policy",
          "name": "named",
          "change": {
            "actions": ["create"],
            "after": {"name": "inline", "policy": "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"},
            "after_unknown": {"id": true, "role": true}
          }
        },
        {
          "address": "aws_iam_user.secretive",
          "mode": "managed",
          "type": "aws_iam_user",
          "name": "secretive",
          "change": {
            "actions": ["create"],
            "after": {"name": "TopSecretUserName", "path": "/"},
            "after_unknown": {"arn": true},
            "after_sensitive": {"name": true}
          }
        },
        {
          "address": "aws_iam_user.gone",
          "mode": "managed",
          "type": "aws_iam_user",
          "name": "gone",
          "change": {"actions": ["delete"], "before": {"name": "gone"}, "after": null, "after_unknown": {}}
        },
        {
          "address": "aws_iam_role.replaced",
          "mode": "managed",
          "type": "aws_iam_role",
          "name": "replaced",
          "deposed": "00000001",
          "change": {"actions": ["delete"], "before": {"name": "replaced"}, "after": null}
        },
        {
          "address": "aws_iam_role.replaced",
          "mode": "managed",
          "type": "aws_iam_role",
          "name": "replaced",
          "change": {"actions": ["create", "delete"], "after": {"name": "replaced"}, "after_unknown": {}}
        },
        {
          "address": "module.ci.aws_iam_role.runner",
          "module_address": "module.ci",
          "mode": "managed",
          "type": "aws_iam_role",
          "name": "runner",
          "change": {
            "actions": ["create"],
            "after": {"name_prefix": "runner", "assume_role_policy": "{\"Statement\":[]}"},
            "after_unknown": {"name": true, "arn": true}
          }
        },
        {
          "address": "module.ci.aws_iam_role_policy_attachment.runner",
          "module_address": "module.ci",
          "mode": "managed",
          "type": "aws_iam_role_policy_attachment",
          "name": "runner",
          "change": {
            "actions": ["create"],
            "after": {"policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"},
            "after_unknown": {"role": true}
          }
        },
        {
          "address": "aws_iam_role_policy_attachment.mystery",
          "mode": "managed",
          "type": "aws_iam_role_policy_attachment",
          "name": "mystery",
          "change": {"actions": ["create"], "after": {}, "after_unknown": {"role": true, "policy_arn": true}}
        }
      ],
      "prior_state": {
        "format_version": "1.0",
        "values": {
          "root_module": {
            "resources": [
              {
                "address": "aws_iam_user.gone",
                "mode": "managed",
                "type": "aws_iam_user",
                "name": "gone",
                "values": {"name": "gone"}
              },
              {
                "address": "aws_iam_role.named",
                "mode": "managed",
                "type": "aws_iam_role",
                "name": "named",
                "values": {"name": "named-before-update"}
              }
            ]
          }
        }
      },
      "configuration": {
        "root_module": {
          "resources": [
            {
              "address": "aws_iam_role_policy_attachment.p",
              "mode": "managed",
              "type": "aws_iam_role_policy_attachment",
              "name": "p",
              "expressions": {
                "role": {"references": ["aws_iam_role.deployer.name", "aws_iam_role.deployer"]},
                "policy_arn": {"references": ["aws_iam_policy.p.arn", "aws_iam_policy.p"]}
              }
            },
            {
              "address": "aws_iam_role_policy_attachment.admin",
              "mode": "managed",
              "type": "aws_iam_role_policy_attachment",
              "name": "admin",
              "expressions": {
                "role": {"references": ["aws_iam_role.deployer.id", "aws_iam_role.deployer"]},
                "policy_arn": {"constant_value": "arn:aws:iam::aws:policy/AdministratorAccess"}
              }
            },
            {
              "address": "aws_iam_role_policy.named",
              "mode": "managed",
              "type": "aws_iam_role_policy",
              "name": "named",
              "expressions": {"role": {"references": ["aws_iam_role.named.id", "aws_iam_role.named"]}}
            },
            {
              "address": "aws_iam_role_policy_attachment.mystery",
              "mode": "managed",
              "type": "aws_iam_role_policy_attachment",
              "name": "mystery",
              "expressions": {"role": {"references": ["var.role_name"]}, "policy_arn": {"references": ["module.policies.arn"]}}
            }
          ],
          "module_calls": {
            "ci": {
              "source": "./modules/ci",
              "module": {
                "resources": [
                  {
                    "address": "aws_iam_role_policy_attachment.runner",
                    "mode": "managed",
                    "type": "aws_iam_role_policy_attachment",
                    "name": "runner",
                    "expressions": {"role": {"references": ["aws_iam_role.runner.name", "aws_iam_role.runner"]}}
                  }
                ]
              }
            }
          }
        }
      }
    }
    """#

    func testPlanLoadsEachAddressOnceAndSkipsDeletions() throws {
        let fragment = try load(Self.plan)
        XCTAssertEqual(fragment.principals.map(\.logicalName), [
            "aws_iam_role.deployer", "aws_iam_role.named", "aws_iam_user.secretive", "aws_iam_role.replaced",
            "module.ci.aws_iam_role.runner", "aws_iam_user.extra",
        ])
        let deployer = try principal(fragment, "aws_iam_role.deployer")
        XCTAssertEqual(deployer.provenance.range, try range(of: #""address""#, onLineWith: #""address": "aws_iam_role.deployer""#, occurrence: 2, in: Self.plan),
                       "resource_changes come first, planned_values do not load the address again")
        XCTAssertEqual(try principal(fragment, "aws_iam_role.named").explicitName?.value, "named", "the plan's after, not prior_state")
        XCTAssertEqual(fragment.policies.map(\.logicalName), ["aws_iam_policy.p", "aws_iam_role_policy.named"])
    }

    func testUnknownNamesBecomeAddressReferenceKeys() throws {
        let fragment = try load(Self.plan)
        let deployer = try principal(fragment, "aws_iam_role.deployer")
        XCTAssertNil(deployer.explicitName)
        XCTAssertEqual(deployer.referenceKey, "${aws_iam_role.deployer}")
        XCTAssertEqual(deployer.displayName, "aws_iam_role.deployer")
        XCTAssertNil(deployer.account, "an unknown ARN says nothing about the account")
        XCTAssertEqual(deployer.trustPolicy?.statements.first?.principals.map(\.identity), [.anyone])
        XCTAssertEqual(try principal(fragment, "module.ci.aws_iam_role.runner").referenceKey, "${module.ci.aws_iam_role.runner}")

        let secretive = try principal(fragment, "aws_iam_user.secretive")
        XCTAssertNil(secretive.explicitName, "a sensitive name is treated as unknown")
        XCTAssertFalse(String(describing: fragment).contains("TopSecretUserName"))
    }

    func testUnknownAttachmentTargetsResolveThroughConfiguration() throws {
        let fragment = try load(Self.plan)
        let p = try XCTUnwrap(fragment.attachments.first { $0.provenance.logicalPath == "aws_iam_role_policy_attachment.p" })
        XCTAssertEqual(p.roles.map(\.value), ["${aws_iam_role.deployer}"])
        XCTAssertEqual(p.roles.map(\.isSymbolic), [true])
        XCTAssertEqual(p.policyArn.value, "${aws_iam_policy.p}")
        XCTAssertTrue(p.policyArn.isSymbolic)
        let marker = try range(of: #"true, "policy_arn""#, onLineWith: #""after_unknown": {"id": true, "role": true, "policy_arn": true}"#, in: Self.plan)
        let unknownRole = SourceRange(start: marker.start, end: SourcePosition(line: marker.start.line, column: marker.start.column + 4))
        XCTAssertEqual(p.roles.first?.range, unknownRole, "an unknown value is placed at its after_unknown marker")

        let runner = try XCTUnwrap(fragment.attachments.first { $0.provenance.logicalPath == "module.ci.aws_iam_role_policy_attachment.runner" })
        XCTAssertEqual(runner.roles.map(\.value), ["${module.ci.aws_iam_role.runner}"], "references inside a module get the module's prefix")

        let named = try XCTUnwrap(fragment.policies.first { $0.logicalName == "aws_iam_role_policy.named" })
        XCTAssertEqual(named.roles.map(\.value), ["named"], "a reference to a role whose name is known becomes that name")
        XCTAssertEqual(named.roles.map(\.isSymbolic), [false])

        let mystery = try XCTUnwrap(fragment.attachments.first { $0.provenance.logicalPath == "aws_iam_role_policy_attachment.mystery" })
        XCTAssertEqual(mystery.roles.map(\.value), ["${aws_iam_role_policy_attachment.mystery.role}"], "unknown stays unknown, never empty")
        XCTAssertEqual(mystery.policyArn.value, "${aws_iam_role_policy_attachment.mystery.policy_arn}")
        XCTAssertTrue(mystery.policyArn.isSymbolic)
    }

    func testPlanGraphGrantsThroughUnknownReferences() throws {
        let graph = IAMGraph(fragments: [try load(Self.plan)])
        let deployer = try index(graph, "aws_iam_role.deployer")
        let names = graph.grants[deployer].map(\.policyName)
        XCTAssertTrue(names.contains("p"), "\(names)")
        XCTAssertTrue(names.contains("AdministratorAccess"), "\(names)")
        XCTAssertTrue(graph.isAdministratorEquivalent(deployer))
        XCTAssertTrue(graph.isAdministratorEquivalent(try index(graph, "module.ci.aws_iam_role.runner")))
        let named = try index(graph, "aws_iam_role.named")
        XCTAssertEqual(graph.grants[named].map(\.policyName), ["inline"])
        XCTAssertTrue(graph.isAdministratorEquivalent(named))
        XCTAssertFalse(graph.isAdministratorEquivalent(try index(graph, "aws_iam_user.extra")))
    }

    func testUnknownPolicyAttributeUsesTheReferencedPolicyDocument() throws {
        let plan = #"""
        {
          "format_version": "1.2",
          "resource_changes": [
            {
              "address": "aws_iam_role.ci",
              "type": "aws_iam_role",
              "change": {"actions": ["create"], "after": {"name": "ci"}, "after_unknown": {"assume_role_policy": true}}
            },
            {
              "address": "aws_iam_role.other",
              "type": "aws_iam_role",
              "change": {"actions": ["create"], "after": {"name": "other"}, "after_unknown": {"assume_role_policy": true}}
            }
          ],
          "prior_state": {"values": {"root_module": {"resources": [
            {
              "address": "data.aws_iam_policy_document.trust",
              "mode": "data",
              "type": "aws_iam_policy_document",
              "name": "trust",
              "values": {"json": "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::555555555555:root\"},\"Action\":\"sts:AssumeRole\"}]}"}
            }
          ]}}},
          "configuration": {"root_module": {"resources": [
            {"mode": "managed", "type": "aws_iam_role", "name": "ci", "expressions": {"assume_role_policy": {"references": ["data.aws_iam_policy_document.trust.json", "data.aws_iam_policy_document.trust"]}}},
            {"mode": "managed", "type": "aws_iam_role", "name": "other", "expressions": {"assume_role_policy": {"references": ["var.trust_json"]}}}
          ]}}
        }
        """#
        let fragment = try load(plan)
        XCTAssertEqual(fragment.principals.map(\.logicalName), ["aws_iam_role.ci", "aws_iam_role.other"], "the data source is not an entity")
        let trust = try XCTUnwrap(try principal(fragment, "aws_iam_role.ci").trustPolicy)
        XCTAssertEqual(trust.provenance.logicalPath, "aws_iam_role.ci.assume_role_policy")
        let json = try range(
            of: #""{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::555555555555:root\"},\"Action\":\"sts:AssumeRole\"}]}""#,
            onLineWith: #""values": {"json": "#, in: plan)
        XCTAssertEqual(trust.provenance.range, json, "placed at the data source's json")
        XCTAssertEqual(trust.statements.first?.principals.map(\.text.value), ["arn:aws:iam::555555555555:root"])
        XCTAssertNil(try principal(fragment, "aws_iam_role.other").trustPolicy, "an unknown policy is unknown, not an empty one")
    }

    // MARK: Raw terraform.tfstate (version 4)

    static let rawState = #"""
    {
      "version": 4,
      "terraform_version": "1.5.7",
      "serial": 12,
      "lineage": "5d7c0a3e-0000-0000-0000-000000000000",
      "outputs": {},
      "resources": [
        {
          "mode": "data",
          "type": "aws_caller_identity",
          "name": "current",
          "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
          "instances": [{"schema_version": 0, "attributes": {"account_id": "444444444444"}}]
        },
        {
          "mode": "data",
          "type": "aws_iam_policy_document",
          "name": "admin",
          "instances": [{"schema_version": 0, "attributes": {"json": "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"}}]
        },
        {
          "mode": "managed",
          "type": "aws_iam_user",
          "name": "u",
          "instances": [
            {"index_key": "alice", "schema_version": 0, "attributes": {"arn": "arn:aws:iam::444444444444:user/alice", "name": "alice", "path": "/"}},
            {"index_key": "bob", "schema_version": 0, "attributes": {"arn": "arn:aws:iam::444444444444:user/bob", "name": "bob", "path": "/"}}
          ]
        },
        {
          "mode": "managed",
          "type": "aws_iam_group",
          "name": "devs",
          "instances": [{"schema_version": 0, "attributes": {"name": "devs", "path": "/"}}]
        },
        {
          "mode": "managed",
          "type": "aws_iam_group_policy",
          "name": "devs",
          "instances": [{"schema_version": 0, "attributes": {"group": "devs", "name": "devs-admin", "policy": "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"}}]
        },
        {
          "mode": "managed",
          "type": "aws_iam_user_group_membership",
          "name": "alice",
          "instances": [{"schema_version": 0, "attributes": {"user": "alice", "groups": ["devs"]}}]
        },
        {
          "module": "module.team",
          "mode": "managed",
          "type": "aws_iam_role",
          "name": "r",
          "instances": [
            {"index_key": 0, "schema_version": 0, "attributes": {"name": "team-0", "assume_role_policy": "{\"Statement\":[]}", "inline_policy": [], "managed_policy_arns": []}},
            {"index_key": 1, "schema_version": 0, "attributes": {"name": "team-1", "assume_role_policy": "{\"Statement\":[]}"}},
            {"index_key": 1, "deposed": "abcd", "schema_version": 0, "attributes": {"name": "team-1-old"}}
          ]
        },
        {
          "module": "module.team.module.keys",
          "mode": "managed",
          "type": "aws_iam_access_key",
          "name": "k",
          "instances": [
            {
              "index_key": 0,
              "schema_version": 0,
              "attributes": {"id": "AKIAIOSFODNN7EXAMPLE", "user": "bob", "secret": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "ses_smtp_password_v4": "BKf0sSmTpPaSsWoRdV4ExAmPlE0123456789abcd", "private_key": "-----BEGIN RSA PRIVATE KEY-----"},
              "sensitive_attributes": [[{"type": "get_attr", "value": "secret"}], [{"type": "get_attr", "value": "ses_smtp_password_v4"}]]
            }
          ]
        },
        {
          "mode": "managed",
          "type": "aws_iam_user_login_profile",
          "name": "bob",
          "instances": [{"schema_version": 0, "attributes": {"user": "bob", "password": "Hunter2-Console-Password!"}, "sensitive_attributes": [{"type": "get_attr", "value": "password"}]}]
        }
      ]
    }
    """#

    func testRawStateAddressesWithModulesCountAndForEach() throws {
        let fragment = try load(Self.rawState)
        XCTAssertEqual(fragment.principals.map(\.logicalName), [
            #"aws_iam_user.u["alice"]"#, #"aws_iam_user.u["bob"]"#, "aws_iam_group.devs",
            "module.team.aws_iam_role.r[0]", "module.team.aws_iam_role.r[1]",
        ])
        XCTAssertEqual(fragment.principals.map { $0.explicitName?.value }, ["alice", "bob", "devs", "team-0", "team-1"])
        XCTAssertEqual(fragment.principals.map(\.provenance.logicalPath), fragment.principals.map(\.logicalName))
        XCTAssertEqual(fragment.principals.map(\.account), ["444444444444", "444444444444", nil, nil, nil])
        XCTAssertEqual(fragment.principals.map(\.hasLoginProfile), [false, true, false, false, false])
        XCTAssertEqual(fragment.accessKeys.map(\.logicalName), ["module.team.module.keys.aws_iam_access_key.k[0]"])
        XCTAssertEqual(fragment.accessKeys.map(\.user.value), ["bob"])
        XCTAssertEqual(fragment.policies.map(\.logicalName), ["aws_iam_group_policy.devs"])
        XCTAssertEqual(fragment.policies.first?.groups.map(\.value), ["devs"])
        XCTAssertEqual(fragment.policies.first?.document.provenance.logicalPath, "aws_iam_group_policy.devs.policy")
        XCTAssertEqual(fragment.memberships.map(\.group.value), ["devs"])
        XCTAssertEqual(fragment.memberships.first?.users.map(\.value), ["alice"])

        let description = String(describing: fragment)
        for secret in [Self.secretKey, Self.smtpPassword, Self.consolePassword, "BEGIN RSA PRIVATE KEY"] {
            XCTAssertFalse(description.contains(secret), "\(secret) leaked into the model")
        }
    }

    func testRawStateGraphGivesGroupPoliciesToMembers() throws {
        let graph = IAMGraph(fragments: [try load(Self.rawState)])
        let alice = try index(graph, #"aws_iam_user.u["alice"]"#)
        let bob = try index(graph, #"aws_iam_user.u["bob"]"#)
        XCTAssertTrue(graph.isAdministratorEquivalent(alice))
        XCTAssertEqual(graph.adminGrant(alice)?.policyName, "devs-admin")
        XCTAssertFalse(graph.isAdministratorEquivalent(bob))
    }

    // MARK: Robustness

    func testUnexpectedStructuresAreSkippedQuietly() throws {
        let documents = [
            #"{"format_version": "1.0", "values": {"root_module": {"resources": "nope", "child_modules": [1, null, {"resources": [null, 3, {"address": 5}]}]}}}"#,
            #"{"format_version": "1.0", "values": {"root_module": {"resources": [{"address": "aws_iam_role.x", "type": "aws_iam_role", "values": "oops"}, {"address": "...", "type": "aws_iam_user", "values": {}}]}}}"#,
            #"{"format_version": "1.2", "resource_changes": [{"address": "aws_iam_role.x", "type": "aws_iam_role", "change": {"actions": "create", "after": [1]}}, {"change": null}, 7]}"#,
            #"{"format_version": "1.2", "resource_changes": [{"address": "aws_iam_role_policy_attachment.a", "type": "aws_iam_role_policy_attachment", "change": {"actions": ["create"], "after": {"role": ["x"], "policy_arn": {"a": 1}}, "after_unknown": [true]}}], "configuration": {"root_module": {"resources": [{"type": "aws_iam_role_policy_attachment", "name": "a", "expressions": {"role": {"references": [".", "aws_iam_role.", "aws_iam_role.[0]", "aws_iam_role.x[", "aws_iam_role.y[\"a.b\"].name"]}}}], "module_calls": {"m": 1}}}}"#,
            #"{"format_version": "1.2", "resource_changes": [{"address": "aws_iam_policy_attachment.a", "type": "aws_iam_policy_attachment", "change": {"actions": ["create"], "after": {"users": "alice", "roles": [null, 3, {}], "groups": null}, "after_unknown": {"roles": [true], "groups": true}}}]}"#,
            #"{"version": 4, "resources": [{"type": "aws_iam_role", "name": "r", "instances": [{"attributes": {"name": ["x"], "inline_policy": [null, {"policy": 3}], "managed_policy_arns": "arn"}}, null, {"attributes": 1}]}, {"type": 1}]}"#,
            #"{"version": 4, "resources": [{"type": "aws_iam_user", "name": "u", "module": "module.", "instances": [{"index_key": {"k": 1}, "attributes": {}}]}]}"#,
        ]
        for text in documents {
            let node = try root(text)
            let fragment = TerraformLoader.load(node, file: "odd.json")
            _ = IAMGraph(fragments: [fragment])
        }
        let odd = TerraformLoader.load(try root(documents[4]), file: "odd.json")
        XCTAssertEqual(odd.attachments.first?.users.map(\.value), ["alice"])
        XCTAssertEqual(odd.attachments.first?.roles.map(\.value), ["3", "${aws_iam_policy_attachment.a.roles}"])
        XCTAssertEqual(odd.attachments.first?.groups.map(\.value), ["${aws_iam_policy_attachment.a.groups}"])
    }

    func testAddressesWithDotsInKeysAndNestedModuleIndexes() throws {
        let plan = #"""
        {
          "format_version": "1.2",
          "resource_changes": [
            {
              "address": "module.org[\"a.b\"].module.iam[0].aws_iam_role.r[\"x.y\"]",
              "type": "aws_iam_role",
              "change": {"actions": ["create"], "after": {"assume_role_policy": "{}"}, "after_unknown": {"name": true}}
            },
            {
              "address": "module.org[\"a.b\"].module.iam[0].aws_iam_role_policy_attachment.a[\"x.y\"]",
              "type": "aws_iam_role_policy_attachment",
              "change": {"actions": ["create"], "after": {"policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}, "after_unknown": {"role": true}}
            }
          ],
          "configuration": {"root_module": {"module_calls": {"org": {"module": {"module_calls": {"iam": {"module": {"resources": [
            {"mode": "managed", "type": "aws_iam_role_policy_attachment", "name": "a", "expressions": {"role": {"references": ["aws_iam_role.r", "each.key"]}}}
          ]}}}}}}}}
        }
        """#
        let fragment = try load(plan)
        XCTAssertEqual(fragment.principals.map(\.referenceKey), [#"${module.org["a.b"].module.iam[0].aws_iam_role.r["x.y"]}"#])
        XCTAssertEqual(fragment.attachments.first?.roles.map(\.value), [#"${module.org["a.b"].module.iam[0].aws_iam_role.r["x.y"]}"#],
                       "an unindexed reference from a for_each instance resolves to the instance with the same key")
        let graph = IAMGraph(fragments: [fragment])
        XCTAssertTrue(graph.isAdministratorEquivalent(0))
    }

    func testTerraform012PriorStateChildModuleAddressesGetTheirModulePrefix() throws {
        let plan = #"""
        {
          "format_version": "0.1",
          "resource_changes": [
            {"address": "module.app.aws_iam_role.r", "type": "aws_iam_role", "change": {"actions": ["no-op"], "after": {"name": "app"}}}
          ],
          "prior_state": {"values": {"root_module": {"child_modules": [
            {"address": "module.app", "resources": [
              {"address": "aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r", "values": {"name": "app"}},
              {"address": "module.app.aws_iam_user.u", "mode": "managed", "type": "aws_iam_user", "name": "u", "values": {"name": "u"}}
            ]}
          ]}}}
        }
        """#
        let fragment = try load(plan)
        XCTAssertEqual(fragment.principals.map(\.logicalName), ["module.app.aws_iam_role.r", "module.app.aws_iam_user.u"])
    }

    // MARK: Corpus

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testTerraformCorpusLoadsWithoutCrashing() throws {
        let corpus = Self.packageRoot.appendingPathComponent("../shared/corpus/terraform").standardizedFileURL
        guard FileManager.default.fileExists(atPath: corpus.path) else {
            throw XCTSkip("../shared/corpus/terraform not found: \(corpus.path)")
        }
        let enumerator = try XCTUnwrap(FileManager.default.enumerator(at: corpus, includingPropertiesForKeys: nil))
        var paths: [String] = []
        for case let url as URL in enumerator where url.pathExtension == "json" || url.pathExtension == "tfstate" {
            paths.append(url.path)
        }
        paths.sort()
        let started = Date()
        var files = 0, terraform = 0, principals = 0, policies = 0, attachments = 0, other = 0, statements = 0
        var symbolic = 0, unresolved = 0
        var fragments: [GraphFragment] = []
        for path in paths {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            files += 1
            let result = JSONParser.parse([UInt8](data))
            guard let node = result.documents.first, TerraformLoader.isTerraformJSON(node) else { continue }
            terraform += 1
            let fragment = TerraformLoader.load(node, file: path)
            principals += fragment.principals.count
            policies += fragment.policies.count
            attachments += fragment.attachments.count
            other += fragment.memberships.count + fragment.instanceProfiles.count + fragment.accessKeys.count
            statements += fragment.principals.reduce(0) { $0 + ($1.trustPolicy?.statements.count ?? 0) + $1.inlinePolicies.reduce(0) { $0 + $1.document.statements.count } }
            statements += fragment.policies.reduce(0) { $0 + $1.document.statements.count }
            var references: [PolicyText] = []
            for a in fragment.attachments { references += a.roles + a.users + a.groups + [a.policyArn] }
            for p in fragment.policies { references += p.roles + p.users + p.groups }
            for m in fragment.memberships { references += [m.group] + m.users }
            references += fragment.accessKeys.map(\.user)
            let known = Set(fragment.principals.map(\.referenceKey) + fragment.policies.map { "${\($0.logicalName)}" })
            symbolic += references.filter(\.isSymbolic).count
            unresolved += references.filter { $0.isSymbolic && !known.contains($0.value) }.count
            fragments.append(fragment)
        }
        let graph = IAMGraph(fragments: fragments)
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertGreaterThan(terraform, 400)
        XCTAssertGreaterThan(principals, 50)
        print("terraform corpus: \(files) files, \(terraform) Terraform JSON, \(principals + policies + attachments + other) IAM resources (\(principals) principals, \(policies) policies, \(attachments) attachments, \(other) memberships/profiles/keys), \(statements) policy statements, \(symbolic) symbolic references (\(unresolved) unknown), \(graph.grants.reduce(0) { $0 + $1.count }) grants; \(String(format: "%.2f", elapsed)) s")
    }
}
