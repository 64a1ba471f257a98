import Foundation
import IAMLintCore
import IAMLintKit
import XCTest

/// Baselines match findings by rule, file, logical location and subject — never by line.
final class BaselineTests: XCTestCase {
    private let adminRole = """
    Resources:
      Admin:
        Type: AWS::IAM::Role
        Properties:
          RoleName: Admin
          ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]
          AssumeRolePolicyDocument:
            Statement:
              - Effect: Allow
                Principal: {AWS: "arn:aws:iam::111111111111:root"}
                Action: sts:AssumeRole
    """

    private let otherRole = """
      Other:
        Type: AWS::IAM::Role
        Properties:
          RoleName: Other
          ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]
          AssumeRolePolicyDocument:
            Statement:
              - {Effect: Allow, Principal: {AWS: "222222222222"}, Action: sts:AssumeRole}
    """

    private func scan(_ files: [String: String]) throws -> LintResult {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("iamlint-baseline-\(UUID().uuidString)")
        for (path, content) in files {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: true, encoding: .utf8)
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        var linter = Linter()
        linter.configuration.threads = 1
        // Only the rules these tests are about: others have their own tests.
        let studied: Set<String> = ["IAM101", "IAM401"]
        linter.configuration.disabled = Set(linter.configuration.ruleSet.metadata.map(\.code).filter { !studied.contains($0) })
        return linter.lint([dir.path], displayBase: dir.path, root: dir.path)
    }

    private func baseline(_ result: LintResult) throws -> Baseline {
        let text = Baseline(findings: result.findings, key: result.key).serialized()
        return try Baseline.parse(text, file: ".lint-baseline")
    }

    private func remaining(_ files: [String: String], after baseline: Baseline) throws -> LintResult {
        var result = try scan(files)
        result.apply(baseline, name: ".lint-baseline")
        return result
    }

    func testRoundTripIsDeterministicAndSorted() throws {
        let result = try scan(["b.yaml": adminRole, "a.yaml": adminRole])
        XCTAssertEqual(result.findings.count, 3, "two IAM101 and one IAM401")
        let text = Baseline(findings: result.findings, key: result.key).serialized()
        XCTAssertEqual(try Baseline.parse(text, file: "x").serialized(), text)
        XCTAssertEqual(text, """
        # iamlint baseline: accepted findings, matched by rule, file, logical location and subject
        # (never by line). Written by `iamlint baseline`; review changes to it like code.
        version: 1
        findings:
          - rule: IAM101
            file: "a.yaml"
            location: "Resources.Admin.Properties.AssumeRolePolicyDocument.Statement[0]"
            subject: "Admin"
            fingerprint: \(FindingKey(rule: "IAM101", file: "a.yaml", location: "Resources.Admin.Properties.AssumeRolePolicyDocument.Statement[0]", subject: "Admin").fingerprint)
          - rule: IAM101
            file: "b.yaml"
            location: "Resources.Admin.Properties.AssumeRolePolicyDocument.Statement[0]"
            subject: "Admin"
            fingerprint: \(FindingKey(rule: "IAM101", file: "b.yaml", location: "Resources.Admin.Properties.AssumeRolePolicyDocument.Statement[0]", subject: "Admin").fingerprint)
          - rule: IAM401
            file: "b.yaml"
            location: "Resources.Admin"
            subject: "role admin"
            fingerprint: \(FindingKey(rule: "IAM401", file: "b.yaml", location: "Resources.Admin", subject: "role admin").fingerprint)

        """)
    }

    func testMovedReformattedAndReorderedCodeStaysSuppressed() throws {
        let accepted = try baseline(try scan(["t.yaml": adminRole + "\n" + otherRole]))
        XCTAssertEqual(accepted.entries.count, 2)
        let linesAbove = "# a comment\n\n\n" + adminRole + "\n" + otherRole
        let reordered = "Resources:\n" + otherRole + "\n" + adminRole.replacingOccurrences(of: "Resources:\n", with: "")
        let flow = """
        {"Resources": {"Admin": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "Admin",
          "ManagedPolicyArns": ["arn:aws:iam::aws:policy/AdministratorAccess"],
          "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "sts:AssumeRole"}]}}},
          "Other": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "Other",
          "ManagedPolicyArns": ["arn:aws:iam::aws:policy/AdministratorAccess"],
          "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "222222222222"}, "Action": "sts:AssumeRole"}]}}}}}
        """
        for variant in [linesAbove, reordered, flow] {
            let result = try remaining(["t.yaml": variant], after: accepted)
            XCTAssertEqual(result.findings.map(\.message), [], variant)
            XCTAssertEqual(result.suppressed.count, 2)
            XCTAssertTrue(result.staleBaseline.isEmpty)
        }
    }

    func testRenamedFileOrResourceIsNewAndTheOldEntryStale() throws {
        let accepted = try baseline(try scan(["t.yaml": adminRole]))
        let renamedFile = try remaining(["u.yaml": adminRole], after: accepted)
        XCTAssertEqual(renamedFile.findings.map(\.rule.code), ["IAM101"])
        XCTAssertEqual(renamedFile.staleBaseline.values.reduce(0, +), 1)
        let renamedRole = try remaining(["t.yaml": adminRole.replacingOccurrences(of: "RoleName: Admin", with: "RoleName: Boss").replacingOccurrences(of: "  Admin:", with: "  Boss:")], after: accepted)
        XCTAssertEqual(renamedRole.findings.map(\.subject), ["Boss"])
        XCTAssertEqual(Array(renamedRole.staleBaseline.keys).map(\.subject), ["Admin"])
        let deleted = try remaining([:], after: accepted)
        XCTAssertTrue(deleted.findings.isEmpty)
        XCTAssertEqual(accepted.pruned(by: accepted.match([], key: deleted.key)).entries.count, 0)
    }

    func testMatchingCountsOccurrences() throws {
        let key = FindingKey(rule: "IAM002", file: "t.yaml", location: "Resources", subject: "Resources")
        let finding = Finding(rule: RuleID(code: "IAM002", slug: "duplicate-key"), severity: .error, message: "m",
                              location: SourceLocation(file: "t.yaml", range: .fileStart), logicalLocation: "Resources", subject: "Resources")
        let once = Baseline(entries: [key: 1])
        let match = once.match([finding, finding])
        XCTAssertEqual(match.new.count, 1)
        XCTAssertEqual(match.suppressed.count, 1)
        let twice = try Baseline.parse(Baseline(entries: [key: 2]).serialized(), file: "b")
        XCTAssertEqual(twice.entries[key], 2)
        XCTAssertEqual(twice.match([finding]).stale[key], 1)
        XCTAssertEqual(twice.pruned(by: twice.match([finding])).entries[key], 1)
    }

    /// Accepted findings leave the list in place; the rest keep their order, and so do the accepted.
    func testExtractingAcceptedFindingsKeepsBothOrders() {
        func finding(_ subject: String, line: Int) -> Finding {
            Finding(rule: RuleID(code: "IAM402", slug: "hardcoded-iam-name"), severity: .note, message: "m \(line)",
                    location: SourceLocation(file: "t.yaml", range: SourceRange(start: SourcePosition(line: line, column: 1), end: SourcePosition(line: line, column: 2))),
                    logicalLocation: "Resources.\(subject)", subject: subject)
        }
        let findings = [finding("A", line: 1), finding("B", line: 2), finding("A", line: 3), finding("C", line: 4), finding("B", line: 5), finding("D", line: 6)]
        func key(_ subject: String) -> FindingKey { FindingKey(rule: "IAM402", file: "t.yaml", location: "Resources.\(subject)", subject: subject) }
        // A accepted once (two found), B twice (two found), E once (none found).
        let baseline = Baseline(entries: [key("A"): 1, key("B"): 2, key("E"): 1])
        var remaining = findings
        var left = baseline
        let accepted = left.extractAccepted(from: &remaining) { $0 }
        XCTAssertEqual(remaining.map { $0.location.range.start.line }, [3, 4, 6])
        XCTAssertEqual(accepted.map { $0.location.range.start.line }, [1, 2, 5])
        // Counted off in place; the original is a separate copy and keeps its counts.
        XCTAssertEqual(left.entries, [key("A"): 0, key("B"): 0, key("E"): 1])
        XCTAssertEqual(baseline.entries[key("B")], 2)
        let match = baseline.match(findings)
        XCTAssertEqual(match.new.map(\.message), remaining.map(\.message))
        XCTAssertEqual(match.suppressed.map(\.message), accepted.map(\.message))
        XCTAssertEqual(match.stale, [key("E"): 1])
    }

    /// A baseline is read as bytes: invalid UTF-8 is an error at its position, not replaced text.
    func testBaselineBytesWithInvalidUTF8AreAnErrorWithAPosition() {
        let text = "version: 1\nfindings:\n  - rule: IAM101\n    file: t.yaml\n    subject: \"X\""
        var bytes = Array(text.utf8)
        bytes.insert(0xFF, at: bytes.count - 2)
        XCTAssertThrowsError(try Baseline.parse(bytes, file: "b")) { error in
            XCTAssertTrue("\(error)".hasPrefix("b:5:"), "\(error)")
            XCTAssertTrue("\(error)".contains("invalid UTF-8"), "\(error)")
        }
        let valid = try? Baseline.parse(Array(text.utf8), file: "b")
        XCTAssertEqual(valid?.entries, [FindingKey(rule: "IAM101", file: "t.yaml", location: "", subject: "X"): 1])
    }

    func testMalformedOrFutureBaselinesAreErrorsWithPositions() {
        XCTAssertThrowsError(try Baseline.parse("version: 2\nfindings: []\n", file: "b")) { error in
            XCTAssertEqual("\(error)", "b:1:10: baseline version 2 is not supported by this iamlint (1); upgrade iamlint")
        }
        XCTAssertThrowsError(try Baseline.parse("version: 1\nfindings:\n  - rule: IAM101\n    fiel: x\n", file: "b")) { error in
            XCTAssertEqual("\(error)", "b:4:5: unknown key 'fiel'")
        }
        XCTAssertThrowsError(try Baseline.parse("findings: [\n", file: "b")) { error in
            XCTAssertTrue("\(error)".hasPrefix("b:2:1: "), "\(error)")
        }
        XCTAssertThrowsError(try Baseline.parse("version: 1\nfindings:\n  - rule: IAM101\n", file: "b")) { error in
            XCTAssertEqual("\(error)", "b:3:5: a finding needs `rule` and `file`")
        }
        XCTAssertThrowsError(try Baseline.parse("version: 1\nfindings:\n  - {rule: IAM101, file: a, count: 0}\n", file: "b"))
    }
}
