import IAMLintModel
import XCTest

/// `ARN.init` splits on UTF-8 bytes; these pin it to the scalar-by-scalar split it replaced.
final class ARNTests: XCTestCase {
    func testParts() throws {
        let arn = try XCTUnwrap(ARN("arn:aws:iam::123456789012:role/path/Name"))
        XCTAssertEqual([arn.partition, arn.service, arn.region, arn.account, arn.resource], ["aws", "iam", "", "123456789012", "role/path/Name"])
        let sub = try XCTUnwrap(ARN("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Name}"))
        XCTAssertEqual([sub.partition, sub.account, sub.resource], ["${AWS::Partition}", "${AWS::AccountId}", "role/${Name}"])
        XCTAssertEqual(ARN("arn:aws:s3:::bucket:with:colons")?.resource, "bucket:with:colons")
        XCTAssertNil(ARN("arn:aws:s3"))
        XCTAssertNil(ARN("arn:aws:iam::${AWS::AccountId"))
        XCTAssertNil(ARN("aws:iam::1:role/x"))
    }

    func testAgreesWithScalarSplit() {
        let samples = [
            "arn:aws:iam::123456789012:root", "arn:aws:iam::*:role/*", "arn:aws:sts::1:assumed-role/R/s",
            "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/x:*",
            "arn:aws:iam::1:role/é:x", "arn:aws:iam::1:😀/:", "arn:aws:iam:\u{301}:1:role/x", "arn:aws:iam::1\u{301}:role/x",
            "arn:aws:${a:b}:c:d:e", "arn:aws:$\u{301}{a:b}:c:d:e:f", "arn:a:b:c:d", "arn:::::", "arn:", "arn:aws:iam::1:role/x}",
            "arn:aws:iam::{1}:role/${x:y:z}:w",
        ]
        for text in samples {
            let parsed = ARN(text).map { [$0.partition, $0.service, $0.region, $0.account, $0.resource] }
            XCTAssertEqual(parsed, Self.reference(text), text)
        }
    }

    /// `PrincipalIdentity(awsPrincipal:)` decides ASCII texts on their bytes; these pin it to the
    /// string form it replaced.
    func testPrincipalIdentityAgreesWithStringForm() {
        let samples = [
            "*", "**", "123456789012", "12345678901", "1234567890123", "${AWS::AccountId}", "${AWS::AccountId}x",
            "arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:root/", "arn:aws:sts::1:root",
            "arn:aws:iam::1:user/a/b/Name", "arn:aws:iam::1:user/", "arn:aws:iam::1:user//", "arn:aws:iam::1:role/x//",
            "arn:aws:iam::1:role/path/Name", "arn:aws-cn:iam::${AWS::AccountId}:role/${Name}", "arn:aws:iam::1:role",
            "arn:aws:sts::1:assumed-role/R/session", "arn:aws:sts::1:assumed-role/", "arn:aws:sts::1:role/x",
            "arn:aws:s3:::bucket", "arn:aws:iam::1:group/g", "arn:aws:iam:", "ARN:aws:iam::1:root", "arn:aws:IAM::1:root",
            "arn:aws:iam::1:role/é", "arn:aws:iam::1:user/\u{301}x", "arn:aws:iam::1:role\u{301}/x", "١٢٣٤٥٦٧٨٩٠١٢",
            "arn:aws:iam::1:root\r\n", "", "arn:aws:${a:b}:c:d:e",
        ]
        for text in samples {
            XCTAssertEqual(PrincipalIdentity(awsPrincipal: text), Self.referenceIdentity(text), text)
        }
    }

    /// The string form of `PrincipalIdentity(awsPrincipal:)`.
    static func referenceIdentity(_ value: String) -> PrincipalIdentity {
        if value == "*" { return .anyone }
        if value.count == 12 && value.allSatisfy(\.isNumber) { return .account(value) }
        if value == "${AWS::AccountId}" { return .account(value) }
        guard let arn = ARN(value), arn.service == "iam" || arn.service == "sts" else { return .other(value) }
        let resource = arn.resource
        if arn.service == "iam", resource == "root" { return .account(arn.account) }
        if arn.service == "iam", resource.hasPrefix("user/") { return .user(account: arn.account, name: ARN.lastPathComponent(resource)) }
        if arn.service == "iam", resource.hasPrefix("role/") { return .role(account: arn.account, name: ARN.lastPathComponent(resource)) }
        if arn.service == "sts", resource.hasPrefix("assumed-role/") {
            let parts = resource.split(separator: "/")
            return .assumedRole(account: arn.account, role: parts.count > 1 ? String(parts[1]) : "")
        }
        return .other(value)
    }

    /// The former implementation.
    static func reference(_ text: String) -> [String]? {
        guard text.hasPrefix("arn:") else { return nil }
        var parts: [String] = []
        var current = ""
        var depth = 0
        var previous: Unicode.Scalar = " "
        for c in text.unicodeScalars {
            if c == "{" && previous == "$" { depth += 1 }
            if c == "}" && depth > 0 { depth -= 1 }
            if c == ":" && depth == 0 && parts.count < 5 {
                parts.append(current)
                current = ""
            } else {
                current.unicodeScalars.append(c)
            }
            previous = c
        }
        parts.append(current)
        guard parts.count == 6 else { return nil }
        return Array(parts[1...])
    }
}
