import IAMLintCore
import IAMLintModel

/// IAM211: an identity policy allows `sts:AssumeRole` on any role of any account, with no
/// condition that limits the target to known accounts, an organization or tagged roles.
public struct AssumeAnyRole: Rule {
    public static let code = "IAM211"
    public static let asksDerivedFacts = false
    public init() {}

    /// Condition keys that limit which roles may be assumed (lower-case; `/` ends a key prefix).
    static let targetKeys = ["aws:resourceaccount", "aws:resourceorgid", "aws:resourceorgpaths", "aws:resourcetag/", "iam:resourcetag/"]

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        let documents = PermissionScope.identityDocuments(context.graph)
        PermissionScope.forEachIdentityAllow(in: documents) { d, statement in
            guard statement.covers(action: "sts:AssumeRole"),
                  !(PermissionScope.isFullAdmin(statement) && statement.conditions.isEmpty),
                  PermissionScope.coversEveryRole(statement, anyAccount: true),
                  !PermissionScope.restricts(statement, keys: Self.targetKeys)
            else { return }
            findings.append(context.finding(
                Message.assumeAny(policy: documents[d].label, resource: Self.written(statement)), at: statement.provenance, subject: documents[d].label))
        }
        return findings
    }

    static func written(_ statement: Statement) -> String {
        if statement.isNotResource { return "NotResource " + statement.resources.map { "'\($0.value)'" }.joined(separator: ", ") }
        return "'\(statement.resources.first { PermissionScope.namesEveryRole($0, anyAccount: true) }?.value ?? "*")'"
    }

    enum Message {
        static func assumeAny(policy: String, resource: String) -> String {
            "\(policy) allows sts:AssumeRole on any role in any account (\(resource)) without a condition on the target account, organization or tags"
        }
    }
}
