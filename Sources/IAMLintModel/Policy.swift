import IAMLintCore

public enum Effect: String, Sendable, Hashable {
    case allow = "Allow"
    case deny = "Deny"
}

/// A policy document: its statements and where it came from.
public struct PolicyDocument: Sendable {
    // Stored in one shared, copy-on-write object: grants, documents and principals
    // copy documents freely, and each copy is one reference.
    private var storage: Storage

    // Read-mostly, written only through `unique()` and `uniqueExtra()`: no runtime exclusivity
    // check (see `Statement`).
    //
    // The statements, the provenance and the size packed in 32 bits: 56 bytes, which malloc
    // rounds to 64 (with the grammar issues and the size's count and state beside them, 69
    // rounded to 80). A large organisation holds a document for every role's trust policy and
    // every inline policy; the few with grammar issues, or a size whose count does not fit,
    // are an `Extra`. A document of one statement (most trust policies) holds it without an
    // array (`PolicyStatements`, one reference either way).
    private class Storage: @unchecked Sendable {
        @exclusivity(unchecked) final var statements: PolicyStatements
        @exclusivity(unchecked) final var provenance: Provenance
        /// The size: the top two bits its state (0: no size; 1: exact; 2: estimated), the
        /// others its count, or all ones when the count is an `Extra`'s `largeCount`.
        @exclusivity(unchecked) final var packedSize: UInt32 = 0

        static let countMask: UInt32 = (1 << 30) - 1

        init(statements: PolicyStatements, provenance: Provenance) {
            self.statements = statements
            self.provenance = provenance
        }

        final var grammarIssues: [PolicyGrammarIssue] { (self as? Extra)?.issues ?? [] }

        final var size: PolicyDocumentSize? {
            let state = packedSize >> 30
            guard state != 0 else { return nil }
            let stored = packedSize & Self.countMask
            let count = stored == Self.countMask ? (self as? Extra)?.largeCount ?? Int(stored) : Int(stored)
            return PolicyDocumentSize(count: count, estimated: state == 2)
        }

        /// The packed size for `size`; nil when its count does not fit (`Extra.largeCount`).
        static func packed(_ size: PolicyDocumentSize?) -> UInt32? {
            guard let size else { return 0 }
            guard size.count >= 0, size.count < Int(countMask) else { return nil }
            return (size.estimated ? 2 : 1) << 30 | UInt32(size.count)
        }

        func copy() -> Storage {
            if let extra = self as? Extra { return Extra(copying: extra) }
            let copy = Storage(statements: statements, provenance: provenance)
            copy.packedSize = packedSize
            return copy
        }
    }

    /// A document with grammar issues or a size too large to pack.
    private final class Extra: Storage, @unchecked Sendable {
        @exclusivity(unchecked) var issues: [PolicyGrammarIssue] = []
        @exclusivity(unchecked) var largeCount = 0

        init(copying other: Storage) {
            super.init(statements: other.statements, provenance: other.provenance)
            packedSize = other.packedSize
            if let extra = other as? Extra {
                issues = extra.issues
                largeCount = extra.largeCount
            }
        }
    }

    private mutating func unique() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage
    }

    /// The storage as an `Extra` not shared with another document, for writing.
    private mutating func uniqueExtra() -> Extra {
        if isKnownUniquelyReferenced(&storage), let extra = storage as? Extra { return extra }
        let extra = Extra(copying: storage)
        storage = extra
        return extra
    }

    public var statements: PolicyStatements {
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
        set {
            if newValue.isEmpty, !(storage is Extra) { return }
            uniqueExtra().issues = newValue
        }
    }

    /// The document's size as IAM counts it against its quotas, measured by the parser on the
    /// document as written; nil when the whole document is unknown until deployment, for a
    /// document read as a trust policy (no quota rule measures those) and for one built in code.
    public var size: PolicyDocumentSize? {
        get { storage.size }
        set {
            if let packed = Storage.packed(newValue) {
                unique().packedSize = packed
            } else if let newValue {
                let extra = uniqueExtra()
                extra.largeCount = newValue.count
                extra.packedSize = (newValue.estimated ? 2 : 1) << 30 | Storage.countMask
            }
        }
    }

    public init(statements: PolicyStatements, provenance: Provenance) {
        storage = Storage(statements: statements, provenance: provenance)
    }

    public init(statements: [Statement], provenance: Provenance) {
        storage = Storage(statements: PolicyStatements(statements), provenance: provenance)
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

/// A document's statements: one statement held as it is (most trust policies and many inline
/// policies have one), more in an array; one reference either way. Made from an array (or a
/// literal); setting an element or appending rebuilds it.
public struct PolicyStatements: RandomAccessCollection, Sendable {
    private enum Held: Sendable {
        case one(Statement)
        case many([Statement])
    }

    private var held: Held

    public init() {
        held = .many([])
    }

    public init<Statements: Sequence>(_ statements: Statements) where Statements.Element == Statement {
        let array = Array(statements)
        held = array.count == 1 ? .one(array[0]) : .many(array)
    }

    public var startIndex: Int { 0 }

    public var endIndex: Int {
        switch held {
        case .one: 1
        case .many(let array): array.count
        }
    }

    public var count: Int { endIndex }

    public var isEmpty: Bool { endIndex == 0 }

    public subscript(position: Int) -> Statement {
        get {
            switch held {
            case .one(let statement):
                precondition(position == 0, "Index out of range")
                return statement
            case .many(let array):
                return array[position]
            }
        }
        set {
            switch held {
            case .one:
                precondition(position == 0, "Index out of range")
                held = .one(newValue)
            case .many(var array):
                held = .many([])
                array[position] = newValue
                held = .many(array)
            }
        }
    }

    // The collection's own, handing each statement to `predicate` without an iterator (rules
    // ask them of every document).
    public func contains(where predicate: (Statement) throws -> Bool) rethrows -> Bool {
        switch held {
        case .one(let statement): return try predicate(statement)
        case .many(let array): return try array.contains(where: predicate)
        }
    }

    public func first(where predicate: (Statement) throws -> Bool) rethrows -> Statement? {
        switch held {
        case .one(let statement): return try predicate(statement) ? statement : nil
        case .many(let array): return try array.first(where: predicate)
        }
    }

    /// Appends `statement` (for code that builds documents).
    public mutating func append(_ statement: Statement) {
        self = PolicyStatements(Array(self) + [statement])
    }
}

extension PolicyStatements: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: Statement...) {
        self.init(elements)
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
