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

    /// The word-at-a-time variant for in-memory tables: every length and starting offset against
    /// a reference that forms each little-endian word from the bytes; lower-casing agrees with
    /// `ASCII.lower` byte by byte, including bytes outside ASCII and around `A`–`Z`.
    func testWordsAgreeWithByteByByteReference() {
        let alphabet: [UInt8] = Array("@AZ[`az{09:/-*".utf8) + [0x00, 0x7F, 0x80, 0xC1, 0xDA, 0xFF]
        let bytes: [UInt8] = (0..<40).map { alphabet[($0 * 7 + 3) % alphabet.count] }
        func reference(_ part: ArraySlice<UInt8>, lowercased: Bool) -> UInt64 {
            let input = lowercased ? part.map(ASCII.lower) : Array(part)
            var hash = FNV1a.offsetBasis
            var i = 0
            while i + 8 <= input.count {
                var word: UInt64 = 0
                for k in 0..<8 { word |= UInt64(input[i + k]) << (8 * UInt64(k)) }
                hash = (hash ^ word) &* FNV1a.prime
                i += 8
            }
            for byte in input[i...] { hash = (hash ^ UInt64(byte)) &* FNV1a.prime }
            return hash
        }
        bytes.withUnsafeBufferPointer { buffer in
            for start in 0..<9 {
                for end in start...bytes.count {
                    for lowercased in [false, true] {
                        var hash = FNV1a()
                        hash.mixWords(UnsafeBufferPointer(rebasing: buffer[start..<end]), lowercased: lowercased)
                        XCTAssertEqual(hash.value, reference(bytes[start..<end], lowercased: lowercased), "\(start)..<\(end) \(lowercased)")
                    }
                }
            }
        }
        for byte in UInt8.min...UInt8.max {
            let word = UInt64(byte) * 0x0101_0101_0101_0101
            XCTAssertEqual(ASCII.lower(word: word), UInt64(ASCII.lower(byte)) * 0x0101_0101_0101_0101, "\(byte)")
        }
    }

    /// The ASCII-checking variant mixes as `mixWords` does, and answers false exactly when some
    /// byte of the part is 0x80 or above, at every length and starting offset.
    func testASCIIWordsAgreeWithWordsAndFindEveryHighByte() {
        let alphabet: [UInt8] = Array("@AZ[`az{09:/-*".utf8) + [0x00, 0x7F, 0x80, 0xC1, 0xDA, 0xFF]
        let bytes: [UInt8] = (0..<40).map { alphabet[($0 * 7 + 3) % alphabet.count] }
        var checked = 0, nonASCII = 0
        bytes.withUnsafeBufferPointer { all in
            for start in 0..<all.count {
                for end in start...all.count {
                    let part = UnsafeBufferPointer(rebasing: all[start..<end])
                    for lowercased in [false, true] {
                        var words = FNV1a(), ascii = FNV1a()
                        words.mixWords(part, lowercased: lowercased)
                        let isASCII = ascii.mixASCIIWords(part, lowercased: lowercased)
                        XCTAssertEqual(isASCII, part.allSatisfy { $0 < 0x80 }, "\(start)..<\(end)")
                        XCTAssertEqual(ascii.value, words.value, "\(start)..<\(end)")
                        checked += 1
                        if !isASCII { nonASCII += 1 }
                    }
                }
            }
        }
        // Parts `start..<end` of 40 bytes, `end` from `start` to 40: 41 + 40 + … + 2 of them.
        XCTAssertEqual(checked, 2 * (41 * 42 / 2 - 1))
        XCTAssertGreaterThan(nonASCII, 0)
        XCTAssertLessThan(nonASCII, checked)
    }
}
