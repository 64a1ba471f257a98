import IAMLintCore
import IAMLintModel

/// IAM405: an IAM user in no group (no `Groups`, no `UserToGroupAddition`, no Terraform group
/// membership) in a setup that defines groups (the same account when it is known, else the same
/// directory): its permissions are managed one user at a time.
/// Users of a file with a membership whose users are not known (symbolic, unknown until apply)
/// are left alone.
public struct UserWithoutGroup: Rule {
    public static let code = "IAM405"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var groupScopes = Set<String>()
        let kinds = graph.principalFacts.kinds
        for i in kinds.indices where kinds[i] == .group { groupScopes.insert(scope(of: i, graph)) }
        guard !groupScopes.isEmpty else { return [] }
        var member = Set<Int>()
        var uncertainFiles = Set<String>()
        for membership in graph.memberships {
            let file = membership.provenance.file
            for user in membership.users {
                let resolved = graph.resolve(user, kind: .user, from: file)
                member.formUnion(resolved)
                if resolved.isEmpty && (user.isSymbolic || user.value.containsUTF8("${")) { uncertainFiles.insert(file) }
            }
        }
        var findings: [Finding] = []
        // By position: a user is copied only for a finding (not every principal).
        for index in kinds.indices where kinds[index] == .user {
            guard graph.principals[index].groups.isEmpty, !member.contains(index),
                  !uncertainFiles.contains(graph.principals[index].provenance.file),
                  groupScopes.contains(scope(of: index, graph)) else { continue }
            let user = graph.principals[index]
            findings.append(context.finding(Message.noGroup(user.displayName), at: user.provenance, subject: user.displayName))
        }
        return findings
    }

    /// Where a principal belongs for the question "does this setup use groups": its account
    /// when known, else the directory of its file (one setup's templates live together).
    private func scope(of index: Int, _ graph: IAMGraph) -> String {
        if let account = graph.accountID(of: index), RoleARNParts.isAccountID(account) { return "account \(account)" }
        return "directory " + CLIProfileSet.directory(of: graph.principals[index].provenance.file)
    }

    enum Message {
        static func noGroup(_ user: String) -> String {
            "user '\(user)' belongs to no group; grant people permissions through groups, not one user at a time"
        }
    }
}
