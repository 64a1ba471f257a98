extension StringProtocol {
    /// Whether `needle` occurs in the text, comparing UTF-8 bytes: the plain search IAM's own
    /// text comparisons need (no Unicode normalisation), without bridging to Foundation or
    /// allocating.
    @inlinable
    public func containsUTF8(_ needle: StaticString) -> Bool {
        needle.withUTF8Buffer { n in
            if let found = utf8.withContiguousStorageIfAvailable({ UTF8Search.contains($0, n) }) { return found }
            return Array(utf8).withUnsafeBufferPointer { UTF8Search.contains($0, n) }
        }
    }
}

/// Byte-level substring search for `containsUTF8`.
public enum UTF8Search {
    /// Whether `needle` occurs in `haystack` (an empty needle always does).
    @inlinable
    public static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = needle.first else { return true }
        guard needle.count <= haystack.count else { return false }
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var k = 1
                while k < needle.count, haystack[i + k] == needle[k] { k += 1 }
                if k == needle.count { return true }
            }
            i += 1
        }
        return false
    }
}
