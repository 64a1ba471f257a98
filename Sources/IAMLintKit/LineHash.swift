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
        var firstMod: UInt64 = 1
        for _ in 0..<blockSize { firstMod = firstMod &* mod }
        var window = [UInt64](repeating: 0, count: blockSize)
        var lineNumbers = [Int](repeating: -1, count: blockSize)
        var hash: UInt64 = 0
        var index = 0
        var lineNumber = 0
        var lineStart = true
        var previousCR = false
        var counts: [UInt64: Int] = [:]
        var result: [String] = []

        func emit() {
            counts[hash, default: 0] += 1
            let line = lineNumbers[index]
            while result.count < line { result.append("") }
            result[line - 1] = "\(String(hash, radix: 16)):\(counts[hash]!)"
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

        for unit in text.utf16 { process(UInt64(unit)) }
        process(endOfFile)
        for _ in 0..<blockSize {
            if lineNumbers[index] != -1 { emit() }
            update(0)
        }
        return result
    }
}
