@testable import IAMLintKit
import IAMLintModel
@testable import IAMLintRules
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

    func testLineHashesAgreeWithTheRollingHashOverEveryUnit() {
        // The line hashes summed per line start against the hash rolled over every unit (as
        // GitHub's action computes it), on texts with CR, CRLF, CR then spaces then LF, blank
        // lines, runs of spaces, a final newline or none, repeated lines, non-ASCII text, and
        // texts shorter and longer than the window.
        var texts = ["", "a", "\n", "\n\n", "\r", "\r\n", "\r \n", " \t ", "x\r\r\ny\n", "é\n\n"]
        texts.append((0..<50).map { "k\($0 % 3): \(String(repeating: "v", count: $0 * 7))\r\n" }.joined())
        texts.append((0..<40).map { "  - line \($0 % 4)\n\n   \n" }.joined() + "tail")
        texts.append(String(repeating: "{\"a\": [1, 2, 3], \"b\": \"text\"} ", count: 40) + "\n" + String(repeating: "z", count: 250) + "\n")
        texts.append((0..<30).map { "é \($0 % 5)\r\n\u{1F600}\r \n" }.joined())
        for text in texts {
            let expected = Self.rollingLineHashes(Array(text.utf16)).map(\.text)
            XCTAssertEqual(LineHash.hashes(of: text), expected, text)
        }
    }

    /// The line hashes as GitHub's action computes them: the window rolled over every unit, a
    /// line's hash taken when its first unit leaves the window.
    private static func rollingLineHashes(_ units: [UInt16]) -> [LineHash.Value] {
        let blockSize = 100, mod: UInt64 = 37
        var firstMod: UInt64 = 1
        for _ in 0..<blockSize { firstMod = firstMod &* mod }
        var window = [UInt64](repeating: 0, count: blockSize)
        var lineNumbers = [Int](repeating: -1, count: blockSize)
        var hash: UInt64 = 0, index = 0, lineNumber = 0
        var lineStart = true, previousCR = false
        var counts: [UInt64: Int] = [:]
        var result: [LineHash.Value] = []
        func emit() {
            counts[hash, default: 0] += 1
            let line = lineNumbers[index]
            while result.count < line { result.append(.none) }
            result[line - 1] = LineHash.Value(hash: hash, count: counts[hash] ?? 0)
            lineNumbers[index] = -1
        }
        func update(_ current: UInt64) {
            let begin = window[index]
            window[index] = current
            hash = mod &* hash &+ current &- firstMod &* begin
            index = (index + 1) % blockSize
        }
        func process(_ unit: UInt64) {
            var current = unit
            if current == 0x20 || current == 0x09 || (previousCR && current == 0x0A) {
                previousCR = false
                return
            }
            if current == 0x0D {
                current = 0x0A
                previousCR = true
            } else {
                previousCR = false
            }
            if lineNumbers[index] != -1 { emit() }
            if lineStart {
                lineStart = false
                lineNumber += 1
                lineNumbers[index] = lineNumber
            }
            if current == 0x0A { lineStart = true }
            update(current)
        }
        for unit in units { process(UInt64(unit)) }
        process(65535)
        for _ in 0..<blockSize {
            if lineNumbers[index] != -1 { emit() }
            update(0)
        }
        return result
    }

    /// Blocks written on several threads reach `emit` in order, the same bytes as on one thread,
    /// for counts around the block size and across many more blocks than slots.
    func testReportBlocksEmitInOrderOnAnyNumberOfThreads() {
        for count in [0, 1, ReportBlocks.size - 1, ReportBlocks.size, ReportBlocks.size + 1, 37 * ReportBlocks.size + 5] {
            func written(threads: Int) -> [UInt8] {
                var bytes: [UInt8] = []
                ReportBlocks.write(count: count, threads: threads, emit: { bytes += $0 }) { k, out in
                    out += "item \(k)\n".utf8
                }
                return bytes
            }
            let one = written(threads: 1)
            XCTAssertEqual(one, Array((0..<count).map { "item \($0)\n" }.joined().utf8), "\(count) items")
            for threads in [2, 3, 8] { XCTAssertEqual(written(threads: threads), one, "\(count) items, \(threads) threads") }
        }
    }

    /// IAM402's message kept in parts spells what the rule's formula says, for every kind.
    func testFixedNameMessagesSpellTheFormula() {
        for kind in EntityKind.allCases {
            let key = IAMNameRules.nameKey(kind, cloudFormation: true)
            XCTAssertEqual(
                HardcodedIAMName.Message.fixedName(kind: kind, name: "n-1").string,
                "\(kind.rawValue) 'n-1' has a fixed \(key): the stack cannot be deployed twice in one account, and it needs CAPABILITY_NAMED_IAM")
        }
    }
}
