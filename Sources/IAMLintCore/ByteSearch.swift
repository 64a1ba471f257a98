#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Substring search over UTF-8 bytes for the scans that look at every file (comment directives,
/// committed access keys): libc's `memchr` finds each candidate first byte, then the rest is
/// compared.
public enum ByteSearch {
    /// The offset of the first occurrence of `needle` in `haystack`, or nil.
    public static func firstIndex(of needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let first = needle.first, let base = haystack.baseAddress, haystack.count >= needle.count else { return nil }
        let last = haystack.count - needle.count
        var from = 0
        while from <= last, let found = memchr(base + from, Int32(first), last - from + 1) {
            let at = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
            var k = 1
            while k < needle.count, haystack[at + k] == needle[k] { k += 1 }
            if k == needle.count { return at }
            from = at + 1
        }
        return nil
    }

    /// The offset of the first `byte` in `haystack` at or after `from`, or nil.
    public static func firstIndex(of byte: UInt8, in haystack: UnsafeBufferPointer<UInt8>, from: Int = 0) -> Int? {
        guard let base = haystack.baseAddress, from < haystack.count,
              let found = memchr(base + from, Int32(byte), haystack.count - from) else { return nil }
        return UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
    }
}
