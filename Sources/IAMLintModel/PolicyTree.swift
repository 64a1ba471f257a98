import IAMLintCore

/// What a policy tree's node is, without its contents.
public enum PolicyTreeShape: Sendable {
    case string, symbolic, list, map, alternatives, null
}

/// A policy document as the parser reads it: a resolved `Value`, or the parse tree itself
/// (`NodePolicyTree`) when the document holds no intrinsic function, so that no value tree is
/// built only to be read once and freed. The parser, the grammar checks and the size are written
/// once against this protocol and read either the same way.
public protocol PolicyTree {
    associatedtype Entry: PolicyTreeEntry where Entry.Tree == Self
    associatedtype Entries: RandomAccessCollection where Entries.Element == Entry, Entries.Index == Int

    var range: SourceRange { get }
    var shape: PolicyTreeShape { get }
    /// The entries of a map, in order; nil for anything else.
    var mapEntries: Entries? { get }
    /// Items of a list, the branches of alternatives flattened; a single value is a one-item
    /// list; a null none (`Value.listItems`).
    var listItems: [Self] { get }
    /// A list's own items or the options of alternatives, neither flattened; empty for the others.
    var ownItems: [Self] { get }
    /// How many `ownItems` there are, without listing them.
    var ownItemCount: Int { get }
    /// Calls `body` with each of `ownItems` in order, without building the array.
    func forEachOwnItem(_ body: (Self) -> Void)
    /// Calls `body` with each of `listItems` in order, without building the array.
    func forEachListItem(_ body: (Self) -> Void)
    /// The single text of a scalar value (`string` or `symbolic`), or nil.
    var text: PolicyText? { get }
    /// Every scalar reachable through lists and alternatives, as policy text (`Value.texts`).
    var texts: [PolicyText] { get }
    /// Calls `body` with each of `texts` in order, without building the array.
    func forEachText(_ body: (PolicyText) -> Void)
    /// Calls `body` with the scalar behind each of `texts`, in order, without making the texts:
    /// a check reads the scalar's bytes (`withTextUTF8`) and makes its `text` only when it needs it.
    func forEachScalar(_ body: (Self) -> Void)
    /// The entry for `key` ignoring case (last wins), looking into every alternative.
    func entry(caseInsensitive key: String) -> Entry?
    /// Calls `body` with the UTF-8 of a scalar's text (`string` or `symbolic`); nil for the others.
    func withTextUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R?
}

/// One entry of a `PolicyTree` map.
public protocol PolicyTreeEntry {
    associatedtype Tree: PolicyTree
    var key: String { get }
    var keyRange: SourceRange { get }
    var value: Tree { get }
    /// Calls `body` with the key's UTF-8 bytes.
    func withKeyUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R
}

extension PolicyTree {
    /// Whether the scalar's text (`text?.value`) is `name` or `other`, two ASCII texts: compared
    /// on the bytes, and as `String`s (canonical equivalence) only when a byte is outside ASCII.
    /// False for anything but a scalar.
    func textEquals(_ name: StaticString, or other: StaticString? = nil) -> Bool {
        func same(_ bytes: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
            guard bytes.count == name.utf8CodeUnitCount else { return false }
            let start = name.utf8Start
            for k in 0..<bytes.count where bytes[k] != start[k] { return false }
            return true
        }
        let decided: Bool?? = withTextUTF8 { bytes -> Bool? in
            if same(bytes, name) { return true }
            if let other, same(bytes, other) { return true }
            for byte in bytes where byte >= 0x80 { return nil }
            return false
        }
        switch decided {
        case .none: return false
        case .some(.some(let equal)): return equal
        case .some(.none):
            guard let text = text?.value else { return false }
            return text == name.description || other.map { text == $0.description } == true
        }
    }
}

extension Value: PolicyTree {
    public var shape: PolicyTreeShape {
        switch self {
        case .string: return .string
        case .symbolic: return .symbolic
        case .list: return .list
        case .map: return .map
        case .alternatives: return .alternatives
        case .null: return .null
        }
    }

    public var ownItems: [Value] {
        switch self {
        case .list(let items, _), .alternatives(let items, _): return items
        default: return []
        }
    }

    public var ownItemCount: Int {
        switch self {
        case .list(let items, _), .alternatives(let items, _): return items.count
        default: return 0
        }
    }

    public func forEachOwnItem(_ body: (Value) -> Void) {
        switch self {
        case .list(let items, _), .alternatives(let items, _): for item in items { body(item) }
        default: break
        }
    }

    public func forEachListItem(_ body: (Value) -> Void) {
        switch self {
        case .list(let items, _):
            for item in items {
                if item.isAlternatives { item.forEachListItem(body) } else { body(item) }
            }
        case .alternatives(let options, _): for option in options { option.forEachListItem(body) }
        case .null: break
        default: body(self)
        }
    }

    public func forEachScalar(_ body: (Value) -> Void) {
        switch self {
        case .string, .symbolic: body(self)
        case .list(let items, _), .alternatives(let items, _): for item in items { item.forEachScalar(body) }
        case .map, .null: break
        }
    }

    public func withTextUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        switch self {
        case .string(let s, _), .symbolic(let s, _):
            var s = s
            return s.withUTF8(body)
        default:
            return nil
        }
    }
}

extension ValueEntry: PolicyTreeEntry {
    public func withKeyUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var key = key
        return key.withUTF8(body)
    }
}

/// A document read straight from its parse tree: what resolving a node that holds no intrinsic
/// function would give, a `.map`, `.list`, `.string` or `.null` with the node's ranges, without
/// building it. The texts the model keeps are made through `table`, as the resolver makes them.
/// Holds neither the parse tree nor the table (`NodeCursor`): valid while both are kept alive,
/// as `PolicyParser.parse(plain:…)` keeps them.
public struct NodePolicyTree: PolicyTree {
    let cursor: NodeCursor
    unowned(unsafe) let table: SharedTexts

    init(_ cursor: NodeCursor, table: SharedTexts) {
        self.cursor = cursor
        self.table = table
    }

    public var range: SourceRange { cursor.range }

    public var shape: PolicyTreeShape {
        if cursor.isMapping { return .map }
        if cursor.isSequence { return .list }
        return cursor.isNull ? .null : .string
    }

    public var mapEntries: NodePolicyEntries? {
        cursor.isMapping ? NodePolicyEntries(cursor: cursor, count: cursor.count, table: table) : nil
    }

    public var listItems: [NodePolicyTree] {
        if cursor.isSequence { return ownItems }
        return cursor.isNull ? [] : [self]
    }

    public var ownItems: [NodePolicyTree] {
        guard cursor.isSequence else { return [] }
        return (0..<cursor.count).map { NodePolicyTree(cursor.item($0), table: table) }
    }

    public var ownItemCount: Int { cursor.isSequence ? cursor.count : 0 }

    public func forEachOwnItem(_ body: (NodePolicyTree) -> Void) {
        guard cursor.isSequence else { return }
        for i in 0..<cursor.count { body(NodePolicyTree(cursor.item(i), table: table)) }
    }

    public func forEachListItem(_ body: (NodePolicyTree) -> Void) {
        if cursor.isSequence {
            forEachOwnItem(body)
        } else if !cursor.isNull {
            body(self)
        }
    }

    public var text: PolicyText? {
        guard cursor.isScalar, !cursor.isNull else { return nil }
        return PolicyText(cursor.withScalarUTF8 { table.shared($0) } ?? "", range: cursor.range)
    }

    public var texts: [PolicyText] {
        if cursor.isSequence {
            var result: [PolicyText] = []
            result.reserveCapacity(cursor.count)
            forEachText { result.append($0) }
            return result
        }
        return text.map { [$0] } ?? []
    }

    public func forEachText(_ body: (PolicyText) -> Void) {
        if cursor.isSequence {
            for i in 0..<cursor.count { NodePolicyTree(cursor.item(i), table: table).forEachText(body) }
        } else if let text {
            body(text)
        }
    }

    public func forEachScalar(_ body: (NodePolicyTree) -> Void) {
        if cursor.isSequence {
            for i in 0..<cursor.count { NodePolicyTree(cursor.item(i), table: table).forEachScalar(body) }
        } else if cursor.isScalar, !cursor.isNull {
            body(self)
        }
    }

    public func entry(caseInsensitive key: String) -> NodePolicyEntry? {
        cursor.entry(caseInsensitive: key).map { NodePolicyEntry(entry: $0, table: table) }
    }

    public func withTextUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        guard cursor.isScalar, !cursor.isNull else { return nil }
        return cursor.withScalarUTF8(body)
    }
}

/// The entries of a `NodePolicyTree` map.
public struct NodePolicyEntries: RandomAccessCollection {
    let cursor: NodeCursor
    let count_: Int
    unowned(unsafe) let table: SharedTexts

    init(cursor: NodeCursor, count: Int, table: SharedTexts) {
        self.cursor = cursor
        self.count_ = count
        self.table = table
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count_ }

    public subscript(position: Int) -> NodePolicyEntry {
        NodePolicyEntry(entry: cursor.entry(position), table: table)
    }
}

/// One entry of a `NodePolicyTree` map.
public struct NodePolicyEntry: PolicyTreeEntry {
    let entry: EntryCursor
    unowned(unsafe) let table: SharedTexts

    public var key: String { entry.withKeyUTF8 { table.shared($0) } }
    public var keyRange: SourceRange { entry.keyRange }
    public var value: NodePolicyTree { NodePolicyTree(entry.value, table: table) }

    public func withKeyUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        entry.withKeyUTF8(body)
    }
}
