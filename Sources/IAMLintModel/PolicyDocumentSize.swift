import IAMLintCore

/// The size of a policy as IAM counts it against its quotas: the characters of its JSON text,
/// white space excluded. Measured when the document is parsed (the document's value is not kept).
public struct PolicyDocumentSize: Sendable, Hashable {
    public var count: Int
    /// True when part of the text is unknown until deployment and was estimated.
    public var estimated: Bool

    public init(count: Int, estimated: Bool) {
        self.count = count
        self.estimated = estimated
    }

    /// The size of the document value a parser was given: its JSON text as written when it is a
    /// string (Terraform), else the resolved value serialised as minified JSON. Nil when the
    /// whole document is unknown.
    static func measure(_ source: Value) -> PolicyDocumentSize? {
        switch source {
        case .string(let text, _):
            // One per scalar (UTF-8 lead byte) that is not white space.
            let count = text.utf8.reduce(0) { $0 + ($1 & 0xC0 == 0x80 || $1 == 0x20 || $1 == 0x09 || $1 == 0x0A || $1 == 0x0D ? 0 : 1) }
            return PolicyDocumentSize(count: count, estimated: false)
        case .symbolic:
            return nil
        default:
            var size = PolicyDocumentSize(count: 0, estimated: false)
            size.add(source)
            return size
        }
    }

    /// Known lengths of the pseudo parameters CloudFormation leaves symbolic.
    static let pseudoLengths: [String: Int] = [
        "AWS::AccountId": 12, "AWS::Partition": 3, "AWS::Region": 9, "AWS::URLSuffix": 13,
    ]

    /// The size of a document that is a map, read from any policy tree (`measure` of the value
    /// it would resolve to).
    static func measure<Tree: PolicyTree>(map: Tree) -> PolicyDocumentSize {
        var size = PolicyDocumentSize(count: 0, estimated: false)
        size.add(map)
        return size
    }

    private mutating func add<Tree: PolicyTree>(_ value: Tree) {
        switch value.shape {
        case .string:
            value.withTextUTF8 { addString($0) }
        case .symbolic:
            estimated = true
            value.withTextUTF8 { addString($0, pseudoParameters: true) }
        case .list:
            count += 2 + max(0, value.ownItemCount - 1)
            value.forEachOwnItem { add($0) }
        case .map:
            let entries = value.mapEntries!
            count += 2 + max(0, entries.count - 1)
            for entry in entries {
                entry.withKeyUTF8 { addString($0) }
                count += 1
                add(entry.value)
            }
        case .alternatives:
            estimated = true
            var largest = PolicyDocumentSize(count: 0, estimated: true)
            value.forEachOwnItem { option in
                var size = PolicyDocumentSize(count: 0, estimated: true)
                size.add(option)
                if size.count > largest.count { largest = size }
            }
            count += largest.count
        case .null:
            count += 4
        }
    }

    /// A JSON string literal's characters, white space excluded. With `pseudoParameters`, each
    /// `${AWS::AccountId}`, `${AWS::Partition}`, `${AWS::Region}` or `${AWS::URLSuffix}` counts
    /// at its usual length (see `pseudoLengths`). Counted on the UTF-8 bytes without building
    /// a string: every scalar is one lead byte, and only ASCII scalars are escaped or white.
    private mutating func addString(_ bytes: UnsafeBufferPointer<UInt8>, pseudoParameters: Bool = false) {
        count += 2
        guard let base = bytes.baseAddress else { return }
        let raw = UnsafeRawPointer(base)
        Self.weights.withUnsafeBufferPointer { weights in
            var i = 0
            while i < bytes.count {
                // Eight bytes at a time while each of them weighs one.
                if i + 8 <= bytes.count, Self.weighsOneEach(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self), pseudoParameters: pseudoParameters) {
                    count += 8
                    i += 8
                    continue
                }
                let b = bytes[i]
                if pseudoParameters, b == UInt8(ascii: "$"), let (length, width) = Self.pseudoParameter(bytes, at: i) {
                    count += length
                    i += width
                    continue
                }
                count += Int(weights[Int(b)])
                i += 1
            }
        }
    }

    /// Whether each of the eight bytes of `word` weighs one (`weights`) and, with
    /// `pseudoParameters`, none is a `$` (which may open a placeholder): every byte is ASCII,
    /// above the space (no white space, no control character), and neither `"` nor `\`.
    @inline(__always)
    static func weighsOneEach(_ word: UInt64, pseudoParameters: Bool) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        // A byte below 0x21 (exact for "any byte", as long as no byte is 0x80 or above, which
        // the first test rules out).
        let below = (word &- ones &* 0x21) & ~word & highs
        func hasByte(_ b: UInt8) -> Bool {
            let x = word ^ (ones &* UInt64(b))
            return (x &- ones) & ~x & highs != 0
        }
        guard word & highs == 0, below == 0, !hasByte(0x22), !hasByte(0x5C) else { return false }
        return !pseudoParameters || !hasByte(UInt8(ascii: "$"))
    }

    /// What each UTF-8 byte adds to the count: a lead byte outside ASCII one (a scalar), a
    /// continuation byte nothing, white space nothing, `"`, `\` and control characters two
    /// (escaped), any other ASCII byte one.
    private static let weights: [UInt8] = (0..<256).map { b -> UInt8 in
        if b >= 0x80 { return b & 0xC0 == 0x80 ? 0 : 1 }
        if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { return 0 }
        return b == 0x22 || b == 0x5C || b < 0x20 ? 2 : 1
    }

    /// Known lengths of the pseudo parameters CloudFormation leaves symbolic, as the UTF-8 of
    /// their `${…}` placeholders.
    private static let pseudoPlaceholders: [(bytes: [UInt8], length: Int)] = pseudoLengths
        .sorted { $0.key < $1.key }
        .map { (Array("${\($0.key)}".utf8), $0.value) }

    /// The usual length of the pseudo parameter placeholder at `i`, and the placeholder's width
    /// in bytes; nil when none starts there. Placeholders contain no `$` after the first byte, so
    /// occurrences never overlap and replacing them one by one (as the size estimate is defined)
    /// counts the same as this single left-to-right pass.
    private static func pseudoParameter(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (Int, Int)? {
        guard i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "{") else { return nil }
        for placeholder in pseudoPlaceholders where i + placeholder.bytes.count <= bytes.count {
            var matched = true
            for (k, b) in placeholder.bytes.enumerated() where bytes[i + k] != b {
                matched = false
                break
            }
            if matched { return (placeholder.length, placeholder.bytes.count) }
        }
        return nil
    }
}
