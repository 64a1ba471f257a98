import IAMLintCore

/// A document value after a loader resolved what it could.
///
/// Resolved text is `.string`; text that depends on something unknown until deployment is
/// `.symbolic`, with `${…}` placeholders for the unknown parts (`arn:${AWS::Partition}:iam::${AWS::AccountId}:root`).
/// `Fn::If` keeps both branches as `.alternatives`. Every value keeps the source range it came from.
///
/// Not `indirect`: the recursive cases hold arrays, which are references already, so each value
/// is stored inline in its parent's array (40 bytes) rather than in a heap box of its own. The
/// policy documents of a large organisation are millions of values.
public enum Value: Sendable {
    case string(String, SourceRange)
    case symbolic(String, SourceRange)
    case list([Value], SourceRange)
    case map([ValueEntry], SourceRange)
    case alternatives([Value], SourceRange)
    case null(SourceRange)

    public var range: SourceRange {
        switch self {
        case .string(_, let r), .symbolic(_, let r), .list(_, let r), .map(_, let r), .alternatives(_, let r), .null(let r):
            return r
        }
    }

    /// The entry for `key` in a map (last wins), or nil. Looks into every alternative.
    public func entry(_ key: String) -> ValueEntry? {
        switch self {
        case .map(let entries, _): return Self.last(in: entries) { $0 == key }
        case .alternatives(let options, _):
            for option in options { if let e = option.entry(key) { return e } }
            return nil
        default: return nil
        }
    }

    /// The entry for `key`, ignoring case (policy grammar is case-insensitive in places).
    public func entry(caseInsensitive key: String) -> ValueEntry? {
        if case .map(let entries, _) = self {
            return Self.last(in: entries) { Self.equalIgnoringCase($0, key) }
        }
        if case .alternatives(let options, _) = self {
            for option in options { if let e = option.entry(caseInsensitive: key) { return e } }
        }
        return nil
    }

    /// `entries.last { matches($0.key) }`, looking at the keys in place: only the entry found is
    /// copied (an entry holds its value inline).
    private static func last(in entries: [ValueEntry], where matches: (String) -> Bool) -> ValueEntry? {
        var i = entries.count
        while i > 0 {
            i -= 1
            if matches(entries[i].key) { return entries[i] }
        }
        return nil
    }

    /// `a.lowercased() == b.lowercased()`, compared on the UTF-8 bytes in place while both are
    /// ASCII; a byte outside ASCII (or a string without contiguous UTF-8) hands the pair to the
    /// full Unicode comparison.
    static func equalIgnoringCase(_ a: String, _ b: String) -> Bool {
        let decided = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in asciiEqualIgnoringCase(x, y) }
        }
        if case .some(.some(.some(let equal))) = decided { return equal }
        return a.lowercased() == b.lowercased()
    }

    /// Whether two ASCII byte strings are equal ignoring case; nil when a byte outside ASCII is
    /// met before the answer is known. An ASCII letter can differ from an ASCII letter only if
    /// the lower-cased strings differ at that place, so the first ASCII mismatch decides.
    private static func asciiEqualIgnoringCase(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard x.count == y.count else {
            // An ASCII rest cannot lower-case to nothing: different lengths differ, if all ASCII.
            return x.allSatisfy { $0 < 0x80 } && y.allSatisfy { $0 < 0x80 } ? false : nil
        }
        for k in 0..<x.count {
            let p = x[k], q = y[k]
            if p | q >= 0x80 { return nil }
            if p != q && ASCII.lower(p) != ASCII.lower(q) { return false }
        }
        return true
    }

    public subscript(key: String) -> Value? { entry(key)?.value }

    public var mapEntries: [ValueEntry]? {
        if case .map(let e, _) = self { return e }
        return nil
    }

    /// Every scalar reachable through lists and alternatives, as policy text.
    public var texts: [PolicyText] {
        switch self {
        case .string(let s, let r): return [PolicyText(s, range: r)]
        case .symbolic(let s, let r): return [PolicyText(s, range: r, isSymbolic: true)]
        case .list(let items, _), .alternatives(let items, _):
            var result: [PolicyText] = []
            result.reserveCapacity(items.count)
            for item in items { item.appendTexts(to: &result) }
            return result
        case .map, .null: return []
        }
    }

    /// Calls `body` with each of `texts` in order, without building the array.
    public func forEachText(_ body: (PolicyText) -> Void) {
        switch self {
        case .string(let s, let r): body(PolicyText(s, range: r))
        case .symbolic(let s, let r): body(PolicyText(s, range: r, isSymbolic: true))
        case .list(let items, _), .alternatives(let items, _): for item in items { item.forEachText(body) }
        case .map, .null: break
        }
    }

    /// Appends `texts` to `result` without building an array per item.
    private func appendTexts(to result: inout [PolicyText]) {
        switch self {
        case .string(let s, let r): result.append(PolicyText(s, range: r))
        case .symbolic(let s, let r): result.append(PolicyText(s, range: r, isSymbolic: true))
        case .list(let items, _), .alternatives(let items, _): for item in items { item.appendTexts(to: &result) }
        case .map, .null: break
        }
    }

    /// The single text of a scalar value, or nil.
    public var text: PolicyText? {
        switch self {
        case .string(let s, let r): return PolicyText(s, range: r)
        case .symbolic(let s, let r): return PolicyText(s, range: r, isSymbolic: true)
        default: return nil
        }
    }

    /// Items of a list, the branches of alternatives flattened; a single value is a one-item list.
    public var listItems: [Value] {
        switch self {
        case .list(let items, _):
            // Nearly always no item is an alternative: the list is its own items, not copied.
            guard items.contains(where: \.isAlternatives) else { return items }
            return items.flatMap { $0.isAlternatives ? $0.listItems : [$0] }
        case .alternatives(let options, _): return options.flatMap(\.listItems)
        case .null: return []
        default: return [self]
        }
    }

    var isAlternatives: Bool {
        if case .alternatives = self { return true }
        return false
    }

    /// Converts a plain parsed node (JSON or YAML without intrinsic functions) into a value.
    /// When `at` is given, every range becomes that range (a policy embedded in a JSON string).
    public init(node: Node, at fixed: SourceRange? = nil) {
        let range = fixed ?? node.range
        if let entries = node.entries {
            self = .map(entries.map { ValueEntry(key: $0.key, keyRange: fixed ?? $0.keyRange, value: Value(node: $0.value, at: fixed)) }, range)
        } else if let items = node.items {
            self = .list(items.map { Value(node: $0, at: fixed) }, range)
        } else if let text = node.string {
            self = .string(text, range)
        } else {
            // A null: `string` is nil only for nulls once mappings and sequences are ruled out.
            self = .null(range)
        }
    }
}

public struct ValueEntry: Sendable {
    public var key: String
    public var keyRange: SourceRange
    public var value: Value

    public init(key: String, keyRange: SourceRange, value: Value) {
        self.key = key
        self.keyRange = keyRange
        self.value = value
    }
}

/// One string of a policy or property, resolved or symbolic, with its range.
public struct PolicyText: Sendable, Hashable, CustomStringConvertible {
    public var value: String
    public var range: SourceRange
    /// True when parts of `value` are `${…}` placeholders for values unknown until deployment.
    public var isSymbolic: Bool

    public init(_ value: String, range: SourceRange, isSymbolic: Bool = false) {
        self.value = value
        self.range = range
        self.isSymbolic = isSymbolic
    }

    public var description: String { value }
}
