import IAMLintCore
import IAMLintModel

/// IAM214: an identity policy allows `iam:PassRole` on every role without an
/// `iam:PassedToService` condition: its holder can hand any role, admin ones included, to any
/// service that runs code. Statements already reported as `*` on `*` (IAM202) or all of IAM
/// (IAM206) are left to those rules.
public struct PassRoleWildcard: Rule {
    public static let code = "IAM214"
    public static let asksDerivedFacts = false
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        let documents = PermissionScope.identityDocuments(context.graph)
        PermissionScope.forEachIdentityAllow(in: documents) { d, statement in
            guard statement.covers(action: "iam:PassRole"),
                  PermissionScope.coversEveryRole(statement, anyAccount: false),
                  !PermissionScope.restricts(statement, keys: ["iam:passedtoservice"])
            else { return }
            if statement.conditions.isEmpty {
                if PermissionScope.isFullAdmin(statement) { return }
                if IAMFullAccessGrant.coversEveryIAMResource(statement), PermissionScope.coversEveryIAMAction(statement) { return }
            }
            findings.append(context.finding(
                Message.passAny(policy: documents[d].label, action: Self.action(statement), resource: Self.resource(statement)),
                at: statement.provenance, subject: documents[d].label))
        }
        return findings
    }

    static func action(_ statement: Statement) -> String {
        if statement.isNotAction { return "NotAction " + statement.actions.map { "'\($0.value)'" }.joined(separator: ", ") }
        let matching = statement.actions.first { Wildcard.matches(pattern: $0.value, $0.isSymbolic, "iam:PassRole", caseInsensitive: true) }
        return "'\(matching?.value ?? "iam:PassRole")'"
    }

    static func resource(_ statement: Statement) -> String {
        if statement.isNotResource { return "NotResource " + statement.resources.map { "'\($0.value)'" }.joined(separator: ", ") }
        return "'\(statement.resources.first { PermissionScope.namesEveryRole($0, anyAccount: false) }?.value ?? "*")'"
    }

    enum Message {
        static func passAny(policy: String, action: String, resource: String) -> String {
            "\(policy) allows iam:PassRole (\(action)) on every role (\(resource)) without an iam:PassedToService condition"
        }
    }
}
