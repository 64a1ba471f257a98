import IAMLintCore
import IAMLintModel

/// A set of catalog actions: one bit per entry of `ActionCatalog.shared.allActions`.
///
/// The permission rules ask "does this statement allow any action of S" for every statement of
/// the scan; with `*`, `s3:*` or a `NotAction` a statement stands for thousands of actions, so the
/// answer is a word-wise AND of two bitsets rather than a walk over the catalog.
struct ActionSet: Sendable, Equatable {
    private(set) var words: [UInt64]

    private init(words: [UInt64]) {
        self.words = words
    }

    /// No action (one shared array: a set made from it copies it on its first change).
    static let empty = ActionSet(words: [UInt64](repeating: 0, count: ActionSets.wordCount))

    /// Every action of the catalog.
    static let all: ActionSet = {
        var set = empty
        let count = ActionSets.actionCount
        for i in set.words.indices {
            let bitsLeft = count - i * 64
            set.words[i] = bitsLeft >= 64 ? ~0 : (bitsLeft > 0 ? (UInt64(1) << UInt64(bitsLeft)) - 1 : 0)
        }
        return set
    }()

    /// The actions at these catalog indexes.
    init(indexes: some Sequence<Int>) {
        self = .empty
        for i in indexes { insert(i) }
    }

    mutating func insert(_ index: Int) {
        words[index >> 6] |= UInt64(1) << UInt64(index & 63)
    }

    func contains(_ index: Int) -> Bool {
        words[index >> 6] & (UInt64(1) << UInt64(index & 63)) != 0
    }

    // The set operations below run over the words through buffer pointers: every set has
    // `ActionSets.wordCount` words (about 320), and the permission rules combine sets for every
    // statement of the scan.

    var isEmpty: Bool {
        words.withUnsafeBufferPointer { w in
            var any: UInt64 = 0
            for i in 0..<w.count { any |= w[i] }
            return any == 0
        }
    }

    var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// `self[i] = combine(self[i], other[i])` for every word.
    @inline(__always)
    private mutating func combine(_ other: ActionSet, _ combine: (UInt64, UInt64) -> UInt64) {
        other.words.withUnsafeBufferPointer { o in
            words.withUnsafeMutableBufferPointer { w in
                for i in 0..<min(w.count, o.count) { w[i] = combine(w[i], o[i]) }
            }
        }
    }

    mutating func formUnion(_ other: ActionSet) {
        combine(other) { $0 | $1 }
    }

    func union(_ other: ActionSet) -> ActionSet {
        var result = self
        result.formUnion(other)
        return result
    }

    func intersection(_ other: ActionSet) -> ActionSet {
        var result = self
        result.combine(other) { $0 & $1 }
        return result
    }

    func subtracting(_ other: ActionSet) -> ActionSet {
        // Taking nothing away shares the words instead of copying them (most statements have
        // no Deny beside them to subtract).
        if other.isEmpty { return self }
        var result = self
        result.combine(other) { $0 & ~$1 }
        return result
    }

    func complement() -> ActionSet {
        ActionSet.all.subtracting(self)
    }

    func intersects(_ other: ActionSet) -> Bool {
        words.withUnsafeBufferPointer { w in
            other.words.withUnsafeBufferPointer { o in
                for i in 0..<min(w.count, o.count) where w[i] & o[i] != 0 { return true }
                return false
            }
        }
    }

    /// Whether every action of the set is in `other` (`intersection(other) == self`).
    func isSubset(of other: ActionSet) -> Bool {
        words.withUnsafeBufferPointer { w in
            other.words.withUnsafeBufferPointer { o in
                for i in 0..<min(w.count, o.count) where w[i] & ~o[i] != 0 { return false }
                return true
            }
        }
    }

    /// The catalog indexes in the set, ascending (catalog order: service, then action name).
    var indexes: [Int] {
        var result: [Int] = []
        for (w, word) in words.enumerated() where word != 0 {
            var bits = word
            while bits != 0 {
                result.append(w * 64 + bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
        return result
    }

    /// The actions in catalog order.
    var actions: [ActionInfo] {
        indexes.map { ActionSets.catalog.action(at: $0) }
    }
}

/// Action patterns and statements as `ActionSet`s, with expansions cached per pattern.
enum ActionSets {
    static let catalog = ActionCatalog.shared
    static let actionCount = catalog.actionCount
    static let wordCount = (actionCount + 63) / 64

    /// The catalog index of a known action (any case), or nil.
    static func index(of action: String) -> Int? {
        catalog.index(of: action)
    }

    /// Every action of one service.
    static func service(_ prefix: String) -> ActionSet {
        expand(pattern: "\(prefix):*")
    }

    /// Every IAM action (`service("iam")`), which several rules set aside for IAM206.
    static let iam = service("iam")

    /// The named actions that the catalog knows (unknown names are left out).
    static func named(_ names: [String]) -> ActionSet {
        ActionSet(indexes: names.compactMap(index(of:)))
    }

    /// The actions a written pattern stands for: `iam:Pass*`, `s3:*`, `*`. Symbolic or unknown
    /// patterns stand for nothing. Cached per pattern as written (matching ignores case).
    static func expand(_ pattern: PolicyText) -> ActionSet {
        if pattern.isSymbolic { return .empty }
        return expand(pattern: pattern.value)
    }

    /// The actions a pattern written as plain text stands for (nothing when it holds `${`).
    static func expand(pattern: String) -> ActionSet {
        if pattern.containsUTF8("${") { return .empty }
        return cache.value(for: pattern) { key in
            ActionSet(indexes: catalog.expandIndexes(key))
        }
    }

    /// The actions a statement's action element covers: the union of its patterns, or for
    /// `NotAction` every catalog action except theirs. A `NotAction` with a value unknown until
    /// deployment covers nothing here (what it spares cannot be known).
    /// Kept with the statement (`Statement.derived`): rules ask it of the same statements again
    /// and again, one principal after another.
    static func covered(by statement: Statement) -> ActionSet {
        statement.derived(CoveredActions.self, compute: computeCovered)
    }

    private enum CoveredActions: StatementFact { typealias Value = ActionSet }

    /// Statements with the same action element share one set (each is about 2.5 KB): kept per
    /// action element as written, so that a scan keeps one copy per distinct element.
    private static func computeCovered(_ statement: Statement) -> ActionSet {
        coveredCache.value(for: actionElementKey(statement)) { _ in union(of: statement) }
    }

    /// `isNotAction` and every pattern (symbolic or not, length, text): equal keys, equal sets.
    private static func actionElementKey(_ statement: Statement) -> String {
        var key = statement.isNotAction ? "!" : "="
        for pattern in statement.actions {
            key += pattern.isSymbolic ? "s" : "l"
            key += String(pattern.value.utf8.count)
            key += ":"
            key += pattern.value
        }
        return key
    }

    private static func union(of statement: Statement) -> ActionSet {
        var set = ActionSet.empty
        for pattern in statement.actions {
            if statement.isNotAction, pattern.isSymbolic || pattern.value.containsUTF8("${") { return .empty }
            set.formUnion(expand(pattern))
        }
        return statement.isNotAction ? set.complement() : set
    }

    /// The actions that a Deny of the documents takes away whatever the Allows say: Deny
    /// statements without a condition on every resource (`*`).
    static func deniedEverywhere(in documents: [PolicyDocument]) -> ActionSet {
        var set = ActionSet.empty
        for document in documents {
            for statement in document.statements where statement.effect == .deny && statement.conditions.isEmpty && statement.coversAllResources {
                set.formUnion(covered(by: statement))
            }
        }
        return set
    }

    /// The first action text of an Allow (not NotAction) whose expansion meets `set`.
    static func firstPattern(in statement: Statement, meeting set: ActionSet) -> PolicyText? {
        guard !statement.isNotAction else { return nil }
        return statement.actions.first { expand($0).intersects(set) }
    }

    /// Up to `limit` action names of `set`, in the order the statement writes the patterns that
    /// bring them (catalog order within a pattern and for `NotAction`).
    static func names(of set: ActionSet, in statement: Statement, limit: Int) -> [String] {
        var result: [String] = []
        guard limit > 0 else { return result }
        var seen = ActionSet.empty
        // One source at a time, so that patterns after the limit is reached are never expanded.
        let sourceCount = statement.isNotAction ? 1 : statement.actions.count
        for k in 0..<sourceCount {
            let source = statement.isNotAction ? set : expand(statement.actions[k])
            for (w, word) in source.words.enumerated() where word & set.words[w] != 0 {
                var bits = word & set.words[w]
                while bits != 0 {  // ascending indexes, stopping at the limit
                    let i = w * 64 + bits.trailingZeroBitCount
                    bits &= bits - 1
                    guard !seen.contains(i) else { continue }
                    seen.insert(i)
                    result.append(catalog.action(at: i).fullName)
                    if result.count >= limit { return result }
                }
            }
        }
        return result
    }

    /// Where a statement writes `text` in its action element.
    static func provenance(of text: PolicyText, in statement: Statement) -> Provenance {
        statement.provenance.child(statement.isNotAction ? "NotAction" : "Action", range: text.range)
    }

    /// The catalog actions for which `Statement.covers(action:)` answers true of a statement
    /// with this one pattern: whole-string, case-insensitive matching of `service:Name`, where a
    /// `*` or `?` may cross the colon and `${…}` is plain text. Where that provably equals the
    /// catalog's split expansion (`expand(pattern:)`), that cached set is used; otherwise each
    /// catalog action is matched once per distinct pattern, and the answer cached.
    static func matchedExactly(by pattern: String) -> ActionSet {
        if expansionMatchesWholeString(pattern) { return expand(pattern: pattern) }
        return exactCache.value(for: pattern) { key in
            var set = ActionSet.empty
            for (i, action) in catalog.allActions.enumerated()
            where Wildcard.matches(pattern: key, false, action.fullName, caseInsensitive: true) {
                set.insert(i)
            }
            return set
        }
    }

    /// True when the catalog's expansion of `pattern` (split at its first `:`, each side a glob)
    /// is exactly the set whole-string matching gives: the pattern is ASCII (no Unicode case
    /// folding), has no `$`, `{` or `}`, and is either only `*`s or has exactly one `:` with text
    /// on both sides. Every catalog name is ASCII with exactly one `:`, so that colon can only
    /// meet the name's, and no wildcard can cross it.
    static func expansionMatchesWholeString(_ pattern: String) -> Bool {
        var colons = 0, onlyStars = true, colonAt = -1, length = 0
        for (i, byte) in pattern.utf8.enumerated() {
            length += 1
            if byte >= 0x80 || byte == UInt8(ascii: "$") || byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}") { return false }
            if byte != UInt8(ascii: "*") { onlyStars = false }
            if byte == UInt8(ascii: ":") {
                colons += 1
                colonAt = i
            }
        }
        if length > 0, onlyStars { return true }
        return colons == 1 && colonAt > 0 && colonAt < length - 1
    }

    /// The catalog actions `statement.covers(action:)` is true of (see `matchedExactly`); for a
    /// `NotAction`, every catalog action that none of its patterns matches.
    static func coveredExactly(by statement: Statement) -> ActionSet {
        statement.derived(CoveredExactly.self, compute: computeCoveredExactly)
    }

    private enum CoveredExactly: StatementFact { typealias Value = ActionSet }

    private static func computeCoveredExactly(_ statement: Statement) -> ActionSet {
        coveredExactlyCache.value(for: actionElementKey(statement)) { _ in exactUnion(of: statement) }
    }

    private static func exactUnion(of statement: Statement) -> ActionSet {
        var set = ActionSet.empty
        for pattern in statement.actions { set.formUnion(matchedExactly(by: pattern.value)) }
        return statement.isNotAction ? set.complement() : set
    }

    private static let exactCache = PatternCache()
    private static let cache = PatternCache()
    private static let coveredCache = PatternCache()
    private static let coveredExactlyCache = PatternCache()

    /// A lock-protected map from pattern (or action element) to its expansion. Distinct
    /// patterns in a scan are few (about 3,000 over the whole shared corpus), so it is never
    /// trimmed.
    private final class PatternCache: @unchecked Sendable {
        private var entries: [String: ActionSet] = [:]
        private let lock = Lock()

        func value(for key: String, _ make: (String) -> ActionSet) -> ActionSet {
            lock.lock()
            if let hit = entries[key] {
                lock.unlock()
                return hit
            }
            lock.unlock()
            let made = make(key)
            lock.lock()
            entries[key] = made
            lock.unlock()
            return made
        }
    }
}

/// How the permission rules of issue 5 (IAM203–IAM218) read resources and conditions.
enum ResourceScope {
    /// True for a resource pattern that names every resource of IAM type `type` (`user`,
    /// `group`, `role`, `policy`) in some account: `*`, `arn:aws:iam::*:role/*`,
    /// `arn:aws:iam::111122223333:*`, `arn:aws:iam::*:user*`. The account may be anything.
    static func namesEvery(_ type: String, _ text: PolicyText) -> Bool {
        let value = withPartition(text.value)
        if let stars = value.utf8.withContiguousStorageIfAvailable({ isStars($0) }), let stars {
            if stars { return true }
        } else if !value.isEmpty, value.allSatisfy({ $0 == "*" }) {
            return true
        }
        guard let arn = ARN(value), Wildcard.matches(pattern: arn.service, false, "iam", caseInsensitive: true) else { return false }
        let resource = arn.resource
        if let decided = resource.utf8.withContiguousStorageIfAvailable({ namesEvery(type, asciiResource: $0) }), let decided {
            return decided
        }
        guard let star = resource.firstIndex(of: "*") else { return false }
        let prefix = resource[..<star]
        let rest = resource[star...]
        guard rest.allSatisfy({ $0 == "*" }), !prefix.contains("?") else { return false }
        return "\(type)/".hasPrefix(prefix)
    }

    /// For ASCII bytes (where characters are bytes): true when they are one or more `*`s; nil
    /// for other text.
    private static func isStars(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        var stars = !bytes.isEmpty
        for byte in bytes {
            if byte >= 0x80 { return nil }
            if byte != UInt8(ascii: "*") { stars = false }
        }
        return stars
    }

    /// `namesEvery`'s reading of an ARN's resource, on its bytes when they are ASCII (where
    /// characters are bytes: the search by characters costs thousands of instructions a
    /// pattern); nil for other text. The resource is `type/` or a prefix of it, then only `*`s.
    private static func namesEvery(_ type: String, asciiResource bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        var star = -1
        for (offset, byte) in bytes.enumerated() {
            if byte >= 0x80 { return nil }
            if star < 0, byte == UInt8(ascii: "*") { star = offset }
        }
        guard star >= 0 else { return false }
        for offset in star..<bytes.count where bytes[offset] != UInt8(ascii: "*") { return false }
        // `"\(type)/".hasPrefix(prefix)` (a `?` in the prefix matches nothing there).
        var offset = 0
        for byte in type.utf8 {
            if offset == star { return true }
            if bytes[offset] != byte { return false }
            offset += 1
        }
        if offset == star { return true }
        return star == offset + 1 && bytes[offset] == UInt8(ascii: "/")
    }

    /// `text` with every `${AWS::Partition}` replaced by `aws`, on UTF-8 bytes (the placeholder
    /// is ASCII, and an ASCII byte never occurs inside a multi-byte character).
    static func withPartition(_ text: String) -> String {
        guard text.containsUTF8("${AWS::Partition}") else { return text }
        return text.replacingUTF8("${AWS::Partition}", with: "aws")
    }

    /// Whether the statement's resource element covers every resource of `type` (see
    /// `namesEvery`); a `NotResource` that spares no such pattern counts too.
    static func coversEvery(_ type: String, _ statement: Statement) -> Bool {
        let every = statement.resources.contains { namesEvery(type, $0) }
        return statement.isNotResource ? !every : every
    }

    /// The `*` of a statement's `Resource`, when it has one.
    static func wildcardResource(_ statement: Statement) -> PolicyText? {
        guard !statement.isNotResource else { return nil }
        return statement.resources.first { $0.value == "*" }
    }

    /// Condition keys (lower-case; a trailing `/` is a prefix) that narrow which resources a
    /// statement reaches or which requests it admits, so that a grant on `*` is no longer a
    /// grant on everything:
    /// - tags: `aws:ResourceTag/…`, any service's `…:ResourceTag/…` (`iam:`, `ec2:`…), and
    ///   `aws:RequestTag/…` (an action that carries no tags fails the test);
    /// - ownership: `aws:ResourceAccount`, `aws:ResourceOrgID`, `aws:ResourceOrgPaths`;
    /// - IAM's own guards: `iam:PermissionsBoundary` (new roles and users must carry a
    ///   boundary), `iam:PolicyARN` (which policies may be attached), `iam:PassedToService`
    ///   (to which service a role may be passed), `iam:AWSServiceName`;
    /// - calls made by a service on the caller's behalf: `aws:CalledVia`, `aws:CalledViaFirst`,
    ///   `aws:CalledViaLast`, `kms:ViaService`.
    /// Network origin (`aws:SourceIp`, `aws:SourceVpc`, `aws:SourceVpce`), MFA, time and
    /// region keys are left out on purpose: they limit where a call comes from, not what it
    /// touches, and a grant on `*` still reaches every resource.
    static let scopingKeys: [String] = [
        "aws:resourcetag/", "aws:requesttag/", "aws:resourceaccount", "aws:resourceorgid", "aws:resourceorgpaths",
        "iam:permissionsboundary", "iam:policyarn", "iam:passedtoservice", "iam:awsservicename",
        "aws:calledvia", "aws:calledviafirst", "aws:calledvialast", "kms:viaservice",
    ]

    /// True when the clause tests a scoping key (see `scopingKeys`) in a way that fails for
    /// requests outside the scope: a positive `String…`/`Arn…` test with a concrete value
    /// (not `IfExists`, which admits requests without the key, nor `ForAllValues:`, which does
    /// too), `Null … false` on a tag key, or `Bool aws:ViaAWSService true`.
    static func isScoping(_ clause: ConditionClause) -> Bool {
        let key = clause.normalizedKey
        var op = clause.op.lowercased()
        if op.hasPrefix("forallvalues:") { return false }
        if op.hasPrefix("foranyvalue:") { op = String(op.dropFirst("foranyvalue:".count)) }
        if op.hasSuffix("ifexists") { return false }
        if key == "aws:viaawsservice" {
            return op == "bool" && clause.values.contains { $0.value.lowercased() == "true" }
        }
        let named = key.containsUTF8(":resourcetag/") || scopingKeys.contains { $0.hasSuffix("/") ? key.hasPrefix($0) : key == $0 }
        guard named else { return false }
        if op == "null" {
            return key.containsUTF8("tag/") && !clause.values.isEmpty && clause.values.allSatisfy { $0.value.lowercased() == "false" }
        }
        guard op.hasPrefix("string") || op.hasPrefix("arn"), !op.containsUTF8("not") else { return false }
        return !clause.values.isEmpty && !clause.values.contains { !$0.isSymbolic && !$0.value.isEmpty && $0.value.allSatisfy { $0 == "*" } }
    }

    /// The first condition of the statement that scopes it (see `isScoping`).
    static func scopingCondition(_ statement: Statement) -> ConditionClause? {
        statement.conditions.first(where: isScoping)
    }

    /// An Allow statement of an identity policy.
    static func isIdentityAllow(_ statement: Statement) -> Bool {
        PermissionScope.isIdentityAllow(statement)
    }

    /// True when IAM202 (`*` on `*`) or IAM206 (all of IAM on every IAM resource) is the rule
    /// for this statement's breadth: it allows every action, or every IAM action.
    static func isWiderGrant(_ statement: Statement, covered: ActionSet? = nil) -> Bool {
        if PermissionScope.coversEveryAction(statement) { return true }
        let iam = ActionSets.iam
        return !iam.isEmpty && iam.isSubset(of: covered ?? ActionSets.covered(by: statement))
    }
}
