/// The `primaryLocationLineHash` that GitHub's upload action computes for a SARIF result, so
/// uploads through the API and through the action fingerprint alike and alerts are not duplicated.
///
/// A rolling polynomial hash (base 37, 64-bit wrapping) over a window of the next 100 characters
/// (UTF-16 code units) starting at each line, ignoring spaces and tabs, with CR and CRLF read as LF;
/// an end marker and zero padding close the file. Each value is `hex:n`, n counting repeats.
public enum LineHash {
    static let blockSize = 100
    static let mod: UInt64 = 37
    static let endOfFile: UInt64 = 65535

    /// The hash of every line, indexed by line number − 1.
    public static func hashes(of text: String) -> [String] {
        // ASCII text (the usual case) is its own UTF-16: read as bytes, without decoding.
        let fromBytes = text.utf8.withContiguousStorageIfAvailable { bytes -> [String]? in
            for byte in bytes where byte >= 0x80 { return nil }
            return hashes(units: bytes)
        }
        if let fromBytes, let result = fromBytes { return result }
        return hashes(units: text.utf16)
    }

    /// The hashes of the lines of a text given as its UTF-16 code units. The window and the line
    /// numbers are buffers on the stack (arrays checked their uniqueness at every write).
    private static func hashes<Units: Sequence>(units: Units) -> [String] where Units.Element: FixedWidthInteger {
        var firstMod: UInt64 = 1
        for _ in 0..<blockSize { firstMod = firstMod &* mod }
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: blockSize) { window in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: blockSize) { lineNumbers in
                window.initialize(repeating: 0)
                lineNumbers.initialize(repeating: -1)
                var hash: UInt64 = 0
                var index = 0
                var lineNumber = 0
                var lineStart = true
                var previousCR = false
                var counts: [UInt64: Int] = [:]
                var result: [String] = []

                func emit() {
                    let count = increment(&counts[hash, default: 0])
                    let line = lineNumbers[index]
                    while result.count < line { result.append("") }
                    result[line - 1] = spelled(hash, count)
                    lineNumbers[index] = -1
                }
                func update(_ current: UInt64) {
                    let begin = window[index]
                    window[index] = current
                    hash = mod &* hash &+ current &- firstMod &* begin
                    index += 1
                    if index == blockSize { index = 0 }
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
                // The end marker and the zero padding that close the file.
                process(endOfFile)
                for _ in 0..<blockSize {
                    if lineNumbers[index] != -1 { emit() }
                    update(0)
                }
                return result
            }
        }
    }

    private static func increment(_ count: inout Int) -> Int {
        count += 1
        return count
    }

    /// `"\(String(hash, radix: 16)):\(count)"`, spelt into bytes.
    private static func spelled(_ hash: UInt64, _ count: Int) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(40)
        var shift = 60
        while shift > 0 && (hash >> UInt64(shift)) & 0xF == 0 { shift -= 4 }
        while shift >= 0 {
            let digit = UInt8(truncatingIfNeeded: (hash >> UInt64(shift)) & 0xF)
            bytes.append(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") - 10 + digit)
            shift -= 4
        }
        bytes.append(UInt8(ascii: ":"))
        bytes.append(contentsOf: String(count).utf8)
        return String(decoding: bytes, as: UTF8.self)
    }
}
