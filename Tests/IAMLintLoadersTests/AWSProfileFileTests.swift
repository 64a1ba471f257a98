import Foundation
import IAMLintCore
@testable import IAMLintLoaders
import XCTest

final class AWSProfileFileTests: XCTestCase {
    /// The package root: this file is `<root>/Tests/IAMLintLoadersTests/AWSProfileFileTests.swift`.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let vectorsURL = packageRoot
        .appendingPathComponent("../shared/data/aws-sdk-conformance/profile-parser-tests.json")
        .standardizedFileURL

    func loadVectors() throws -> [[String: Any]] {
        let url = AWSProfileFileTests.vectorsURL
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("../shared not found: \(url.path)")
        }
        let data = try Data(contentsOf: url)
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try XCTUnwrap(root["tests"] as? [[String: Any]])
    }

    // MARK: The AWS SDK conformance vectors

    func testEveryConformanceVector() throws {
        let tests = try loadVectors()
        XCTAssertEqual(tests.count, 65, "the vectors file should hold 65 cases")
        var passed = 0
        for test in tests {
            let name = test["name"] as? String ?? "<unnamed>"
            let input = test["input"] as? [String: Any] ?? [:]
            let output = test["output"] as? [String: Any] ?? [:]
            let config = (input["configFile"] as? String).map { AWSProfileFile.parse($0, kind: .config) }
            let credentials = (input["credentialsFile"] as? String).map { AWSProfileFile.parse($0, kind: .credentials) }
            let syntaxErrors = [config, credentials].compactMap { $0 }.flatMap(\.diagnostics).filter {
                if case .syntax = $0.kind { return true } else { return false }
            }
            let failuresBefore = failureCount

            if let expectedError = output["errorContaining"] as? String {
                XCTAssertTrue(syntaxErrors.contains { $0.message.contains(expectedError) },
                              "[\(name)] expected an error containing \"\(expectedError)\", got \(syntaxErrors.map(\.message))")
            } else {
                XCTAssertTrue(syntaxErrors.isEmpty, "[\(name)] unexpected errors: \(syntaxErrors.map(\.message))")
                let expected = try XCTUnwrap(output["config"] as? [String: Any], "[\(name)] no expected output")
                let expectedProfiles = try XCTUnwrap(expected["profiles"] as? [String: Any], "[\(name)] no profiles")
                let merged = AWSProfileFile.merged(config: config, credentials: credentials)
                compare(merged, expectedProfiles, what: "profiles", test: name)
                if let expectedSessions = expected["sso_sessions"] as? [String: Any] {
                    compare(config?.ssoSessions ?? [:], expectedSessions, what: "sso_sessions", test: name)
                }
            }
            if failureCount == failuresBefore { passed += 1 }
        }
        XCTAssertEqual(passed, tests.count)
    }

    private var failureCount: Int { testRun.map { $0.failureCount + $0.unexpectedExceptionCount } ?? 0 }

    private func compare(_ actual: [String: AWSProfileSection], _ expected: [String: Any], what: String, test: String) {
        XCTAssertEqual(Set(actual.keys), Set(expected.keys), "[\(test)] \(what) names")
        for (sectionName, rawProperties) in expected {
            guard let section = actual[sectionName] else { continue }
            guard let properties = rawProperties as? [String: Any] else {
                XCTFail("[\(test)] \(what)[\(sectionName)] is not an object in the vectors")
                continue
            }
            XCTAssertEqual(Set(section.properties.keys), Set(properties.keys), "[\(test)] \(what)[\(sectionName)] property names")
            for (key, value) in properties {
                guard let property = section.properties[key] else { continue }
                if let string = value as? String {
                    XCTAssertEqual(property.value, string, "[\(test)] \(what)[\(sectionName)].\(key)")
                } else if let sub = value as? [String: Any] {
                    // Sub-properties given as an object.
                    XCTAssertEqual(Set(property.subProperties.keys), Set(sub.keys), "[\(test)] \(what)[\(sectionName)].\(key) sub-properties")
                    for (subKey, subValue) in sub {
                        XCTAssertEqual(property.subProperties[subKey]?.value, subValue as? String,
                                       "[\(test)] \(what)[\(sectionName)].\(key).\(subKey)")
                    }
                } else {
                    XCTFail("[\(test)] \(what)[\(sectionName)].\(key): unexpected vector value \(value)")
                }
            }
        }
    }

    // MARK: Beyond the vectors

    func testSubPropertiesAreParsedWithPositions() {
        let file = AWSProfileFile.parse("[profile dev]\ns3 =\n  Addressing_Style = path\n  in valid = x\nregion = eu-west-1\n", kind: .config)
        XCTAssertTrue(file.diagnostics.isEmpty, "\(file.diagnostics)")
        let s3 = file.profiles["dev"]?.properties["s3"]
        XCTAssertEqual(s3?.value, "\nAddressing_Style = path\nin valid = x")
        XCTAssertEqual(Array(s3?.subProperties.keys ?? [:].keys), ["addressing_style"])
        let style = s3?.subProperties["addressing_style"]
        XCTAssertEqual(style?.value, "path")
        XCTAssertEqual(style?.keyRange, SourceRange(start: SourcePosition(line: 3, column: 3), end: SourcePosition(line: 3, column: 19)))
        XCTAssertEqual(style?.valueRange, SourceRange(start: SourcePosition(line: 3, column: 22), end: SourcePosition(line: 3, column: 26)))
        XCTAssertEqual(s3?.valueRange, SourceRange(start: SourcePosition(line: 2, column: 5), end: SourcePosition(line: 4, column: 15)))
        XCTAssertEqual(file.profiles["dev"]?.propertyOrder, ["s3", "region"])
    }

    func testPositionsAndOrder() {
        let text = "# comment\n[profile b]\nRole_Arn = arn:aws:iam::111111111111:role/Admin\n\n[default]\nregion = us-east-1\n[profile a]\n"
        let file = AWSProfileFile.parse(text, kind: .config)
        XCTAssertEqual(file.profileOrder, ["b", "default", "a"])
        let b = file.profiles["b"]
        XCTAssertEqual(b?.kind, .profile)
        XCTAssertEqual(b?.headerRange, SourceRange(start: SourcePosition(line: 2, column: 1), end: SourcePosition(line: 2, column: 12)))
        let role = b?.property("role_arn")
        XCTAssertEqual(role?.key, "role_arn")
        XCTAssertEqual(role?.keyRange, SourceRange(start: SourcePosition(line: 3, column: 1), end: SourcePosition(line: 3, column: 9)))
        XCTAssertEqual(role?.valueRange.start, SourcePosition(line: 3, column: 12))
        XCTAssertEqual(b?["ROLE_ARN"], "arn:aws:iam::111111111111:role/Admin")
        XCTAssertEqual(file.profiles["default"]?.headerRange.start, SourcePosition(line: 5, column: 1))
    }

    func testProfileDefaultOverridesUnprefixedDefaultAndKeepsItsHeader() {
        let file = AWSProfileFile.parse("[default]\na = 1\n[profile default]\nb = 2\n", kind: .config)
        XCTAssertEqual(file.profiles["default"]?.headerRange.start, SourcePosition(line: 3, column: 1))
        XCTAssertEqual(file.profiles["default"]?.propertyOrder, ["b"])
        XCTAssertEqual(file.ignoredSections.map(\.header), ["default"])
    }

    func testIgnoredSectionsAreListed() {
        let config = AWSProfileFile.parse("[dev]\nx = 1\n[profile bad name]\n[sso-sesion s]\n[profile ok]\n", kind: .config)
        XCTAssertEqual(config.profileOrder, ["ok"])
        XCTAssertEqual(config.ignoredSections.map(\.header), ["dev", "profile bad name", "sso-sesion s"])
        XCTAssertEqual(config.ignoredSections[0].range.start, SourcePosition(line: 1, column: 1))
        XCTAssertTrue(config.ignoredSections[0].reason.contains("'profile ' prefix"))

        let credentials = AWSProfileFile.parse("[profile dev]\nx = 1\n[dev]\n", kind: .credentials)
        XCTAssertEqual(credentials.profileOrder, ["dev"])
        XCTAssertEqual(credentials.ignoredSections.map(\.header), ["profile dev"])
    }

    func testSSOSessionsAndServices() {
        let text = "[sso-session corp]\nsso_start_url = https://x.awsapps.com/start\n[services local]\ndynamodb =\n  endpoint_url = http://localhost:8000\n[profile dev]\nsso_session = corp\nservices = local\n"
        let file = AWSProfileFile.parse(text, kind: .config)
        XCTAssertTrue(file.diagnostics.isEmpty)
        XCTAssertEqual(file.ssoSessions["corp"]?.kind, .ssoSession)
        XCTAssertEqual(file.ssoSessions["corp"]?["sso_start_url"], "https://x.awsapps.com/start")
        XCTAssertEqual(file.services["local"]?.kind, .services)
        XCTAssertEqual(file.services["local"]?.property("dynamodb")?.subProperties["endpoint_url"]?.value, "http://localhost:8000")
        XCTAssertEqual(file.profileOrder, ["dev"])
    }

    /// `[sso-session NAME]` sections reach the graph as sessions, never as profiles, so that no
    /// profile rule, custom rule or graph node mistakes one for a profile.
    func testSSOSessionSectionsAreNotProfiles() {
        let text = "[sso-session default]\nsso_start_url = https://x.awsapps.com/start\nsso_region = eu-west-1\n\n[profile dev]\nsso_session = default\nsso_account_id = 111111111111\nsso_role_name = Dev\n"
        let fragment = AWSConfigLoader.load(text, kind: .config, file: "aws/config")
        XCTAssertEqual(fragment.profiles.map(\.name), ["dev"])
        XCTAssertEqual(fragment.profiles.map(\.kind), [.profile])
        XCTAssertEqual(fragment.ssoSessions.map(\.name), ["default"])
        XCTAssertEqual(fragment.ssoSessions.map(\.kind), [.ssoSession])
        XCTAssertEqual(fragment.ssoSessions.first?.provenance.logicalPath, "sso-session default")
        XCTAssertEqual(fragment.ssoSessions.first?["sso_region"]?.value, "eu-west-1")
        XCTAssertEqual(fragment.ssoSessions.first?.provenance.range.start, SourcePosition(line: 1, column: 1))
    }

    func testDuplicatesAreMergedAndReported() {
        let file = AWSProfileFile.parse("[profile a]\nregion = x\nRegion = y\n[profile a]\nregion = z\n", kind: .config)
        XCTAssertEqual(file.profiles["a"]?["region"], "z")
        XCTAssertFalse(file.hasSyntaxError)
        XCTAssertEqual(file.diagnostics.count, 3)
        guard file.diagnostics.count == 3 else { return }
        XCTAssertEqual(file.diagnostics[0].kind, .duplicateKey(key: "region", first: SourceRange(
            start: SourcePosition(line: 2, column: 1), end: SourcePosition(line: 2, column: 7))))
        XCTAssertEqual(file.diagnostics[0].range.start, SourcePosition(line: 3, column: 1))
        XCTAssertEqual(file.diagnostics[0].message, "duplicate key 'Region' (first defined at line 2, column 1); the last one wins")
        XCTAssertEqual(file.diagnostics[1].range.start, SourcePosition(line: 4, column: 1))
        XCTAssertTrue(file.diagnostics[1].message.hasPrefix("duplicate section '[profile a]' (first defined at line 1, column 1)"))
        XCTAssertEqual(file.diagnostics[2].range.start, SourcePosition(line: 5, column: 1))
    }

    func testMergedKeepsConfigHeaderAndMarksSource() {
        let config = AWSProfileFile.parse("[profile dev]\nregion = x\n", kind: .config)
        let credentials = AWSProfileFile.parse("\n[dev]\naws_access_key_id = AKIA\nregion = y\n[other]\n", kind: .credentials)
        let merged = AWSProfileFile.merged(config: config, credentials: credentials)
        XCTAssertEqual(merged["dev"]?.headerRange.start, SourcePosition(line: 1, column: 1))
        XCTAssertEqual(merged["dev"]?.source, .config)
        XCTAssertEqual(merged["dev"]?.propertyOrder, ["region", "aws_access_key_id"])
        XCTAssertEqual(merged["dev"]?.property("region")?.source, .credentials)
        XCTAssertEqual(merged["dev"]?["region"], "y")
        XCTAssertEqual(merged["other"]?.source, .credentials)
        XCTAssertEqual(AWSProfileFile.mergedOrder(config: config, credentials: credentials), ["dev", "other"])
    }

    func testIdentifierValidation() {
        XCTAssertTrue(AWSProfileFile.isValidIdentifier("some-thing:long/the_one%only.foo@bar+"))
        XCTAssertFalse(AWSProfileFile.isValidIdentifier(""))
        XCTAssertFalse(AWSProfileFile.isValidIdentifier("foo!bar"))
        XCTAssertFalse(AWSProfileFile.isValidIdentifier("in valid"))
        XCTAssertFalse(AWSProfileFile.isValidIdentifier("é"))
    }
}
