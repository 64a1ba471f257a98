import Foundation
import IAMLintCore
@testable import IAMLintKit
import XCTest

/// The exact text of every report format for the bundled example, against golden files.
/// Regenerate them with `IAMLINT_UPDATE_GOLDEN=1 swift test --filter ReporterGoldenTests`.
final class ReporterGoldenTests: XCTestCase {
    private static let golden = "\(TestPaths.packageRoot)/Tests/IAMLintKitTests/Golden"

    private func exampleResult(baseline: Bool = false) throws -> LintResult {
        var linter = Linter()
        linter.configuration.threads = 1
        var result = linter.lint(["\(TestPaths.examples)/multi-account"], displayBase: TestPaths.packageRoot, root: TestPaths.packageRoot)
        if baseline {
            let text = try String(contentsOfFile: "\(TestPaths.packageRoot)/.lint-baseline", encoding: .utf8)
            result.apply(try Baseline.parse(text, file: ".lint-baseline"), name: ".lint-baseline")
        }
        return result
    }

    /// Replaces the machine-specific package path so golden files hold on every checkout.
    private func portable(_ text: String) -> String {
        text.replacingOccurrences(of: SARIFReporterPaths.fileURI(TestPaths.packageRoot), with: "file:///PACKAGE_ROOT/")
    }

    private func assertGolden(_ actual: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let path = "\(Self.golden)/\(name)"
        if ProcessInfo.processInfo.environment["IAMLINT_UPDATE_GOLDEN"] == "1" {
            try actual.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertEqual(actual, expected, "\(name) differs; if the change is intended, regenerate with IAMLINT_UPDATE_GOLDEN=1", file: file, line: line)
    }

    func testTextReport() throws {
        try assertGolden(TextReporter().render(try exampleResult()), "example.txt")
    }

    func testJSONReport() throws {
        try assertGolden(JSONReporter().render(try exampleResult()), "example.json")
    }

    /// The JSON report written in pieces (as the CLI writes it to standard output) is the golden
    /// report, whatever the piece size.
    func testJSONReportWrittenInPieces() throws {
        let result = try exampleResult()
        for pieceSize in [1, 100, 1 << 16] {
            var bytes: [UInt8] = []
            var pieces = 0
            JSONReporter().write(result, pieceSize: pieceSize) { piece in
                bytes.append(contentsOf: piece)
                pieces += 1
            }
            try assertGolden(String(decoding: bytes, as: UTF8.self), "example.json")
            if pieceSize == 1 { XCTAssertGreaterThan(pieces, 1) }
        }
    }

    /// The findings and the suppressed ones (with their `suppression` member), as the JSON
    /// report writes them straight into its bytes.
    func testJSONReportWithBaselineAndSuppressed() throws {
        try assertGolden(JSONReporter(includeSuppressed: true).render(try exampleResult(baseline: true)), "example-baselined.json")
    }

    func testSARIFReport() throws {
        try assertGolden(portable(SARIFReporter().render(try exampleResult())), "example.sarif")
    }

    func testSARIFReportWithBaselineAndSuppressed() throws {
        try assertGolden(portable(SARIFReporter(includeSuppressed: true).render(try exampleResult(baseline: true))), "example-baselined.sarif")
    }

    func testGitHubReport() throws {
        try assertGolden(GitHubReporter().render(try exampleResult()), "example.github.txt")
    }

    /// GitHub's workflow commands escape `%`, CR and LF in messages, and `:` and `,` too in
    /// properties, byte by byte: a CR LF pair (one Swift character) is two escapes, and a comma
    /// followed by a combining mark (one character with it) is still a comma to GitHub.
    func testGitHubEscapesBytesNotCharacters() throws {
        XCTAssertEqual(GitHubReporter.data("100% done\r\nnext\nline"), "100%25 done%0D%0Anext%0Aline")
        XCTAssertEqual(GitHubReporter.property("a:b,c\u{301}%\r\n"), "a%3Ab%2Cc\u{301}%25%0D%0A")
        XCTAssertEqual(GitHubReporter.property(",\u{301}é"), "%2C\u{301}é")
        XCTAssertEqual(GitHubReporter.data("plain ünïcode"), "plain ünïcode")
        var finding = try XCTUnwrap(try exampleResult().findings.first)
        finding.message = "line one\r\nline two, 50%"
        finding.location.file = "dir:a,b/template.yaml"
        var result = try exampleResult()
        result.findings = [finding]
        let line = GitHubReporter().render(result)
        XCTAssertTrue(line.hasPrefix("::"), line)
        XCTAssertTrue(line.contains("file=dir%3Aa%2Cb/template.yaml,line="), line)
        XCTAssertTrue(line.hasSuffix("::line one%0D%0Aline two, 50%25\n"), line)
        XCTAssertEqual(line.split(separator: "\n").count, 1)
    }

    func testMarkdownReport() throws {
        try assertGolden(MarkdownReporter().render(try exampleResult()), "example.md")
    }

    func testOutputIsIdenticalWhateverTheThreadCount() throws {
        var one = Linter()
        one.configuration.threads = 1
        var many = Linter()
        many.configuration.threads = 8
        let a = one.lint([TestPaths.rules], displayBase: TestPaths.packageRoot)
        let b = many.lint([TestPaths.rules], displayBase: TestPaths.packageRoot)
        XCTAssertGreaterThan(a.findings.count, 20)
        XCTAssertEqual(JSONReporter().render(a), JSONReporter().render(b))
    }

    /// Validates SARIF against the official 2.1.0 schema with Python's jsonschema, when present.
    func testSARIFIsValidAgainstTheOfficialSchema() throws {
        let schema = "\(TestPaths.packageRoot)/../shared/schemas/sarif-schema-2.1.0.json"
        guard FileManager.default.fileExists(atPath: schema) else { throw XCTSkip("no SARIF schema at \(schema)") }
        let sarif = FileManager.default.temporaryDirectory.appendingPathComponent("iamlint-\(UUID().uuidString).sarif")
        try SARIFReporter(includeSuppressed: true).render(try exampleResult(baseline: true)).write(to: sarif, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: sarif) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
        import json, sys
        try:
            import jsonschema
        except ImportError:
            sys.exit(77)
        jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))
        """, schema, sarif.path]
        let err = Pipe()
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        if process.terminationStatus == 77 { throw XCTSkip("python3 has no jsonschema") }
        XCTAssertEqual(process.terminationStatus, 0, String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }
}
