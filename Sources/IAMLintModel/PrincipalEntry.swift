import IAMLintCore

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

    // The text is stored as its parts, so that its one-byte flag packs with `kind` after
    // `identity`: 67 bytes, 72 an entry in an array (a `PolicyText` stored whole leaves 7 bytes
    // of padding after its flag: 80 an entry). A trust statement's entries are one array each.
    private var value: String
    private var range: SourceRange

    /// What the entry names, once ARNs and account ids are understood: worked out once, when the
    /// entry is made (trust rules ask it of every entry for every caller).
    public private(set) var identity: PrincipalIdentity

    private var isSymbolic: Bool

    // Declared last: the one-byte fields pack after the others.
    public var kind: Kind {
        didSet { identity = Self.identity(kind, value) }
    }

    public var text: PolicyText {
        get { PolicyText(value, range: range, isSymbolic: isSymbolic) }
        set {
            value = newValue.value
            range = newValue.range
            isSymbolic = newValue.isSymbolic
            identity = Self.identity(kind, value)
        }
    }

    public init(kind: Kind, text: PolicyText) {
        self.kind = kind
        value = text.value
        range = text.range
        isSymbolic = text.isSymbolic
        identity = Self.identity(kind, text.value)
    }

    // Equality and hashing as when the text was stored whole: the text, the identity, the kind.
    public static func == (a: PrincipalEntry, b: PrincipalEntry) -> Bool {
        a.value == b.value && a.range == b.range && a.isSymbolic == b.isSymbolic && a.identity == b.identity && a.kind == b.kind
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(text)
        hasher.combine(identity)
        hasher.combine(kind)
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
    public var values: ConditionValues
    public var range: SourceRange

    public init(op: String, key: String, values: [PolicyText], range: SourceRange) {
        self.init(op: op, key: key, values: ConditionValues(values), range: range)
    }

    init(op: String, key: String, values: ConditionValues, range: SourceRange) {
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

/// The values a condition clause tests. Most clauses test one value: it is kept in the clause
/// itself (an array of one text was 80 bytes, and a malloc header, of its own); more are an array.
public struct ConditionValues: RandomAccessCollection, Sendable, Hashable, ExpressibleByArrayLiteral, CustomStringConvertible {
    private enum Storage: Sendable {
        case one(PolicyText)
        case many([PolicyText])
    }

    private let storage: Storage

    public init(_ values: [PolicyText]) {
        storage = values.count == 1 ? .one(values[0]) : .many(values)
    }

    /// The values of a clause that tests one.
    init(one value: PolicyText) {
        storage = .one(value)
    }

    public init(arrayLiteral values: PolicyText...) {
        self.init(values)
    }

    public var startIndex: Int { 0 }

    public var endIndex: Int {
        switch storage {
        case .one: return 1
        case .many(let values): return values.count
        }
    }

    public subscript(position: Int) -> PolicyText {
        switch storage {
        case .one(let value):
            precondition(position == 0, "Index out of range")
            return value
        case .many(let values):
            return values[position]
        }
    }

    // Equal and hashed as the arrays of their values.
    public static func == (a: ConditionValues, b: ConditionValues) -> Bool {
        a.elementsEqual(b)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for value in self { hasher.combine(value) }
    }

    public var description: String { Array(self).description }
}
