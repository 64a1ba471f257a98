import IAMLintCore
import IAMLintModel

/// IAM204: an identity-policy Allow grants write or permissions-management actions on every
/// resource (`*`) with no condition that scopes it. Actions that AWS only grants on `*` are left
/// out (they cannot be scoped), and so are the actions other rules own: every action (IAM202),
/// every IAM action (IAM206), `iam:PassRole` (IAM214), `sts:AssumeRole` (IAM211) and the
/// privilege-escalation actions (IAM212).
public struct WildcardResourceWrite: Rule {
    public static let code = "IAM204"
    public init() {}

    /// Scopable write and permissions-management actions, less those other rules report.
    static let candidates: ActionSet = {
        let catalog = ActionSets.catalog
        let owned = ActionSets.named(["iam:PassRole", "sts:AssumeRole"]).union(PrivilegeEscalationAction.escalationActions)
        var set = ActionSet(indexes: (0..<catalog.actionCount).filter { i in
            let level = catalog.accessLevel(at: i)
            return (level == .write || level == .permissionsManagement) && catalog.hasResourceTypes(at: i)
        })
        set = set.subtracting(owned)
        return set
    }()

    /// The permissions-management part of `candidates`, named first in messages.
    static let permissionsManagement: ActionSet = {
        let catalog = ActionSets.catalog
        return ActionSet(indexes: (0..<catalog.actionCount).filter { catalog.accessLevel(at: $0) == .permissionsManagement }).intersection(candidates)
    }()

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        // By position: document references and statements are read in place, and copied only
        // for a statement the rule looks at closely.
        let documents = PermissionScope.identityDocuments(context.graph)
        for d in documents.indices {
            // The document's unconditional denies, read when a statement first needs them.
            var deniedInDocument: ActionSet?
            let statements = documents[d].document.statements
            for s in statements.indices where ResourceScope.isIdentityAllow(statements[s]) {
                guard let star = ResourceScope.wildcardResource(statements[s]),
                      !PermissionScope.coversEveryAction(statements[s]),
                      ResourceScope.scopingCondition(statements[s]) == nil
                else { continue }
                let statement = statements[s]
                let all = ActionSets.covered(by: statement)
                guard all.intersects(Self.candidates) else { continue }
                let denied = deniedInDocument ?? ActionSets.deniedEverywhere(in: [documents[d].document])
                deniedInDocument = denied
                var covered = all.subtracting(denied)
                if ResourceScope.isWiderGrant(statement, covered: all) { covered = covered.subtracting(ActionSets.iam) }
                let writes = covered.intersection(Self.candidates)
                guard !writes.isEmpty else { continue }
                let management = writes.intersection(Self.permissionsManagement)
                let first = ActionSets.names(of: management, in: statement, limit: 3)
                let rest = ActionSets.names(of: writes.subtracting(management), in: statement, limit: 3 - first.count)
                let kind = management.isEmpty ? "write" : management == writes ? "permissions-management" : "write and permissions-management"
                findings.append(context.finding(
                    Message.writesEverywhere(policy: documents[d].label, kind: kind, names: first + rest, count: writes.count),
                    at: statement.provenance.child("Resource", range: star.range), subject: documents[d].label))
            }
        }
        return findings
    }

    enum Message {
        static func writesEverywhere(policy: String, kind: String, names: [String], count: Int) -> String {
            let listed = names.joined(separator: ", ")
            let more = count > names.count ? " and \(count - names.count) more" : ""
            let noun = count == 1 ? "a \(kind) action" : "\(count) \(kind) actions"
            return "\(policy) allows \(noun) (\(listed)\(more)) on every resource ('*') without a condition that scopes them"
        }
    }
}
