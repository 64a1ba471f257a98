import IAMLintCore
import IAMLintModel

/// An answer the repository may not settle: accounts that are not configured, names that stay
/// symbolic until deployment. Rules report only on `.yes` (or only on `.no`), never on `.maybe`.
enum Certainty: Int, Comparable {
    case no = 0
    case maybe = 1
    case yes = 2

    static func < (a: Certainty, b: Certainty) -> Bool { a.rawValue < b.rawValue }
}

// MARK: - Conditions that restrict the caller

enum TrustConditionKeys {
    /// Keys that pin who (or which resource, for services) may make the request.
    static let caller: Set<String> = [
        "aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn",
        "aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths",
        "sts:externalid", "aws:userid",
    ]
    /// Keys that tie a service's request to the resource (and account) it acts for.
    static let source: Set<String> = ["aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths"]
    /// Keys whose values are account or organization ids: no wildcard may appear in them.
    static let exactIDs: Set<String> = ["aws:principalaccount", "aws:sourceaccount", "aws:principalorgid", "aws:sourceorgid"]
    static let orgPaths: Set<String> = ["aws:principalorgpaths", "aws:sourceorgpaths"]
    static let arns: Set<String> = ["aws:principalarn", "aws:sourcearn"]
    static let externalID: Set<String> = ["sts:externalid"]

    /// False for a key that cannot be one `conditionCertainty` weighs (`aws:PrincipalArn`,
    /// `aws:PrincipalType`, `aws:UserId`, `aws:username`, `aws:PrincipalServiceName`,
    /// `aws:PrincipalIsAWSService`, principal and resource tags): each has `p`, `u` or `r` after
    /// its four-character prefix. Told on the bytes of ASCII keys, before the key is lower-cased.
    static func mayWeighCaller(_ key: String) -> Bool {
        guard key.isASCIIText else { return true }
        let utf8 = key.utf8
        guard utf8.count > 4 else { return false }
        switch utf8[utf8.index(utf8.startIndex, offsetBy: 4)] | 0x20 {
        case UInt8(ascii: "p"), UInt8(ascii: "u"), UInt8(ascii: "r"): return true
        default: return false
        }
    }
    static let principalARN: Set<String> = ["aws:principalarn"]
}

extension ConditionClause {
    /// The comparison without `IfExists` and without a `ForAnyValue:`/`ForAllValues:` prefix: `stringlike`.
    var comparison: String {
        let base = baseOperator
        // On the bytes when the operator is ASCII (where characters are bytes).
        if base.isASCIIText {
            guard let colon = base.utf8.firstIndex(of: UInt8(ascii: ":")) else { return base }
            return String(base[base.utf8.index(after: colon)...])
        }
        guard let colon = base.firstIndex(of: ":") else { return base }
        return String(base[base.index(after: colon)...])
    }

    /// True when the clause passes only for requests whose key holds one of its values: a positive
    /// string or ARN comparison, not `IfExists` (which passes when the key is absent) and not
    /// `ForAllValues:` (which passes for an empty set) unless `allowForAllValues`.
    func isPositiveMatch(allowForAllValues: Bool = false) -> Bool {
        guard !ifExists, !values.isEmpty else { return false }
        if !allowForAllValues && op.lowercased().hasPrefix("forallvalues:") { return false }
        let c = comparison
        guard c.hasPrefix("string") || c.hasPrefix("arn") else { return false }
        return !c.containsText("not")
    }

    /// True for a negated comparison (`StringNotEquals`, `ArnNotLike`), not `IfExists`.
    var isNegatedMatch: Bool {
        let c = comparison
        return !ifExists && !values.isEmpty && (c.hasPrefix("string") || c.hasPrefix("arn")) && c.containsText("not")
    }

    /// True when the comparison treats `*` and `?` as wildcards (`StringLike`, `ArnLike`, `ArnEquals`).
    var usesWildcards: Bool {
        let c = comparison
        return c.containsText("like") || c.hasPrefix("arn")
    }

    /// True when every value of the clause pins a caller: account and organization ids without
    /// wildcards, ARNs whose account is fixed, other values that are more than wildcards. Symbolic
    /// values (parameters) count as pinned: they are not guessed.
    var pinsEveryValue: Bool {
        guard usesWildcards else { return !values.isEmpty }
        let key = normalizedKey
        return !values.isEmpty && values.allSatisfy { text in
            let v = text.value
            if TrustConditionKeys.exactIDs.contains(key) { return !Wildcards.contains(v) }
            if TrustConditionKeys.orgPaths.contains(key) {
                let org = v.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? v
                return !org.isEmpty && !Wildcards.contains(org)
            }
            if TrustConditionKeys.arns.contains(key) { return Wildcards.pinsARN(v) }
            return !Wildcards.isOnlyWildcards(v)
        }
    }

    /// True when the clause pins the caller through one of `keys`. `allowIfExists` accepts the
    /// `IfExists` forms, for keys that every caller who matters sends (services that support
    /// `aws:SourceAccount` always send it).
    /// False when `key` cannot be one of `keys` (lower-case ASCII texts) whatever its case: an
    /// ASCII key keeps its length when lower-cased, so one of no member's length is none of them
    /// (most clauses of a trust are told apart so, without a lower-cased copy of their key).
    static func mayBeOne(of keys: Set<String>, _ key: String) -> Bool {
        let length = key.utf8.count
        return keys.contains { $0.utf8.count == length } || !key.isASCIIText
    }

    func restricts(through keys: Set<String>, allowIfExists: Bool = false) -> Bool {
        guard Self.mayBeOne(of: keys, key), keys.contains(normalizedKey), pinsEveryValue else { return false }
        if isPositiveMatch() { return true }
        guard allowIfExists, ifExists, !values.isEmpty else { return false }
        let c = comparison
        return (c.hasPrefix("string") || c.hasPrefix("arn")) && !c.containsText("not")
    }
}

enum Wildcards {
    static func contains(_ s: String) -> Bool {
        s.containsUTF8("*") || s.containsUTF8("?")
    }

    static func isOnlyWildcards(_ s: String) -> Bool {
        !s.isEmpty && s.allSatisfy { $0 == "*" || $0 == "?" }
    }

    /// An ARN pattern pins a caller when its account is fixed, or (ARNs without an account, such
    /// as S3 buckets) when its resource is more than wildcards.
    static func pinsARN(_ v: String) -> Bool {
        guard let arn = ARN(v) else { return !isOnlyWildcards(v) && !v.hasPrefix("*") }
        if arn.account.isEmpty { return !arn.resource.isEmpty && !isOnlyWildcards(arn.resource) && !isOnlyWildcards(arn.service) }
        return !contains(arn.account)
    }
}

extension Statement {
    /// True when a condition restricts who may make the request: an organization, account, source
    /// resource, external id or principal ARN pinned by a positive test. A condition only on MFA,
    /// tags or the network does not say who the caller is.
    var restrictsCaller: Bool {
        conditions.contains { $0.restricts(through: TrustConditionKeys.caller) }
    }

    /// True when `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOrgID` or `aws:SourceOrgPaths`
    /// pins the resource a service acts for (`IfExists` forms included: a service that supports
    /// the keys sends them).
    var restrictsSource: Bool {
        conditions.contains { $0.restricts(through: TrustConditionKeys.source, allowIfExists: true) }
    }

    /// True when the caller must present a fixed `sts:ExternalId`.
    var requiresExternalID: Bool {
        conditions.contains { $0.restricts(through: TrustConditionKeys.externalID) }
    }

    /// True when `aws:PrincipalArn` pins the callers to named principals.
    var restrictsPrincipalARN: Bool {
        conditions.contains { $0.restricts(through: TrustConditionKeys.principalARN) }
    }

    /// True for a Deny of assuming the role whose condition fires for every caller outside a
    /// pinned set (`StringNotEquals aws:PrincipalOrgID o-…`): the Allow beside it is restricted.
    var deniesOutsideCallers: Bool {
        guard effect == .deny, coversAssumeRole, !isNotPrincipal else { return false }
        let everyone = principals.isEmpty || principals.contains { $0.identity == .anyone }
        guard everyone else { return false }
        return conditions.contains { c in
            TrustConditionKeys.caller.contains(c.normalizedKey) && c.isNegatedMatch && c.pinsEveryValue
        }
    }

    /// The logical path of a principal entry inside the statement: `Principal.AWS`, `NotPrincipal`.
    func principalPath(_ entry: PrincipalEntry) -> String {
        let element = isNotPrincipal ? "NotPrincipal" : "Principal"
        return entry.kind == .anyone ? element : "\(element).\(entry.kind.rawValue)"
    }

    /// The provenance of a principal entry, at the entry's own text.
    func provenance(of entry: PrincipalEntry) -> Provenance {
        provenance.child(principalPath(entry), range: entry.text.range)
    }

    /// The provenance of an action text.
    func provenance(ofAction text: PolicyText) -> Provenance {
        provenance.child(isNotAction ? "NotAction" : "Action", range: text.range)
    }

    /// The provenance of a resource text.
    func provenance(ofResource text: PolicyText) -> Provenance {
        provenance.child(isNotResource ? "NotResource" : "Resource", range: text.range)
    }

    /// The provenance of a condition clause (from its key to the end of its values).
    func provenance(of clause: ConditionClause) -> Provenance {
        provenance.child("Condition.\(clause.op).\(clause.key)", range: clause.range)
    }

    /// The provenance of one value of a condition clause.
    func provenance(of clause: ConditionClause, value: PolicyText) -> Provenance {
        provenance.child("Condition.\(clause.op).\(clause.key)", range: value.range)
    }
}

extension PolicyDocument {
    /// True when a Deny of the document denies assuming the role without MFA.
    var deniesAssumeWithoutMFA: Bool {
        statements.contains { $0.deniesWithoutMFA && $0.coversAssumeRole }
    }

    /// True when a Deny of the document shuts out callers outside a pinned organization or account.
    var deniesOutsideCallers: Bool {
        statements.contains(where: \.deniesOutsideCallers)
    }
}

// MARK: - Accounts, MFA and administrator access

extension IAMGraph {
    /// The account a principal lives in, when it is a literal id (stated by the file or configured).
    func knownAccount(of index: Int) -> String? {
        guard let id = accountID(of: index), ARN.isAccountID(id) else { return nil }
        return id
    }

    /// True when one of the principal's policies denies, without MFA, everything or everything
    /// but a short `NotAction` list (the usual "manage your own MFA, then nothing else" policy).
    func enforcesMFA(_ index: Int) -> Bool {
        if enforcesMFAByPolicy(index) { return true }
        return grants[index].contains { grant in
            grant.document?.statements.contains { s in
                s.deniesWithoutMFA && (s.coversAllActions || s.isNotAction) && (s.coversAllResources || s.isNotResource)
            } ?? false
        }
    }

    /// True when one of the principal's policies denies `sts:AssumeRole` without MFA.
    func deniesAssumeWithoutMFA(_ index: Int) -> Bool {
        grants[index].contains { grant in
            grant.document?.statements.contains { $0.deniesWithoutMFA && $0.covers(action: "sts:AssumeRole") } ?? false
        }
    }

    /// `isAdministratorEquivalent(i)` of every principal, asked once per graph (`derived`): rules
    /// ask it of every principal, and each such query of the graph looks its facts up anew.
    var administrators: [Bool] {
        derived.value(Administrators.self) { principals.indices.map { isAdministratorEquivalent($0) } }
    }

    /// The principal's administrator grant that holds without MFA: `AdministratorAccess`, or an
    /// Allow of `*` on `*` whose statement does not require MFA. Nil when an unconditional Deny
    /// of everything cancels it. `administrators`: the graph's, when the caller holds them.
    func adminGrantWithoutMFA(_ index: Int, administrators: [Bool]? = nil) -> Grant? {
        guard (administrators ?? self.administrators)[index] else { return nil }
        return grants[index].first { grant in
            if case .arn(let arn) = grant.source, ARN.isAdministratorAccess(arn.value) { return true }
            return grant.document?.statements.contains {
                $0.effect == .allow && $0.coversAllActions && $0.coversAllResources && $0.principals.isEmpty && !$0.requiresMFA
            } ?? false
        }
    }

    /// A stable order for principals in messages and reports: name, then file, then logical name.
    func precedes(_ a: Int, _ b: Int) -> Bool {
        let pa = principals[a], pb = principals[b]
        if pa.displayName != pb.displayName { return pa.displayName < pb.displayName }
        if pa.provenance.file != pb.provenance.file { return pa.provenance.file < pb.provenance.file }
        if pa.logicalName != pb.logicalName { return pa.logicalName < pb.logicalName }
        return a < b
    }

    /// `indices.sorted(by: precedes)`, each principal's name, file and logical name read once
    /// rather than at every comparison.
    func sortedByPrecedence<Indices: Sequence>(_ indices: Indices) -> [Int] where Indices.Element == Int {
        let keyed = indices.map { i in
            let p = principals[i]
            return (index: i, name: p.displayName, file: p.provenance.file, logicalName: p.logicalName)
        }
        if keyed.count < 2 { return keyed.map(\.index) }
        return keyed.sorted { a, b in
            if a.name != b.name { return a.name < b.name }
            if a.file != b.file { return a.file < b.file }
            if a.logicalName != b.logicalName { return a.logicalName < b.logicalName }
            return a.index < b.index
        }.map(\.index)
    }
}

// MARK: - What trust admission reads, spelt once

private enum Administrators: DerivedFact {
    typealias Value = [Bool]
}

/// What trust admission reads of every principal, spelt once per graph (`derived`): rules weigh
/// the trust of every assume edge, and reading a principal's fields in place of these arrays
/// touches its storage (and spells its account's check) again for every edge.
struct PrincipalFacts: Sendable {
    /// `principals[i].kind`.
    let kinds: [EntityKind]
    /// `knownAccount(of: i)`.
    let knownAccounts: [String?]
    /// The explicit name, lower-cased, unless it is symbolic.
    let lowercasedNames: [String?]

    init(_ graph: IAMGraph) {
        kinds = graph.principals.map(\.kind)
        // Principals come file by file, so mostly in runs of one account: the previous
        // principal's answer is reused for the same text.
        var previous: (id: String, known: String?)?
        knownAccounts = graph.principals.indices.map { index in
            guard let id = graph.accountID(of: index) else { return nil }
            if let previous, previous.id == id { return previous.known }
            let known = ARN.isAccountID(id) ? id : nil
            previous = (id, known)
            return known
        }
        lowercasedNames = graph.principals.map { p in p.explicitName.flatMap { $0.isSymbolic ? nil : $0.value.lowercased() } }
    }
}

private enum PrincipalFactsFact: DerivedFact {
    typealias Value = PrincipalFacts
}

extension IAMGraph {
    /// `PrincipalFacts`, once per graph.
    var principalFacts: PrincipalFacts {
        derived.value(PrincipalFactsFact.self) { PrincipalFacts(self) }
    }
}

/// What trust admission asks of a statement whatever the caller: `assumeSteps()` works it out
/// once per trust statement (`RoleTrust`), as a role's trust is weighed for every principal
/// that may assume it.
struct TrustStatementFacts {
    /// `covers(action: "sts:AssumeRole")`.
    var coversAssumeRole: Bool
    /// `requiresMFA`.
    var requiresMFA: Bool
    /// False when no condition can depend on the caller or leave the answer open:
    /// `conditionCertainty` is then `.yes` for everyone.
    var weighsCaller: Bool

    /// `requiresMFA`: the statement's, asked by the caller (the table's traits know it).
    init(_ s: Statement, requiresMFA: Bool) {
        coversAssumeRole = s.covers(action: "sts:AssumeRole")
        self.requiresMFA = requiresMFA
        weighsCaller = false
        // By position: a clause (its texts and values) is copied only when its key may weigh
        // the caller (`contains` copied every clause, a retain of each of its references).
        let conditions = s.conditions
        for position in conditions.indices where TrustConditionKeys.mayWeighCaller(conditions[position].key) {
            if Self.weighsCaller(conditions[position]) {
                weighsCaller = true
                break
            }
        }
    }

    private static func weighsCaller(_ clause: ConditionClause) -> Bool {
        let key = clause.normalizedKey
        switch key {
        case "aws:principalarn", "aws:principaltype":
            return clause.isPositiveMatch()
        case "aws:userid", "aws:username", "aws:principalservicename", "aws:principalisawsservice":
            return true
        default:
            return key.hasPrefix("aws:principaltag/") || key.hasPrefix("iam:resourcetag/") || key.hasPrefix("aws:resourcetag/")
        }
    }
}

/// What a role's trust (`RoleTrust`) answers for one caller: the certainty, and the positions in
/// its `allows` of the first statement that surely admits the caller and of the first such one
/// that does not require MFA (-1 for none).
struct TrustAnswer {
    var certainty: Certainty
    var first: Int32
    var free: Int32
}

/// A role's trust policy as `assumeSteps()` weighs it for each caller: the Allow statements with
/// their `TrustStatementFacts`, and what the Deny statements say of every caller.
struct RoleTrust {
    var allows: [(statement: Statement, facts: TrustStatementFacts)]
    /// `document.deniesOutsideCallers`.
    var deniesOutsideCallers: Bool
    /// `document.deniesAssumeWithoutMFA`.
    var deniesAssumeWithoutMFA: Bool
    /// True when what the trust answers for a caller depends on nothing but the caller's known
    /// account (`PrincipalFacts.knownAccounts`): no Allow that covers assuming the role names a
    /// user or a role (names and kinds), or `${AWS::AccountId}` (files and configured accounts),
    /// or weighs the caller in its conditions. Callers of one account then share one answer.
    var dependsOnlyOnCallerAccount: Bool

    init(_ document: PolicyDocument) {
        let statements = document.statements
        self.init(statements, requiresMFA: { statements[$0].requiresMFA })
    }

    /// The trust of the role whose statements are rows `rows` of `table`, each statement's
    /// `requiresMFA` read from the table's traits.
    init(rows: Range<Int>, of table: TrustStatementTable) {
        let traits = table.traits
        self.init(table.statements[rows], requiresMFA: { traits[$0].contains(.requiresMFA) })
    }

    private init<Statements: RandomAccessCollection>(
        _ statements: Statements, requiresMFA: (Statements.Index) -> Bool
    ) where Statements.Element == Statement {
        // One pass, one list: the statements are read once for the allows and the two denies.
        allows = []
        allows.reserveCapacity(statements.count)
        deniesOutsideCallers = false
        deniesAssumeWithoutMFA = false
        dependsOnlyOnCallerAccount = true
        for position in statements.indices {
            let statement = statements[position]
            if statement.effect == .allow {
                let facts = TrustStatementFacts(statement, requiresMFA: requiresMFA(position))
                allows.append((statement, facts))
                if dependsOnlyOnCallerAccount, facts.coversAssumeRole, !Self.dependsOnlyOnCallerAccount(statement, facts) {
                    dependsOnlyOnCallerAccount = false
                }
            } else {
                if !deniesOutsideCallers, statement.deniesOutsideCallers { deniesOutsideCallers = true }
                if !deniesAssumeWithoutMFA, statement.deniesWithoutMFA && statement.coversAssumeRole { deniesAssumeWithoutMFA = true }
            }
        }
    }
}

extension RoleTrust {
    /// Whether `admitsAllow` reads nothing of the caller but its known account for this Allow
    /// statement: its principal entries are `*`, literal or symbolic accounts other than
    /// `${AWS::AccountId}`, services, federated or other principals (see `admits(_:principal:role:facts:)`),
    /// and its conditions cannot weigh the caller.
    static func dependsOnlyOnCallerAccount(_ statement: Statement, _ facts: TrustStatementFacts) -> Bool {
        guard !facts.weighsCaller else { return false }
        let entries = statement.principals
        for position in entries.indices {
            switch entries[position].identity {
            case .anyone, .service, .federated, .other:
                continue
            case .account(let id):
                if id == "${AWS::AccountId}" { return false }
            case .user, .role, .assumedRole:
                return false
            }
        }
        return true
    }
}

// MARK: - Who a trust statement admits

extension IAMGraph {
    /// Whether an account written in role `role`'s trust policy is the account of principal `x`.
    /// `${AWS::AccountId}` is the role's own account: the same as `x`'s when both sit in one file
    /// or in the same configured account.
    func accountCertainty(_ written: String, principal x: Int, role: Int, facts: PrincipalFacts) -> Certainty {
        let xAccount = facts.knownAccounts[x]
        if written == "${AWS::AccountId}" {
            if principals[x].provenance.file == principals[role].provenance.file && principals[x].account == principals[role].account {
                return .yes
            }
            guard let xAccount, let rAccount = facts.knownAccounts[role] else { return .maybe }
            return xAccount == rAccount ? .yes : .no
        }
        // A known account is an account id: equal text is the same account, and without one the
        // answer is open whatever is written.
        guard let xAccount else { return .maybe }
        if xAccount == written { return .yes }
        return ARN.isAccountID(written) ? .no : .maybe
    }

    /// Whether a user or role name written in role `role`'s trust policy names principal `x`.
    func nameCertainty(_ entry: PrincipalEntry, name: String, principal x: Int, role: Int, facts: PrincipalFacts) -> Certainty {
        if TrustGate.hasPlaceholder(name) {
            let named = resolve(entry.text, kind: facts.kinds[x], from: principals[role].provenance.file)
            if named.contains(x) { return .yes }
            return named.isEmpty ? .maybe : .no
        }
        guard let explicit = facts.lowercasedNames[x] else { return .no }
        return explicit == name.lowercased() ? .yes : .no
    }

    /// Whether one principal entry of role `role`'s trust policy names principal `x` (a user or a role).
    func admits(_ entry: PrincipalEntry, principal x: Int, role: Int, facts: PrincipalFacts) -> Certainty {
        let kind = facts.kinds[x]
        switch entry.identity {
        case .anyone:
            return .yes
        case .account(let id):
            return accountCertainty(id, principal: x, role: role, facts: facts)
        case .user(let account, let name):
            guard kind == .user else { return .no }
            return min(nameCertainty(entry, name: name, principal: x, role: role, facts: facts), accountCertainty(account, principal: x, role: role, facts: facts))
        case .role(let account, let name), .assumedRole(let account, let name):
            guard kind == .role else { return .no }
            return min(nameCertainty(entry, name: name, principal: x, role: role, facts: facts), accountCertainty(account, principal: x, role: role, facts: facts))
        case .other(let value):
            return entry.kind == .aws && value.containsText("${") ? .maybe : .no
        case .service, .federated:
            return .no
        }
    }

    /// Whether the statement's conditions let principal `x` through: a pinned `aws:PrincipalArn`
    /// that cannot name it, or `aws:PrincipalType` of the other kind, shut it out; tag and user-id
    /// tests leave it open; MFA, external id, network and organization tests do not say who.
    func conditionCertainty(_ statement: Statement, principal x: Int, facts: PrincipalFacts) -> Certainty {
        if statement.conditions.isEmpty { return .yes }
        let kind = facts.kinds[x]
        // The caller's ARN (and its `aws` spelling) is spelt only for an `aws:PrincipalArn` test.
        var spelt: (arn: String, candidates: [String])?
        func principalARN() -> (arn: String, candidates: [String]) {
            if let spelt { return spelt }
            let arn = self.arn(of: x)
            var candidates = [arn]
            let placeholder = "arn:${AWS::Partition}:"
            if arn.hasPrefix(placeholder) { candidates.append("arn:aws:" + arn.dropFirst(placeholder.count)) }
            spelt = (arn, candidates)
            return (arn, candidates)
        }
        var result = Certainty.yes
        // By position: a clause (its texts and values) is copied only when its key may weigh the caller.
        let conditions = statement.conditions
        for position in conditions.indices where TrustConditionKeys.mayWeighCaller(conditions[position].key) {
            let clause = conditions[position]
            let key = clause.normalizedKey
            switch key {
            case "aws:principalarn":
                guard clause.isPositiveMatch() else { continue }
                let (arn, candidates) = principalARN()
                let matched = clause.values.contains { v in
                    candidates.contains { Wildcard.matches(pattern: v.value, v.isSymbolic, $0, caseInsensitive: false) }
                }
                if matched { continue }
                let symbolic = clause.values.contains(where: \.isSymbolic) || arn.containsText("${")
                result = min(result, symbolic ? .maybe : .no)
            case "aws:principaltype":
                guard clause.isPositiveMatch() else { continue }
                let wanted = kind == .user ? "user" : "assumedrole"
                if !clause.values.contains(where: { $0.value.lowercased() == wanted || $0.isSymbolic }) { result = .no }
            case "aws:userid", "aws:username", "aws:principalservicename", "aws:principalisawsservice":
                result = min(result, .maybe)
            default:
                if key.hasPrefix("aws:principaltag/") || key.hasPrefix("iam:resourcetag/") || key.hasPrefix("aws:resourcetag/") {
                    result = min(result, .maybe)
                }
            }
        }
        return result
    }

    /// Whether an Allow statement of role `role`'s trust policy lets principal `x` call
    /// `sts:AssumeRole`. A `*` principal behind a condition that restricts the caller stays `.maybe`.
    func admits(_ statement: Statement, principal x: Int, role: Int) -> Certainty {
        admits(statement, principal: x, role: role, facts: principalFacts)
    }

    func admits(_ statement: Statement, principal x: Int, role: Int, facts: PrincipalFacts) -> Certainty {
        guard statement.effect == .allow, statement.covers(action: "sts:AssumeRole") else { return .no }
        return admitsAllow(statement, principal: x, role: role, facts: facts, weighsCaller: true)
    }

    /// `admits(_:principal:role:facts:)` for an Allow statement known to cover `sts:AssumeRole`;
    /// `weighsCaller` false (`TrustStatementFacts`) skips the conditions, which then admit everyone.
    func admitsAllow(_ statement: Statement, principal x: Int, role: Int, facts: PrincipalFacts, weighsCaller: Bool) -> Certainty {
        if statement.isNotPrincipal {
            let listed = statement.principals.contains { admits($0, principal: x, role: role, facts: facts) != .no }
            return listed ? .maybe : min(.maybe, weighsCaller ? conditionCertainty(statement, principal: x, facts: facts) : .yes)
        }
        var best = Certainty.no
        // By position: a copy of each entry (its text and identity) cost more than the test.
        let entries = statement.principals
        for position in entries.indices {
            var c = admits(entries[position], principal: x, role: role, facts: facts)
            if c == .yes, case .anyone = entries[position].identity, statement.restrictsCaller { c = .maybe }
            best = max(best, c)
            if best == .yes { break }
        }
        guard best != .no else { return .no }
        return min(best, weighsCaller ? conditionCertainty(statement, principal: x, facts: facts) : .yes)
    }

    /// Whether role `role`'s trust policy admits principal `x`, and the Allow statements that surely do.
    func trustAdmission(of x: Int, to role: Int) -> (certainty: Certainty, statements: [Statement]) {
        trustAdmission(of: x, to: role, facts: principalFacts)
    }

    /// `trustAdmission(of:to:)` with the graph's `PrincipalFacts` in hand (a rule that asks for
    /// many pairs looks them up once).
    func trustAdmission(of x: Int, to role: Int, facts: PrincipalFacts) -> (certainty: Certainty, statements: [Statement]) {
        guard let trust = principals[role].trustPolicy else { return (.no, []) }
        var certainty = Certainty.no
        var admitting: [Statement] = []
        for statement in trust.statements where statement.effect == .allow {
            let c = admits(statement, principal: x, role: role, facts: facts)
            if c == .yes { admitting.append(statement) }
            certainty = max(certainty, c)
        }
        if certainty == .yes, trust.deniesOutsideCallers { certainty = .maybe }
        return (certainty, admitting)
    }

    /// `trustAdmission(of:to:facts:).certainty != .no`, without collecting the statements: the
    /// first Allow that may admit `x` answers (a Deny of outside callers only makes `.yes` a `.maybe`).
    func trustMayAdmit(_ x: Int, to role: Int, facts: PrincipalFacts) -> Bool {
        guard let trust = principals[role].trustPolicy else { return false }
        let statements = trust.statements
        for position in statements.indices where statements[position].effect == .allow {
            if admits(statements[position], principal: x, role: role, facts: facts) != .no { return true }
        }
        return false
    }

    /// `trustAdmission(of:to:)` for the assume steps: the certainty, and the positions in
    /// `trust.allows` of the first statement that surely admits `x` and of the first such
    /// statement that does not require MFA (-1 for none). Positions rather than statements: the
    /// steps copy a statement only for the pairs they keep.
    func trustAdmission(of x: Int, to role: Int, trust: RoleTrust, facts: PrincipalFacts) -> TrustAnswer {
        var answer = TrustAnswer(certainty: .no, first: -1, free: -1)
        // By position: a copy of each allow (its statement) cost more than reading it.
        let allows = trust.allows
        for position in allows.indices where allows[position].facts.coversAssumeRole {
            let c = admitsAllow(allows[position].statement, principal: x, role: role, facts: facts, weighsCaller: allows[position].facts.weighsCaller)
            if c == .yes {
                if answer.first < 0 { answer.first = Int32(position) }
                if answer.free < 0, !allows[position].facts.requiresMFA { answer.free = Int32(position) }
            }
            answer.certainty = max(answer.certainty, c)
        }
        if answer.certainty == .yes, trust.deniesOutsideCallers { answer.certainty = .maybe }
        return answer
    }
}

// MARK: - Assume-role hops

/// A principal may become a role: its identity policy allows `sts:AssumeRole` on the role and the
/// role's trust policy surely admits it.
struct AssumeHop {
    var from: Int
    var to: Int
    /// The identity-policy statement that allows the call (an MFA-free one when there is one).
    var assume: Statement
    /// The trust statement that admits the caller (an MFA-free one when there is one).
    var trust: Statement
    /// True when every way through the hop demands MFA: the identity statements or the trust
    /// statements require it, the trust denies assuming without MFA, or the caller's own policies
    /// deny `sts:AssumeRole` without MFA.
    var requiresMFA: Bool
}

extension IAMGraph {
    /// Every hop of the graph, one per (principal, role) pair, in the order of `assumeEdges`:
    /// the same steps as `assumeSteps()`, which skips edges whose trust cannot name the caller.
    func assumeHops() -> [AssumeHop] {
        assumeSteps().map { step in
            AssumeHop(from: step.from, to: step.to, assume: step.assumeStatement, trust: step.trustStatement, requiresMFA: step.requiresMFA)
        }
    }
}
