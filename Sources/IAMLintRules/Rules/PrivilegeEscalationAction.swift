import IAMLintCore
import IAMLintModel

/// IAM212: an identity-policy Allow of an IAM action that lets its holder raise its own rights
/// (new policy versions, attaching or writing policies, keys and passwords for other users,
/// group membership, trust rewrites) on every user, group, role or policy. Statements that allow
/// every action or every IAM action are IAM202's and IAM206's; `iam:PassRole` is IAM213's and
/// IAM214's.
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
        for ref in PermissionScope.identityDocuments(context.graph) {
            let denied = ActionSets.deniedEverywhere(in: [ref.document])
            for statement in ref.document.statements where ResourceScope.isIdentityAllow(statement) {
                let all = ActionSets.covered(by: statement)
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
        return findings
    }

    enum Message {
        static func escalation(policy: String, names: [String], count: Int, types: [String]) -> String {
            let more = count > names.count ? " and \(count - names.count) more" : ""
            let plural = types.map { $0 == "policy" ? "policies" : "\($0)s" }
            let scope = plural.count > 1 ? plural.dropLast().joined(separator: ", ") + " and " + plural[plural.count - 1] : plural[0]
            return "\(policy) allows privilege escalation with \(names.joined(separator: ", "))\(more) on all \(scope)"
        }
    }
}
