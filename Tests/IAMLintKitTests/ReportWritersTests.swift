@testable import IAMLintKit
import XCTest

/// The byte-level writers behind the reports, against what the string-based ones they replaced
/// produced.
final class ReportWritersTests: XCTestCase {
    func testPercentEncodingKeepsUnreservedBytesAndEncodesTheRest() {
        XCTAssertEqual(SARIFReporter.percentEncoded("a-b_c.d~e/F9"), "a-b_c.d~e/F9")
        XCTAssertEqual(SARIFReporter.percentEncoded("a b/é@%\u{7F}"), "a%20b/%C3%A9%40%25%7F")
        XCTAssertEqual(SARIFReporterPaths.fileURI("/tmp/x y"), "file:///tmp/x%20y/")
    }

    func testJSONStringsEscapeAsBefore() {
        for text in ["", "plain", "quote \" and \\ backslash", "tab\tnew\nline\rret", "\u{01}\u{1F}ctl", "é ünïcode ✓", "eight!!!quote\"x", String(repeating: "abcdefgh", count: 9) + "\n"] {
            var viaWriter: [UInt8] = []
            JSONValue.writeString(text, into: &viaWriter)
            var expected = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": expected += "\\\""
                case "\\": expected += "\\\\"
                case "\n": expected += "\\n"
                case "\r": expected += "\\r"
                case "\t": expected += "\\t"
                default:
                    if scalar.value < 0x20 {
                        let hex = String(scalar.value, radix: 16)
                        expected += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        expected.unicodeScalars.append(scalar)
                    }
                }
            }
            expected += "\""
            XCTAssertEqual(String(decoding: viaWriter, as: UTF8.self), expected, text)
        }
    }

    func testLineHashesOfASCIIAndNonASCIITextAgree() {
        // The same lines, once ASCII only (read as bytes) and once with a non-ASCII character at
        // the very end (read as UTF-16): every line but the last hashes alike.
        let lines = (0..<300).map { "  line \($0 % 7)\t: value\r\n" }.joined()
        let ascii = LineHash.hashes(of: lines + "end")
        let unicode = LineHash.hashes(of: lines + "é")
        XCTAssertEqual(ascii.count, 301)
        XCTAssertEqual(Array(ascii.dropLast(101)), Array(unicode.dropLast(101)))
        XCTAssertTrue(ascii.allSatisfy { $0.contains(":") })
    }
}
