import IAMLintCore

extension StringProtocol {
    /// Whether `needle` occurs in the text, comparing UTF-8 bytes (`ByteSearch`): the plain search
    /// IAM's own text comparisons need (no Unicode normalisation), without bridging to Foundation.
    public func containsUTF8(_ needle: StaticString) -> Bool {
        utf8Offset(of: needle) != nil
    }

    /// The UTF-8 offset of the first occurrence of `needle`, or nil.
    public func utf8Offset(of needle: StaticString) -> Int? {
        needle.withUTF8Buffer { n in
            if let found = utf8.withContiguousStorageIfAvailable({ ByteSearch.firstIndex(of: n, in: $0) }) { return found }
            return Array(utf8).withUnsafeBufferPointer { ByteSearch.firstIndex(of: n, in: $0) }
        }
    }
}

extension String {
    /// The text with every occurrence of `needle` replaced by `replacement`, on UTF-8 bytes.
    public func replacingUTF8(_ needle: StaticString, with replacement: String) -> String {
        var text = self
        return text.withUTF8 { bytes in
            needle.withUTF8Buffer { n -> String in
                guard var at = ByteSearch.firstIndex(of: n, in: bytes) else { return self }
                var out: [UInt8] = []
                out.reserveCapacity(bytes.count)
                var from = 0
                repeat {
                    out.append(contentsOf: bytes[from..<at])
                    out.append(contentsOf: replacement.utf8)
                    from = at + n.count
                    guard let next = ByteSearch.firstIndex(of: n, in: bytes, from: from) else { break }
                    at = next
                } while true
                out.append(contentsOf: bytes[from...])
                return String(decoding: out, as: UTF8.self)
            }
        }
    }
}
