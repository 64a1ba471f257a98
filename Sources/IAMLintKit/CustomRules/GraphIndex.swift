#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IAMLintCore
import IAMLintModel
import IAMLintRules

/// What custom rules need of a graph beyond `IAMGraph` itself: the entity lists the language
/// selects from, and derived answers (assume steps, action sets) computed once per graph and
/// shared by every custom rule of the run.
final class GraphIndex: @unchecked Sendable {
    struct AccountEntity {
        var id: String
        var name: String?
        var isIdentity: Bool
        var isConfigured: Bool
        /// The `AWS::Organizations::Account` / `aws_organizations_account` that creates it.
        var organizationResource: Provenance?
        var configuredAt: Provenance?

        var provenance: Provenance? { organizationResource ?? configuredAt }
    }

    /// An identity policy document: inline in a principal, or declared on its own.
    struct PolicyEntity {
        var name: String
        var logicalName: String
        var document: PolicyDocument
        var provenance: Provenance
        /// The principal an inline policy is written into; nil for standalone policies.
        var owner: Int?
        /// The standalone policy index; nil for inline policies.
        var standalone: Int?
        var isManaged: Bool
        var path: String?
        /// The principals the policy applies to directly (not through a group).
        var attachedTo: [Int] = []
    }

    /// A policy that applies to a principal, as `attached-policies` and `policy-arns` list it.
    struct AttachedPolicy {
        var name: String
        var arn: String?
    }

    /// Unowned: the shared cache must not keep a finished scan's graph alive; every use of the
    /// index is within an `Evaluation`, which holds the graph.
    unowned let graph: IAMGraph
    let accounts: [AccountEntity]
    let policies: [PolicyEntity]
    let statements: [Entity]
    let trustStatements: [Entity]
    let principalsByKind: [EntityKind: [Int]]
    /// Principal index → inline policy name → policy entity.
    private let inlinePolicy: [Int: [String: Int]]
    /// Standalone policy index → policy entity.
    private let standalonePolicy: [Int: Int]

    private let lock = Lock(recursive: true)
    private var _steps: [AssumeStep]?
    private var _stepsFrom: [Int: [Int]]?
    private var _usersWithAccessKeys: Set<Int>?
    private var _members: [Int: [Int]]?
    private var _actionProfiles: [Int: ActionProfile] = [:]
    private var _policyProfiles: [Int: ActionProfile] = [:]
    private var _trustCandidates: TrustCandidates?

    init(_ graph: IAMGraph) {
        self.graph = graph
        var accounts: [AccountEntity] = graph.accounts.map {
            AccountEntity(id: $0.id, name: $0.name, isIdentity: $0.isIdentity, isConfigured: true, organizationResource: nil, configuredAt: $0.provenance)
        }
        for item in graph.inventory where item.kind == .organizationAccount {
            let idText = (item.property("AccountId") ?? item.property("id"))?.value.text
            let literal = idText.flatMap { $0.isSymbolic ? nil : $0.value }.flatMap { $0.count == 12 && $0.allSatisfy(\.isNumber) ? $0 : nil }
            let name = (item.property("AccountName") ?? item.property("name"))?.value.text?.value
            if let literal, let i = accounts.firstIndex(where: { $0.id == literal }) {
                if accounts[i].organizationResource == nil { accounts[i].organizationResource = item.provenance }
                continue
            }
            accounts.append(AccountEntity(
                id: literal ?? "${\(item.logicalName)}", name: name ?? item.logicalName, isIdentity: false,
                isConfigured: false, organizationResource: item.provenance, configuredAt: nil))
        }
        self.accounts = accounts

        var policies: [PolicyEntity] = []
        var inline: [Int: [String: Int]] = [:]
        var standalone: [Int: Int] = [:]
        var byKind: [EntityKind: [Int]] = [:]
        for (i, p) in graph.principals.enumerated() {
            byKind[p.kind, default: []].append(i)
            for named in p.inlinePolicies {
                if inline[i]?[named.name] == nil { inline[i, default: [:]][named.name] = policies.count }
                policies.append(PolicyEntity(
                    name: named.name, logicalName: p.logicalName, document: named.document, provenance: named.document.provenance,
                    owner: i, standalone: nil, isManaged: false, path: nil, attachedTo: [i]))
            }
        }
        for (j, policy) in graph.policies.enumerated() {
            standalone[j] = policies.count
            policies.append(PolicyEntity(
                name: policy.displayName, logicalName: policy.logicalName, document: policy.document, provenance: policy.provenance,
                owner: nil, standalone: j, isManaged: policy.isManaged, path: policy.isManaged ? policy.path : nil))
        }
        for (i, grants) in graph.grants.enumerated() {
            for grant in grants where grant.viaGroup == nil {
                if case .standalone(let j) = grant.source, let p = standalone[j], policies[p].attachedTo.last != i {
                    policies[p].attachedTo.append(i)
                }
            }
        }
        self.policies = policies
        inlinePolicy = inline
        standalonePolicy = standalone
        principalsByKind = byKind
        statements = policies.indices.flatMap { p in policies[p].document.statements.indices.map { Entity.statement(policy: p, index: $0) } }
        trustStatements = graph.principals.indices.flatMap { r in
            (graph.principals[r].trustPolicy?.statements.indices).map { $0.map { Entity.trustStatement(role: r, index: $0) } } ?? []
        }
    }

    // MARK: Shared per graph

    private static let cacheLock = Lock()
    nonisolated(unsafe) private static weak var cachedGraph: IAMGraph?
    nonisolated(unsafe) private static var cachedIndex: GraphIndex?

    /// The index of `graph`, built once and shared by every custom rule that runs on it.
    static func of(_ graph: IAMGraph) -> GraphIndex {
        cacheLock.lock()
        defer { cacheLock.unlock() }
        if let cached = cachedGraph, cached === graph, let index = cachedIndex { return index }
        let index = GraphIndex(graph)
        cachedGraph = graph
        cachedIndex = index
        return index
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    // MARK: Derived answers

    /// Every assume step (a principal may become a role), as the built-in rules compute them.
    var steps: [AssumeStep] {
        locked {
            if let s = _steps { return s }
            let s = graph.assumeSteps()
            _steps = s
            return s
        }
    }

    /// Step indexes by calling principal.
    var stepsFrom: [Int: [Int]] {
        locked {
            if let s = _stepsFrom { return s }
            var map: [Int: [Int]] = [:]
            for (i, step) in steps.enumerated() { map[step.from, default: []].append(i) }
            _stepsFrom = map
            return map
        }
    }

    var usersWithAccessKeys: Set<Int> {
        locked {
            if let s = _usersWithAccessKeys { return s }
            var users = Set<Int>()
            for key in graph.accessKeys {
                users.formUnion(graph.resolve(key.user, kind: .user, from: key.provenance.file))
            }
            _usersWithAccessKeys = users
            return users
        }
    }

    func members(ofGroup group: Int) -> [Int] {
        locked {
            if _members == nil {
                var map: [Int: [Int]] = [:]
                for user in principalsByKind[.user] ?? [] {
                    for g in graph.groups(ofUser: user) { map[g, default: []].append(user) }
                }
                _members = map
            }
            return _members?[group] ?? []
        }
    }

    /// The account id of a principal when it is a literal 12-digit id.
    func knownAccount(ofPrincipal i: Int) -> String? {
        guard let id = graph.accountID(of: i), Self.isAccountID(id) else { return nil }
        return id
    }

    /// The account of a policy entity: its owner's, or its file's.
    func account(ofPolicy p: Int) -> String? {
        if let owner = policies[p].owner { return knownAccount(ofPrincipal: owner) }
        return graph.accountID(ofFile: policies[p].provenance.file).flatMap { Self.isAccountID($0) ? $0 : nil }
    }

    static func isAccountID(_ s: String) -> Bool { s.count == 12 && s.allSatisfy(\.isNumber) }

    func policyARN(_ p: Int) -> String? {
        guard let j = policies[p].standalone, graph.policies[j].isManaged else { return nil }
        let policy = graph.policies[j]
        guard let account = account(ofPolicy: p) else { return policy.arn }
        return "arn:aws:iam::\(account):policy\(policy.path)\(policy.referenceKey)"
    }

    /// The managed policies that apply to a principal (directly or through a group), in grant order.
    func attachedPolicies(of i: Int) -> [AttachedPolicy] {
        var result: [AttachedPolicy] = []
        for grant in graph.grants[i] {
            switch grant.source {
            case .arn(let arn): result.append(AttachedPolicy(name: grant.policyName, arn: arn.value))
            case .standalone(let j):
                guard graph.policies[j].isManaged, let p = standalonePolicy[j] else { continue }
                result.append(AttachedPolicy(name: grant.policyName, arn: policyARN(p)))
            case .inline: continue
            }
        }
        return result
    }

    /// The names of the inline policies (written into the principal or its groups, or declared
    /// on their own as `AWS::IAM::Policy`, `aws_iam_role_policy`…) that apply to a principal.
    func inlinePolicyNames(of i: Int) -> [String] {
        graph.grants[i].compactMap { grant in
            switch grant.source {
            case .inline: return grant.policyName
            case .standalone(let j): return graph.policies[j].isManaged ? nil : grant.policyName
            case .arn: return nil
            }
        }
    }

    /// The roles a profile's `role_arn` names.
    func roles(ofProfile i: Int) -> [Int] {
        let profile = graph.profiles[i]
        guard let arn = profile["role_arn"], ARN(arn.value) != nil else { return [] }
        return graph.resolve(arn, kind: .role, from: profile.provenance.file)
    }

    // MARK: Actions

    /// The statements of one policy document, compiled for action tests.
    func actionProfile(ofPolicy p: Int) -> ActionProfile {
        locked {
            if let cached = _policyProfiles[p] { return cached }
            let profile = ActionProfile(statements: Array(policies[p].document.statements))
            _policyProfiles[p] = profile
            return profile
        }
    }

    /// Every statement that applies to a principal, compiled for action tests.
    func actionProfile(ofPrincipal i: Int) -> ActionProfile {
        locked {
            if let cached = _actionProfiles[i] { return cached }
            var profile = ActionProfile(statements: [])
            for grant in graph.grants[i] {
                switch grant.source {
                case .arn(let arn):
                    if ARN.isAdministratorAccess(arn.value) { profile.allowsEverything = true }
                case .inline(let name):
                    let owner = grant.viaGroup ?? i
                    if let p = inlinePolicy[owner]?[name] { profile.merge(actionProfile(ofPolicy: p)) }
                case .standalone(let j):
                    if let p = standalonePolicy[j] { profile.merge(actionProfile(ofPolicy: p)) }
                }
            }
            _actionProfiles[i] = profile
            return profile
        }
    }

    // MARK: Trust

    /// Principals by the keys a trust entry can name them with, to find whom a trust statement
    /// may admit without trying every principal.
    struct TrustCandidates {
        var byAccount: [String: [Int]] = [:]
        var byName: [String: [Int]] = [:]
        var byFile: [String: [Int]] = [:]
        var callers: [Int] = []
    }

    var trustCandidates: TrustCandidates {
        locked {
            if let c = _trustCandidates { return c }
            var c = TrustCandidates()
            for (i, p) in graph.principals.enumerated() where p.kind == .user || p.kind == .role {
                c.callers.append(i)
                if let account = knownAccount(ofPrincipal: i) { c.byAccount[account, default: []].append(i) }
                if let name = p.explicitName, !name.isSymbolic { c.byName[name.value.lowercased(), default: []].append(i) }
                c.byFile[p.provenance.file, default: []].append(i)
            }
            _trustCandidates = c
            return c
        }
    }

    /// The users and roles that one trust entry of role `role` may name; the caller checks each.
    func candidates(for entry: PrincipalEntry, role: Int) -> [Int] {
        let c = trustCandidates
        let sameFile = c.byFile[graph.principals[role].provenance.file] ?? []
        switch entry.identity {
        case .anyone:
            return c.callers
        case .account(let id):
            if Self.isAccountID(id) { return c.byAccount[id] ?? [] }
            if let own = knownAccount(ofPrincipal: role) { return Array(Set((c.byAccount[own] ?? []) + sameFile)) }
            return sameFile
        case .user(_, let name), .role(_, let name), .assumedRole(_, let name):
            if name.contains("${") { return sameFile }
            return c.byName[name.lowercased()] ?? []
        case .other, .service, .federated:
            return []
        }
    }
}

/// A statement reduced to what action tests need: its action patterns as globs.
struct CompiledActions {
    var isAllow: Bool
    var isNotAction: Bool
    var patterns: [MatchGlob]
    /// Patterns without wildcards that name no action of the catalog (kept to match them literally).
    var unknownLiterals: [String]
    /// A Deny that applies everywhere: no condition, every resource.
    var isUnconditionalDeny: Bool

    init(_ statement: Statement) {
        isAllow = statement.effect == .allow
        isNotAction = statement.isNotAction
        patterns = statement.actions.map { MatchGlob($0.value, caseInsensitive: true) }
        unknownLiterals = statement.isNotAction ? [] : statement.actions.map(\.value).filter { value in
            !value.contains("*") && !value.contains("?") && ActionCatalog.shared.action(value) == nil
        }
        isUnconditionalDeny = statement.effect == .deny && statement.conditions.isEmpty && statement.coversAllResources
    }

    func covers(_ lowercasedAction: String) -> Bool {
        let matched = patterns.contains { $0.matches(lowercasedAction) }
        return isNotAction ? !matched : matched
    }
}

/// The actions a principal, a policy or a statement allows: Allow statements, less what an
/// unconditional Deny of every resource takes away. `AdministratorAccess` allows everything;
/// other AWS-managed policies are not in the model, so they add nothing.
struct ActionProfile {
    var allows: [CompiledActions] = []
    var denies: [CompiledActions] = []
    var allowsEverything = false

    init(statements: [Statement]) {
        for statement in statements {
            let compiled = CompiledActions(statement)
            if compiled.isAllow { allows.append(compiled) } else if compiled.isUnconditionalDeny { denies.append(compiled) }
        }
    }

    mutating func merge(_ other: ActionProfile) {
        allows += other.allows
        denies += other.denies
        allowsEverything = allowsEverything || other.allowsEverything
    }

    func allows(_ lowercasedAction: String) -> Bool {
        guard allowsEverything || allows.contains(where: { $0.covers(lowercasedAction) }) else { return false }
        return !denies.contains { $0.covers(lowercasedAction) }
    }

    /// Whether some allowed action matches the test's globs (`only: false`), or every allowed
    /// action does (`only: true`).
    func satisfies(_ test: ActionTest) -> Bool {
        let unknown = unknownAllowed
        if !test.only {
            if unknown.contains(where: { a in test.globs.contains { $0.matches(a) } }) { return true }
            // Few candidates: try each; many (`*`, `s3:*`): walk what the statements allow instead.
            if test.candidates.count <= 256 { return test.candidates.contains(where: allows) }
            return !forEachAllowed { name in !test.globs.contains { $0.matches(name) } }
        }
        guard unknown.allSatisfy({ a in test.globs.contains { $0.matches(a) } }) else { return false }
        return forEachAllowed { name in test.globs.contains { $0.matches(name) } }
    }

    /// Calls `body` with each allowed catalog action (lower-cased) until it returns false;
    /// returns false when it did.
    private func forEachAllowed(_ body: (String) -> Bool) -> Bool {
        if allowsEverything || allows.contains(where: \.isNotAction) {
            for name in ActionNames.all where allows(name) {
                if !body(name) { return false }
            }
            return true
        }
        for statement in allows {
            for pattern in statement.patterns {
                for name in ActionNames.expand(pattern.pattern) where !denies.contains(where: { $0.covers(name) }) {
                    if !body(name) { return false }
                }
            }
        }
        return true
    }

    private var unknownAllowed: [String] {
        allows.flatMap(\.unknownLiterals).filter { a in !denies.contains { $0.covers(a.lowercased()) } }
    }
}

/// Lower-cased `service:action` names of the action catalog, and wildcard expansions of it
/// remembered across rules.
enum ActionNames {
    static let all: [String] = ActionCatalog.shared.allActions.map { "\($0.service):\($0.name.lowercased())" }

    private static let lock = Lock()
    nonisolated(unsafe) private static var expansions: [String: [String]] = [:]

    /// The catalog actions an IAM action pattern covers, lower-cased.
    static func expand(_ pattern: String) -> [String] {
        lock.lock()
        defer { lock.unlock() }
        if let known = expansions[pattern] { return known }
        let names = ActionCatalog.shared.expand(pattern).map { "\($0.service):\($0.name.lowercased())" }
        expansions[pattern] = names
        return names
    }
}
