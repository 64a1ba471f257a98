/// The storage of one parsed file: every node, mapping entry and scalar text of its documents in
/// a few flat arrays, so that a file's tree is a handful of allocations, not one or more per node.
///
/// A `Node` is an index into `nodes`. A mapping's entries are one contiguous span of `entries`, a
/// sequence's items one contiguous span of `items`; scalar and key texts are byte spans of `text`
/// (the decoded text: escapes resolved, folding applied). Built once by a parser, never changed.
public final class NodeDocument: Sendable {
    @usableFromInline let nodes: [NodeRecord]
    @usableFromInline let entries: [EntryRecord]
    let items: [UInt32]
    @usableFromInline let text: [UInt8]
    /// Tags kept on nodes (`NodeRecord.tag` is an index into this list plus one).
    let tags: [String]

    init(nodes: [NodeRecord], entries: [EntryRecord], items: [UInt32], text: [UInt8], tags: [String]) {
        self.nodes = nodes
        self.entries = entries
        self.items = items
        self.text = text
        self.tags = tags
    }

    /// The text of the span `start ..< start + count` of `text`.
    @inline(__always)
    func string(_ start: UInt32, _ count: UInt32) -> String {
        guard count > 0 else { return "" }
        return text.withUnsafeBufferPointer { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[Int(start) ..< Int(start) + Int(count)]), as: UTF8.self)
        }
    }

    /// Whether the span of `text` holds exactly the UTF-8 of `other`, compared in place.
    @inline(__always)
    func textEquals(_ start: UInt32, _ count: UInt32, _ other: String) -> Bool {
        let utf8 = other.utf8
        guard utf8.count == Int(count) else { return false }
        if count == 0 { return true }
        return text.withUnsafeBufferPointer { buffer in
            let base = Int(start)
            if let same = utf8.withContiguousStorageIfAvailable({ theirs -> Bool in
                var k = 0
                while k < theirs.count {
                    if buffer[base + k] != theirs[k] { return false }
                    k += 1
                }
                return true
            }) {
                return same
            }
            var k = base
            for byte in utf8 {
                if buffer[k] != byte { return false }
                k += 1
            }
            return true
        }
    }

    /// The index of the last entry of `entries[from ..< from + count]` whose key is `key`, or nil.
    func lastEntry(from: Int, count: Int, withKey key: UnsafeBufferPointer<UInt8>) -> Int? {
        guard from >= 0, count >= 0, from + count <= entries.count else { return nil }
        let keyCount = UInt32(truncatingIfNeeded: key.count)
        return entries.withUnsafeBufferPointer { entries in
            text.withUnsafeBufferPointer { text in
                var k = from + count
                while k > from {
                    k -= 1
                    let e = entries[k]
                    guard e.keyCount == keyCount else { continue }
                    var j = 0
                    let base = Int(e.keyStart)
                    while j < key.count, text[base + j] == key[j] { j += 1 }
                    if j == key.count { return k }
                }
                return nil
            }
        }
    }

    /// Whether the span equals `other` ignoring case (`lowercased()` of both, as a String
    /// comparison would; ASCII-only texts are folded in place without building a String).
    func textEqualsIgnoringCase(_ start: UInt32, _ count: UInt32, _ other: String) -> Bool {
        let utf8 = other.utf8
        // The same decision in one pass when `other` is contiguous: a span byte outside ASCII
        // (anywhere) leaves it to the general path; else a different length, then the first byte
        // of `other` outside ASCII or the first difference, in order, decide.
        let decided: Bool?? = utf8.withContiguousStorageIfAvailable { theirs -> Bool? in
            text.withUnsafeBufferPointer { buffer -> Bool? in
                let base = Int(start), n = Int(count)
                guard theirs.count == n else {
                    for k in 0..<n where buffer[base + k] >= 0x80 { return nil }
                    return false
                }
                var k = 0
                var answer: Bool? = true
                while k < n {
                    let p = buffer[base + k]
                    if p >= 0x80 { return nil }
                    if answer == true {
                        let q = theirs[k]
                        if q >= 0x80 {
                            answer = nil
                        } else if p != q && ASCII.lower(p) != ASCII.lower(q) {
                            answer = false
                        }
                    }
                    k += 1
                }
                return answer
            }
        }
        if case .some(.some(let equal)) = decided { return equal }
        let asciiOnly: Bool? = text.withUnsafeBufferPointer { buffer in
            let base = Int(start)
            var k = 0
            while k < Int(count) {
                if buffer[base + k] >= 0x80 { return nil }
                k += 1
            }
            guard utf8.count == Int(count) else { return false }
            k = base
            for byte in utf8 {
                if byte >= 0x80 { return nil }
                if ASCII.lower(buffer[k]) != ASCII.lower(byte) { return false }
                k += 1
            }
            return true
        }
        if let asciiOnly { return asciiOnly }
        return string(start, count).lowercased() == other.lowercased()
    }

    /// Whether the tree below node `index` holds no mapping of a single `Ref` or `Fn::…` key
    /// (CloudFormation's intrinsic functions) and is at most `maxDepth` levels deep.
    func isPlainTree(_ index: Int, maxDepth: Int) -> Bool {
        nodes.withUnsafeBufferPointer { nodes in
            entries.withUnsafeBufferPointer { entries in
                items.withUnsafeBufferPointer { items in
                    text.withUnsafeBufferPointer { text in
                        Self.isPlainTree(index, maxDepth, nodes, entries, items, text)
                    }
                }
            }
        }
    }

    private static func isPlainTree(
        _ index: Int, _ maxDepth: Int, _ nodes: UnsafeBufferPointer<NodeRecord>, _ entries: UnsafeBufferPointer<EntryRecord>,
        _ items: UnsafeBufferPointer<UInt32>, _ text: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        guard maxDepth > 0 else { return false }
        let node = nodes[index]
        let start = Int(node.start), count = Int(node.count)
        switch node.shape {
        case .scalar:
            return true
        case .mapping:
            if count == 1 {
                let key = entries[start]
                let at = Int(key.keyStart), n = Int(key.keyCount)
                let isRef = n == 3 && text[at] == 0x52 && text[at + 1] == 0x65 && text[at + 2] == 0x66
                let isFunction = n >= 4 && text[at] == 0x46 && text[at + 1] == 0x6E && text[at + 2] == 0x3A && text[at + 3] == 0x3A
                if isRef || isFunction { return false }
            }
            for k in start..<(start + count) where !isPlainTree(Int(entries[k].value), maxDepth - 1, nodes, entries, items, text) {
                return false
            }
            return true
        case .sequence:
            for k in start..<(start + count) where !isPlainTree(Int(items[k]), maxDepth - 1, nodes, entries, items, text) {
                return false
            }
            return true
        }
    }

    /// YAML's and JSON's null text: empty, `~`, `null`, `Null` or `NULL` (for plain scalars).
    func isNullText(_ start: UInt32, _ count: UInt32) -> Bool {
        Self.isNullText(text, start, count)
    }

    /// `isNullText` of the span `start ..< start + count` of `text`.
    static func isNullText(_ text: UnsafeBufferPointer<UInt8>, _ start: UInt32, _ count: UInt32) -> Bool {
        let s = Int(start)
        switch count {
        case 0: return true
        case 1: return text[s] == 0x7E                                                    // ~
        case 4:
            let b0 = text[s], b1 = text[s + 1], b2 = text[s + 2], b3 = text[s + 3]
            if b0 == 0x6E { return b1 == 0x75 && b2 == 0x6C && b3 == 0x6C }              // null
            if b0 == 0x4E {
                return (b1 == 0x75 && b2 == 0x6C && b3 == 0x6C)                             // Null
                    || (b1 == 0x55 && b2 == 0x4C && b3 == 0x4C)                             // NULL
            }
            return false
        default: return false
        }
    }

    static func isNullText(_ text: [UInt8], _ start: UInt32, _ count: UInt32) -> Bool {
        text.withUnsafeBufferPointer { isNullText($0, start, count) }
    }
}

/// One node of a `NodeDocument`: its shape, style, range, tag and payload.
@usableFromInline
struct NodeRecord: Sendable {
    @usableFromInline
    enum Shape: UInt8, Sendable {
        case scalar
        case mapping
        case sequence
    }

    var range: SourceRange
    /// Scalar: the offset of its text in `text`; mapping: its first entry; sequence: its first item.
    @usableFromInline var start: UInt32
    /// Scalar: its text's length in bytes; mapping / sequence: the number of entries / items.
    @usableFromInline var count: UInt32
    /// 0 for no tag, else an index into `tags` plus one.
    var tag: UInt32
    @usableFromInline var shape: Shape
    var style: Scalar.Style
}

/// One `key: value` entry of a `NodeDocument`: the key's text span and range and the value's node.
@usableFromInline
struct EntryRecord: Sendable {
    var keyRange: SourceRange
    @usableFromInline var keyStart: UInt32
    @usableFromInline var keyCount: UInt32
    var value: UInt32
}

/// Builds a `NodeDocument` bottom-up: scalars as they are read, containers when they close.
///
/// The children of open containers wait on two stacks (`pendingEntries`, `pendingItems`) shared
/// by every open container; when a container closes, its children (the top of a stack) are copied
/// to the final arrays in one piece, so each mapping's entries and each sequence's items are
/// contiguous. Each container remembers where its children start on the stack.
struct NodeDocumentBuilder {
    var nodes: [NodeRecord] = []
    var entries: [EntryRecord] = []
    var items: [UInt32] = []
    var text: [UInt8] = []
    var tags: [String] = []
    var pendingEntries: [EntryRecord] = []
    var pendingItems: [UInt32] = []

    /// Mappings with more entries than this find repeated keys through a hash index, not a scan.
    static let linearKeySearchLimit = 12

    /// The largest input the 32-bit offsets of a document allow with room to spare (texts may
    /// exceed the input a little: a tag's long form, a split `!GetAtt`).
    static let maxInputBytes = 1 << 30

    init(expectedBytes: Int = 0) {
        if expectedBytes > 0 {
            text.reserveCapacity(min(expectedBytes, Self.maxInputBytes))
            nodes.reserveCapacity(min(expectedBytes / 24, 1 << 20))
        }
    }

    /// A builder whose text starts as a copy of `input`, for a parser whose texts are mostly
    /// spans of its input as written (JSON strings without escapes, numbers, literals): such a
    /// text is then the span of the input, not a copy; decoded texts are appended after it.
    init(input: UnsafeBufferPointer<UInt8>) {
        let room = min(input.count, 1 << 16)
        text.reserveCapacity(input.count + room)
        text.append(contentsOf: input)
        // About what compact JSON needs (a node every 20 bytes, an entry every 25, an item every
        // 100 in a generated organisation; twice that in pretty-printed templates), so that the
        // arrays rarely grow: each growth copies the whole array.
        nodes.reserveCapacity(min(input.count / 16, 1 << 20))
        entries.reserveCapacity(min(input.count / 20, 1 << 19))
        items.reserveCapacity(min(input.count / 64, 1 << 18))
    }

    func finish() -> NodeDocument {
        NodeDocument(nodes: nodes, entries: entries, items: items, text: text, tags: tags)
    }

    // MARK: Text

    /// Appends bytes to the text; returns the span's offset.
    @inline(__always)
    mutating func appendText(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let start = UInt32(truncatingIfNeeded: text.count)
        text.append(contentsOf: bytes)
        return start
    }

    mutating func appendText(_ string: String) -> (start: UInt32, count: UInt32) {
        let start = UInt32(truncatingIfNeeded: text.count)
        text.append(contentsOf: string.utf8)
        return (start, UInt32(truncatingIfNeeded: text.count) - start)
    }

    /// Appends `string` to the tag table; returns the value for `NodeRecord.tag`.
    mutating func tagIndex(_ string: String) -> UInt32 {
        tags.append(string)
        return UInt32(truncatingIfNeeded: tags.count)
    }

    func string(_ start: UInt32, _ count: UInt32) -> String {
        guard count > 0 else { return "" }
        return text.withUnsafeBufferPointer { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[Int(start) ..< Int(start) + Int(count)]), as: UTF8.self)
        }
    }

    @inline(__always)
    func textEquals(_ a: UInt32, _ b: UInt32, count: UInt32) -> Bool {
        if a == b { return true }
        return text.withUnsafeBufferPointer { buffer in
            var k = 0
            let n = Int(count), x = Int(a), y = Int(b)
            while k < n {
                if buffer[x + k] != buffer[y + k] { return false }
                k += 1
            }
            return true
        }
    }

    func textHash(_ start: UInt32, _ count: UInt32) -> Int {
        text.withUnsafeBytes { raw in
            var hasher = Hasher()
            hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: raw[Int(start) ..< Int(start) + Int(count)]))
            return hasher.finalize()
        }
    }

    /// YAML's and JSON's null text (for plain scalars): empty, `~`, `null`, `Null` or `NULL`.
    func isNullText(_ start: UInt32, _ count: UInt32) -> Bool {
        NodeDocument.isNullText(text, start, count)
    }

    /// `Node.kindName` of a record being built.
    func kindName(_ record: NodeRecord) -> String {
        switch record.shape {
        case .scalar: return record.style == .plain && isNullText(record.start, record.count) ? "null" : "string"
        case .mapping: return "mapping"
        case .sequence: return "list"
        }
    }

    // MARK: Nodes

    @inline(__always)
    mutating func addScalar(start: UInt32, count: UInt32, style: Scalar.Style, range: SourceRange) -> UInt32 {
        nodes.append(NodeRecord(range: range, start: start, count: count, tag: 0, shape: .scalar, style: style))
        return UInt32(truncatingIfNeeded: nodes.count - 1)
    }

    /// Closes a mapping whose entries are `pendingEntries[from...]`.
    mutating func closeMapping(pendingFrom from: Int, range: SourceRange) -> UInt32 {
        let first = UInt32(truncatingIfNeeded: entries.count)
        let count = pendingEntries.count - from
        if count > 0 {
            // Through a buffer: the records are plain values, copied in one piece (a slice goes
            // through the generic sequence copy).
            // One at a time for the one or two children most containers have: `append(contentsOf:)`
            // costs about a hundred instructions before it copies anything.
            if count <= 4 {
                for k in from..<(from + count) { entries.append(pendingEntries[k]) }
            } else {
                pendingEntries.withUnsafeBufferPointer { entries.append(contentsOf: UnsafeBufferPointer(rebasing: $0[from...])) }
            }
            // One at a time: `removeLast(count)` goes through `replaceSubrange`, dearer for the
            // one or two children most containers have.
            for _ in 0..<count { pendingEntries.removeLast() }
        }
        nodes.append(NodeRecord(range: range, start: first, count: UInt32(truncatingIfNeeded: count), tag: 0, shape: .mapping, style: .plain))
        return UInt32(truncatingIfNeeded: nodes.count - 1)
    }

    /// Closes a sequence whose items are `pendingItems[from...]`.
    mutating func closeSequence(pendingFrom from: Int, range: SourceRange) -> UInt32 {
        let first = UInt32(truncatingIfNeeded: items.count)
        let count = pendingItems.count - from
        if count > 0 {
            if count <= 4 {
                for k in from..<(from + count) { items.append(pendingItems[k]) }
            } else {
                pendingItems.withUnsafeBufferPointer { items.append(contentsOf: UnsafeBufferPointer(rebasing: $0[from...])) }
            }
            for _ in 0..<count { pendingItems.removeLast() }
        }
        nodes.append(NodeRecord(range: range, start: first, count: UInt32(truncatingIfNeeded: count), tag: 0, shape: .sequence, style: .plain))
        return UInt32(truncatingIfNeeded: nodes.count - 1)
    }

    /// A mapping of exactly the given entries (not taken from the pending stack).
    mutating func addMapping(_ newEntries: [EntryRecord], range: SourceRange) -> UInt32 {
        let first = UInt32(truncatingIfNeeded: entries.count)
        entries.append(contentsOf: newEntries)
        nodes.append(NodeRecord(range: range, start: first, count: UInt32(truncatingIfNeeded: newEntries.count), tag: 0, shape: .mapping, style: .plain))
        return UInt32(truncatingIfNeeded: nodes.count - 1)
    }

    /// A sequence of exactly the given items (not taken from the pending stack).
    mutating func addSequence(_ newItems: [UInt32], range: SourceRange) -> UInt32 {
        let first = UInt32(truncatingIfNeeded: items.count)
        items.append(contentsOf: newItems)
        nodes.append(NodeRecord(range: range, start: first, count: UInt32(truncatingIfNeeded: newItems.count), tag: 0, shape: .sequence, style: .plain))
        return UInt32(truncatingIfNeeded: nodes.count - 1)
    }

    // MARK: Repeated keys

    /// The position in `pendingEntries` of the first entry at or after `from` whose key text
    /// equals the span `start, count`, or nil; a new key is recorded in `index` (a hash of the key
    /// text to the first position with that hash), which is built once the mapping has more than
    /// `linearKeySearchLimit` entries. The key's own entry, if any, must not be pending yet: it is
    /// expected to be appended at `pendingEntries.count`.
    mutating func firstPendingEntry(withKey start: UInt32, _ count: UInt32, from: Int, index: inout [Int: Int]?) -> Int? {
        let end = pendingEntries.count
        if index == nil {
            if end - from < Self.linearKeySearchLimit {
                return linearSearch(start, count, from: from, to: end)
            }
            var built: [Int: Int] = [:]
            built.reserveCapacity((end - from) * 2)
            var k = from
            while k < end {
                let e = pendingEntries[k]
                let h = textHash(e.keyStart, e.keyCount)
                if built[h] == nil { built[h] = k }
                k += 1
            }
            index = built
        }
        let h = textHash(start, count)
        if let k = index?[h] {
            let e = pendingEntries[k]
            if e.keyCount == count, textEquals(e.keyStart, start, count: count) { return k }
            // Two keys with the same hash: rare enough for a scan.
            return linearSearch(start, count, from: from, to: end)
        }
        index?[h] = end
        return nil
    }

    private func linearSearch(_ start: UInt32, _ count: UInt32, from: Int, to end: Int) -> Int? {
        // Through buffers: the records and the text are not re-checked for each key compared.
        pendingEntries.withUnsafeBufferPointer { entries in
            text.withUnsafeBufferPointer { text in
                var k = from
                while k < end {
                    let e = entries[k]
                    if e.keyCount == count, e.keyStart == start || Self.sameBytes(text, Int(e.keyStart), Int(start), Int(count)) {
                        return k
                    }
                    k += 1
                }
                return nil
            }
        }
    }

    /// Whether the `count` bytes of `text` at `a` and at `b` are the same; both spans must lie
    /// inside `text`.
    @inline(__always)
    private static func sameBytes(_ text: UnsafeBufferPointer<UInt8>, _ a: Int, _ b: Int, _ count: Int) -> Bool {
        var k = 0
        while k < count {
            if text[a + k] != text[b + k] { return false }
            k += 1
        }
        return true
    }
}
