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
