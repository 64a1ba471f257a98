import Foundation
import IAMLintCore
import IAMLintKit
import XCTest

final class SuppressionAndConfigurationTests: XCTestCase {
    private let adminRole = """
    Resources:
      Admin:
        Type: AWS::IAM::Role
        Properties:
          ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]
          AssumeRolePolicyDocument:
            Statement:
              - {Effect: Allow, Principal: {AWS: "111111111111"}, Action: sts:AssumeRole}
    """

    private func scan(_ files: [String: String], configuration: Configuration = Configuration()) throws -> LintResult {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("iamlint-supp-\(UUID().uuidString)")
        for (path, content) in files {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: true, encoding: .utf8)
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        var linter = Linter(configuration: configuration)
        linter.configuration.threads = 1
        // Only the rules these tests are about: others (IAM103, IAM217, …) have their own tests.
        let studied: Set<String> = ["IAM003", "IAM101", "IAM201", "IAM301"]
        linter.configuration.disabled = Set(linter.configuration.ruleSet.metadata.map(\.code).filter { !studied.contains($0) })
        return linter.lint([dir.path], displayBase: dir.path, root: dir.path)
    }

    func testUnsuppressedBaseline() throws {
        let result = try scan(["t.yaml": adminRole])
        XCTAssertEqual(result.findings.map(\.rule.code), ["IAM101"])
        XCTAssertEqual(result.findings.first?.location.line, 8)
    }

    func testTrailingCommentOnTheFindingLine() throws {
        let text = adminRole.replacingOccurrences(of: "sts:AssumeRole}", with: "sts:AssumeRole}  # iamlint:ignore IAM101 -- reviewed")
        let result = try scan(["t.yaml": text])
        XCTAssertEqual(result.findings.count, 0)
        XCTAssertEqual(result.suppressed.map(\.justification), ["reviewed"])
        XCTAssertEqual(result.suppressed.map(\.kind), [.inSource])
    }

    func testCommentOnTheOpeningLineOrAboveCoversTheResource() throws {
        let trailing = adminRole.replacingOccurrences(of: "  Admin:", with: "  Admin:  # iamlint:ignore admin-role-without-mfa")
        XCTAssertEqual(try scan(["t.yaml": trailing]).findings.count, 0)
        let above = adminRole.replacingOccurrences(of: "  Admin:", with: "  # iamlint:ignore IAM101, IAM201 -- two rules\n\n  Admin:")
        let result = try scan(["t.yaml": above])
        XCTAssertEqual(result.suppressed.count, 1)
        XCTAssertEqual(result.findings.map(\.rule.code), [], "IAM201 is named but nothing to match; the directive as a whole was used")
    }

    func testCommentElsewhereDoesNotCoverAndIsReportedUnused() throws {
        let text = adminRole.replacingOccurrences(of: "    Type: AWS::IAM::Role", with: "    Type: AWS::IAM::Role  # iamlint:ignore IAM101")
        let result = try scan(["t.yaml": text])
        XCTAssertEqual(result.findings.map(\.rule.code), ["IAM003", "IAM101"])
        XCTAssertEqual(result.findings.first?.message, "suppression of IAM101 matches no finding; remove it")
        XCTAssertEqual(result.findings.first?.location.line, 3)
    }

    func testHashInsideAValueIsNotADirective() throws {
        let text = adminRole.replacingOccurrences(of: "Resources:", with: "Description: \"see#iamlint:ignore IAM101\"\nResources:")
        XCTAssertEqual(try scan(["t.yaml": text]).findings.map(\.rule.code), ["IAM101"])
    }

    func testProfileSectionComment() throws {
        let result = try scan(["aws/credentials": "; iamlint:ignore IAM301 -- CI image\n[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"])
        XCTAssertEqual(result.findings.count, 0)
        XCTAssertEqual(result.suppressed.first?.finding.rule.code, "IAM301")
    }

    func testConfigurationIgnoreByPathAndLocation() throws {
        var configuration = Configuration()
        configuration.ignores = [IgnoreEntry(rule: "IAM101", path: "legacy/**", location: "Resources.Adm*", reason: "retired in Q3")]
        let result = try scan(["legacy/a/t.yaml": adminRole, "new/t.yaml": adminRole], configuration: configuration)
        XCTAssertEqual(result.findings.map(\.location.file), ["new/t.yaml"])
        XCTAssertEqual(result.suppressed.map(\.justification), ["retired in Q3"])
        XCTAssertEqual(result.suppressed.map(\.kind), [.external])
    }

    func testIncludeAndExclude() throws {
        var configuration = Configuration()
        configuration.exclude = ["**/fixtures/**"]
        let result = try scan(["a/fixtures/t.yaml": adminRole, "b/t.yaml": adminRole], configuration: configuration)
        XCTAssertEqual(result.scannedFiles, ["b/t.yaml"])
        XCTAssertEqual(result.skipped.map(\.reason), ["excluded by configuration"])
        configuration = Configuration()
        configuration.include = ["a/**"]
        XCTAssertEqual(try scan(["a/fixtures/t.yaml": adminRole, "b/t.yaml": adminRole], configuration: configuration).scannedFiles, ["a/fixtures/t.yaml"])
    }

    func testConfigurationFileReadsEveryKey() throws {
        let text = """
        rules:
          IAM201: off
          admin-role-without-mfa: {severity: warning}
          IAM401: note
        include: ["infra/**"]
        exclude: "**/test/**"
        ignore:
          - {rule: IAM101, path: "legacy/**", location: "Resources.Old*", reason: "retired"}
        accounts:
          identity: {id: "111111111111", paths: ["identity/**"], identity: true}
          workload:
            id: "222222222222"
            paths: ["workload/**"]
        limits: {maxFileSize: 1000, maxDepth: 64, maxAliasExpansion: 500}
        """
        let c = try ConfigurationFile.parse(text, file: ".iamlint.yml")
        XCTAssertEqual(c.disabled, ["IAM201"])
        XCTAssertEqual(c.severities, ["IAM101": .warning, "IAM401": .note])
        XCTAssertEqual(c.include, ["infra/**"])
        XCTAssertEqual(c.exclude, ["**/test/**"])
        XCTAssertEqual(c.ignores, [IgnoreEntry(rule: "IAM101", path: "legacy/**", location: "Resources.Old*", reason: "retired")])
        XCTAssertEqual(c.accounts.map { "\($0.name) \($0.id) \($0.paths) \($0.isIdentity)" }, [
            "identity 111111111111 [\"identity/**\"] true",
            "workload 222222222222 [\"workload/**\"] false",
        ])
        XCTAssertEqual(c.maxFileSize, 1000)
        XCTAssertEqual(c.limits, ParserLimits(maxDepth: 64, maxAliasExpansion: 500))
    }

    func testConfigurationErrorsNameFileLineAndKey() {
        let cases: [(String, String)] = [
            ("rule: {}\n", ".iamlint.yml:1:1: unknown key 'rule' (expected rules, rulePacks, include, exclude, ignore, accounts or limits)"),
            ("rules:\n  IAM999: off\n", ".iamlint.yml:2:3: unknown rule 'IAM999'; `iamlint rules` lists them"),
            ("rules:\n  IAM101: loud\n", ".iamlint.yml:2:11: expected off, on, error, warning or note for rule IAM101, not 'loud'"),
            ("accounts:\n  a: {id: 12345}\n", ".iamlint.yml:2:11: account id must be 12 digits, in quotes (\"012345678901\")"),
            ("ignore:\n  - {path: x}\n", ".iamlint.yml:2:5: an ignore entry needs a 'rule'"),
            ("limits: {maxDepth: -1}\n", ".iamlint.yml:1:20: 'maxDepth' must be a positive number"),
            ("limits: {maxDepth: 20000}\n", ".iamlint.yml:1:20: 'maxDepth' must be at most 10000 (deeper nesting would exhaust the parser's stack)"),
            ("include: {a: b}\n", ".iamlint.yml:1:10: 'include' must be a list of strings"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try ConfigurationFile.parse(text, file: ".iamlint.yml"), text) { error in
                XCTAssertEqual("\(error)", expected)
            }
        }
    }

    func testGlobs() {
        XCTAssertTrue(Glob.matches("legacy/**", "legacy/a/b.yaml"))
        XCTAssertTrue(Glob.matches("**/test/**", "a/test/b.yaml"))
        XCTAssertTrue(Glob.matches("**/test/**", "test/b.yaml"))
        XCTAssertTrue(Glob.matches("*.yaml", "b.yaml"))
        XCTAssertFalse(Glob.matches("*.yaml", "a/b.yaml"))
        XCTAssertTrue(Glob.matches("a/?.y[am]ml", "a/b.yaml"))
        XCTAssertTrue(Glob.matches("Resources.Old*", "Resources.OldAdmin.Properties", separator: nil))
    }

    /// A configuration file named by one character in the working folder (`--config a`) with a
    /// `rulePacks` key crashed in Foundation's `deletingLastPathComponent`; rule packs are found
    /// beside the file.
    func testRulePacksOfAConfigurationFileWithAOneCharacterName() throws {
        XCTAssertNoThrow(try ConfigurationFile.parse("rulePacks: []\n", file: "a"))
        XCTAssertThrowsError(try ConfigurationFile.parse("rulePacks: [packs]\n", file: "a")) { error in
            XCTAssertTrue("\(error)".contains("packs"), "\(error)")
        }
    }
}
