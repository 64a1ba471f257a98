import Foundation
import IAMLintKit
import XCTest

/// Runs IAM302 (broken-profile-chain) over the AWS SDKs' assume-role conformance vectors
/// (`shared/data/aws-sdk-conformance/assume-role-tests.json`): each vector's profiles become a
/// `config` file; a vector whose output is an error must produce an IAM302 finding, a vector that
/// resolves to a credential chain must produce none.
///
/// Vectors treated differently, on purpose:
/// - SSO configuration errors are IAM308's (incomplete-sso-profile), which must report them instead.
/// - "profile only contains configuration" (the *selected* profile has no credentials: a region-only
///   profile is normal), "missing root profile" (no profiles at all) and a web identity profile
///   without `role_arn` (botocore also takes it from `AWS_ROLE_ARN`) are not broken chains: no finding.
final class ProfileChainVectorsTests: XCTestCase {
    /// Error vectors that are not IAM302's, by their `docs`, and the rule that reports them (nil: none).
    static let handledElsewhere: [String: String?] = [
        "profile only contains configuration": nil,
        "missing root profile (should never happen in practice)": nil,
        "invalid SSO credentials configuration: missing account ID": "IAM308",
        "invalid SSO credentials configuration: missing role name": "IAM308",
        "invalid SSO token configuration: sso_region must be in sso-session": "IAM308",
        "invalid SSO token configuration: sso-session not found": "IAM308",
    ]

    /// The web identity vector without `role_arn` shares its `docs` with a successful one; it is
    /// recognised by its profile instead.
    static func isWebIdentityWithoutRoleARN(_ profiles: [String: [String: String]]) -> Bool {
        profiles.values.contains { $0["web_identity_token_file"] != nil && $0["role_arn"] == nil }
    }

    static var vectorsPath: String { "\(TestPaths.packageRoot)/../shared/data/aws-sdk-conformance/assume-role-tests.json" }

    func testAssumeRoleVectors() throws {
        guard let data = FileManager.default.contents(atPath: Self.vectorsPath) else {
            throw XCTSkip("no conformance vectors at \(Self.vectorsPath)")
        }
        let vectors = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        XCTAssertEqual(vectors.count, 28)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("iamlint-profile-vectors-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var errors = 0
        var successes = 0
        for (index, vector) in vectors.enumerated() {
            let docs = vector["docs"] as? String ?? "vector \(index)"
            let input = try XCTUnwrap(vector["input"] as? [String: Any], docs)
            let output = try XCTUnwrap(vector["output"] as? [String: Any], docs)
            let profiles = Self.strings(input["profiles"])
            let sessions = Self.strings(input["sso_sessions"])
            let folder = scratch.appendingPathComponent("vector-\(index)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Self.configText(profiles: profiles, sessions: sessions)
                .write(to: folder.appendingPathComponent("config"), atomically: true, encoding: .utf8)
            let findings = Linter().lintFixture(folder.path).findings
            let codes = findings.map(\.rule.code)
            let label = "vector \(index) '\(docs)'"
            if output["Error"] != nil {
                errors += 1
                if let other = Self.handledElsewhere[docs] {
                    XCTAssertFalse(codes.contains("IAM302"), "\(label) is not a broken chain: \(findings.map(\.message))")
                    if let other { XCTAssertTrue(codes.contains(other), "\(label) should be reported by \(other)") }
                } else if Self.isWebIdentityWithoutRoleARN(profiles) {
                    XCTAssertFalse(codes.contains("IAM302"), "\(label): role_arn may come from AWS_ROLE_ARN")
                } else {
                    XCTAssertTrue(codes.contains("IAM302"), "\(label) must produce an IAM302 finding (error: \(output["Error"] ?? ""))")
                }
            } else {
                successes += 1
                let chain = findings.filter { $0.rule.code == "IAM302" }.map(\.message)
                XCTAssertTrue(chain.isEmpty, "\(label) resolves, but IAM302 reports \(chain)")
            }
        }
        XCTAssertEqual(errors + successes, vectors.count)
    }

    /// `{"A": {"k": "v"}}` as nested string maps.
    static func strings(_ value: Any?) -> [String: [String: String]] {
        guard let map = value as? [String: Any] else { return [:] }
        var result: [String: [String: String]] = [:]
        for (name, properties) in map {
            var props: [String: String] = [:]
            for (key, v) in properties as? [String: Any] ?? [:] { props[key] = "\(v)" }
            result[name] = props
        }
        return result
    }

    /// A config file with one `[profile NAME]` section per profile and one `[sso-session NAME]`
    /// per session, names and keys sorted.
    static func configText(profiles: [String: [String: String]], sessions: [String: [String: String]]) -> String {
        var text = ""
        func section(_ header: String, _ properties: [String: String]) {
            text += "[\(header)]\n"
            for key in properties.keys.sorted() { text += "\(key) = \(properties[key] ?? "")\n" }
            text += "\n"
        }
        for name in profiles.keys.sorted() { section(name == "default" ? "default" : "profile \(name)", profiles[name] ?? [:]) }
        for name in sessions.keys.sorted() { section("sso-session \(name)", sessions[name] ?? [:]) }
        return text
    }
}
