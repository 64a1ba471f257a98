import IAMLintCore
import IAMLintModel
import IAMLintRules

/// One run of one custom rule over a graph: tests conditions on entities, and remembers the
/// answers of graph predicates (computed for the whole graph at their first use).
final class Evaluation {
    let graph: IAMGraph
    let index: GraphIndex
    private var reach: [Int: Reach] = [:]
    private var trust: [Int: Trust] = [:]
    private var actionMemo: [Int: [String: Bool]] = [:]

    /// The roles a `reachable-from` reaches, each with the step it was first reached by, and the
    /// principals the search started from.
    struct Reach {
        var sources: Set<Int>
        var reachedBy: [Int: Int]
    }

    /// The principals and accounts a `trusted-by` finds trusted, each with a role and trust
    /// statement that admits it.
    struct Trust {
        var principals: [Int: (role: Int, statement: Statement)]
        var accounts: [String: (role: Int, statement: Statement)]
    }

    init(graph: IAMGraph) {
        self.graph = graph
        index = GraphIndex.of(graph)
    }

    // MARK: Entities

    func entities(of kind: MatchKind) -> [Entity] {
        switch kind {
        case .account: return index.accounts.indices.map(Entity.account)
        case .user: return (index.principalsByKind[.user] ?? []).map(Entity.principal)
        case .group: return (index.principalsByKind[.group] ?? []).map(Entity.principal)
        case .role: return (index.principalsByKind[.role] ?? []).map(Entity.principal)
        case .policy: return index.policies.indices.map(Entity.policy)
        case .statement: return index.statements
        case .trustStatement: return index.trustStatements
        case .profile: return graph.profiles.indices.map(Entity.profile)
        case .assumeEdge: return index.steps.indices.map(Entity.assumeEdge)
        }
    }

    func kind(of entity: Entity) -> MatchKind {
        switch entity {
        case .account: return .account
        case .principal(let i):
            switch graph.principals[i].kind {
            case .user: return .user
            case .group: return .group
            default: return .role
            }
        case .policy: return .policy
        case .statement: return .statement
        case .trustStatement: return .trustStatement
        case .profile: return .profile
        case .assumeEdge: return .assumeEdge
        }
    }

    func statement(_ entity: Entity) -> Statement? {
        switch entity {
        case .statement(let p, let s): return index.policies[p].document.statements[s]
        case .trustStatement(let r, let s): return graph.principals[r].trustPolicy?.statements[s]
        default: return nil
        }
    }

    /// Where a finding about the entity points: the resource, the statement, the section.
    func provenance(of entity: Entity) -> Provenance? {
        switch entity {
        case .account(let i): return index.accounts[i].provenance
        case .principal(let i): return graph.principals[i].provenance
        case .policy(let p): return index.policies[p].provenance
        case .statement, .trustStatement: return statement(entity)?.provenance
        case .profile(let i): return graph.profiles[i].provenance
        case .assumeEdge(let s): return index.steps[s].assumeStatement.provenance
        }
    }

    func name(of entity: Entity) -> String {
        switch entity {
        case .account(let i): return index.accounts[i].name ?? index.accounts[i].id
        case .principal(let i): return graph.principals[i].displayName
        case .policy(let p), .statement(let p, _): return index.policies[p].name
        case .trustStatement(let r, _): return graph.principals[r].displayName
        case .profile(let i): return graph.profiles[i].name
        case .assumeEdge(let s):
            let step = index.steps[s]
            return "\(graph.principals[step.from].displayName) -> \(graph.principals[step.to].displayName)"
        }
    }

    /// How messages and related locations name the entity: `role 'Deploy'`.
    func describe(_ entity: Entity) -> String {
        switch entity {
        case .assumeEdge(let s):
            let step = index.steps[s]
            return "\(graph.describe(step.from)) may assume \(graph.describe(step.to))"
        default:
            return "\(kind(of: entity).noun) '\(name(of: entity))'"
        }
    }

    /// The account the entity lives in, when it is a literal id.
    func account(of entity: Entity) -> String? {
        switch entity {
        case .account(let i):
            let id = index.accounts[i].id
            return GraphIndex.isAccountID(id) ? id : nil
        case .principal(let i), .trustStatement(let i, _): return index.knownAccount(ofPrincipal: i)
        case .policy(let p), .statement(let p, _): return index.account(ofPolicy: p)
        case .profile(let i):
            let profile = graph.profiles[i]
            if let arn = profile["role_arn"].flatMap({ ARN($0.value) }), GraphIndex.isAccountID(arn.account) { return arn.account }
            if let sso = profile["sso_account_id"]?.value, GraphIndex.isAccountID(sso) { return sso }
            return nil
        case .assumeEdge: return nil
        }
    }

    func requiresMFA(_ entity: Entity) -> Bool {
        switch entity {
        case .principal(let i):
            let p = graph.principals[i]
            if graph.enforcesMFAByPolicy(i) { return true }
            guard p.kind == .role, let trust = p.trustPolicy else { return false }
            if trust.statements.contains(where: { $0.deniesWithoutMFA && $0.coversAssumeRole }) { return true }
            let allows = trust.statements.filter { $0.effect == .allow && $0.covers(action: "sts:AssumeRole") }
            return !allows.isEmpty && allows.allSatisfy(\.requiresMFA)
        case .statement, .trustStatement: return statement(entity)?.requiresMFA ?? false
        case .assumeEdge(let s): return index.steps[s].requiresMFA
        default: return false
        }
    }

    /// The principal entries of a role's trust (its Allow statements that allow assuming it) or
    /// of one trust statement (`allowOnly`: only when it is an Allow with `Principal`).
    func trustEntries(of entity: Entity, allowOnly: Bool) -> [(entry: PrincipalEntry, role: Int)] {
        switch entity {
        case .principal(let r):
            let statements = graph.principals[r].trustPolicy?.statements ?? []
            return statements.filter { $0.effect == .allow && !$0.isNotPrincipal && $0.coversAssumeRole }
                .flatMap { $0.principals.map { (entry: $0, role: r) } }
        case .trustStatement(let r, _):
            guard let s = statement(entity) else { return [] }
            if allowOnly && (s.effect != .allow || s.isNotPrincipal) { return [] }
            return s.principals.map { (entry: $0, role: r) }
        default:
            return []
        }
    }

    /// The accounts trust entries admit: 12-digit ids, `*` for anyone, `${AWS::AccountId}` as
    /// the role's own account when that is known.
    func trustedAccounts(of entity: Entity) -> [String] {
        var seen = Set<String>()
        return trustEntries(of: entity, allowOnly: true).compactMap { account(admittedBy: $0.entry, role: $0.role) }
            .filter { seen.insert($0).inserted }
    }

    func account(admittedBy entry: PrincipalEntry, role: Int) -> String? {
        guard entry.kind == .aws || entry.kind == .anyone else { return nil }
        var account: String
        switch entry.identity {
        case .anyone: return "*"
        case .account(let id): account = id
        case .user(let a, _), .role(let a, _), .assumedRole(let a, _): account = a
        case .other(let value): return value.contains("${") ? value : nil
        case .service, .federated: return nil
        }
        if account == "${AWS::AccountId}", let own = index.knownAccount(ofPrincipal: role) { account = own }
        return account
    }

    // MARK: Conditions

    func matches(_ selector: Selector, _ entity: Entity) -> Bool {
        let k = kind(of: entity)
        return selector.branches.contains { $0.kind == k && test($0.condition, entity) }
    }

    func test(_ condition: Condition, _ entity: Entity) -> Bool {
        switch condition {
        case .always:
            return true
        case .all(let list):
            return list.allSatisfy { test($0, entity) }
        case .any(let list):
            return list.contains { test($0, entity) }
        case .not(let inner):
            return !test(inner, entity)
        case .property(let property, let matcher):
            guard property.kinds.contains(kind(of: entity)) else { return false }
            return matcher.test(property.values(self, entity))
        case .actions(let actionTest):
            guard let profile = actionProfile(entity) else { return false }
            if !actionTest.only, !profile.allowsEverything, profile.denies.isEmpty, !profile.allows.contains(where: \.isNotAction) {
                // Only Allow statements with Action: some pattern covers some candidate. The same
                // patterns recur across principals, so each is weighed once per test.
                return profile.allows.contains { statement in
                    statement.patterns.contains { coversCandidate(actionTest, $0) }
                        || statement.unknownLiterals.contains { a in actionTest.globs.contains { $0.matches(a) } }
                }
            }
            return profile.satisfies(actionTest)
        case .relation(let relation, let inner):
            guard relation.kinds.contains(kind(of: entity)) else { return false }
            return relation.related(self, entity).contains { relation.targets.contains(kind(of: $0)) && test(inner, $0) }
        case .clause(let clauseTest):
            guard let s = statement(entity) else { return false }
            return s.conditions.contains { clause in
                (clauseTest.key.map { globs in globs.contains { $0.matches(clause.key) } } ?? true)
                    && (clauseTest.op.map { globs in globs.contains { $0.matches(clause.op) } } ?? true)
                    && (clauseTest.values.map { $0.test(clause.values.map(\.value)) } ?? true)
            }
        case .reachableFrom(let selector, let withoutMFA, let slot):
            guard case .principal(let r) = entity else { return false }
            return reachability(slot, selector, withoutMFA: withoutMFA).reachedBy[r] != nil
        case .trustedBy(let selector, let slot):
            let t = trusted(slot, selector)
            switch entity {
            case .principal(let i): return t.principals[i] != nil
            case .account(let a): return t.accounts[index.accounts[a].id] != nil
            default: return false
            }
        }
    }

    /// Whether an action pattern of a statement covers one of the test's candidate actions.
    private func coversCandidate(_ test: ActionTest, _ pattern: MatchGlob) -> Bool {
        if let known = actionMemo[test.slot]?[pattern.pattern] { return known }
        let answer = test.candidates.contains { pattern.matches($0) }
        actionMemo[test.slot, default: [:]][pattern.pattern] = answer
        return answer
    }

    private func actionProfile(_ entity: Entity) -> ActionProfile? {
        switch entity {
        case .principal(let i): return index.actionProfile(ofPrincipal: i)
        case .policy(let p): return index.actionProfile(ofPolicy: p)
        case .statement(let p, let s): return ActionProfile(statements: [index.policies[p].document.statements[s]])
        default: return nil
        }
    }

    // MARK: Graph predicates

    /// A breadth-first search forward from every user and role the selector matches, over the
    /// assume steps (only the MFA-free ones with `withoutMFA`). Linear in the steps.
    func reachability(_ slot: Int, _ selector: Selector, withoutMFA: Bool) -> Reach {
        if let known = reach[slot] { return known }
        var sources = Set<Int>()
        for kind in selector.kinds {
            for entity in entities(of: kind) where matches(selector, entity) {
                if case .principal(let i) = entity { sources.insert(i) }
            }
        }
        let steps = index.steps
        let stepsFrom = index.stepsFrom
        var reachedBy: [Int: Int] = [:]
        var expanded = sources
        var queue = sources.sorted()
        var head = 0
        while head < queue.count {
            let from = queue[head]
            head += 1
            for s in stepsFrom[from] ?? [] where !(withoutMFA && steps[s].requiresMFA) {
                let to = steps[s].to
                if reachedBy[to] == nil { reachedBy[to] = s }
                if expanded.insert(to).inserted { queue.append(to) }
            }
        }
        let result = Reach(sources: sources, reachedBy: reachedBy)
        reach[slot] = result
        return result
    }

    /// Every user, role and account that a role (or trust statement) the selector matches admits.
    func trusted(_ slot: Int, _ selector: Selector) -> Trust {
        if let known = trust[slot] { return known }
        var result = Trust(principals: [:], accounts: [:])
        var trusting: [(role: Int, statement: Statement)] = []
        for branch in selector.branches {
            switch branch.kind {
            case .role:
                for r in index.principalsByKind[.role] ?? [] where test(branch.condition, .principal(r)) {
                    for s in graph.principals[r].trustPolicy?.statements ?? [] { trusting.append((r, s)) }
                }
            case .trustStatement:
                for entity in index.trustStatements where test(branch.condition, entity) {
                    if case .trustStatement(let r, _) = entity, let s = statement(entity) { trusting.append((r, s)) }
                }
            default:
                break
            }
        }
        for (role, statement) in trusting where statement.effect == .allow && !statement.isNotPrincipal && statement.coversAssumeRole {
            for entry in statement.principals {
                if let account = account(admittedBy: entry, role: role), result.accounts[account] == nil {
                    result.accounts[account] = (role, statement)
                }
                for x in index.candidates(for: entry, role: role) where x != role && result.principals[x] == nil {
                    if graph.statementSurelyAdmits(statement, principal: x, role: role) { result.principals[x] = (role, statement) }
                }
            }
        }
        trust[slot] = result
        return result
    }

    // MARK: Witnesses

    /// The steps by which the first `reachable-from` of a rule reached a role, from a source.
    func reachPath(_ slot: Int, to role: Int) -> [AssumeStep] {
        guard let r = reach[slot] else { return [] }
        var path: [AssumeStep] = []
        var cursor = role
        var seen = Set<Int>()
        while let s = r.reachedBy[cursor], seen.insert(cursor).inserted {
            let step = index.steps[s]
            path.insert(step, at: 0)
            if r.sources.contains(step.from) { break }
            cursor = step.from
        }
        return path
    }

    /// Who reached the role: `user 'alice'`, or `user 'alice' through role 'Jump'`.
    func describeReach(_ slot: Int, to entity: Entity) -> String? {
        guard case .principal(let role) = entity else { return nil }
        let path = reachPath(slot, to: role)
        guard let first = path.first else { return nil }
        let through = path.dropFirst().map { graph.describe($0.from) }
        return graph.describe(first.from) + (through.isEmpty ? "" : " through " + through.joined(separator: ", then "))
    }

    /// The role and trust statement that trust the entity, for the first `trusted-by` of a rule.
    func trustWitness(_ slot: Int, for entity: Entity) -> (role: Int, statement: Statement)? {
        guard let t = trust[slot] else { return nil }
        switch entity {
        case .principal(let i): return t.principals[i]
        case .account(let a): return t.accounts[index.accounts[a].id]
        default: return nil
        }
    }
}
