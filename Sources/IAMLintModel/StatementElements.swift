import IAMLintCore

/// The elements of a policy statement, found in one pass over its entries: for each, the last
/// entry whose key names it ignoring case, as `Value.entry(caseInsensitive:)` finds it. The policy
/// parser reads a statement through it, and hands it to the grammar checks (`PolicyGrammar`,
/// reported by IAM217).
public struct StatementElements {
    public enum Element: Int, CaseIterable, Sendable {
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

        /// `name` lower-cased, as UTF-8.
        static let lowered: [[UInt8]] = allCases.map { Array($0.name.lowercased().utf8) }
    }

    private let entries: [ValueEntry]
    /// The position in `entries` of each element's entry, by `Element.rawValue`; -1 for none.
    private var positions = (-1, -1, -1, -1, -1, -1, -1, -1, -1)
    /// Whether an entry names no element (`otherEntries` is not empty).
    public private(set) var hasOtherEntries = false

    public init(_ entries: [ValueEntry]) {
        self.entries = entries
        for (index, entry) in entries.enumerated() {
            if let element = Self.element(named: entry.key) {
                set(element, index)
            } else {
                hasOtherEntries = true
            }
        }
    }

    public subscript(element: Element) -> ValueEntry? {
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
    public var otherEntries: [ValueEntry] {
        guard hasOtherEntries else { return [] }
        return entries.filter { Self.element(named: $0.key) == nil }
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

    /// The element an ASCII key names (`.some(nil)` for none); nil when a byte is outside ASCII.
    private static func asciiElement(_ key: UnsafeBufferPointer<UInt8>) -> Element?? {
        for byte in key where byte >= 0x80 { return nil }
        // By position in `lowered` (the raw values): `allCases` would build an array per call.
        let names = Element.lowered
        for index in names.indices {
            let name = names[index]
            guard name.count == key.count else { continue }
            var k = 0
            while k < key.count, ASCII.lower(key[k]) == name[k] { k += 1 }
            if k == key.count { return .some(Element(rawValue: index)) }
        }
        return .some(nil)
    }
}
