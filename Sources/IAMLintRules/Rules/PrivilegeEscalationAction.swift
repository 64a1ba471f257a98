import IAMLintCore
import IAMLintModel

/// IAM212: an identity-policy Allow of an IAM action that lets its holder raise its own rights
/// (new policy versions, attaching or writing policies, keys and passwords for other users,
/// group membership, trust rewrites) on every user, group, role or policy. Statements that allow
/// every action or every IAM action are IAM202's and IAM206's; `iam:PassRole` is IAM213's and
/// IAM214's.
///
/// A role name pattern (`role/sra*`) counts as every role when the same principal, through any
/// of its policies, may also `iam:CreateRole` under a pattern that overlaps it (`RoleCreation`):
/// it creates a role that trusts itself and writes or attaches an administrator policy to it.
public struct PrivilegeEscalationAction: Rule {
    public static let code = "IAM212"
    public init() {}

    /// The escalation actions and the IAM resource type each one acts on (Rhino Security Labs'
    /// methods that need nothing but the action itself).
    static let methods: [(action: String, type: String)] = [
        ("iam:CreatePolicyVersion", "policy"),
        ("iam:SetDefaultPolicyVersion", "policy"),
        ("iam:AttachUserPolicy", "user"),
        ("iam:AttachGroupPolicy", "group"),
        ("iam:AttachRolePolicy", "role"),
        ("iam:PutUserPolicy", "user"),
        ("iam:PutGroupPolicy", "group"),
        ("iam:PutRolePolicy", "role"),
        ("iam:CreateAccessKey", "user"),
        ("iam:CreateLoginProfile", "user"),
        ("iam:UpdateLoginProfile", "user"),
        ("iam:AddUserToGroup", "group"),
        ("iam:UpdateAssumeRolePolicy", "role"),
    ]

    static let escalationActions = ActionSets.named(methods.map(\.action))

    /// The resource types in the order messages name them.
    static let types = ["user", "group", "role", "policy"]

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        // A document that cannot allow an escalation action is not read statement by statement.
        var filter = PolicySets.ActionFilter(Self.escalationActions)
        // By position: document references are read in place, and copied only for a document
        // that may allow an escalation action.
        let documents = PermissionScope.identityDocuments(context.graph)
        for d in documents.indices where filter.mayAllow(documents[d].document) {
            let ref = documents[d]
            // The document's unconditional denies, read when a statement first needs them.
            var deniedInDocument: ActionSet?
            for statement in ref.document.statements where ResourceScope.isIdentityAllow(statement) {
                let all = ActionSets.covered(by: statement)
                guard all.intersects(Self.escalationActions) else { continue }
                let denied = deniedInDocument ?? ActionSets.deniedEverywhere(in: [ref.document])
                deniedInDocument = denied
                let covered = all.intersection(Self.escalationActions).subtracting(denied)
                guard !covered.isEmpty, !ResourceScope.isWiderGrant(statement, covered: all),
                      ResourceScope.scopingCondition(statement) == nil
                else { continue }
                let broadTypes = Self.types.filter { ResourceScope.coversEvery($0, statement) }
                let reached = ActionSets.named(Self.methods.filter { broadTypes.contains($0.type) }.map(\.action)).intersection(covered)
                guard !reached.isEmpty else { continue }
                let names = ActionSets.names(of: reached, in: statement, limit: 3)
                let reachedTypes = Self.types.filter { type in
                    Self.methods.contains { $0.type == type && reached.contains(ActionSets.index(of: $0.action) ?? -1) }
                }
                let at = ActionSets.firstPattern(in: statement, meeting: reached).map { ActionSets.provenance(of: $0, in: statement) }
                    ?? statement.provenance
                findings.append(context.finding(
                    Message.escalation(policy: ref.label, names: names, count: reached.count, types: reachedTypes),
                    at: at, subject: ref.label))
            }
        }
        return findings + roleCreations(context)
    }

    /// The "create your own role" escalations of each principal that is not already an
    /// administrator; a user's are left to its group when the group's policies alone allow them.
    /// Each principal's role-creation escalations, with what the principals' readings share, in
    /// a value the loop owns (a closure over the same variables had every access checked for
    /// exclusivity at run time).
    struct CreationReader {
        var filter = PolicySets.ActionFilter(RoleCreation.createRole)
        var shared: [[Int]: [RoleCreation.Escalation]] = [:]

        mutating func escalations(of index: Int, _ graph: IAMGraph) -> [RoleCreation.Escalation] {
            // Most principals hold no document that may allow iam:CreateRole: none then.
            guard filter.mayAllow(graph.grants[index]) else { return [] }
            let key = PolicySets.sharedKey(graph.grants[index])
            if let key, let known = shared[key] { return known }
            let documents = graph.grants[index].compactMap(\.document)
            let made = filter.mayAllow(documents) ? RoleCreation.escalations(documents) : []
            if let key { shared[key] = made }
            return made
        }
    }

    func roleCreations(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var reader = CreationReader()
        var findings: [Finding] = []
        let administrators = graph.administrators
        let kinds = graph.principalFacts.kinds
        for index in kinds.indices where !administrators[index] && (kinds[index] == .user || kinds[index] == .group || kinds[index] == .role) {
            var found = reader.escalations(of: index, graph)
            guard !found.isEmpty else { continue }
            if kinds[index] == .user {
                let fromGroups = Set(graph.groups(ofUser: index).flatMap { reader.escalations(of: $0, graph) }.map(\.statement.provenance))
                found.removeAll { fromGroups.contains($0.statement.provenance) }
            }
            for escalation in found {
                let statement = escalation.statement
                let at = ActionSets.firstPattern(in: statement, meeting: escalation.actions).map { ActionSets.provenance(of: $0, in: statement) }
                    ?? statement.provenance
                let createAt = ActionSets.firstPattern(in: escalation.create, meeting: RoleCreation.createRole)
                    .map { ActionSets.provenance(of: $0, in: escalation.create) } ?? escalation.create.provenance
                let names = ActionSets.names(of: escalation.actions, in: statement, limit: 2)
                findings.append(context.finding(
                    Message.createOwnRole(holder: graph.describe(index), pattern: escalation.pattern.value,
                                          createPattern: escalation.createPattern?.value, names: names),
                    at: at, subject: "\(graph.principals[index].displayName) \(escalation.pattern.value)",
                    related: [RelatedLocation(location: createAt.location, message: "iam:CreateRole allowed here")]))
            }
        }
        return findings.withoutRepeats()
    }

    enum Message {
        static func createOwnRole(holder: String, pattern: String, createPattern: String?, names: [String]) -> String {
            func list(_ items: [String]) -> String {
                items.count > 1 ? items.dropLast().joined(separator: ", ") + " and " + items[items.count - 1] : items.joined()
            }
            let grants: String
            switch createPattern {
            case pattern?: grants = "\(list(["iam:CreateRole"] + names)) on that pattern"
            case let other?: grants = "iam:CreateRole on '\(other)'; \(list(names)) on '\(pattern)'"
            case nil: grants = "iam:CreateRole with NotResource; \(list(names)) on '\(pattern)'"
            }
            return "\(holder) may create roles matching '\(pattern)' and give them any policy (\(grants)), so it can make an administrator role that trusts itself"
        }

        static func escalation(policy: String, names: [String], count: Int, types: [String]) -> String {
            let more = count > names.count ? " and \(count - names.count) more" : ""
            let plural = types.map { $0 == "policy" ? "policies" : "\($0)s" }
            let scope = plural.count > 1 ? plural.dropLast().joined(separator: ", ") + " and " + plural[plural.count - 1] : plural[0]
            return "\(policy) allows privilege escalation with \(names.joined(separator: ", "))\(more) on all \(scope)"
        }
    }
}
