import Foundation
import IAMLintCore
import IAMLintModel
@testable import IAMLintRules
import XCTest

/// `ActionSets.matchedExactly(by:)` must give, for every catalog action, the answer of
/// `Statement.covers(action:)` (whole-string matching), whether it takes the catalog's split
/// expansion or matches action by action. Checked on tricky patterns and on every action-like
/// token of the rule fixtures and the shared corpus that takes the catalog path.
final class ActionPatternExactnessTests: XCTestCase {
    static let tricky = [
        "*", "**", "***", "?", "*?", "s3*", "s3:*", "S3:GET*", "s3?GetObject", "s3:Get?bject", "*:*", "*:Get*", "*e*:*",
        "iam:PassRole", "IAM:passrole", "iam:Pass*", "iam*", "iam:", ":*", ":", "::", "s3::GetObject", "s3:Get:Object",
        "${X}:*", "${AWS::Partition}:*", "iam:${Action}", "${X}", "s3:${Y}*", "*${X}*", "s${X}3:*", "{", "}", "$",
        "ec2:*K*", "ec2:*\u{212A}*", "\u{212A}ms:*", "kms:*", "", " ", "iam :PassRole", "*:", "*:?", "?:*", "??:*",
        "sts:AssumeRole*", "*Role", "*:*Role", "iam:*Policy*", "lambda:InvokeFunction", "a*:*", "*3:*", "s3:*Object*",
    ]

    /// `service:Name` of every catalog action, in catalog order.
    static let names = ActionCatalog.shared.allActions.map(\.fullName)

    func testTrickyPatternsMatchWholeString() {
        for pattern in Self.tricky { assertExact(pattern) }
    }

    func testFixtureAndCorpusPatternsTakingTheCatalogPathMatchWholeString() throws {
        var patterns = Set<String>()
        for root in [TestPaths.rules, TestPaths.corpus] { collectTokens(under: root, into: &patterns) }
        // Both sides fold ASCII case, and catalog-path patterns are ASCII: one spelling each.
        let catalogPath = Set(patterns.filter(ActionSets.expansionMatchesWholeString).map { $0.lowercased() }).sorted()
        XCTAssertGreaterThan(catalogPath.count, 100)
        // Every pattern with a wildcard; of the plain action names (one catalog entry or none
        // each, the simplest case), an evenly spread 200, to keep the debug suite quick.
        let wild = catalogPath.filter { $0.contains("*") || $0.contains("?") }
        let plain = catalogPath.filter { !$0.contains("*") && !$0.contains("?") }
        let step = max(1, plain.count / 200)
        for pattern in wild + stride(from: 0, to: plain.count, by: step).map({ plain[$0] }) { assertExact(pattern) }
    }

    private func assertExact(_ pattern: String, file: StaticString = #filePath, line: UInt = #line) {
        let set = ActionSets.matchedExactly(by: pattern)
        for (i, name) in Self.names.enumerated() {
            let expected = Wildcard.matches(pattern: pattern, false, name, caseInsensitive: true)
            if set.contains(i) != expected {
                XCTFail("\(pattern) vs \(name): set says \(set.contains(i)), covers says \(expected)", file: file, line: line)
                return
            }
        }
    }

    /// Runs of characters that can make up an action pattern, holding `:`, `*` or `?`.
    private func collectTokens(under root: String, into patterns: inout Set<String>) {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return }
        var allowed = [Bool](repeating: false, count: 256)
        for byte in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789*?:-_${}".utf8 { allowed[Int(byte)] = true }
        for case let relative as String in walker {
            guard let data = FileManager.default.contents(atPath: "\(root)/\(relative)"), data.count < 4_000_000 else { continue }
            data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
                var start = 0, interesting = false
                for i in 0...bytes.count {
                    let byte = i < bytes.count ? bytes[i] : 0
                    if allowed[Int(byte)] {
                        if byte == UInt8(ascii: ":") || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "?") { interesting = true }
                        continue
                    }
                    if interesting, i - start <= 100 { patterns.insert(String(decoding: bytes[start..<i], as: UTF8.self)) }
                    start = i + 1
                    interesting = false
                }
            }
        }
    }
}
