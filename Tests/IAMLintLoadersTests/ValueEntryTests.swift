import IAMLintCore
import IAMLintModel
import XCTest

/// `Value.entry(caseInsensitive:)` compares keys on bytes while they are ASCII; it must give what
/// comparing `lowercased()` strings gave, for every key.
final class ValueEntryTests: XCTestCase {
    private func map(_ keys: [String]) -> Value {
        .map(keys.enumerated().map { index, key in
            ValueEntry(key: key, keyRange: .fileStart, value: .string("\(index)", .fileStart))
        }, .fileStart)
    }

    /// The entry the old comparison (`lowercased()` on both sides, last wins) finds.
    private func reference(_ keys: [String], _ key: String) -> String? {
        keys.indices.last { keys[$0].lowercased() == key.lowercased() }.map { "\($0)" }
    }

    func testCaseInsensitiveLookupAgreesWithLowercasing() {
        let keys = ["Statement", "STATEMENT", "statement", "Statemen", "Statements", "Effect", "effect ", "Sid", "SID", "sİd", "Sıd",
                    "\u{212A}ey", "Key", "kEY", "Stra\u{DF}e", "STRASSE", "Caf\u{E9}", "cafe\u{301}", "CAF\u{C9}", "", "Ver\u{0}sion",
                    "Condition", "conditio\u{0301}n", "Résource", "résource", "@", "`", "[", "{"]
        let lookups = keys + ["statement", "sid", "key", "KEY", "strasse", "café", "CAFÉ", "résource", "Version", "resource", "Sid\u{301}", "`", "@"]
        for count in [1, 3, keys.count] {
            for start in stride(from: 0, to: keys.count, by: count) {
                let subset = Array(keys[start..<min(start + count, keys.count)])
                for key in lookups {
                    let found = map(subset).entry(caseInsensitive: key)?.value.text?.value
                    XCTAssertEqual(found, reference(subset, key), "\(key.debugDescription) in \(subset.map(\.debugDescription))")
                }
            }
        }
        let alternatives = Value.alternatives([map(["Effect"]), map(["EFFECT", "Sid"])], .fileStart)
        XCTAssertEqual(alternatives.entry(caseInsensitive: "sid")?.value.text?.value, "1")
        XCTAssertEqual(alternatives.entry(caseInsensitive: "effect")?.value.text?.value, "0")
        XCTAssertNil(alternatives.entry(caseInsensitive: "Action"))
    }
}
