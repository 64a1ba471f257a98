import IAMLintCore
import IAMLintLoaders
import IAMLintModel
import XCTest

/// Inventory items (trails, certificates, password policies, organization accounts, identity
/// providers, MFA devices, login profiles, access keys, outputs, SAM functions) and the
/// committed-key scan, for CloudFormation and Terraform.
final class InventoryLoaderTests: XCTestCase {
    // MARK: Helpers

    private func cloudFormation(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) throws -> GraphFragment {
        let result = YAMLParser.parse(yaml)
        let root = try XCTUnwrap(result.documents.first, "\(result.diagnostics)", file: file, line: line)
        XCTAssertTrue(CloudFormationLoader.isTemplate(root), file: file, line: line)
        return CloudFormationLoader.load(root, file: "t.yaml")
    }

    private func terraform(_ json: String, file: StaticString = #filePath, line: UInt = #line) throws -> GraphFragment {
        let result = JSONParser.parse(json)
        XCTAssertTrue(result.diagnostics.isEmpty, "\(result.diagnostics)", file: file, line: line)
        let root = try XCTUnwrap(result.documents.first, file: file, line: line)
        XCTAssertTrue(TerraformLoader.isTerraformJSON(root), file: file, line: line)
        return TerraformLoader.load(root, file: "tf.json")
    }

    private func item(_ fragment: GraphFragment, _ kind: InventoryItem.Kind, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> InventoryItem {
        try XCTUnwrap(fragment.inventory.first { $0.kind == kind && $0.logicalName == name }, "no \(kind) \(name)", file: file, line: line)
    }

    private func at(_ line: Int, _ column: Int) -> SourcePosition { SourcePosition(line: line, column: column) }

    static let secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    static let password = "Hunter2-Console-Password!"
    static let privateKey = "-----BEGIN RSA PRIVATE KEY-----"

    // MARK: CloudFormation

    func testCloudFormationResourcesBecomeInventoryItems() throws {
        let fragment = try cloudFormation("""
        Resources:
          Trail:
            Type: AWS::CloudTrail::Trail
            Properties: {S3BucketName: logs, IsLogging: true, IsMultiRegionTrail: false}
          Certificate:
            Type: AWS::IAM::ServerCertificate
            Properties: {ServerCertificateName: www, CertificateBody: body}
          Sandbox:
            Type: AWS::Organizations::Account
            Properties: {AccountName: sandbox, Email: a@example.com}
          GitHub:
            Type: AWS::IAM::OIDCProvider
            Properties: {Url: "https://token.actions.githubusercontent.com", ClientIdList: [sts.amazonaws.com]}
          Okta:
            Type: AWS::IAM::SAMLProvider
            Properties: {SamlMetadataDocument: "<xml/>"}
          Device:
            Type: AWS::IAM::VirtualMFADevice
            Properties: {Users: [alice]}
          Key:
            Type: AWS::IAM::AccessKey
            Properties: {UserName: alice, Status: Inactive}
          Function:
            Type: AWS::Serverless::Function
            Properties: {Handler: index.handler, Policies: [AmazonS3ReadOnlyAccess]}
          Bucket:
            Type: AWS::S3::Bucket
        """)
        XCTAssertEqual(fragment.inventory.map(\.kind), [
            .cloudTrail, .serverCertificate, .organizationAccount, .oidcProvider, .samlProvider, .virtualMFADevice,
            .accessKey, .serverlessFunction,
        ])
        XCTAssertEqual(fragment.inventory.map(\.sourceType), [
            "AWS::CloudTrail::Trail", "AWS::IAM::ServerCertificate", "AWS::Organizations::Account", "AWS::IAM::OIDCProvider",
            "AWS::IAM::SAMLProvider", "AWS::IAM::VirtualMFADevice", "AWS::IAM::AccessKey", "AWS::Serverless::Function",
        ])
        let trail = try item(fragment, .cloudTrail, "Trail")
        XCTAssertEqual(trail.provenance.logicalPath, "Resources.Trail")
        XCTAssertEqual(trail.provenance.range.start, at(2, 3))
        let multiRegion = try XCTUnwrap(trail.property("IsMultiRegionTrail"))
        XCTAssertEqual(multiRegion.value.text?.value, "false")
        XCTAssertEqual(multiRegion.provenance.logicalPath, "Resources.Trail.Properties.IsMultiRegionTrail")
        XCTAssertEqual(multiRegion.provenance.range.start, at(4, 75))
        XCTAssertNil(trail.property("KMSKeyId"))
        XCTAssertEqual(try item(fragment, .accessKey, "Key").property("Status")?.value.text?.value, "Inactive")
        XCTAssertEqual(try item(fragment, .serverlessFunction, "Function").property("Policies")?.value.texts.map(\.value), ["AmazonS3ReadOnlyAccess"])
        XCTAssertEqual(fragment.accessKeys.map(\.logicalName), ["Key"], "the access key is still an access key")
    }

    func testLoginProfilesKeepLiteralsAndDescribeParameterReferences() throws {
        let fragment = try cloudFormation("""
        Parameters:
          Quiet: {Type: String, NoEcho: true}
          QuietWithDefault: {Type: String, NoEcho: "true", Default: \(Self.password)}
          Loud: {Type: String}
        Resources:
          Literal:
            Type: AWS::IAM::User
            Properties:
              LoginProfile: {Password: Literal-Passw0rd, PasswordResetRequired: true}
          FromQuiet:
            Type: AWS::IAM::User
            Properties:
              LoginProfile: {Password: !Ref Quiet}
          FromQuietWithDefault:
            Type: AWS::IAM::User
            Properties:
              LoginProfile: {Password: !Ref QuietWithDefault}
          FromLoud:
            Type: AWS::IAM::User
            Properties:
              LoginProfile: {Password: !Ref Loud}
          Either:
            Type: AWS::IAM::User
            Properties:
              LoginProfile:
                Password: !If [C, !Ref Quiet, "{{resolve:secretsmanager:s:SecretString:p}}"]
          Conditional:
            Type: AWS::IAM::User
            Properties:
              LoginProfile: !If [C, {Password: !Ref Loud}, !Ref AWS::NoValue]
          NoConsole:
            Type: AWS::IAM::User
            Properties: {UserName: robot}
        """)
        XCTAssertEqual(fragment.inventory.filter { $0.kind == .loginProfile }.map(\.logicalName),
                       ["Literal", "FromQuiet", "FromQuietWithDefault", "FromLoud", "Either", "Conditional"])
        let literal = try item(fragment, .loginProfile, "Literal")
        XCTAssertEqual(literal.sourceType, "AWS::IAM::User")
        let password = try XCTUnwrap(literal.property("Password"))
        XCTAssertEqual(password.value.text?.value, "Literal-Passw0rd")
        XCTAssertEqual(password.provenance.logicalPath, "Resources.Literal.Properties.LoginProfile.Password")
        XCTAssertEqual(password.provenance.range.start, at(9, 32))

        let quiet = try XCTUnwrap(try item(fragment, .loginProfile, "FromQuiet").property("Password"))
        XCTAssertEqual(quiet.value["Ref"]?.text?.value, "Quiet")
        XCTAssertEqual(quiet.value["NoEcho"]?.text?.value, "true")
        XCTAssertNil(quiet.value.entry("Default"))
        XCTAssertEqual(quiet.provenance.range.start, at(13, 32), "the reference is reported where it is written")

        let withDefault = try XCTUnwrap(try item(fragment, .loginProfile, "FromQuietWithDefault").property("Password"))
        XCTAssertEqual(withDefault.value["NoEcho"]?.text?.value, "true")
        XCTAssertEqual(withDefault.value["Default"]?.text?.value, "(present)")
        XCTAssertEqual(withDefault.value["Default"]?.range.start, at(3, 61), "the default's range, never its text")

        let loud = try XCTUnwrap(try item(fragment, .loginProfile, "FromLoud").property("Password"))
        XCTAssertEqual(loud.value["NoEcho"]?.text?.value, "false")

        guard case .alternatives(let options, _)? = try item(fragment, .loginProfile, "Either").property("Password")?.value else {
            return XCTFail("Fn::If keeps both branches")
        }
        XCTAssertEqual(options.count, 2)
        XCTAssertEqual(options[0]["Ref"]?.text?.value, "Quiet")
        XCTAssertEqual(options[1].text?.value, "{{resolve:secretsmanager:s:SecretString:p}}")

        let conditional = try item(fragment, .loginProfile, "Conditional")
        XCTAssertEqual(conditional.property("Password")?.value["Ref"]?.text?.value, "Loud")

        XCTAssertFalse(String(describing: fragment.inventory).contains(Self.password), "a parameter default is never copied")
    }

    func testServerCertificatePrivateKeyAndOutputs() throws {
        let fragment = try cloudFormation("""
        Parameters:
          Key: {Type: String, NoEcho: true}
          Stage: {Type: String, Default: prod}
        Resources:
          Literal:
            Type: AWS::IAM::ServerCertificate
            Properties:
              PrivateKey: "\(Self.privateKey)"
          FromParameter:
            Type: AWS::IAM::ServerCertificate
            Properties:
              PrivateKey: !Ref Key
          AccessKey:
            Type: AWS::IAM::AccessKey
            Properties: {UserName: ci}
        Outputs:
          Id:
            Value: !Ref AccessKey
          Secret:
            Description: do not
            Value: !GetAtt AccessKey.SecretAccessKey
          Joined:
            Value: !Join [":", [!Ref Stage, !Sub "${AccessKey.SecretAccessKey}"]]
          Quiet:
            Value: !Ref Key
        """)
        XCTAssertEqual(try item(fragment, .serverCertificate, "Literal").property("PrivateKey")?.value.text?.value, Self.privateKey)
        XCTAssertEqual(try item(fragment, .serverCertificate, "FromParameter").property("PrivateKey")?.value["NoEcho"]?.text?.value, "true")

        let outputs = fragment.inventory.filter { $0.kind == .output }
        XCTAssertEqual(outputs.map(\.logicalName), ["Id", "Secret", "Joined", "Quiet"])
        XCTAssertEqual(outputs.map(\.sourceType), ["Outputs", "Outputs", "Outputs", "Outputs"])
        XCTAssertEqual(outputs.map(\.provenance.logicalPath), ["Outputs.Id", "Outputs.Secret", "Outputs.Joined", "Outputs.Quiet"])
        XCTAssertEqual(outputs[1].provenance.range.start, at(19, 3))
        let secret = try XCTUnwrap(outputs[1].property("Value"))
        XCTAssertEqual(secret.value.text?.value, "${AccessKey.SecretAccessKey}")
        XCTAssertEqual(secret.provenance.logicalPath, "Outputs.Secret.Value")
        XCTAssertEqual(secret.provenance.range.start, at(21, 12))
        XCTAssertEqual(outputs[1].property("Description")?.value.text?.value, "do not")
        XCTAssertEqual(outputs[2].property("Value")?.value.text?.value, "prod:${AccessKey.SecretAccessKey}")
        XCTAssertEqual(outputs[3].property("Value")?.value["NoEcho"]?.text?.value, "true")
    }

    // MARK: Terraform

    func testTerraformResourcesBecomeInventoryItemsWithoutTheirSecrets() throws {
        let fragment = try terraform("""
        {
          "format_version": "1.0",
          "values": {"root_module": {"resources": [
            {"address": "aws_cloudtrail.main", "mode": "managed", "type": "aws_cloudtrail", "name": "main",
             "values": {"name": "main", "is_multi_region_trail": false, "kms_key_id": "", "event_selector": [{"read_write_type": "All"}]}},
            {"address": "aws_iam_server_certificate.www", "mode": "managed", "type": "aws_iam_server_certificate", "name": "www",
             "values": {"name": "www", "private_key": "\(Self.privateKey)", "certificate_body": "body"}, "sensitive_values": {"private_key": true}},
            {"address": "aws_iam_account_password_policy.p", "mode": "managed", "type": "aws_iam_account_password_policy", "name": "p",
             "values": {"minimum_password_length": 8, "max_password_age": null}},
            {"address": "aws_organizations_account.sandbox", "mode": "managed", "type": "aws_organizations_account", "name": "sandbox",
             "values": {"name": "sandbox", "id": "333333333333", "role_name": null}},
            {"address": "aws_iam_openid_connect_provider.github", "mode": "managed", "type": "aws_iam_openid_connect_provider", "name": "github",
             "values": {"url": "https://token.actions.githubusercontent.com"}},
            {"address": "aws_iam_saml_provider.okta", "mode": "managed", "type": "aws_iam_saml_provider", "name": "okta",
             "values": {"name": "okta"}},
            {"address": "aws_iam_virtual_mfa_device.alice", "mode": "managed", "type": "aws_iam_virtual_mfa_device", "name": "alice",
             "values": {"virtual_mfa_device_name": "alice", "base_32_string_seed": "JBSWY3DPEHPK3PXPSEED", "qr_code_png": ""}},
            {"address": "aws_iam_user_login_profile.alice", "mode": "managed", "type": "aws_iam_user_login_profile", "name": "alice",
             "values": {"user": "alice", "password": "\(Self.password)", "encrypted_password": null}, "sensitive_values": {"password": true}},
            {"address": "aws_iam_access_key.ci", "mode": "managed", "type": "aws_iam_access_key", "name": "ci",
             "values": {"id": "AKIAIOSFODNN7EXAMPLE", "user": "ci", "status": "Active", "secret": "\(Self.secretKey)", "ses_smtp_password_v4": ""},
             "sensitive_values": {"secret": true}},
            {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b", "values": {"bucket": "b"}}
          ]}}
        }
        """)
        XCTAssertEqual(fragment.inventory.map(\.kind), [
            .cloudTrail, .serverCertificate, .passwordPolicy, .organizationAccount, .oidcProvider, .samlProvider,
            .virtualMFADevice, .loginProfile, .accessKey,
        ])
        let trail = try item(fragment, .cloudTrail, "aws_cloudtrail.main")
        XCTAssertEqual(trail.sourceType, "aws_cloudtrail")
        XCTAssertEqual(trail.propertyPrefix, "")
        XCTAssertEqual(trail.provenance.logicalPath, "aws_cloudtrail.main")
        let multiRegion = try XCTUnwrap(trail.property("is_multi_region_trail"))
        XCTAssertEqual(multiRegion.value.text?.value, "false")
        XCTAssertEqual(multiRegion.provenance.logicalPath, "aws_cloudtrail.main.is_multi_region_trail")
        XCTAssertEqual(multiRegion.provenance.range.start, at(5, 58))
        XCTAssertEqual(trail.property("kms_key_id")?.value.text?.value, "")
        XCTAssertEqual(trail.property("event_selector")?.value.listItems.first?["read_write_type"]?.text?.value, "All")

        let certificate = try item(fragment, .serverCertificate, "aws_iam_server_certificate.www")
        let key = try XCTUnwrap(certificate.property("private_key"))
        XCTAssertEqual(key.value.text?.value, "(present)")
        XCTAssertEqual(key.provenance.range.start, at(7, 47))

        let policy = try item(fragment, .passwordPolicy, "aws_iam_account_password_policy.p")
        XCTAssertEqual(policy.property("minimum_password_length")?.value.text?.value, "8")
        guard case .null? = policy.property("max_password_age")?.value else { return XCTFail("null stays null") }

        XCTAssertEqual(try item(fragment, .organizationAccount, "aws_organizations_account.sandbox").property("id")?.value.text?.value, "333333333333")
        let device = try item(fragment, .virtualMFADevice, "aws_iam_virtual_mfa_device.alice")
        XCTAssertEqual(device.property("base_32_string_seed")?.value.text?.value, "(present)")
        XCTAssertNil(device.property("qr_code_png"), "an empty secret is not present")
        XCTAssertEqual(try item(fragment, .loginProfile, "aws_iam_user_login_profile.alice").property("password")?.value.text?.value, "(present)")
        let accessKey = try item(fragment, .accessKey, "aws_iam_access_key.ci")
        XCTAssertEqual(accessKey.property("secret")?.value.text?.value, "(present)")
        XCTAssertEqual(accessKey.property("status")?.value.text?.value, "Active")
        XCTAssertNil(accessKey.property("ses_smtp_password_v4"))

        let description = String(describing: fragment)
        for secret in [Self.secretKey, Self.password, Self.privateKey, "JBSWY3DPEHPK3PXPSEED"] {
            XCTAssertFalse(description.contains(secret), "\(secret) leaked into the model")
        }
        XCTAssertTrue(fragment.inventory.allSatisfy { $0.sourceType != "literal" }, "Terraform's own secrets are not committed keys")
    }

    func testTerraformUnknownAndSensitiveValuesAreSymbolic() throws {
        let fragment = try terraform("""
        {
          "format_version": "1.2",
          "resource_changes": [
            {"address": "aws_cloudtrail.main", "mode": "managed", "type": "aws_cloudtrail", "name": "main",
             "change": {"actions": ["create"], "after": {"name": "main", "enable_log_file_validation": true, "s3_bucket_name": "TopSecretBucket"},
                        "after_unknown": {"kms_key_id": true, "is_multi_region_trail": true},
                        "after_sensitive": {"s3_bucket_name": true}}}
          ]
        }
        """)
        let trail = try item(fragment, .cloudTrail, "aws_cloudtrail.main")
        XCTAssertEqual(trail.property("kms_key_id")?.value.text, PolicyText("${aws_cloudtrail.main.kms_key_id}", range: trail.property("kms_key_id")!.value.range, isSymbolic: true))
        XCTAssertEqual(trail.property("is_multi_region_trail")?.value.text?.isSymbolic, true)
        XCTAssertEqual(trail.property("s3_bucket_name")?.value.text?.value, "${aws_cloudtrail.main.s3_bucket_name}")
        XCTAssertEqual(trail.property("enable_log_file_validation")?.value.text?.value, "true")
        XCTAssertFalse(String(describing: fragment).contains("TopSecretBucket"))
    }

    func testPlanAttributesTheConfigurationDoesNotSetAreUnset() throws {
        let fragment = try terraform("""
        {
          "format_version": "1.2",
          "resource_changes": [
            {"address": "module.org.aws_iam_account_password_policy.p", "mode": "managed", "type": "aws_iam_account_password_policy", "name": "p",
             "change": {"actions": ["create"], "after": {"minimum_password_length": 14},
                        "after_unknown": {"require_symbols": true, "max_password_age": true, "id": true}}},
            {"address": "aws_iam_account_password_policy.unconfigured", "mode": "managed", "type": "aws_iam_account_password_policy", "name": "unconfigured",
             "change": {"actions": ["create"], "after": {}, "after_unknown": {"require_symbols": true}}}
          ],
          "configuration": {"root_module": {"module_calls": {"org": {"module": {"resources": [
            {"address": "aws_iam_account_password_policy.p", "mode": "managed", "type": "aws_iam_account_password_policy", "name": "p",
             "expressions": {"minimum_password_length": {"constant_value": 14}, "max_password_age": {"references": ["var.age"]}}}
          ]}}}}}
        }
        """)
        let policy = try item(fragment, .passwordPolicy, "module.org.aws_iam_account_password_policy.p")
        XCTAssertNil(policy.property("require_symbols"), "not in the configuration: not set")
        XCTAssertEqual(policy.property("max_password_age")?.value.text?.isSymbolic, true, "set from a variable: unknown")
        XCTAssertEqual(policy.property("minimum_password_length")?.value.text?.value, "14")
        let unconfigured = try item(fragment, .passwordPolicy, "aws_iam_account_password_policy.unconfigured")
        XCTAssertEqual(unconfigured.property("require_symbols")?.value.text?.isSymbolic, true, "without configuration: unknown")
    }

    func testRawStateInventory() throws {
        let fragment = try terraform("""
        {
          "version": 4, "terraform_version": "1.7.5", "serial": 1, "lineage": "x",
          "resources": [
            {"mode": "managed", "type": "aws_iam_access_key", "name": "k", "module": "module.users",
             "instances": [{"index_key": "alice", "attributes": {"id": "AKIAIOSFODNN7EXAMPLE", "user": "alice", "status": "Inactive", "secret": "\(Self.secretKey)"},
                            "sensitive_attributes": [[{"type": "get_attr", "value": "secret"}]]}]}
          ]
        }
        """)
        let key = try item(fragment, .accessKey, "module.users.aws_iam_access_key.k[\"alice\"]")
        XCTAssertEqual(key.property("secret")?.value.text?.value, "(present)")
        XCTAssertEqual(key.property("status")?.value.text?.value, "Inactive")
        XCTAssertFalse(String(describing: fragment).contains(Self.secretKey))
    }

    // MARK: Committed keys

    func testCommittedKeysInCloudFormation() throws {
        let fragment = try cloudFormation("""
        Parameters:
          Id: {Type: String, Default: AKIAIOSFODNN7EXAMPLE}
        Resources:
          F:
            Type: AWS::Lambda::Function
            Properties:
              Environment:
                Variables:
                  KEY: AKIAIOSFODNN7EXAMPLE
                  OTHER: "ASIAI44QH8DHBEXAMPLE,more"
                  NOT_A_KEY: xAKIAIOSFODNN7EXAMPLE
                  TOO_LONG: AKIAIOSFODNN7EXAMPLEX
                  SECRET: \(Self.secretKey)
        """)
        let keys = fragment.inventory.filter { $0.kind == .accessKey }
        XCTAssertEqual(keys.map(\.sourceType), ["literal", "literal"])
        XCTAssertEqual(keys.map(\.logicalName), ["Parameters.Id.Default", "Resources.F.Properties.Environment.Variables.OTHER"])
        XCTAssertEqual(keys.map { $0.properties["AccessKeyId"]?.text?.value }, ["AKIAIOSFODNN7EXAMPLE", "ASIAI44QH8DHBEXAMPLE"])
        XCTAssertEqual(keys[0].provenance.range.start, at(2, 31))
        XCTAssertEqual(keys[0].properties["SecretAccessKey"]?.text?.value, "(present)")
        XCTAssertEqual(keys[0].properties["SecretAccessKey"]?.range.start, at(13, 19))
        XCTAssertFalse(String(describing: fragment.inventory).contains(Self.secretKey))
    }

    func testAKeyWithoutSecretIsNoCommittedKey() throws {
        let fragment = try cloudFormation("""
        Resources:
          F:
            Type: AWS::Lambda::Function
            Properties:
              Environment:
                Variables:
                  KEY: AKIAIOSFODNN7EXAMPLE
                  SHA: 9f2c1e0b7d4a6c8e5f3b1a9d7c5e3f1a2b4c6d8e
                  BLOB: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYandMore==
                  PADDED: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY=
        """)
        XCTAssertTrue(fragment.inventory.isEmpty)
    }

    func testCommittedKeysInTerraformAreNamedByAddress() throws {
        let fragment = try terraform("""
        {
          "format_version": "1.2",
          "planned_values": {"root_module": {"resources": [
            {"address": "aws_instance.web", "mode": "managed", "type": "aws_instance", "name": "web",
             "values": {"user_data": "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\\nexport AWS_SECRET_ACCESS_KEY=\(Self.secretKey)\\n"}}
          ]}},
          "resource_changes": [
            {"address": "aws_instance.web", "mode": "managed", "type": "aws_instance", "name": "web",
             "change": {"actions": ["create"], "after": {"user_data": "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE"}}}
          ],
          "configuration": {"provider_config": {"aws": {"expressions": {"access_key": {"constant_value": "AKIAI44QH8DHBEXAMPLE"}}}}}
        }
        """)
        let keys = fragment.inventory.filter { $0.kind == .accessKey }
        XCTAssertEqual(keys.map(\.logicalName), ["aws_instance.web.user_data", "configuration.provider_config.aws.expressions.access_key.constant_value"])
        XCTAssertEqual(keys[0].provenance.range.start, at(5, 30), "the first occurrence")
    }

    func testTerraformGeneratedSecretsAreNotCommittedKeys() throws {
        let fragment = try terraform("""
        {
          "version": 4, "terraform_version": "1.7.5", "serial": 1, "lineage": "x",
          "resources": [
            {"mode": "managed", "type": "aws_iam_access_key", "name": "k",
             "instances": [{"attributes": {"id": "AKIAIOSFODNN7EXAMPLE", "user": "u", "secret": "\(Self.secretKey)"}}]},
            {"mode": "managed", "type": "aws_ssm_parameter", "name": "p",
             "instances": [{"index_key": 0, "attributes": {"name": "id", "value": "AKIAI44QH8DHBEXAMPLE"}}]}
          ]
        }
        """)
        XCTAssertEqual(fragment.inventory.filter { $0.sourceType == "literal" }.count, 0)

        let withSecret = try terraform("""
        {
          "version": 4, "terraform_version": "1.7.5", "serial": 1, "lineage": "x",
          "resources": [
            {"mode": "managed", "type": "aws_ssm_parameter", "name": "p",
             "instances": [{"index_key": 0, "attributes": {"name": "id", "value": "AKIAI44QH8DHBEXAMPLE", "description": "\(Self.secretKey)"}}]}
          ]
        }
        """)
        XCTAssertEqual(withSecret.inventory.filter { $0.sourceType == "literal" }.map(\.logicalName), ["aws_ssm_parameter.p[0].value"])
    }
}
