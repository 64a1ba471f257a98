import Foundation
import IAMLintCore
import IAMLintKit
import XCTest

/// Runs iamlint over the shared corpus of real CloudFormation templates and AWS CLI files and
/// holds it to what cfn-lint and botocore said of each file (`INDEX.tsv`).
final class CorpusTests: XCTestCase {
    struct Row {
        var kind: String
        var path: String
        var parse: String
        var detail: String
    }

    private func index() throws -> [Row] {
        let path = "\(TestPaths.corpus)/INDEX.tsv"
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("../shared/corpus not found beside the package (\(path)); the corpus tests run only in the project's workspace")
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 9 else { return nil }
            return Row(kind: f[0], path: f[2], parse: f[6], detail: f[8])
        }
    }

    func testCloudFormationCorpus() throws {
        let rows = try index().filter { $0.kind == "cloudformation" }
        XCTAssertGreaterThan(rows.count, 4000)
        let result = Linter().lint(["\(TestPaths.corpus)/cloudformation"], displayBase: TestPaths.corpus)
        let byFile = Dictionary(grouping: result.findings, by: \.location.file)
        let scanned = Set(result.scannedFiles)
        var clean = 0, flagged = 0, notTemplates = 0
        for row in rows {
            let codes = Set(byFile[row.path, default: []].map(\.rule.code))
            if row.parse == "ok" {
                XCTAssertFalse(codes.contains("IAM001"), "\(row.path) parses with cfn-lint but iamlint says: \(byFile[row.path, default: []].first { $0.rule.code == "IAM001" }?.message ?? "")")
                clean += 1
            } else if row.detail.hasPrefix("E0000") {
                XCTAssertTrue(codes.contains("IAM001") || codes.contains("IAM002"), "\(row.path) fails in cfn-lint (\(row.detail)) but iamlint reports no IAM001/IAM002")
                flagged += 1
            } else {
                // Empty files and files whose top level is not a mapping are not templates at all.
                XCTAssertFalse(scanned.contains(row.path), "\(row.path) (\(row.detail)) should be skipped as not a template")
                notTemplates += 1
            }
        }
        print("corpus: \(rows.count) CloudFormation files; \(clean) parse cleanly, \(flagged) flagged IAM001/IAM002 as cfn-lint does, \(notTemplates) skipped as not templates; \(result.findings.count) findings")
    }

    func testAWSConfigCorpus() throws {
        let rows = try index().filter { $0.kind == "awsconfig" && $0.path.hasSuffix(".json") == false }
        let result = Linter().lint(["\(TestPaths.corpus)/awsconfig"], displayBase: TestPaths.corpus)
        let byFile = Dictionary(grouping: result.findings, by: \.location.file)
        for row in rows {
            let codes = Set(byFile[row.path, default: []].map(\.rule.code))
            if row.parse != "ok" {
                XCTAssertTrue(codes.contains("IAM001") || codes.contains("IAM002") || !result.scannedFiles.contains(row.path),
                              "\(row.path): botocore refuses it (\(row.detail)) but iamlint reports nothing")
            }
        }
        for finding in result.findings {
            XCTAssertFalse(finding.message.contains("wJalrXUtnFEMI"), "a secret reached a message: \(finding.location)")
        }
    }
}
