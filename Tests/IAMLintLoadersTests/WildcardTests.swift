import IAMLintModel
import XCTest

/// `Wildcard.matches` compares UTF-8 bytes in place; these pin it to scalar-by-scalar matching
/// of the (lower-cased) strings, which is what IAM's `*` and `?` mean.
final class WildcardTests: XCTestCase {
    func testQuestionMarkIsOneScalar() {
        XCTAssertTrue(Wildcard.matches(pattern: "a?c", false, "abc", caseInsensitive: false))
        XCTAssertTrue(Wildcard.matches(pattern: "a?c", false, "aéc", caseInsensitive: false))       // 2 bytes
        XCTAssertTrue(Wildcard.matches(pattern: "a?c", false, "a€c", caseInsensitive: false))       // 3 bytes
        XCTAssertTrue(Wildcard.matches(pattern: "a?c", false, "a😀c", caseInsensitive: false))      // 4 bytes
        XCTAssertFalse(Wildcard.matches(pattern: "a??c", false, "a😀c", caseInsensitive: false))
        XCTAssertFalse(Wildcard.matches(pattern: "a?c", false, "ac", caseInsensitive: false))
        XCTAssertTrue(Wildcard.matches(pattern: "role/??", false, "role/日本", caseInsensitive: false))
        XCTAssertFalse(Wildcard.matches(pattern: "role/?", false, "role/日本", caseInsensitive: false))
        XCTAssertTrue(Wildcard.matches(pattern: "*?本", false, "role/日本", caseInsensitive: true))
        XCTAssertTrue(Wildcard.matches(pattern: "a?C", false, "Aéc", caseInsensitive: true))
    }

    func testStarBacktracksByScalar() {
        XCTAssertTrue(Wildcard.matches(pattern: "*é", false, "ééé", caseInsensitive: false))
        XCTAssertTrue(Wildcard.matches(pattern: "*?é", false, "éxé", caseInsensitive: false))
        XCTAssertTrue(Wildcard.matches(pattern: "x*😀*y", false, "x😀😀y", caseInsensitive: false))
        XCTAssertFalse(Wildcard.matches(pattern: "*é?", false, "ééé😀é", caseInsensitive: false))
        XCTAssertFalse(Wildcard.matches(pattern: "*ë", false, "ée", caseInsensitive: false))
    }

    func testCaseFolding() {
        XCTAssertTrue(Wildcard.matches(pattern: "IAM:Pass*", false, "iam:passrole", caseInsensitive: true))
        XCTAssertTrue(Wildcard.matches(pattern: "iam:passrole", false, "IAM:PassRole", caseInsensitive: true))
        XCTAssertFalse(Wildcard.matches(pattern: "IAM:Pass*", false, "iam:passrole", caseInsensitive: false))
        XCTAssertTrue(Wildcard.matches(pattern: "arn:aws:s3:::Bucket/*", false, "arn:aws:s3:::Bucket/key", caseInsensitive: false))
        XCTAssertFalse(Wildcard.matches(pattern: "arn:aws:s3:::bucket/*", false, "arn:aws:s3:::Bucket/key", caseInsensitive: false))
        // Beyond ASCII, case-insensitive matching lower-cases as Unicode does.
        XCTAssertTrue(Wildcard.matches(pattern: "ÉTÉ", false, "été", caseInsensitive: true))
        XCTAssertTrue(Wildcard.matches(pattern: "Ω?", false, "ωΣ", caseInsensitive: true))
        XCTAssertFalse(Wildcard.matches(pattern: "ÉTÉ", false, "été", caseInsensitive: false))
        // `İ` lower-cases to two scalars (`i` and a combining dot).
        XCTAssertTrue(Wildcard.matches(pattern: "??", false, "İ", caseInsensitive: true))
        XCTAssertTrue(Wildcard.matches(pattern: "?", false, "İ", caseInsensitive: false))
    }

    func testEdges() {
        XCTAssertTrue(Wildcard.matches(pattern: "", false, "", caseInsensitive: false))
        XCTAssertFalse(Wildcard.matches(pattern: "", false, "a", caseInsensitive: false))
        XCTAssertTrue(Wildcard.matches(pattern: "*", false, "", caseInsensitive: false))
        XCTAssertTrue(Wildcard.matches(pattern: "**", false, "anything", caseInsensitive: true))
        XCTAssertFalse(Wildcard.matches(pattern: "?", false, "", caseInsensitive: false))
        XCTAssertTrue(Wildcard.matches(pattern: "a*b*c", false, "aXbYbZc", caseInsensitive: false))
        XCTAssertFalse(Wildcard.matches(pattern: "a*b*c", false, "aXbYbZ", caseInsensitive: false))
        XCTAssertTrue(Wildcard.matches(pattern: "*", false, "*", caseInsensitive: false))
        XCTAssertTrue(Wildcard.matches(pattern: "a*", false, "a*b", caseInsensitive: false))
        XCTAssertFalse(Wildcard.matches(pattern: "a?", false, "a", caseInsensitive: false))
    }

    /// Every pattern against every text over a small alphabet of 1- to 4-byte scalars and both
    /// cases agrees with matching arrays of lower-cased scalars.
    func testAgreesWithScalarMatching() {
        let alphabet = ["a", "B", "é", "É", "€", "😀", "*", "?"]
        var patterns: [String] = [""]
        var texts: [String] = [""]
        var layer = [""]
        for _ in 0..<3 {
            layer = layer.flatMap { prefix in alphabet.map { prefix + $0 } }
            patterns += layer
            texts += layer.filter { !$0.contains("*") && !$0.contains("?") }
        }
        for pattern in patterns {
            for text in texts {
                for fold in [false, true] {
                    XCTAssertEqual(Wildcard.matches(pattern: pattern, false, text, caseInsensitive: fold),
                                   Self.reference(pattern, text, fold), "\(pattern) ~ \(text) fold \(fold)")
                }
            }
        }
    }

    /// The former implementation: arrays of (lower-cased) scalars.
    static func reference(_ pattern: String, _ text: String, _ fold: Bool) -> Bool {
        let p = Array((fold ? pattern.lowercased() : pattern).unicodeScalars)
        let t = Array((fold ? text.lowercased() : text).unicodeScalars)
        var pi = 0, ti = 0
        var star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti], p[pi] != "*" {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
