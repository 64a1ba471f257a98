import IAMLintCore
import IAMLintModel

/// One way for a principal to become a role, as the built-in rules see it: an identity policy of
/// the principal allows `sts:AssumeRole` on the role and the role's trust policy surely admits it.
///
/// The public face of the trust logic the built-in rules share, for code outside this module
/// (custom rule packs), so that "who can become whom" means the same thing everywhere.
///
/// 32 bytes: the indexes are stored in 32 bits (an organisation has hundreds of thousands of steps).
public struct AssumeStep: Sendable {
    /// The principal index of the caller (a user or a role).
    @Index32 public var from: Int
    /// The principal index of the role.
    @Index32 public var to: Int
    /// The identity-policy statement that allows the call (an MFA-free one when there is one).
    public var assumeStatement: Statement
    /// The trust statement that admits the caller (an MFA-free one when there is one).
    public var trustStatement: Statement
    /// True when every way through the step demands MFA.
    public var requiresMFA: Bool

    public init(from: Int, to: Int, assumeStatement: Statement, trustStatement: Statement, requiresMFA: Bool) {
        self.from = from
        self.to = to
        self.assumeStatement = assumeStatement
        self.trustStatement = trustStatement
        self.requiresMFA = requiresMFA
    }
}

extension IAMGraph {
    /// Every assume step of the graph, one per (principal, role) pair, in the order of
    /// `assumeEdges`: the same steps as `assumeHops()`, found faster. A policy that allows
    /// `sts:AssumeRole` on `*` makes an edge to every role, and most of those roles' trust
    /// policies cannot admit the caller; `TrustGate` drops them before the trust is weighed.
    /// Computed once per graph (`DerivedFacts`).
    public func assumeSteps() -> [AssumeStep] {
        derived.value(AssumeStepsFact.self) { computeAssumeSteps() }
    }

    private func computeAssumeSteps() -> [AssumeStep] {
        let facts = principalFacts
        let table = trustStatementTable
        let gate = TrustGate(self, facts: facts)
        let edges = assumeEdges
        let count = principals.count
        // The edges the gate lets through (one bit each) and the (caller, role) pairs they make,
        // counted first so that the steps are reserved once, at most one per pair: nearly every
        // pair kept by the gate is admitted, and growing the list (some ten megabytes at 100,000
        // principals) copied it again and again. Edges come caller by caller (`IAMGraph` makes
        // them principal by principal, and its index of them checks it), so a pair is found
        // through its role's latest caller; no list of every pair is kept.
        var kept = [UInt64](repeating: 0, count: (edges.count + 63) / 64)
        var lastCaller = [Int32](repeating: -1, count: count)
        var pairCount = 0
        for position in edges.indices {
            // By position: a copy of each edge would touch every statement of the graph.
            let from = edges[position].from, role = edges[position].role
            guard gate.mayAdmit(from, role: role) else { continue }
            kept[position >> 6] |= 1 << UInt64(position & 63)
            if lastCaller[role] != Int32(from) {
                lastCaller[role] = Int32(from)
                pairCount += 1
            }
        }
        var steps: [AssumeStep] = []
        steps.reserveCapacity(pairCount)
        // Whether each caller's own policies deny assuming without MFA: 0 not yet asked, 1 no, 2 yes.
        var callerDenies = [UInt8](repeating: 0, count: count)
        // Each role's trust, read once for all its callers: its position in `trusts`, -1 when
        // not yet read, -2 when the role has none. Read in place (a copy of a role's trust
        // retains its statements).
        var trustOf = [Int32](repeating: -1, count: count)
        var trusts: [RoleTrust] = []
        // Each role's latest answer for one caller account, where that is all it depends on
        // (`RoleTrust.dependsOnlyOnCallerAccount`), read in place.
        var answered = [Bool](repeating: false, count: count)
        var answeredAccount = [String?](repeating: nil, count: count)
        var answers = [TrustAnswer](repeating: TrustAnswer(certainty: .no, first: -1, free: -1), count: count)
        // One caller's pairs, in the order of their first edge, each with its edges chained
        // (`nextEdge`, by position in the caller's run, read up to the pair's last edge) and
        // found by role (`pairOf`, valid where `lastCaller` is the caller).
        var pairs: [(to: Int32, firstEdge: Int32, lastEdge: Int32)] = []
        var nextEdge = [Int32](repeating: 0, count: 64)
        var pairOf = [Int32](repeating: 0, count: count)
        for k in lastCaller.indices { lastCaller[k] = -1 }
        var start = 0
        while start < edges.count {
            let from = edges[start].from
            var end = start + 1
            while end < edges.count && edges[end].from == from { end += 1 }
            pairs.removeAll(keepingCapacity: true)
            if nextEdge.count < end - start { nextEdge = [Int32](repeating: 0, count: 2 * (end - start)) }
            for position in start..<end where kept[position >> 6] & (1 << UInt64(position & 63)) != 0 {
                let role = edges[position].role
                if lastCaller[role] == Int32(from) {
                    let pair = Int(pairOf[role])
                    nextEdge[Int(pairs[pair].lastEdge) - start] = Int32(position)
                    pairs[pair].lastEdge = Int32(position)
                } else {
                    lastCaller[role] = Int32(from)
                    pairOf[role] = Int32(pairs.count)
                    pairs.append((Int32(role), Int32(position), Int32(position)))
                }
            }
            for pair in pairs.indices {
                let to = Int(pairs[pair].to)
                var t = Int(trustOf[to])
                if t == -1 {
                    // From the table's rows, with their traits, when it has the role's statements.
                    let rows = table.rows(of: to)
                    if !rows.isEmpty {
                        t = trusts.count
                        trusts.append(RoleTrust(rows: rows, of: table))
                    } else if let document = principals[to].trustPolicy {
                        t = trusts.count
                        trusts.append(RoleTrust(document))
                    } else {
                        t = -2
                    }
                    trustOf[to] = Int32(t)
                }
                guard t >= 0 else { continue }
                let admission: TrustAnswer
                if trusts[t].dependsOnlyOnCallerAccount {
                    if answered[to], answeredAccount[to] == facts.knownAccounts[from] {
                        admission = answers[to]
                    } else {
                        admission = trustAdmission(of: from, to: to, trust: trusts[t], facts: facts)
                        answered[to] = true
                        answeredAccount[to] = facts.knownAccounts[from]
                        answers[to] = admission
                    }
                } else {
                    admission = trustAdmission(of: from, to: to, trust: trusts[t], facts: facts)
                }
                guard admission.certainty == .yes, admission.first >= 0 else { continue }
                // The edges by position, their statements read in place: a statement is copied
                // once, into the step.
                let firstAssume = Int(pairs[pair].firstEdge), lastAssume = Int(pairs[pair].lastEdge)
                var freeAssume = -1
                var position = firstAssume
                while true {
                    if !edges[position].statement.requiresMFA {
                        freeAssume = position
                        break
                    }
                    if position == lastAssume { break }
                    position = Int(nextEdge[position - start])
                }
                if callerDenies[from] == 0 { callerDenies[from] = deniesAssumeWithoutMFA(from) ? 2 : 1 }
                let trustPosition = Int(admission.free >= 0 ? admission.free : admission.first)
                steps.append(AssumeStep(
                    from: from, to: to, assumeStatement: edges[freeAssume >= 0 ? freeAssume : firstAssume].statement,
                    trustStatement: trusts[t].allows[trustPosition].statement,
                    requiresMFA: freeAssume < 0 || admission.free < 0 || callerDenies[from] == 2 || trusts[t].deniesAssumeWithoutMFA))
            }
            start = end
        }
        return steps
    }

    /// The Allow statements of role `role`'s trust policy that surely admit principal `x` (a user
    /// or a role); empty when none does or when the answer depends on the deployment.
    public func statementsSurelyAdmitting(_ x: Int, toRole role: Int) -> [Statement] {
        let admission = trustAdmission(of: x, to: role)
        return admission.certainty == .yes ? admission.statements : []
    }

    /// Whether one Allow statement of role `role`'s trust policy surely admits principal `x`.
    public func statementSurelyAdmits(_ statement: Statement, principal x: Int, role: Int) -> Bool {
        guard admits(statement, principal: x, role: role) == .yes else { return false }
        return !(principals[role].trustPolicy?.deniesOutsideCallers ?? false)
    }
}

/// `IAMGraph.assumeSteps()`, once per graph.
private enum AssumeStepsFact: DerivedFact {
    typealias Value = [AssumeStep]
}

/// Who each role's trust policy could surely admit, in the terms `admits(_:principal:role:)` uses:
/// `*`, a literal account id, a literal user or role name, or a placeholder (`${AWS::AccountId}`,
/// a `!Ref`'d name) that only principals of the same file or account can satisfy. A caller that
/// none of these can name is never admitted for sure, so its edges need no closer look.
///
/// Accounts and lower-cased names are keyed by a 64-bit hash of their bytes, worked out once per
/// principal and once per trust entry, so that each edge compares integers (no string hashing
/// into dictionaries). The gate only filters: a collision merely lets an edge through to
/// `trustAdmission`, which decides as before. Text that is not ASCII (where equal strings may
/// differ in their bytes) is never keyed: such a principal or trust lets every edge through.
struct TrustGate {
    private let graph: IAMGraph
    /// Per principal: the key of its known account and of its lower-cased literal name, or 0.
    private var accountOf: [UInt64]
    private var nameOf: [UInt64]
    /// Per principal: whether an account or name of it is not ASCII (every edge from it is kept).
    private var unkeyed: [Bool]
    /// Per role: whether its trust admits `*` (or names what cannot be keyed), and whether it
    /// names a placeholder.
    private var anyone: [Bool]
    private var symbolic: [Bool]
    /// `keys[offsets[r]..<offsets[r + 1]]`: the keys of the accounts and names role `r`'s trust
    /// names, each once.
    private var offsets: [Int32]
    private var keys: [UInt64] = []

    /// The key of an ASCII text: FNV-1a of its bytes, tagged by what it names (`salt`), never 0;
    /// nil when the text is not ASCII.
    static func key(_ text: String, salt: UInt64) -> UInt64? {
        var text = text
        return text.withUTF8 { bytes -> UInt64? in
            var hash = FNV1a(seed: salt)
            for b in bytes {
                if b >= 0x80 { return nil }
                hash.mix(b)
            }
            return hash.value == 0 ? 1 : hash.value
        }
    }

    private static let accountSalt: UInt64 = 0x61
    private static let nameSalt: UInt64 = 0x6e

    init(_ graph: IAMGraph, facts: PrincipalFacts) {
        self.graph = graph
        let count = graph.principals.count
        var unkeyed = [Bool](repeating: false, count: count)
        // Principals come file by file, so mostly in runs of one account: the previous one's
        // key is reused for the same text.
        var previous: (account: String, key: UInt64?)?
        var accountOf = [UInt64](repeating: 0, count: count)
        var nameOf = [UInt64](repeating: 0, count: count)
        for x in 0..<count {
            if let account = facts.knownAccounts[x] {
                let key: UInt64?
                if let previous, previous.account == account {
                    key = previous.key
                } else {
                    key = Self.key(account, salt: Self.accountSalt)
                    previous = (account, key)
                }
                if let key { accountOf[x] = key } else { unkeyed[x] = true }
            }
            if let name = facts.lowercasedNames[x] {
                if let key = Self.key(name, salt: Self.nameSalt) { nameOf[x] = key } else { unkeyed[x] = true }
            }
        }
        self.accountOf = accountOf
        self.nameOf = nameOf
        self.unkeyed = unkeyed
        anyone = Array(repeating: false, count: count)
        symbolic = Array(repeating: false, count: count)
        offsets = Array(repeating: 0, count: count + 1)
        // The trust statements of every role from the graph's table: no walk through each
        // role's storage and trust document to reach them.
        let table = graph.trustStatementTable
        for r in 0..<count {
            offsets[r] = Int32(keys.count)
            let start = keys.count
            func add(_ key: UInt64) {
                if !keys[start...].contains(key) { keys.append(key) }
            }
            // By position: a copy of each statement's entries (texts, identities, ranges) cost
            // more than reading the identities.
            for s in table.rows(of: r) where table.traits[s].contains(.allow) && !table.traits[s].contains(.notPrincipal) {
                let entries = table.statements[s].principals
                for e in entries.indices {
                    switch entries[e].identity {
                    case .anyone:
                        anyone[r] = true
                    case .account(let id):
                        if Self.hasPlaceholder(id) {
                            symbolic[r] = true
                        } else if let key = Self.key(id, salt: Self.accountSalt) {
                            add(key)
                        } else {
                            anyone[r] = true
                        }
                    case .user(let account, let name), .role(let account, let name), .assumedRole(let account, let name):
                        let symbolicName = Self.hasPlaceholder(name)
                        if symbolicName || Self.hasPlaceholder(account) { symbolic[r] = true }
                        if !symbolicName {
                            if let key = Self.key(name.lowercased(), salt: Self.nameSalt) { add(key) } else { anyone[r] = true }
                        }
                    case .other, .service, .federated:
                        continue
                    }
                }
            }
        }
        offsets[count] = Int32(keys.count)
    }

    /// `text.contains("${")`: on the bytes when the text is ASCII (where characters are bytes).
    static func hasPlaceholder(_ text: String) -> Bool {
        let scanned: Bool?? = text.utf8.withContiguousStorageIfAvailable { bytes in
            var previous: UInt8 = 0
            var found = false
            for c in bytes {
                if c >= 0x80 { return nil }
                if c == UInt8(ascii: "{") && previous == UInt8(ascii: "$") { found = true }
                previous = c
            }
            return found
        }
        if case .some(.some(let found)) = scanned { return found }
        return text.contains("${")
    }

    /// False only when role `role`'s trust policy cannot surely admit principal `x`.
    func mayAdmit(_ x: Int, role: Int) -> Bool {
        if anyone[role] || unkeyed[x] { return true }
        let account = accountOf[x], name = nameOf[x]
        for position in Int(offsets[role])..<Int(offsets[role + 1]) {
            let key = keys[position]
            if key == account || key == name { return true }
        }
        if symbolic[role] {
            if graph.principals[x].provenance.file == graph.principals[role].provenance.file { return true }
            if account != 0, account == accountOf[role] || unkeyed[role] { return true }
        }
        return false
    }
}
