import IAMLintCore

public enum Effect: String, Sendable, Hashable {
    case allow = "Allow"
    case deny = "Deny"
}

/// Where a model element came from: the file, the logical path inside it and the exact range.
///
/// The logical path is kept as a chain of shared steps (`LogicalPath`): `child` adds one step to
/// its parent's chain instead of spelling a new string, and `logicalPath` spells the text when it
/// is read (for messages, baselines and the few rules that compare paths). A large organisation's
/// model holds a provenance for every statement, document and grant.
public struct Provenance: Sendable, Hashable {
    public var file: String
    private var path: LogicalPath
    public var range: SourceRange

    public init(file: String, logicalPath: String, range: SourceRange) {
        self.file = file
        self.path = LogicalPath(logicalPath)
        self.range = range
    }

    private init(file: String, path: LogicalPath, range: SourceRange) {
        self.file = file
        self.path = path
        self.range = range
    }

    /// The logical path inside the file: `Resources.Admin.Properties.Policies[0].PolicyDocument`.
    public var logicalPath: String {
        get { path.text }
        set { path = LogicalPath(newValue) }
    }

    public var location: SourceLocation { SourceLocation(file: file, range: range) }

    /// The same file, a deeper logical path and another range: the path is `logicalPath.path`, or
    /// `path` alone when `logicalPath` is empty.
    public func child(_ path: String, range: SourceRange) -> Provenance {
        Provenance(file: file, path: self.path.appending(path, index: nil), range: range)
    }

    /// `child("\(key)[\(index)]", range:)`, without spelling the step.
    public func child(_ key: String, index: Int, range: SourceRange) -> Provenance {
        Provenance(file: file, path: path.appending(key, index: index), range: range)
    }

    public static func == (a: Provenance, b: Provenance) -> Bool {
        a.file == b.file && a.range == b.range && a.path == b.path
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(file)
        hasher.combine(path)
        hasher.combine(range)
    }
}

/// A logical path as a chain of steps shared with the paths it was made from. Equality and
/// hashing are those of the spelled text.
struct LogicalPath: Sendable, Hashable {
    /// One step: its parent's path, then `.key` (or `key` alone after an empty path), then
    /// `[index]` when there is one (`IndexedStep`).
    ///
    /// 40 bytes, which malloc rounds to 48 (with the index in every step, 45 rounded to 64): a
    /// large organisation's model holds a step for every resource and document, and most have
    /// no index or one spelled into a key short enough to be stored inline (`Policies[3]`). A
    /// statement's own step is not a `Step` (`statementIndex`).
    private class Step: @unchecked Sendable {
        let parent: Step?
        let key: String

        init(parent: Step?, key: String) {
            self.parent = parent
            self.key = key
        }

        var index: Int32? { nil }
    }

    /// A step whose `key[index]` is too long to be spelled into an inline key.
    private final class IndexedStep: Step, @unchecked Sendable {
        let storedIndex: Int32

        init(parent: Step?, key: String, index: Int32) {
            storedIndex = index
            super.init(parent: parent, key: key)
        }

        override var index: Int32? { storedIndex }
    }

    /// Nil for the empty path.
    private let last: Step?
    /// When not negative, the path ends with one more step, `Statement[statementIndex]`, kept
    /// here rather than in a `Step` of its own: every statement of a document has such a path,
    /// and a step is an allocation (48 bytes) while this fits beside `last`.
    private let statementIndex: Int32

    init(_ text: String) {
        last = text.isEmpty ? nil : Step(parent: nil, key: text)
        statementIndex = -1
    }

    private init(last: Step?, statementIndex: Int32 = -1) {
        self.last = last
        self.statementIndex = statementIndex
    }

    /// The last step as a `Step`: `last`, or a new step for `Statement[statementIndex]`.
    private var chain: Step? {
        guard statementIndex >= 0 else { return last }
        return Self.step(parent: last, key: "Statement", index: statementIndex)
    }

    func appending(_ key: String, index: Int?) -> LogicalPath {
        // A statement's step is kept inline (the first step after it makes it a `Step`).
        if statementIndex < 0, let index, index >= 0, let small = Int32(exactly: index), key == "Statement" {
            return LogicalPath(last: last, statementIndex: small)
        }
        let parent = chain
        // An index that does not fit 32 bits is spelled into the key instead, and so is one
        // whose spelling fits in an inline string.
        if let index, let small = Int32(exactly: index) { return LogicalPath(last: Self.step(parent: parent, key: key, index: small)) }
        return LogicalPath(last: Step(parent: parent, key: index.map { "\(key)[\($0)]" } ?? key))
    }

    /// The step `key[index]` after `parent`: the index spelled into an inline key when it fits.
    private static func step(parent: Step?, key: String, index: Int32) -> Step {
        if let spelled = inlineSpelling(key, Int(index)) { return Step(parent: parent, key: spelled) }
        return IndexedStep(parent: parent, key: key, index: index)
    }

    private static let statementSteps: [String] = (0..<16).map { "Statement[\($0)]" }

    /// `"\(key)[\(index)]"` when it is at most 15 UTF-8 bytes (a `String` stores those inline,
    /// without an allocation) and `index` is not negative; nil otherwise.
    private static func inlineSpelling(_ key: String, _ index: Int) -> String? {
        guard index >= 0 else { return nil }
        // Nearly every indexed step is one of a document's first statements: spelled once.
        if index < statementSteps.count, key == "Statement" { return statementSteps[index] }
        var digits = 1
        var rest = index / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        let count = key.utf8.count + digits + 2
        guard count <= 15 else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 15) { buffer in
            var i = 0
            for byte in key.utf8 {
                buffer[i] = byte
                i += 1
            }
            buffer[i] = UInt8(ascii: "[")
            var n = index
            var k = i + digits
            while k > i {
                buffer[k] = UInt8(ascii: "0") + UInt8(n % 10)
                n /= 10
                k -= 1
            }
            buffer[count - 1] = UInt8(ascii: "]")
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<count]), as: UTF8.self)
        }
    }

    /// The path as text, spelled as the chain of `Provenance.child` calls would have spelled it.
    ///
    /// One walk up the chain sums the bytes, and a second writes them back to front into a
    /// string of exactly that size (appending step by step grew the string several times).
    var text: String {
        // A path of one step without an index is its key (shared, not copied).
        if statementIndex < 0, let last, last.parent == nil, last.index == nil { return last.key }
        // The walks hold no reference of their own: `last` keeps the chain alive.
        return withExtendedLifetime(last) { Self.spell(last, statementIndex: statementIndex) }
    }

    /// The text of the chain ending at `last`, then the step `Statement[statementIndex]` when
    /// that is not negative. A step is preceded by `.` when the text before it is not empty:
    /// every step below the highest one with text of its own.
    private static func spell(_ last: Step?, statementIndex: Int32) -> String {
        var count = 0
        var dots = 0
        if let last {
            var depth = 0
            unowned(unsafe) var current = last
            while true {
                let own = componentCount(key: current.key, index: current.index)
                if own > 0 { dots = depth }
                count += own
                depth += 1
                guard let parent = current.parent else { break }
                current = parent
            }
        }
        count += dots
        let chainCount = count
        if statementIndex >= 0 {
            count += componentCount(key: "Statement", index: statementIndex) + (chainCount > 0 ? 1 : 0)
        }
        guard count > 0 else { return "" }
        return String(unsafeUninitializedCapacity: count) { buffer in
            var end = count
            if statementIndex >= 0 {
                end = spell(key: "Statement", index: statementIndex, endingAt: end, into: buffer)
                if chainCount > 0 {
                    end -= 1
                    buffer[end] = UInt8(ascii: ".")
                }
            }
            guard let last else { return count }
            unowned(unsafe) var current = last
            while true {
                end = spell(key: current.key, index: current.index, endingAt: end, into: buffer)
                if end > 0 {
                    end -= 1
                    buffer[end] = UInt8(ascii: ".")
                }
                guard let parent = current.parent else { break }
                current = parent
            }
            return count
        }
    }

    /// The UTF-8 length of a step's own text: `key`, or `key[index]`.
    private static func componentCount(key: String, index: Int32?) -> Int {
        let count = key.utf8.count
        guard let index else { return count }
        var digits = index < 0 ? 2 : 1
        var rest = Int(index).magnitude / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        return count + digits + 2
    }

    /// Writes a step's own text so that it ends before `end`; answers where it starts.
    private static func spell(key: String, index: Int32?, endingAt end: Int, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var end = end
        if let index {
            end -= 1
            buffer[end] = UInt8(ascii: "]")
            var rest = Int(index).magnitude
            repeat {
                end -= 1
                buffer[end] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            if index < 0 {
                end -= 1
                buffer[end] = UInt8(ascii: "-")
            }
            end -= 1
            buffer[end] = UInt8(ascii: "[")
        }
        var key = key
        return key.withUTF8 { bytes in
            let start = end - bytes.count
            if let from = bytes.baseAddress, let to = buffer.baseAddress {
                UnsafeMutableRawPointer(to + start).copyMemory(from: from, byteCount: bytes.count)
            }
            return start
        }
    }

    static func == (a: LogicalPath, b: LogicalPath) -> Bool {
        if a.last === b.last && a.statementIndex == b.statementIndex { return true }
        return a.text == b.text
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(text)
    }
}

/// One principal named in a `Principal` or `NotPrincipal` element.
public struct PrincipalEntry: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case aws = "AWS"
        case service = "Service"
        case federated = "Federated"
        case canonicalUser = "CanonicalUser"
        /// `"Principal": "*"`.
        case anyone = "*"
    }

    public var text: PolicyText {
        didSet { identity = Self.identity(kind, text.value) }
    }

    /// What the entry names, once ARNs and account ids are understood: worked out once, when the
    /// entry is made (trust rules ask it of every entry for every caller).
    public private(set) var identity: PrincipalIdentity

    // Declared last: the one-byte field packs after the others (80 bytes an entry, not 88).
    public var kind: Kind {
        didSet { identity = Self.identity(kind, text.value) }
    }

    public init(kind: Kind, text: PolicyText) {
        self.kind = kind
        self.text = text
        identity = Self.identity(kind, text.value)
    }

    static func identity(_ kind: Kind, _ value: String) -> PrincipalIdentity {
        switch kind {
        case .anyone: return .anyone
        case .service: return .service(value)
        case .federated: return .federated(value)
        case .canonicalUser: return .other(value)
        case .aws: return PrincipalIdentity(awsPrincipal: value)
        }
    }
}

/// The identity behind an `AWS` principal string.
public enum PrincipalIdentity: Sendable, Hashable, CustomStringConvertible {
    case anyone
    /// An account root (`arn:aws:iam::123456789012:root` or a bare account id); the id may be symbolic.
    case account(String)
    case user(account: String, name: String)
    case role(account: String, name: String)
    case assumedRole(account: String, role: String)
    case service(String)
    case federated(String)
    case other(String)

    public init(awsPrincipal value: String) {
        var copy = value
        if let decided = copy.withUTF8({ Self.asciiAWSPrincipal($0, value) }) {
            self = decided
            return
        }
        if value == "*" {
            self = .anyone
            return
        }
        if ARN.isAccountID(value) {
            self = .account(value)
            return
        }
        if value == "${AWS::AccountId}" {
            self = .account(value)
            return
        }
        guard let arn = ARN(value), arn.service == "iam" || arn.service == "sts" else {
            self = .other(value)
            return
        }
        let resource = arn.resource
        if arn.service == "iam", resource == "root" {
            self = .account(arn.account)
        } else if arn.service == "iam", resource.hasPrefix("user/") {
            self = .user(account: arn.account, name: ARN.lastPathComponent(resource))
        } else if arn.service == "iam", resource.hasPrefix("role/") {
            self = .role(account: arn.account, name: ARN.lastPathComponent(resource))
        } else if arn.service == "sts", resource.hasPrefix("assumed-role/") {
            let parts = resource.split(separator: "/")
            self = .assumedRole(account: arn.account, role: parts.count > 1 ? String(parts[1]) : "")
        } else {
            self = .other(value)
        }
    }

    /// `init(awsPrincipal:)` decided on the bytes of an ASCII text, building only the strings
    /// kept; nil when a byte is outside ASCII (characters are then not bytes) and for the rare
    /// `sts` assumed-role ARN. In ASCII every character is one byte but CR LF, which no compared
    /// text holds: byte comparisons are the character comparisons of the general path.
    private static func asciiAWSPrincipal(_ bytes: UnsafeBufferPointer<UInt8>, _ value: String) -> PrincipalIdentity? {
        var digits = 0
        for byte in bytes {
            if byte >= 0x80 { return nil }
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") { digits += 1 }
        }
        if bytes.count == 1 && bytes[0] == UInt8(ascii: "*") { return .anyone }
        if bytes.count == 12 && digits == 12 { return .account(value) }
        if equal(bytes[...], "${AWS::AccountId}") { return .account(value) }
        guard let cuts = ARN.colons(bytes) else { return .other(value) }
        let service = bytes[(cuts.0 + 1)..<cuts.1]
        let isIAM = equal(service, "iam")
        guard isIAM || equal(service, "sts") else { return .other(value) }
        let resource = bytes[(cuts.3 + 1)...]
        func account() -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[(cuts.2 + 1)..<cuts.3]), as: UTF8.self) }
        if isIAM, equal(resource, "root") { return .account(account()) }
        if isIAM, hasPrefix(resource, "user/") { return .user(account: account(), name: lastPathComponent(resource)) }
        if isIAM, hasPrefix(resource, "role/") { return .role(account: account(), name: lastPathComponent(resource)) }
        if !isIAM, hasPrefix(resource, "assumed-role/") { return nil }
        return .other(value)
    }

    private static func equal(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, _ text: StaticString) -> Bool {
        bytes.count == text.utf8CodeUnitCount && bytes.elementsEqual(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private static func hasPrefix(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, _ text: StaticString) -> Bool {
        bytes.count >= text.utf8CodeUnitCount
            && bytes.prefix(text.utf8CodeUnitCount).elementsEqual(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// `ARN.lastPathComponent` of an ASCII resource, on its bytes.
    private static func lastPathComponent(_ resource: Slice<UnsafeBufferPointer<UInt8>>) -> String {
        var end = resource.endIndex
        while end > resource.startIndex, resource[end - 1] == UInt8(ascii: "/") { end -= 1 }
        var start = end
        if end > resource.startIndex {
            while start > resource.startIndex, resource[start - 1] != UInt8(ascii: "/") { start -= 1 }
        } else {
            // Nothing but slashes: the resource itself.
            start = resource.startIndex
            end = resource.endIndex
        }
        return String(decoding: UnsafeBufferPointer(rebasing: resource.base[start..<end]), as: UTF8.self)
    }

    /// True for principals that hold long-term, human-usable credentials: account roots, IAM users, anyone.
    public var isHumanCredentialHolder: Bool {
        switch self {
        case .anyone, .account, .user: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .anyone: return "any AWS principal ('*')"
        case .account(let id): return id == "${AWS::AccountId}" ? "its own account" : "account \(id)"
        case .user(let account, let name): return "user '\(name)' of account \(account)"
        case .role(let account, let name): return "role '\(name)' of account \(account)"
        case .assumedRole(let account, let role): return "sessions of role '\(role)' of account \(account)"
        case .service(let s): return "service \(s)"
        case .federated(let f): return "federated provider \(f)"
        case .other(let o): return "principal '\(o)'"
        }
    }
}

/// One test of a `Condition` block: operator, key and values.
public struct ConditionClause: Sendable, Hashable {
    public var op: String
    public var key: String
    public var values: [PolicyText]
    public var range: SourceRange

    public init(op: String, key: String, values: [PolicyText], range: SourceRange) {
        self.op = op
        self.key = key
        self.values = values
        self.range = range
    }

    /// The operator without `IfExists` and lower-cased: `boolifexists` → `bool`.
    public var baseOperator: String {
        let lowered = op.lowercased()
        return lowered.hasSuffix("ifexists") ? String(lowered.dropLast("ifexists".count)) : lowered
    }

    public var ifExists: Bool { op.lowercased().hasSuffix("ifexists") }

    /// The condition key, lower-cased (keys are case-insensitive).
    public var normalizedKey: String { key.lowercased() }
}

/// A policy statement, normalised: every list is a list, every element keeps its range.
public struct Statement: Sendable {
    // Stored in one shared, copy-on-write object: edges, grants and rule loops copy statements
    // freely, and each copy is one reference.
    private var storage: Storage

    // The fields are read far more often than anything else in a scan, and a field is written
    // only through `unique()`, when no other copy (so no other thread) can see the storage:
    // the runtime's exclusivity check on every read (it costs more than the read) is left out.
    // The one-byte fields are declared last, so that they pack together at the end.
    private final class Storage: @unchecked Sendable {
        @exclusivity(unchecked) var sid: String?
        @exclusivity(unchecked) var actions: [PolicyText]
        @exclusivity(unchecked) var resources: [PolicyText]
        @exclusivity(unchecked) var principals: [PrincipalEntry]
        @exclusivity(unchecked) var conditions: [ConditionClause]
        @exclusivity(unchecked) var negatedElementKeys: NegatedElementKeys? = nil
        /// What rules derived from this storage (`derived(_:compute:)`), by fact type; read and
        /// written under `StatementFacts.lock`, emptied by any change, never copied.
        @exclusivity(unchecked) var facts: [ObjectIdentifier: Any] = [:]
        // 44 bytes whose last 28 need only 4-byte alignment: the one-byte fields pack after it.
        @exclusivity(unchecked) var provenance: Provenance
        @exclusivity(unchecked) var effect: Effect
        @exclusivity(unchecked) var isNotAction: Bool
        @exclusivity(unchecked) var isNotResource: Bool
        @exclusivity(unchecked) var isNotPrincipal: Bool

        init(
            sid: String?, effect: Effect, actions: [PolicyText], isNotAction: Bool, resources: [PolicyText],
            isNotResource: Bool, principals: [PrincipalEntry], isNotPrincipal: Bool,
            conditions: [ConditionClause], provenance: Provenance
        ) {
            self.sid = sid
            self.effect = effect
            self.actions = actions
            self.isNotAction = isNotAction
            self.resources = resources
            self.isNotResource = isNotResource
            self.principals = principals
            self.isNotPrincipal = isNotPrincipal
            self.conditions = conditions
            self.provenance = provenance
        }

        func copy() -> Storage {
            let copy = Storage(
                sid: sid, effect: effect, actions: actions, isNotAction: isNotAction, resources: resources,
                isNotResource: isNotResource, principals: principals, isNotPrincipal: isNotPrincipal,
                conditions: conditions, provenance: provenance
            )
            copy.negatedElementKeys = negatedElementKeys
            return copy
        }
    }

    /// Where the `NotAction` and `NotResource` keys are written, kept apart from `Storage`
    /// (few statements have either). Never changed once made.
    private final class NegatedElementKeys: Sendable {
        let notAction: SourceRange?
        let notResource: SourceRange?

        init(notAction: SourceRange?, notResource: SourceRange?) {
            self.notAction = notAction
            self.notResource = notResource
        }
    }

    private mutating func unique() -> Storage {
        if !isKnownUniquelyReferenced(&storage) {
            storage = storage.copy()
        } else if !storage.facts.isEmpty {
            // The only reference, so no other thread reads it; what was derived may not hold.
            storage.facts = [:]
        }
        return storage
    }

    /// The same for every copy of this statement and different for any other live statement
    /// (a change makes a new identity): rules key what they work out per statement by it.
    public var copyIdentity: ObjectIdentifier { ObjectIdentifier(storage) }

    /// A fact derived from this statement alone, computed on first use and kept in the storage
    /// every copy of the statement shares (so a managed policy's statements, read once per
    /// principal it is attached to, pay once). `compute` must be a pure function of the
    /// statement; should two threads compute the same fact at once, the first result stored is
    /// the one every caller gets. Changing the statement forgets its facts.
    public func derived<Fact: StatementFact>(_ fact: Fact.Type, compute: (Statement) -> Fact.Value) -> Fact.Value {
        let key = ObjectIdentifier(fact)
        StatementFacts.lock.lock()
        let stored = storage.facts[key]
        StatementFacts.lock.unlock()
        if let stored = stored as? Fact.Value { return stored }
        let computed = compute(self)
        StatementFacts.lock.lock()
        defer { StatementFacts.lock.unlock() }
        if let stored = storage.facts[key] as? Fact.Value { return stored }
        storage.facts[key] = computed
        return computed
    }

    public var sid: String? {
        get { storage.sid }
        set { unique().sid = newValue }
        _modify { yield &unique().sid }
    }

    public var effect: Effect {
        get { storage.effect }
        set { unique().effect = newValue }
        _modify { yield &unique().effect }
    }

    public var actions: [PolicyText] {
        get { storage.actions }
        set { unique().actions = newValue }
        _modify { yield &unique().actions }
    }

    public var isNotAction: Bool {
        get { storage.isNotAction }
        set { unique().isNotAction = newValue }
        _modify { yield &unique().isNotAction }
    }

    public var resources: [PolicyText] {
        get { storage.resources }
        set { unique().resources = newValue }
        _modify { yield &unique().resources }
    }

    public var isNotResource: Bool {
        get { storage.isNotResource }
        set { unique().isNotResource = newValue }
        _modify { yield &unique().isNotResource }
    }

    public var principals: [PrincipalEntry] {
        get { storage.principals }
        set { unique().principals = newValue }
        _modify { yield &unique().principals }
    }

    public var isNotPrincipal: Bool {
        get { storage.isNotPrincipal }
        set { unique().isNotPrincipal = newValue }
        _modify { yield &unique().isNotPrincipal }
    }

    public var conditions: [ConditionClause] {
        get { storage.conditions }
        set { unique().conditions = newValue }
        _modify { yield &unique().conditions }
    }

    public var provenance: Provenance {
        get { storage.provenance }
        set { unique().provenance = newValue }
        _modify { yield &unique().provenance }
    }

    /// Where the `NotAction` key is written, when the parser read the statement's actions from
    /// one (`isNotAction`); nil for statements built in code.
    public var notActionKeyRange: SourceRange? { storage.negatedElementKeys?.notAction }

    /// Where the `NotResource` key is written, when the parser read the statement's resources
    /// from one (`isNotResource`); nil for statements built in code.
    public var notResourceKeyRange: SourceRange? { storage.negatedElementKeys?.notResource }

    /// Records where the parser found the `NotAction` and `NotResource` keys.
    mutating func setNegatedElementKeys(notAction: SourceRange?, notResource: SourceRange?) {
        guard notAction != nil || notResource != nil || storage.negatedElementKeys != nil else { return }
        unique().negatedElementKeys = notAction == nil && notResource == nil ? nil : NegatedElementKeys(notAction: notAction, notResource: notResource)
    }

    public init(
        sid: String? = nil, effect: Effect, actions: [PolicyText], isNotAction: Bool = false,
        resources: [PolicyText] = [], isNotResource: Bool = false, principals: [PrincipalEntry] = [],
        isNotPrincipal: Bool = false, conditions: [ConditionClause] = [], provenance: Provenance
    ) {
        storage = Storage(
            sid: sid, effect: effect, actions: actions, isNotAction: isNotAction, resources: resources,
            isNotResource: isNotResource, principals: principals, isNotPrincipal: isNotPrincipal,
            conditions: conditions, provenance: provenance)
    }

    /// Whether the statement's action element covers `action` (wildcards, case-insensitive, NotAction).
    public func covers(action: String) -> Bool {
        let matched = actions.contains { Wildcard.matches(pattern: $0.value, $0.isSymbolic, action, caseInsensitive: true) }
        return isNotAction ? !matched : matched
    }

    /// Whether the statement's action element covers every action (`*`, or NotAction of nothing).
    public var coversAllActions: Bool {
        if isNotAction { return actions.isEmpty }
        return actions.contains { $0.value == "*" || $0.value == "*:*" }
    }

    /// Whether the resource element covers every resource (`*`).
    public var coversAllResources: Bool {
        if isNotResource { return resources.isEmpty }
        return resources.contains { $0.value == "*" }
    }

    /// Whether the resource element may cover `arn` (wildcards; symbolic parts compared as text).
    public func covers(resource arn: String) -> Bool {
        let matched = resources.contains { Wildcard.matches(pattern: $0.value, $0.isSymbolic, arn, caseInsensitive: false) }
        return isNotResource ? !matched : matched
    }

    /// True when a condition demands MFA: `Bool`/`BoolIfExists aws:MultiFactorAuthPresent true`,
    /// or `NumericLessThan(Equals) aws:MultiFactorAuthAge`.
    public var requiresMFA: Bool {
        conditions.contains { clause in
            // Only an ASCII text of a word's length equals it ignoring case (no other character
            // lower-cases or normalises to these letters): most keys are told apart by their length
            // alone, without the comparison (which lower-cases short texts).
            func eq(_ text: String, _ word: String) -> Bool {
                text.utf8.count == word.utf8.count && Value.equalIgnoringCase(text, word)
            }
            if eq(clause.key, "aws:MultiFactorAuthPresent") {
                // `Bool` (not `BoolIfExists`) with a `true` among the values.
                return eq(clause.op, "Bool") && clause.values.contains { eq($0.value, "true") }
            }
            if eq(clause.key, "aws:MultiFactorAuthAge") {
                return eq(clause.op, "NumericLessThan") || eq(clause.op, "NumericLessThanEquals")
            }
            return false
        }
    }

    /// True for a Deny that applies whenever MFA is absent: `BoolIfExists aws:MultiFactorAuthPresent false`
    /// (or `Null aws:MultiFactorAuthAge true`).
    public var deniesWithoutMFA: Bool {
        guard effect == .deny else { return false }
        return conditions.contains { clause in
            let eq = Value.equalIgnoringCase
            if eq(clause.key, "aws:MultiFactorAuthPresent") {
                return eq(clause.op, "BoolIfExists") && clause.values.contains { eq($0.value, "false") }
            }
            if eq(clause.key, "aws:MultiFactorAuthAge") {
                return (eq(clause.op, "Null") || eq(clause.op, "NullIfExists")) && clause.values.contains { eq($0.value, "true") }
            }
            return false
        }
    }
}

/// A policy document: its statements and where it came from.
public struct PolicyDocument: Sendable {
    // Stored in one shared, copy-on-write object: grants, documents and principals
    // copy documents freely, and each copy is one reference.
    private var storage: Storage

    // Read-mostly, written only through `unique()`: no runtime exclusivity check (see `Statement`).
    //
    // The size is kept as its count and a one-byte state declared after the provenance (44
    // bytes, 4-byte aligned at its end): 85 bytes, which malloc rounds to 96, where an optional
    // `PolicyDocumentSize` after the provenance took 89, rounded to 112.
    private final class Storage: @unchecked Sendable {
        @exclusivity(unchecked) var statements: [Statement]
        @exclusivity(unchecked) var grammarIssues: [PolicyGrammarIssue] = []
        @exclusivity(unchecked) var sizeCount = 0
        @exclusivity(unchecked) var provenance: Provenance
        /// 0: no size; 1: `sizeCount`, exact; 2: `sizeCount`, estimated.
        @exclusivity(unchecked) var sizeState: UInt8 = 0

        var size: PolicyDocumentSize? {
            get { sizeState == 0 ? nil : PolicyDocumentSize(count: sizeCount, estimated: sizeState == 2) }
            set {
                sizeCount = newValue?.count ?? 0
                sizeState = newValue.map { $0.estimated ? 2 : 1 } ?? 0
            }
        }

        init(statements: [Statement], provenance: Provenance) {
            self.statements = statements
            self.provenance = provenance
        }

        func copy() -> Storage {
            let copy = Storage(statements: statements, provenance: provenance)
            copy.grammarIssues = grammarIssues
            copy.size = size
            return copy
        }
    }

    private mutating func unique() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage
    }

    public var statements: [Statement] {
        get { storage.statements }
        set { unique().statements = newValue }
        _modify { yield &unique().statements }
    }

    public var provenance: Provenance {
        get { storage.provenance }
        set { unique().provenance = newValue }
        _modify { yield &unique().provenance }
    }

    /// How the document as written breaks the policy grammar, found by the parser for the
    /// purpose it read the document as (`PolicyParser.Purpose`; the document's value is not
    /// kept): empty for a valid document and for one built in code.
    public var grammarIssues: [PolicyGrammarIssue] {
        get { storage.grammarIssues }
        set { unique().grammarIssues = newValue }
        _modify { yield &unique().grammarIssues }
    }

    /// The document's size as IAM counts it against its quotas, measured by the parser on the
    /// document as written; nil when the whole document is unknown until deployment, for a
    /// document read as a trust policy (no quota rule measures those) and for one built in code.
    public var size: PolicyDocumentSize? {
        get { storage.size }
        set { unique().size = newValue }
        _modify { yield &unique().size }
    }

    public init(statements: [Statement], provenance: Provenance) {
        storage = Storage(statements: statements, provenance: provenance)
    }

    /// The same for every copy of this document until one of them is changed: a key for caching
    /// what rules derive from a document that many principals share.
    public var copyIdentity: ObjectIdentifier { ObjectIdentifier(storage) }

    /// True when an Allow statement grants every action on every resource without a condition
    /// and no statement of the same document denies everything without a condition.
    public var grantsFullAdmin: Bool {
        fullAdminStatement != nil
    }

    /// The first statement that allows `*` on `*`, unless an unconditional Deny of everything cancels it.
    public var fullAdminStatement: Statement? {
        let cancelled = statements.contains { $0.effect == .deny && $0.coversAllActions && $0.coversAllResources && $0.conditions.isEmpty }
        if cancelled { return nil }
        return statements.first { $0.effect == .allow && $0.coversAllActions && $0.coversAllResources && $0.principals.isEmpty }
    }
}

/// IAM-style wildcard matching: `*` any run, `?` any one character (Unicode scalar).
public enum Wildcard {
    /// Byte-level matching without allocation, backtracking over the last `*` only.
    /// `pattern` must already be lower-cased when `foldText` is true; `?` matches one byte.
    public static func matchBytes(_ p: [UInt8], _ t: UnsafeBufferPointer<UInt8>, foldText: Bool) -> Bool {
        var pi = 0, ti = 0
        var star = -1, mark = 0
        while ti < t.count {
            let c = foldText ? ASCII.lower(t[ti]) : t[ti]
            if pi < p.count, p[pi] == UInt8(ascii: "*") {
                star = pi
                mark = ti
                pi += 1
            } else if pi < p.count, p[pi] == UInt8(ascii: "?") || p[pi] == c {
                pi += 1
                ti += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }

    /// Whether `text` matches `pattern` (`*` any run, `?` exactly one Unicode scalar), comparing
    /// UTF-8 bytes in place without allocating. `caseInsensitive` folds ASCII letters; a pattern
    /// or text with other characters is compared after full Unicode lower-casing instead
    /// (`unicodeMatches`), where lower-casing can change how many scalars there are.
    public static func matches(pattern: String, _ patternIsSymbolic: Bool = false, _ text: String, caseInsensitive: Bool) -> Bool {
        var pattern = pattern
        var text = text
        return pattern.withUTF8 { p in
            text.withUTF8 { t in
                if caseInsensitive, !(isASCII(p) && isASCII(t)) {
                    return unicodeMatches(pattern: String(decoding: p, as: UTF8.self), String(decoding: t, as: UTF8.self))
                }
                return matchScalars(p, t, fold: caseInsensitive)
            }
        }
    }

    @inline(__always) static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in bytes where b >= 0x80 { return false }
        return true
    }

    /// The width in bytes of the UTF-8 scalar whose lead byte is at `i`.
    @inline(__always) static func scalarWidth(_ t: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let b = t[i]
        let width = b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
        return min(width, t.count - i)
    }

    /// Matching over valid UTF-8, backtracking over the last `*` only: literals compare byte by
    /// byte (with ASCII folding when `fold`), `?` consumes one whole scalar, and a `*` retry
    /// moves on by one scalar, so the result is that of matching scalar by scalar.
    static func matchScalars(_ p: UnsafeBufferPointer<UInt8>, _ t: UnsafeBufferPointer<UInt8>, fold: Bool) -> Bool {
        var pi = 0, ti = 0
        var star = -1, mark = 0
        while ti < t.count {
            if pi < p.count {
                let pc = p[pi]
                if pc == UInt8(ascii: "*") {
                    star = pi
                    mark = ti
                    pi += 1
                    continue
                }
                if pc == UInt8(ascii: "?") {
                    pi += 1
                    ti += scalarWidth(t, ti)
                    continue
                }
                let tc = t[ti]
                if pc == tc || (fold && ASCII.lower(pc) == ASCII.lower(tc)) {
                    pi += 1
                    ti += 1
                    continue
                }
            }
            guard star >= 0 else { return false }
            pi = star + 1
            mark += scalarWidth(t, mark)
            ti = mark
        }
        while pi < p.count, p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }

    /// Scalar-by-scalar matching after Unicode lower-casing of both sides (the general
    /// case-insensitive path; allocates).
    static func unicodeMatches(pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.lowercased().unicodeScalars)
        let t = Array(text.lowercased().unicodeScalars)
        var pi = 0, ti = 0
        var star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti], p[pi] != "*" {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
