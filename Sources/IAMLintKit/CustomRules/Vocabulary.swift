import IAMLintCore
import IAMLintModel

/// A property of an entity: a list of strings (a missing value is an empty list), tested with
/// globs. Booleans are the strings `true` and `false`; unknown is no value at all.
struct Property: Sendable {
    enum ValueType: Sendable {
        case text(caseInsensitive: Bool)
        case boolean
        /// `allowed-actions`: tested through the action catalog, never listed.
        case actions
    }

    var name: String
    var kinds: Set<MatchKind>
    var type: ValueType
    var values: @Sendable (Evaluation, Entity) -> [String]

    var caseInsensitive: Bool {
        if case .text(let ci) = type { return ci }
        return true
    }
}

/// A step from an entity to related entities (a statement's policy, an edge's role); tested
/// with a nested condition that some related entity must satisfy.
struct Relation: Sendable {
    var name: String
    var kinds: Set<MatchKind>
    var targets: Set<MatchKind>
    var related: @Sendable (Evaluation, Entity) -> [Entity]
}

/// The words of the match language. `docs/custom-rules.md` documents each; a test checks that
/// none is missing there.
enum Vocabulary {
    static let combinators = ["all", "any", "not"]
    static let predicates = ["reachable-from", "trusted-by", "condition"]
    /// Where each graph predicate applies, and what its selector may select.
    static let reachableFromKinds: Set<MatchKind> = [.role]
    static let reachableFromSources: Set<MatchKind> = [.user, .role]
    static let trustedByKinds: Set<MatchKind> = [.user, .role, .account]
    static let trustedBySources: Set<MatchKind> = [.role, .trustStatement]
    static let conditionKinds: Set<MatchKind> = [.statement, .trustStatement]

    /// Words that users reach for but the model does not hold: an error says so.
    static let unsupported: [String: String] = [
        "tags": "'tags' is not supported: iamlint does not read resource tags into its model yet",
        "tag": "'tag' is not supported: iamlint does not read resource tags into its model yet",
    ]

    static let properties: [Property] = {
        let principals = MatchKind.principals
        let roleAndUser: Set<MatchKind> = [.user, .role]
        let withAccount: Set<MatchKind> = [.account, .user, .group, .role, .policy, .statement, .trustStatement, .profile]
        let statements: Set<MatchKind> = [.statement, .trustStatement]
        return [
            Property(name: "name", kinds: MatchKind.all, type: .text(caseInsensitive: true)) { ev, e in [ev.name(of: e)] },
            Property(name: "file", kinds: MatchKind.all, type: .text(caseInsensitive: false)) { ev, e in
                ev.provenance(of: e).map { [$0.file] } ?? []
            },
            Property(name: "account", kinds: withAccount, type: .text(caseInsensitive: false)) { ev, e in
                ev.account(of: e).map { [$0] } ?? []
            },
            Property(name: "account-name", kinds: withAccount, type: .text(caseInsensitive: true)) { ev, e in
                ev.account(of: e).flatMap { ev.graph.account(withID: $0)?.name }.map { [$0] } ?? []
            },
            Property(name: "identity-account", kinds: withAccount, type: .boolean) { ev, e in
                guard let id = ev.account(of: e), let identity = ev.graph.identityAccount else { return [] }
                return [String(id == identity.id)]
            },
            // Accounts.
            Property(name: "id", kinds: [.account], type: .text(caseInsensitive: false)) { ev, e in
                guard case .account(let i) = e else { return [] }
                return [ev.index.accounts[i].id]
            },
            Property(name: "identity", kinds: [.account], type: .boolean) { ev, e in
                guard case .account(let i) = e else { return [] }
                return [String(ev.index.accounts[i].isIdentity)]
            },
            Property(name: "configured", kinds: [.account], type: .boolean) { ev, e in
                guard case .account(let i) = e else { return [] }
                return [String(ev.index.accounts[i].isConfigured)]
            },
            Property(name: "organization", kinds: [.account], type: .boolean) { ev, e in
                guard case .account(let i) = e else { return [] }
                return [String(ev.index.accounts[i].organizationResource != nil)]
            },
            // Principals.
            Property(name: "logical-name", kinds: principals.union([.policy]), type: .text(caseInsensitive: false)) { ev, e in
                switch e {
                case .principal(let i): return [ev.graph.principals[i].logicalName]
                case .policy(let p): return [ev.index.policies[p].logicalName]
                default: return []
                }
            },
            Property(name: "arn", kinds: principals.union([.policy]), type: .text(caseInsensitive: false)) { ev, e in
                switch e {
                case .principal(let i): return [ev.graph.arn(of: i)]
                case .policy(let p): return ev.index.policyARN(p).map { [$0] } ?? []
                default: return []
                }
            },
            Property(name: "path", kinds: principals.union([.policy]), type: .text(caseInsensitive: false)) { ev, e in
                switch e {
                case .principal(let i): return [ev.graph.principals[i].path]
                case .policy(let p): return ev.index.policies[p].path.map { [$0] } ?? []
                default: return []
                }
            },
            Property(name: "implicit", kinds: principals, type: .boolean) { ev, e in
                guard case .principal(let i) = e else { return [] }
                return [String(ev.graph.principals[i].implicitOrigin != nil)]
            },
            Property(name: "admin", kinds: principals.union([.policy, .statement]), type: .boolean) { ev, e in
                switch e {
                case .principal(let i): return [String(ev.graph.isAdministratorEquivalent(i))]
                case .policy(let p): return [String(ev.index.policies[p].document.grantsFullAdmin)]
                case .statement(let p, let s):
                    let st = ev.index.policies[p].document.statements[s]
                    return [String(st.effect == .allow && st.coversAllActions && st.coversAllResources && st.conditions.isEmpty && st.principals.isEmpty)]
                default: return []
                }
            },
            Property(name: "allowed-actions", kinds: principals.union([.policy, .statement]), type: .actions) { _, _ in [] },
            Property(name: "attached-policies", kinds: principals, type: .text(caseInsensitive: true)) { ev, e in
                guard case .principal(let i) = e else { return [] }
                return ev.index.attachedPolicies(of: i).map(\.name)
            },
            Property(name: "policy-arns", kinds: principals, type: .text(caseInsensitive: false)) { ev, e in
                guard case .principal(let i) = e else { return [] }
                return ev.index.attachedPolicies(of: i).compactMap(\.arn)
            },
            Property(name: "inline-policies", kinds: principals, type: .text(caseInsensitive: true)) { ev, e in
                guard case .principal(let i) = e else { return [] }
                return ev.index.inlinePolicyNames(of: i)
            },
            Property(name: "permissions-boundary", kinds: roleAndUser, type: .text(caseInsensitive: false)) { ev, e in
                guard case .principal(let i) = e, let b = ev.graph.principals[i].permissionsBoundary else { return [] }
                return [b.value]
            },
            Property(name: "groups", kinds: [.user], type: .text(caseInsensitive: true)) { ev, e in
                guard case .principal(let i) = e else { return [] }
                return ev.graph.groups(ofUser: i).map { ev.graph.principals[$0].displayName }
            },
            Property(name: "members", kinds: [.group], type: .text(caseInsensitive: true)) { ev, e in
                guard case .principal(let i) = e else { return [] }
                return ev.index.members(ofGroup: i).map { ev.graph.principals[$0].displayName }
            },
            Property(name: "console-access", kinds: [.user], type: .boolean) { ev, e in
                guard case .principal(let i) = e else { return [] }
                return [String(ev.graph.principals[i].hasLoginProfile)]
            },
            Property(name: "access-keys", kinds: [.user], type: .boolean) { ev, e in
                guard case .principal(let i) = e else { return [] }
                return [String(ev.index.usersWithAccessKeys.contains(i))]
            },
            Property(name: "mfa-required", kinds: [.user, .role, .statement, .trustStatement, .assumeEdge], type: .boolean) { ev, e in
                [String(ev.requiresMFA(e))]
            },
            // Who a trust policy admits: of a role, its Allow statements that allow assuming it.
            Property(name: "principals", kinds: [.role, .trustStatement], type: .text(caseInsensitive: false)) { ev, e in
                ev.trustEntries(of: e, allowOnly: false).map { $0.entry.kind == .anyone ? "*" : $0.entry.text.value }
            },
            Property(name: "trusted-accounts", kinds: [.role, .trustStatement], type: .text(caseInsensitive: false)) { ev, e in
                ev.trustedAccounts(of: e)
            },
            Property(name: "trusted-services", kinds: [.role, .trustStatement], type: .text(caseInsensitive: true)) { ev, e in
                ev.trustEntries(of: e, allowOnly: true).filter { $0.entry.kind == .service }.map(\.entry.text.value)
            },
            Property(name: "trusted-federated", kinds: [.role, .trustStatement], type: .text(caseInsensitive: false)) { ev, e in
                ev.trustEntries(of: e, allowOnly: true).filter { $0.entry.kind == .federated }.map(\.entry.text.value)
            },
            // Statements.
            Property(name: "sid", kinds: statements, type: .text(caseInsensitive: false)) { ev, e in
                ev.statement(e)?.sid.map { [$0] } ?? []
            },
            Property(name: "effect", kinds: statements, type: .text(caseInsensitive: true)) { ev, e in
                ev.statement(e).map { [$0.effect.rawValue] } ?? []
            },
            Property(name: "actions", kinds: statements, type: .text(caseInsensitive: true)) { ev, e in
                ev.statement(e)?.actions.map(\.value) ?? []
            },
            Property(name: "not-action", kinds: statements, type: .boolean) { ev, e in
                ev.statement(e).map { [String($0.isNotAction)] } ?? []
            },
            Property(name: "resources", kinds: [.statement], type: .text(caseInsensitive: false)) { ev, e in
                ev.statement(e)?.resources.map(\.value) ?? []
            },
            Property(name: "not-resource", kinds: [.statement], type: .boolean) { ev, e in
                ev.statement(e).map { [String($0.isNotResource)] } ?? []
            },
            Property(name: "not-principal", kinds: [.trustStatement], type: .boolean) { ev, e in
                ev.statement(e).map { [String($0.isNotPrincipal)] } ?? []
            },
            Property(name: "conditions", kinds: statements, type: .text(caseInsensitive: true)) { ev, e in
                ev.statement(e)?.conditions.map(\.key) ?? []
            },
            // Policies.
            Property(name: "managed", kinds: [.policy], type: .boolean) { ev, e in
                guard case .policy(let p) = e else { return [] }
                return [String(ev.index.policies[p].isManaged)]
            },
            Property(name: "inline", kinds: [.policy], type: .boolean) { ev, e in
                guard case .policy(let p) = e else { return [] }
                return [String(ev.index.policies[p].owner != nil)]
            },
            // Profiles.
            Property(name: "source", kinds: [.profile], type: .text(caseInsensitive: true)) { ev, e in
                guard case .profile(let i) = e else { return [] }
                return [ev.graph.profiles[i].source.rawValue]
            },
            Property(name: "keys", kinds: [.profile], type: .text(caseInsensitive: true)) { ev, e in
                guard case .profile(let i) = e else { return [] }
                return ev.graph.profiles[i].properties.keys.sorted()
            },
        ] + profileSettings.map { key in
            Property(name: key.replacing("_", with: "-"), kinds: [.profile], type: .text(caseInsensitive: false)) { ev, e in
                guard case .profile(let i) = e, let value = ev.graph.profiles[i][key] else { return [] }
                return [value.value]
            }
        } + [
            // Assume edges.
            Property(name: "cross-account", kinds: [.assumeEdge], type: .boolean) { ev, e in
                guard case .assumeEdge(let s) = e else { return [] }
                let step = ev.index.steps[s]
                guard let a = ev.index.knownAccount(ofPrincipal: step.from), let b = ev.index.knownAccount(ofPrincipal: step.to) else { return [] }
                return [String(a != b)]
            },
        ]
    }()

    /// AWS CLI settings readable by name (`role_arn` is `role-arn`); secrets are not among them.
    static let profileSettings = [
        "role_arn", "source_profile", "mfa_serial", "external_id", "credential_source", "region",
        "sso_session", "sso_account_id", "sso_role_name", "sso_start_url", "duration_seconds", "role_session_name",
    ]

    static let relations: [Relation] = [
        Relation(name: "role", kinds: [.trustStatement, .profile], targets: [.role]) { ev, e in
            switch e {
            case .trustStatement(let r, _): return [.principal(r)]
            case .profile(let i): return ev.index.roles(ofProfile: i).map(Entity.principal)
            default: return []
            }
        },
        Relation(name: "policy", kinds: [.statement], targets: [.policy]) { _, e in
            guard case .statement(let p, _) = e else { return [] }
            return [.policy(p)]
        },
        Relation(name: "attached-to", kinds: [.policy], targets: MatchKind.principals) { ev, e in
            guard case .policy(let p) = e else { return [] }
            return ev.index.policies[p].attachedTo.map(Entity.principal)
        },
        Relation(name: "from", kinds: [.assumeEdge], targets: [.user, .role]) { ev, e in
            guard case .assumeEdge(let s) = e else { return [] }
            return [.principal(ev.index.steps[s].from)]
        },
        Relation(name: "to", kinds: [.assumeEdge], targets: [.role]) { ev, e in
            guard case .assumeEdge(let s) = e else { return [] }
            return [.principal(ev.index.steps[s].to)]
        },
    ]

    static let propertiesByName: [String: Property] = Dictionary(uniqueKeysWithValues: properties.map { ($0.name, $0) })
    static let relationsByName: [String: Relation] = Dictionary(uniqueKeysWithValues: relations.map { ($0.name, $0) })

    /// Every word a condition may use for an entity of one of `kinds`.
    static func words(for kinds: Set<MatchKind>) -> [String] {
        var words = combinators
        words += properties.filter { !$0.kinds.isDisjoint(with: kinds) }.map(\.name)
        words += relations.filter { !$0.kinds.isDisjoint(with: kinds) }.map(\.name)
        if !reachableFromKinds.isDisjoint(with: kinds) { words.append("reachable-from") }
        if !trustedByKinds.isDisjoint(with: kinds) { words.append("trusted-by") }
        if !conditionKinds.isDisjoint(with: kinds) { words.append("condition") }
        return words
    }

    /// Every word of the language, for the documentation check.
    static var allWords: [String] {
        combinators + predicates + properties.map(\.name) + relations.map(\.name) + ["only", "without-mfa", "key", "operator", "values"]
    }
}
