#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Substring search over UTF-8 bytes, the one used everywhere (file scans, `Fn::Sub`, rules'
/// text checks through `containsUTF8`): libc's `memchr` finds each candidate first byte, then the
/// rest is compared. Every needle the project searches for is ASCII or whole UTF-8, so a byte
/// match is a match of the text.
public enum ByteSearch {
    /// The offset of the first occurrence of `needle` in `haystack`, or nil.
    public static func firstIndex(of needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>) -> Int? {
        needle.withUnsafeBufferPointer { firstIndex(of: $0, in: haystack) }
    }

    /// The offset of the first occurrence of `needle` in `haystack` at or after `start`, or nil
    /// (an empty needle is found at `start`).
    public static func firstIndex(of needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>, from start: Int = 0) -> Int? {
        guard let first = needle.first else { return start <= haystack.count ? start : nil }
        guard let base = haystack.baseAddress, haystack.count >= needle.count else { return nil }
        let last = haystack.count - needle.count
        var from = start
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
