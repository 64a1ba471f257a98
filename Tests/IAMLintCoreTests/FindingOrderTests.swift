import IAMLintCore
import XCTest

/// `Finding.sortInOutputOrder` moves findings into the order `sorted(by: outputOrder)` gives,
/// ties included (stable).
final class FindingOrderTests: XCTestCase {
    private func finding(_ file: String, _ line: Int, _ code: String, subject: String) -> Finding {
        let position = SourcePosition(line: line, column: 1 + line % 3)
        return Finding(
            rule: RuleID(code: code, slug: "slug"), severity: .warning, message: "message \(line % 2)",
            location: SourceLocation(file: file, range: SourceRange(start: position, end: position)),
            logicalLocation: "Resources.R\(line % 4)", subject: subject)
    }

    func testSortInPlaceMatchesStableSort() {
        var generator = SystemRandomNumberGenerator()
        for size in [0, 1, 2, 7, 100, 2_000] {
            // Few distinct keys, so that many findings tie and only the subject tells them apart.
            let findings = (0..<size).map { i in
                finding(["b.yaml", "a.yaml", "c/d.json"][Int.random(in: 0..<3, using: &generator)], Int.random(in: 1...6, using: &generator),
                        ["IAM101", "IAM002"][Int.random(in: 0..<2, using: &generator)], subject: "entity \(i)")
            }
            var sorted = findings
            Finding.sortInOutputOrder(&sorted)
            XCTAssertEqual(sorted, findings.sorted(by: Finding.outputOrder), "\(size) findings")
            var again = sorted
            Finding.sortInOutputOrder(&again)
            XCTAssertEqual(again, sorted)
        }
    }

    /// A finding is 128 bytes (an organisation's scan keeps a hundred thousand): the rule's code
    /// and slug behind one reference, the message's and the logical location's fixed parts as
    /// one word each, the severity in the message's spare bits.
    func testFindingLayout() {
        XCTAssertEqual(MemoryLayout<RuleID>.size, 8)
        XCTAssertLessThanOrEqual(MemoryLayout<Finding>.stride, 128)
        let id = RuleID(code: "IAM101", slug: "admin-role-without-mfa")
        var renamed = id
        renamed.slug = "other"
        XCTAssertEqual(id.slug, "admin-role-without-mfa")
        XCTAssertNotEqual(id, renamed)
        XCTAssertEqual(id, RuleID(code: "IAM101", slug: "admin-role-without-mfa"))
        XCTAssertEqual(Set([id, RuleID(code: "IAM101", slug: "admin-role-without-mfa")]).count, 1)
    }

    /// A message kept in parts reads, compares and hashes as the string it spells, and its parts
    /// are that string's bytes in order.
    func testMessageTextInPartsIsItsString() {
        let parts = MessageText("role '", "admin-é", "' has a fixed RoleName")
        let plain = MessageText("role 'admin-é' has a fixed RoleName")
        XCTAssertEqual(parts.string, "role 'admin-é' has a fixed RoleName")
        XCTAssertEqual(parts.utf8Count, plain.string.utf8.count)
        XCTAssertEqual(parts, plain)
        XCTAssertEqual(parts.hashValue, plain.hashValue)
        XCTAssertEqual(MessageText("", "x", ""), MessageText("x"))
        var bytes: [UInt8] = []
        parts.forEachPart { bytes += $0 }
        XCTAssertEqual(bytes, Array(plain.string.utf8))
        XCTAssertTrue(MessageText("a ", "b", " c") < MessageText("a b d"))
        XCTAssertFalse(parts < plain)
        XCTAssertFalse(plain < parts)
        var finding = Finding(
            rule: RuleID(code: "IAM402", slug: "slug"), severity: .note, message: parts,
            location: SourceLocation(file: "a.yaml", range: SourceRange(start: SourcePosition(line: 1, column: 1), end: SourcePosition(line: 1, column: 2))),
            logicalLocation: "Resources.R", subject: "role admin-é")
        XCTAssertEqual(finding.message, plain.string)
        var same = finding
        same.message = plain.string
        XCTAssertEqual(finding, same)
        finding.message = "other"
        XCTAssertEqual(finding.messageText, MessageText("other"))
    }

    /// The severity is kept in the message's spare bits: setting either leaves the other, and
    /// neither shows in the message's value.
    func testSeverityBesideTheMessage() {
        let parts = MessageText("role '", "admin", "' has a fixed RoleName")
        var finding = Finding(
            rule: RuleID(code: "IAM402", slug: "slug"), severity: .error, message: parts,
            location: SourceLocation(file: "a.yaml", range: SourceRange(.start)),
            logicalLocation: MessageText("Resources.", "Admin", ".Properties.RoleName"), subject: "role admin")
        XCTAssertEqual(finding.severity, .error)
        XCTAssertEqual(finding.messageText, parts)
        XCTAssertEqual(finding.message, "role 'admin' has a fixed RoleName")
        for severity in Severity.allCases {
            finding.severity = severity
            XCTAssertEqual(finding.severity, severity)
            XCTAssertEqual(finding.message, "role 'admin' has a fixed RoleName")
        }
        finding.message = "plain"
        XCTAssertEqual(finding.severity, .error)
        XCTAssertEqual(finding.message, "plain")
        finding.severity = .warning
        finding.messageText = parts
        XCTAssertEqual(finding.severity, .warning)
        XCTAssertEqual(finding.messageText, parts)
    }

    /// A logical location kept in parts reads, compares and hashes as the path it spells.
    func testLogicalLocationInParts() {
        let location = SourceLocation(file: "a.yaml", range: SourceRange(.start))
        let rule = RuleID(code: "IAM402", slug: "slug")
        var parts = Finding(
            rule: rule, severity: .note, message: MessageText("m"), location: location,
            logicalLocation: MessageText("Resources.", "Admin", ".Properties.RoleName"), subject: "s")
        let plain = Finding(
            rule: rule, severity: .note, message: "m", location: location,
            logicalLocation: "Resources.Admin.Properties.RoleName", subject: "s")
        XCTAssertEqual(parts.logicalLocation, plain.logicalLocation)
        XCTAssertEqual(parts, plain)
        XCTAssertEqual(parts.hashValue, plain.hashValue)
        XCTAssertFalse(Finding.outputOrder(parts, plain))
        XCTAssertFalse(Finding.outputOrder(plain, parts))
        parts.logicalLocation = "Resources.Other"
        XCTAssertEqual(parts.logicalLocationText, MessageText("Resources.Other"))
        XCTAssertTrue(Finding.outputOrder(plain, parts))
    }
}
