import IAMLintCore
import IAMLintModel

/// IAM208: a policy attached directly to an IAM user (inline, by ARN, or by a policy or
/// attachment that lists the user). Permissions belong on groups or on roles people assume.
/// Policies that only deny are not reported.
public struct PolicyOnUser: Rule {
    public static let code = "IAM208"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var findings: [Finding] = []
        let kinds = graph.principalFacts.kinds
        // By position: a user is read only for a finding (not a copy of every principal).
        for index in kinds.indices where kinds[index] == .user {
            for grant in graph.grants[index] where grant.viaGroup == nil && Self.mayAllow(grant.document) {
                let user = graph.principals[index]
                let label: String
                if case .arn = grant.source { label = "managed policy '\(grant.policyName)'" } else { label = grant.label }
                findings.append(context.finding(
                    Message.attached(user: graph.describe(index), policy: label), at: grant.provenance, subject: user.displayName))
            }
        }
        for policy in graph.policies where Self.mayAllow(policy.document) {
            let file = policy.provenance.file
            for (i, ref) in policy.users.enumerated() where graph.resolve(ref, kind: .user, from: file).isEmpty {
                let target = PermissionScope.describe(ref, kind: .user, in: graph, from: file)
                let label = "\(policy.isManaged ? "managed policy" : "policy") '\(policy.displayName)'"
                findings.append(context.finding(
                    Message.attached(user: target.text, policy: label),
                    at: PermissionScope.attachmentProvenance(policy, kind: .user, index: i, range: ref.range), subject: target.name))
            }
        }
        for attachment in graph.attachments {
            let file = attachment.provenance.file
            let name = PermissionScope.policyName(attachment.policyArn, in: graph, from: file)
            for ref in attachment.users where graph.resolve(ref, kind: .user, from: file).isEmpty {
                let target = PermissionScope.describe(ref, kind: .user, in: graph, from: file)
                findings.append(context.finding(
                    Message.attached(user: target.text, policy: "managed policy '\(name)'"), at: attachment.provenance, subject: target.name))
            }
        }
        return findings
    }

    /// False only for a document whose statements are all Deny.
    static func mayAllow(_ document: PolicyDocument?) -> Bool {
        guard let document else { return true }
        return document.statements.isEmpty || document.statements.contains { $0.effect == .allow }
    }

    enum Message {
        static func attached(user: String, policy: String) -> String {
            "\(user) has \(policy) attached directly; grant permissions to a group the user joins or a role the user assumes"
        }
    }
}
