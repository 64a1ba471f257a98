import IAMLintCore

/// The elements a policy statement may have.
public enum StatementElement: Int, CaseIterable, Sendable {
    case sid, effect, action, notAction, resource, notResource, principal, notPrincipal, condition

    /// As IAM writes it.
    public var name: String {
        switch self {
        case .sid: return "Sid"
        case .effect: return "Effect"
        case .action: return "Action"
        case .notAction: return "NotAction"
        case .resource: return "Resource"
        case .notResource: return "NotResource"
        case .principal: return "Principal"
        case .notPrincipal: return "NotPrincipal"
        case .condition: return "Condition"
        }
    }
}

/// A document's `Statement` element read once: the parser builds the statements from it and
/// hands it to the grammar checks (`PolicyGrammar`), which read the same items, so that the
/// element is not looked up nor its items listed again.
struct StatementItems<Tree: PolicyTree> {
    /// Whether the document has a `Statement` element; when it has none, `items` is empty.
    let isPresent: Bool
    /// Whether the element is a list (a statement's path is `Statement[index]`), not a single
    /// statement (`Statement`).
    let isList: Bool
    /// The element's items (`listItems`: the branches of alternatives flattened).
    let items: [Tree]
    /// The elements of each item; nil for an item that is not an object.
    let elements: [PolicyStatementElements<Tree>?]

    /// The `Statement` element of `document` (the last entry named so ignoring case, looking
    /// into every alternative: `entry(caseInsensitive:)`).
    init(of document: Tree) {
        guard let entry = document.entry(caseInsensitive: "Statement") else {
            (isPresent, isList, items, elements) = (false, false, [], [])
            return
        }
        let value = entry.value
        isPresent = true
        isList = value.shape == .list
        items = value.listItems
        elements = items.map { $0.mapEntries.map(PolicyStatementElements<Tree>.init) }
    }
}

/// The elements of a resolved statement.
public typealias StatementElements = PolicyStatementElements<Value>

/// The elements of a policy statement, found in one pass over its entries: for each, the last
/// entry whose key names it ignoring case, as `Value.entry(caseInsensitive:)` finds it. The policy
/// parser reads a statement through it, and hands it to the grammar checks (`PolicyGrammar`,
/// reported by IAM217).
public struct PolicyStatementElements<Tree: PolicyTree> {
    public typealias Element = StatementElement

    private let entries: Tree.Entries
    /// The position in `entries` of each element's entry, by `Element.rawValue`; -1 for none.
    private var positions = (-1, -1, -1, -1, -1, -1, -1, -1, -1)
    /// Whether an entry names no element (`otherEntries` is not empty).
    public private(set) var hasOtherEntries = false

    public init(_ entries: Tree.Entries) {
        self.entries = entries
        // Each key read in place: no entry is copied, no key spelled.
        for index in entries.indices {
            if let element = entries[index].withKeyUTF8(Self.element(namedUTF8:)) {
                set(element, index)
            } else {
                hasOtherEntries = true
            }
        }
    }

    public subscript(element: Element) -> Tree.Entry? {
        let position = position(element)
        return position < 0 ? nil : entries[position]
    }

    private func position(_ element: Element) -> Int {
        switch element {
        case .sid: return positions.0
        case .effect: return positions.1
        case .action: return positions.2
        case .notAction: return positions.3
        case .resource: return positions.4
        case .notResource: return positions.5
        case .principal: return positions.6
        case .notPrincipal: return positions.7
        case .condition: return positions.8
        }
    }

    /// Whether the statement has `element`, without copying its entry.
    public func contains(_ element: Element) -> Bool { position(element) >= 0 }

    /// The key range of `element`'s entry, without copying the entry.
    public func keyRange(_ element: Element) -> SourceRange? {
        let position = position(element)
        return position < 0 ? nil : entries[position].keyRange
    }

    /// The entries that name no element, in order.
    public var otherEntries: [Tree.Entry] {
        guard hasOtherEntries else { return [] }
        return entries.filter { $0.withKeyUTF8(Self.element(namedUTF8:)) == nil }
    }

    private mutating func set(_ element: Element, _ position: Int) {
        switch element {
        case .sid: positions.0 = position
        case .effect: positions.1 = position
        case .action: positions.2 = position
        case .notAction: positions.3 = position
        case .resource: positions.4 = position
        case .notResource: positions.5 = position
        case .principal: positions.6 = position
        case .notPrincipal: positions.7 = position
        case .condition: positions.8 = position
        }
    }

    /// The element `key` names ignoring case (`Value.equalIgnoringCase`): compared byte by byte
    /// with ASCII folding when the key is ASCII, by that comparison otherwise.
    public static func element(named key: String) -> Element? {
        if case .some(.some(let decided)) = key.utf8.withContiguousStorageIfAvailable(asciiElement) { return decided }
        return Element.allCases.first { Value.equalIgnoringCase(key, $0.name) }
    }

    /// `element(named:)` of a key's UTF-8 bytes.
    static func element(namedUTF8 key: UnsafeBufferPointer<UInt8>) -> Element? {
        if let decided = asciiElement(key) { return decided }
        return element(named: String(decoding: key, as: UTF8.self))
    }

    /// The element an ASCII key names (`.some(nil)` for none); nil when a byte is outside ASCII.
    /// Only the names as long as the key are compared (`name` lower-cased).
    private static func asciiElement(_ key: UnsafeBufferPointer<UInt8>) -> Element?? {
        for byte in key where byte >= 0x80 { return nil }
        func named(_ lowered: StaticString) -> Bool {
            let name = lowered.utf8Start
            for k in 0..<key.count where ASCII.lower(key[k]) != name[k] { return false }
            return true
        }
        switch key.count {
        case 3: return .some(named("sid") ? .sid : nil)
        case 6: return .some(named("effect") ? .effect : named("action") ? .action : nil)
        case 8: return .some(named("resource") ? .resource : nil)
        case 9: return .some(named("notaction") ? .notAction : named("principal") ? .principal : named("condition") ? .condition : nil)
        case 11: return .some(named("notresource") ? .notResource : nil)
        case 12: return .some(named("notprincipal") ? .notPrincipal : nil)
        default: return .some(nil)
        }
    }
}
