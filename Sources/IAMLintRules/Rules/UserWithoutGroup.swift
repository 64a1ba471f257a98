import IAMLintCore
import IAMLintModel

/// IAM405: an IAM user in no group (no `Groups`, no `UserToGroupAddition`, no Terraform group
/// membership) in a scan that defines groups: its permissions are managed one user at a time.
/// Users of a file with a membership whose users are not known (symbolic, unknown until apply)
/// are left alone.
public struct UserWithoutGroup: Rule {
    public static let code = "IAM405"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        guard graph.principals.contains(where: { $0.kind == .group }) else { return [] }
        var member = Set<Int>()
        var uncertainFiles = Set<String>()
        for membership in graph.memberships {
            let file = membership.provenance.file
            for user in membership.users {
                let resolved = graph.resolve(user, kind: .user, from: file)
                member.formUnion(resolved)
                if resolved.isEmpty && (user.isSymbolic || user.value.contains("${")) { uncertainFiles.insert(file) }
            }
        }
        var findings: [Finding] = []
        for (index, user) in graph.principals.enumerated() where user.kind == .user {
            guard user.groups.isEmpty, !member.contains(index), !uncertainFiles.contains(user.provenance.file) else { continue }
            findings.append(context.finding(Message.noGroup(user.displayName), at: user.provenance, subject: user.displayName))
        }
        return findings
    }

    enum Message {
        static func noGroup(_ user: String) -> String {
            "user '\(user)' belongs to no group; grant people permissions through groups, not one user at a time"
        }
    }
}
