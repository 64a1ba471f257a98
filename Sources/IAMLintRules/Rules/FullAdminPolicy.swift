import IAMLintCore
import IAMLintModel

/// IAM202: an identity policy statement that allows every action on every resource without a
/// condition. Conditioned grants of `*` are left to a reviewer (and to IAM201 for who holds them).
public struct FullAdminPolicy: Rule {
    public static let code = "IAM202"
    public static let asksDerivedFacts = false
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        // By position: a document reference is copied only for a finding.
        let documents = PermissionScope.identityDocuments(context.graph)
        for d in documents.indices {
            for statement in PermissionScope.unconditionalFullAdmin(in: documents[d].document) {
                let ref = documents[d]
                let action = statement.isNotAction ? "NotAction []" : "'\(statement.actions.first(where: PermissionScope.matchesEveryAction)?.value ?? "*")'"
                findings.append(context.finding(
                    Message.allowsEverything(policy: ref.label, action: action), at: statement.provenance, subject: ref.label))
            }
        }
        return findings
    }

    enum Message {
        static func allowsEverything(policy: String, action: String) -> String {
            "\(policy) allows every action (\(action)) on every resource ('*') without a condition"
        }
    }
}
