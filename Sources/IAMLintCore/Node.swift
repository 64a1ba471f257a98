/// A positioned document tree shared by the YAML, JSON and INI parsers.
///
/// Scalars keep their text exactly (numbers are never converted); mappings keep their keys in
/// source order, each key with its own range; every node knows the range it came from.
public struct Node: Sendable {
    public enum Kind: Sendable {
        case scalar(Scalar)
        case mapping([MappingEntry])
        case sequence([Node])
    }

    public var kind: Kind
    public var range: SourceRange
    /// A YAML tag that the parser did not translate (e.g. `!Custom`), or nil.
    public var tag: String?

    public init(_ kind: Kind, range: SourceRange, tag: String? = nil) {
        self.kind = kind
        self.range = range
        self.tag = tag
    }

    public static func string(_ text: String, range: SourceRange, style: Scalar.Style = .doubleQuoted) -> Node {
        Node(.scalar(Scalar(text, style: style)), range: range)
    }

    // MARK: Accessors

    public var scalar: Scalar? {
        if case .scalar(let s) = kind { return s }
        return nil
    }

    /// The scalar's text, or nil for mappings, sequences and nulls.
    public var string: String? {
        guard let s = scalar, !s.isNull else { return nil }
        return s.text
    }

    public var entries: [MappingEntry]? {
        if case .mapping(let e) = kind { return e }
        return nil
    }

    public var items: [Node]? {
        if case .sequence(let i) = kind { return i }
        return nil
    }

    public var isNull: Bool { scalar?.isNull ?? false }

    /// The value for `key` in a mapping (last one wins if the key is repeated), or nil.
    public subscript(key: String) -> Node? {
        entry(key)?.value
    }

    /// The entry for `key` in a mapping, or nil.
    public func entry(_ key: String) -> MappingEntry? {
        guard case .mapping(let entries) = kind else { return nil }
        return entries.last(where: { $0.key == key })
    }

    /// The entry whose key equals `key` ignoring case.
    public func entry(caseInsensitive key: String) -> MappingEntry? {
        guard case .mapping(let entries) = kind else { return nil }
        let lowered = key.lowercased()
        return entries.last(where: { $0.key.lowercased() == lowered })
    }

    /// A short name for the node's shape, for messages.
    public var kindName: String {
        switch kind {
        case .scalar(let s): return s.isNull ? "null" : "string"
        case .mapping: return "mapping"
        case .sequence: return "list"
        }
    }
}

/// A scalar value with its text and the way it was written.
public struct Scalar: Sendable, Hashable {
    public enum Style: Sendable, Hashable {
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

/// One `key: value` pair of a mapping; the key keeps its own range.
public struct MappingEntry: Sendable {
    public var key: String
    public var keyRange: SourceRange
    public var value: Node

    public init(key: String, keyRange: SourceRange, value: Node) {
        self.key = key
        self.keyRange = keyRange
        self.value = value
    }
}
