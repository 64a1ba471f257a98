/// A positioned document tree shared by the YAML and JSON parsers.
///
/// Scalars keep their text exactly (numbers are never converted); mappings keep their keys in
/// source order, each key with its own range; every node knows the range it came from.
///
/// A `Node` is a view: the file's `NodeDocument` (all of its nodes in a few flat arrays) and the
/// node's index there. Copying one is cheap; texts become `String`s only when asked for, and key
/// lookups (`subscript`, `entry(_:)`) compare UTF-8 bytes in place.
public struct Node: Sendable {
    public enum Kind: Sendable {
        case scalar(Scalar)
        case mapping(Entries)
        case sequence(Items)
    }

    @usableFromInline let document: NodeDocument
    @usableFromInline let index: Int

    init(_ document: NodeDocument, _ index: Int) {
        self.document = document
        self.index = index
    }

    init(_ document: NodeDocument, _ index: UInt32) {
        self.document = document
        self.index = Int(index)
    }

    @inlinable @inline(__always)
    var record: NodeRecord { document.nodes[index] }

    /// A lone scalar node (its own one-node document).
    public static func string(_ text: String, range: SourceRange, style: Scalar.Style = .doubleQuoted) -> Node {
        var builder = NodeDocumentBuilder()
        let span = builder.appendText(text)
        let index = builder.addScalar(start: span.start, count: span.count, style: style, range: range)
        return Node(builder.finish(), index)
    }

    // MARK: Accessors

    public var kind: Kind {
        let r = record
        switch r.shape {
        case .scalar: return .scalar(Scalar(document.string(r.start, r.count), style: r.style))
        case .mapping: return .mapping(Entries(document, start: Int(r.start), count: Int(r.count)))
        case .sequence: return .sequence(Items(document, start: Int(r.start), count: Int(r.count)))
        }
    }

    public var range: SourceRange { record.range }

    /// A YAML tag that the parser did not translate (e.g. `!Custom`), or nil.
    public var tag: String? {
        let t = record.tag
        return t == 0 ? nil : document.tags[Int(t) - 1]
    }

    public var scalar: Scalar? {
        let r = record
        guard r.shape == .scalar else { return nil }
        return Scalar(document.string(r.start, r.count), style: r.style)
    }

    /// Whether the node is a scalar (null included).
    public var isScalar: Bool { record.shape == .scalar }

    /// The scalar's text, or nil for mappings, sequences and nulls.
    public var string: String? {
        let r = record
        guard r.shape == .scalar, !(r.style == .plain && document.isNullText(r.start, r.count)) else { return nil }
        return document.string(r.start, r.count)
    }

    /// Whether the node is a non-null scalar whose text is exactly `text` (compared in place).
    public func isString(_ text: String) -> Bool {
        let r = record
        guard r.shape == .scalar, !(r.style == .plain && document.isNullText(r.start, r.count)) else { return false }
        return document.textEquals(r.start, r.count, text)
    }

    /// The scalar's style, or nil for mappings and sequences.
    public var scalarStyle: Scalar.Style? {
        let r = record
        return r.shape == .scalar ? r.style : nil
    }

    /// Calls `body` with the scalar's UTF-8 text in place (nulls included); nil for mappings and
    /// sequences. The buffer is valid only inside `body`. Inlinable, so that callers in other
    /// modules get it specialized (a generic call through a module boundary costs more than the
    /// text it saves building).
    @inlinable
    public func withScalarUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
        let r = record
        guard r.shape == .scalar else { return nil }
        return try document.text.withUnsafeBufferPointer { buffer in
            try body(UnsafeBufferPointer(rebasing: buffer[Int(r.start) ..< Int(r.start) + Int(r.count)]))
        }
    }

    public var entries: Entries? {
        let r = record
        guard r.shape == .mapping else { return nil }
        return Entries(document, start: Int(r.start), count: Int(r.count))
    }

    public var items: Items? {
        let r = record
        guard r.shape == .sequence else { return nil }
        return Items(document, start: Int(r.start), count: Int(r.count))
    }

    /// Whether `other` is this very node of the same document (not merely an equal one: an
    /// alias is a node of its own).
    public func isSameNode(as other: Node) -> Bool {
        index == other.index && document === other.document
    }

    /// Whether no mapping in the tree below the node (the node included) is a CloudFormation
    /// intrinsic function as a resolver reads one, a single `Ref` or `Fn::…` key (a key that
    /// merely starts with the bytes of `Fn::` counts too), and the tree is at most `maxDepth`
    /// levels deep: resolving such a tree would only copy it.
    public func isPlainTree(maxDepth: Int) -> Bool {
        document.isPlainTree(index, maxDepth: maxDepth)
    }

    /// Whether the node is a mapping.
    public var isMapping: Bool { record.shape == .mapping }

    /// Whether the node is a sequence.
    public var isSequence: Bool { record.shape == .sequence }

    public var isNull: Bool {
        let r = record
        return r.shape == .scalar && r.style == .plain && document.isNullText(r.start, r.count)
    }

    /// The value for `key` in a mapping (last one wins if the key is repeated), or nil.
    public subscript(key: String) -> Node? {
        entry(key)?.value
    }

    /// The entry for `key` in a mapping (the last one if the key is repeated), or nil.
    public func entry(_ key: String) -> MappingEntry? {
        let r = record
        guard r.shape == .mapping, r.count > 0 else { return nil }
        var key = key
        let found = key.withUTF8 { document.lastEntry(from: Int(r.start), count: Int(r.count), withKey: $0) }
        return found.map { MappingEntry(document, $0) }
    }

    /// The entry whose key equals `key` ignoring case (the last one if several do).
    public func entry(caseInsensitive key: String) -> MappingEntry? {
        let r = record
        guard r.shape == .mapping else { return nil }
        let entries = document.entries
        var k = Int(r.start) + Int(r.count)
        let first = Int(r.start)
        while k > first {
            k -= 1
            let e = entries[k]
            if document.textEqualsIgnoringCase(e.keyStart, e.keyCount, key) { return MappingEntry(document, k) }
        }
        return nil
    }

    /// A short name for the node's shape, for messages.
    public var kindName: String {
        let r = record
        switch r.shape {
        case .scalar: return r.style == .plain && document.isNullText(r.start, r.count) ? "null" : "string"
        case .mapping: return "mapping"
        case .sequence: return "list"
        }
    }

    /// The entries of a mapping, in source order: a view into the node's document.
    public struct Entries: RandomAccessCollection, Sendable {
        let document: NodeDocument
        let base: Int
        public let count: Int

        init(_ document: NodeDocument, start: Int, count: Int) {
            self.document = document
            self.base = start
            self.count = count
        }

        /// No entries.
        public static var empty: Entries { Entries(NodeDocument.empty, start: 0, count: 0) }

        public var startIndex: Int { 0 }
        public var endIndex: Int { count }

        public subscript(position: Int) -> MappingEntry {
            precondition(position >= 0 && position < count, "entry index out of range")
            return MappingEntry(document, base + position)
        }
    }

    /// The items of a sequence, in source order: a view into the node's document.
    public struct Items: RandomAccessCollection, Sendable {
        let document: NodeDocument
        let base: Int
        public let count: Int

        init(_ document: NodeDocument, start: Int, count: Int) {
            self.document = document
            self.base = start
            self.count = count
        }

        /// No items.
        public static var empty: Items { Items(NodeDocument.empty, start: 0, count: 0) }

        public var startIndex: Int { 0 }
        public var endIndex: Int { count }

        public subscript(position: Int) -> Node {
            precondition(position >= 0 && position < count, "item index out of range")
            return Node(document, document.items[base + position])
        }
    }
}

extension NodeDocument {
    /// A document with no nodes, behind empty `Entries` and `Items`.
    static let empty = NodeDocument(nodes: [], entries: [], items: [], text: [], tags: [])
}

/// A scalar value with its text and the way it was written.
public struct Scalar: Sendable, Hashable {
    public enum Style: UInt8, Sendable, Hashable {
        /// An unquoted YAML scalar, or a JSON number, `true`, `false` or `null`.
        case plain
        case singleQuoted
        case doubleQuoted
        case literal
        case folded
    }

    public var text: String
    public var style: Style

    public init(_ text: String, style: Style) {
        self.text = text
        self.style = style
    }

    /// YAML's and JSON's null: an unquoted empty, `~` or `null`.
    public var isNull: Bool {
        style == .plain && (text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL")
    }
}

/// One `key: value` pair of a mapping; the key keeps its own range. A view into the document.
public struct MappingEntry: Sendable {
    @usableFromInline let document: NodeDocument
    @usableFromInline let index: Int

    init(_ document: NodeDocument, _ index: Int) {
        self.document = document
        self.index = index
    }

    @inlinable @inline(__always)
    var record: EntryRecord { document.entries[index] }

    /// The key's text (built on each call: prefer `hasKey(_:)` to compare).
    public var key: String {
        let r = record
        return document.string(r.keyStart, r.keyCount)
    }

    public var keyRange: SourceRange { record.keyRange }

    public var value: Node { Node(document, record.value) }

    /// Whether the key is exactly `key`, compared in place.
    public func hasKey(_ key: String) -> Bool {
        let r = record
        return document.textEquals(r.keyStart, r.keyCount, key)
    }

    /// Calls `body` with the key's UTF-8 text in place. The buffer is valid only inside `body`.
    /// Inlinable, as `Node.withScalarUTF8` is.
    @inlinable
    public func withKeyUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let r = record
        return try document.text.withUnsafeBufferPointer { buffer in
            try body(UnsafeBufferPointer(rebasing: buffer[Int(r.keyStart) ..< Int(r.keyStart) + Int(r.keyCount)]))
        }
    }
}

extension Node {
    /// Calls `body` with a cursor at this node: the same view, read through pointers to the
    /// document's storage, so that copying it (as a parser reading a tree does at every step)
    /// costs no reference counting. The cursor and every cursor made from it are valid only
    /// inside `body`.
    public func withCursor<R>(_ body: (NodeCursor) throws -> R) rethrows -> R {
        try document.nodes.withUnsafeBufferPointer { nodes in
            try document.entries.withUnsafeBufferPointer { entries in
                try document.items.withUnsafeBufferPointer { items in
                    try document.text.withUnsafeBufferPointer { text in
                        var storage = NodeCursor.Storage(document: document, nodes: nodes, entries: entries, items: items, text: text)
                        return try withUnsafePointer(to: &storage) { try body(NodeCursor($0, index)) }
                    }
                }
            }
        }
    }
}

/// A node read through pointers to its document's storage (`Node.withCursor`).
public struct NodeCursor {
    @usableFromInline
    struct Storage {
        unowned(unsafe) let document: NodeDocument
        @usableFromInline let nodes: UnsafeBufferPointer<NodeRecord>
        @usableFromInline let entries: UnsafeBufferPointer<EntryRecord>
        let items: UnsafeBufferPointer<UInt32>
        @usableFromInline let text: UnsafeBufferPointer<UInt8>
    }

    @usableFromInline let storage: UnsafePointer<Storage>
    @usableFromInline let index: Int

    init(_ storage: UnsafePointer<Storage>, _ index: Int) {
        self.storage = storage
        self.index = index
    }

    @inlinable @inline(__always)
    var record: NodeRecord { storage.pointee.nodes[index] }

    public var range: SourceRange { record.range }
    public var isMapping: Bool { record.shape == .mapping }
    public var isSequence: Bool { record.shape == .sequence }
    public var isScalar: Bool { record.shape == .scalar }

    /// A null scalar (`Node.isNull`).
    public var isNull: Bool {
        let r = record
        return r.shape == .scalar && r.style == .plain && NodeDocument.isNullText(storage.pointee.text, r.start, r.count)
    }

    /// The number of entries of a mapping or items of a sequence; 0 for a scalar.
    public var count: Int {
        let r = record
        return r.shape == .scalar ? 0 : Int(r.count)
    }

    /// Item `i` of a sequence (`0 ..< count`).
    public func item(_ i: Int) -> NodeCursor {
        let r = record
        precondition(r.shape == .sequence && i >= 0 && i < Int(r.count), "item index out of range")
        return NodeCursor(storage, Int(storage.pointee.items[Int(r.start) + i]))
    }

    /// Entry `i` of a mapping (`0 ..< count`).
    public func entry(_ i: Int) -> EntryCursor {
        let r = record
        precondition(r.shape == .mapping && i >= 0 && i < Int(r.count), "entry index out of range")
        return EntryCursor(storage: storage, index: Int(r.start) + i)
    }

    /// `Node.entry(caseInsensitive:)`.
    public func entry(caseInsensitive key: String) -> EntryCursor? {
        let r = record
        guard r.shape == .mapping else { return nil }
        let document = storage.pointee.document
        let entries = storage.pointee.entries
        var k = Int(r.start) + Int(r.count)
        let first = Int(r.start)
        while k > first {
            k -= 1
            let e = entries[k]
            if document.textEqualsIgnoringCase(e.keyStart, e.keyCount, key) { return EntryCursor(storage: storage, index: k) }
        }
        return nil
    }

    /// `Node.withScalarUTF8`: the scalar's UTF-8 text in place (nulls included); nil for mappings
    /// and sequences. Inlinable, as `Node.withScalarUTF8` is.
    @inlinable
    public func withScalarUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
        let r = record
        guard r.shape == .scalar else { return nil }
        return try body(UnsafeBufferPointer(rebasing: storage.pointee.text[Int(r.start) ..< Int(r.start) + Int(r.count)]))
    }
}

/// A mapping entry read through pointers to its document's storage (`Node.withCursor`).
public struct EntryCursor {
    @usableFromInline let storage: UnsafePointer<NodeCursor.Storage>
    @usableFromInline let index: Int

    public var keyRange: SourceRange { storage.pointee.entries[index].keyRange }
    public var value: NodeCursor { NodeCursor(storage, Int(storage.pointee.entries[index].value)) }

    /// `MappingEntry.withKeyUTF8`, inlinable as it is.
    @inlinable
    public func withKeyUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let r = storage.pointee.entries[index]
        return try body(UnsafeBufferPointer(rebasing: storage.pointee.text[Int(r.keyStart) ..< Int(r.keyStart) + Int(r.keyCount)]))
    }
}
