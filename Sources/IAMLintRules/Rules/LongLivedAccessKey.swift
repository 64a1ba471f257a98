import IAMLintCore
import IAMLintModel

/// IAM505: an access key declared in infrastructure code (`AWS::IAM::AccessKey`,
/// `aws_iam_access_key`) that is active: long-lived credentials for an IAM user, whoever that
/// user is. An `Inactive` key is fine; a status unknown until deployment is not guessed.
public struct LongLivedAccessKey: Rule {
    public static let code = "IAM505"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var findings: [Finding] = []
        for item in graph.inventory where item.kind == .accessKey && item.sourceType != CommittedKeyMarker.sourceType {
            let statusKey = item.isTerraform ? "status" : "Status"
            let statuses = item.propertyBranches(statusKey)
            let active = item.lacksProperty(statusKey)
                || statuses.contains { status in
                    if case .null = status.value { return true }
                    return status.value.text.map { !$0.isSymbolic && $0.value.lowercased() == "active" } ?? false
                }
            guard active else { continue }
            let userKey = item.isTerraform ? "user" : "UserName"
            var user = "an unnamed user"
            if let reference = item.properties[userKey]?.text {
                user = PermissionScope.describe(reference, kind: .user, in: graph, from: item.provenance.file).text
            }
            findings.append(context.finding(Message.longLived(item.logicalName, user: user), at: item.provenance, subject: item.logicalName))
        }
        return findings
    }

    enum Message {
        static func longLived(_ key: String, user: String) -> String {
            "access key '\(key)' gives \(user) long-lived credentials that stay valid until someone rotates them"
        }
    }
}
