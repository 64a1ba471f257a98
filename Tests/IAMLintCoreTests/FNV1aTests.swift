@testable import IAMLintCore
import XCTest

/// FNV-1a is part of the baseline and SARIF formats (fingerprints): the published test vectors
/// of the 64-bit function, whichever way the bytes are fed.
final class FNV1aTests: XCTestCase {
    func testPublishedVectors() {
        let vectors: [(String, UInt64)] = [("", 0xcbf2_9ce4_8422_2325), ("a", 0xaf63_dc4c_8601_ec8c), ("foobar", 0x8594_4171_f739_67e8)]
        for (text, expected) in vectors {
            var byString = FNV1a()
            byString.mix(text)
            XCTAssertEqual(byString.value, expected, text)
            var byBytes = FNV1a()
            for byte in text.utf8 { byBytes.mix(byte) }
            XCTAssertEqual(byBytes.value, expected, text)
            // A bridged or substring-backed text takes the copying path.
            var bySubstring = FNV1a()
            bySubstring.mix(String(Substring("x" + text).dropFirst()))
            XCTAssertEqual(bySubstring.value, expected, text)
        }
    }

    func testSeedSeparatesKinds() {
        var plain = FNV1a()
        var seeded = FNV1a(seed: 0x61)
        plain.mix("123456789012")
        seeded.mix("123456789012")
        XCTAssertNotEqual(plain.value, seeded.value)
    }
}
