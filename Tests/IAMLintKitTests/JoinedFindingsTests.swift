import IAMLintCore
@testable import IAMLintKit
import XCTest

/// `Linter.joined` moves the rules' lists into one, in order, giving back the pages of a large
/// list as it empties: every finding arrives intact.
final class JoinedFindingsTests: XCTestCase {
    private func finding(_ list: Int, _ index: Int) -> Finding {
        let position = SourcePosition(line: index + 1, column: list + 1)
        return Finding(
            rule: RuleID(code: "IAM\(400 + list)", slug: "slug"), severity: index % 2 == 0 ? .note : .error,
            message: MessageText("role '", "name-\(list)-\(index)-with-a-long-tail", "' has a fixed RoleName"),
            location: SourceLocation(file: "accounts/\(list)/iam.json", range: SourceRange(position)),
            logicalLocation: MessageText("Resources.", "Role\(index)", ".Properties.RoleName"), subject: "role name-\(list)-\(index)")
    }

    func testJoinedKeepsOrderAndFindings() {
        // Two lists of several megabytes (pages given back as they empty), small and empty ones.
        let sizes = [0, 3, 30_000, 1, 0, 17_000, 5]
        var lists = sizes.indices.map { list in (0..<sizes[list]).map { finding(list, $0) } }
        let expected = lists.flatMap { $0 }
        let joined = Linter.joined(&lists)
        XCTAssertTrue(lists.isEmpty)
        XCTAssertEqual(joined.count, expected.count)
        XCTAssertEqual(joined, expected)
        XCTAssertEqual(joined.last?.message, "role 'name-6-4-with-a-long-tail' has a fixed RoleName")
        XCTAssertEqual(joined[3].logicalLocation, "Resources.Role0.Properties.RoleName")
        XCTAssertEqual(joined[3].severity, .note)
        XCTAssertEqual(joined[4].severity, .error)
    }
}
