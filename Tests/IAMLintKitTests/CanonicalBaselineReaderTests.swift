@testable import IAMLintKit
import XCTest

/// The line reader for baselines as `iamlint baseline` writes them must read exactly what the
/// YAML parser reads, and hand everything else to it.
final class CanonicalBaselineReaderTests: XCTestCase {
    private func canonical(_ text: String) -> [FindingKey: Int]? {
        Array(text.utf8).withUnsafeBufferPointer { buffer in
            var reader = CanonicalBaselineReader(buffer)
            return reader.read()
        }
    }

    private func key(_ rule: String, _ file: String, _ location: String, _ subject: String) -> FindingKey {
        FindingKey(rule: rule, file: file, location: location, subject: subject)
    }

    func testWrittenBaselinesReadAsTheYAMLParserReadsThem() throws {
        let entries: [FindingKey: Int] = [
            key("IAM402", "accounts/a/iam.json", "Resources.User0.Properties.UserName", "person-0"): 1,
            key("IAM402", "accounts/a/iam.json", "Resources.User1.Properties.UserName", "person-1"): 3,
            key("IAM101", "b.yaml", "", "Admin role: #1 {x}"): 1,
            key("ORG900", "c d.yaml", "Resources.R", ""): 2,
        ]
        let text = Baseline(entries: entries).serialized()
        let fast = try XCTUnwrap(canonical(text))
        XCTAssertEqual(fast, entries)
        XCTAssertEqual(try Baseline.parseYAML(Array(text.utf8), file: "b").entries, fast)
        XCTAssertEqual(try Baseline.parse(text, file: "b").entries, entries)
        // No entries at all.
        let empty = Baseline().serialized()
        XCTAssertEqual(canonical(empty), [:])
        XCTAssertEqual(try Baseline.parseYAML(Array(empty.utf8), file: "b").entries, [:])
    }

    /// Escapes, text beyond ASCII, other layouts and errors go to the YAML parser, which reads
    /// them (or names the error's position) as before.
    func testEverythingElseIsLeftToTheYAMLParser() throws {
        let tricky: [FindingKey: Int] = [
            key("IAM402", "a.yaml", "Resources.\"Quoted\"", "back\\slash"): 1,
            key("IAM402", "é.yaml", "Resources.R", "café"): 1,
            key("IAM402", "t.yaml", "Resources.R", "tab\there"): 1,
            key("iam-custom", "t.yaml", "Resources.R", "x"): 1,
        ]
        for (entry, count) in tricky {
            let text = Baseline(entries: [entry: count]).serialized()
            XCTAssertNil(canonical(text), text)
            XCTAssertEqual(try Baseline.parse(text, file: "b").entries, [entry: count], text)
        }
        let written = Baseline(entries: [key("IAM101", "t.yaml", "Resources.R", "R"): 1]).serialized()
        let variants = [
            written.replacingOccurrences(of: "\n", with: "\r\n"),
            written + "\n",
            written.replacingOccurrences(of: "    file:", with: "    # moved\n    file:"),
            written.replacingOccurrences(of: "rule: IAM101", with: "rule: \"IAM101\""),
            "\u{FEFF}" + written,
        ]
        for text in variants {
            XCTAssertNil(canonical(text), text)
            XCTAssertEqual(try Baseline.parse(text, file: "b").entries, [key("IAM101", "t.yaml", "Resources.R", "R"): 1], text)
        }
        // `findings:` with nothing under it, a count of zero, a later version: errors, as before.
        for text in ["version: 1\nfindings:\n", written.replacingOccurrences(of: "    fingerprint", with: "    count: 0\n    fingerprint"), written.replacingOccurrences(of: "version: 1", with: "version: 2")] {
            XCTAssertNil(canonical(text), text)
            XCTAssertThrowsError(try Baseline.parse(text, file: "b"), text)
        }
        // Cut anywhere, a written baseline is never half-read: the line reader declines it.
        let two = Baseline(entries: [key("IAM101", "t.yaml", "Resources.R", "R"): 1, key("IAM102", "t.yaml", "Resources.S", "S"): 2]).serialized()
        let bytes = Array(two.utf8)
        var read: [Int: [FindingKey: Int]] = [:]
        for end in 0..<bytes.count {
            read[end] = bytes[..<end].withUnsafeBufferPointer { buffer -> [FindingKey: Int]? in
                var reader = CanonicalBaselineReader(buffer)
                return reader.read()
            }
        }
        // Only the cut just after the first entry's last line is a whole baseline: that entry.
        let firstEnd = try XCTUnwrap(two.range(of: "\n  - rule: IAM102")).lowerBound.utf16Offset(in: two) + 1
        XCTAssertEqual(read, [firstEnd: [key("IAM101", "t.yaml", "Resources.R", "R"): 1]])
    }
}
