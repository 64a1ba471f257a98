import IAMLintCore
import IAMLintModel

/// IAM604: an IAM user that lives in an account other than the identity account configured in
/// `.iamlint.yml` (`identity: true`). People belong in the identity account and reach the others
/// through roles. Without a configured identity account, or for users whose account is not known,
/// the rule says nothing.
public struct UserOutsideIdentityAccount: Rule {
    public static let code = "IAM604"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        guard let identity = graph.identityAccount else { return [] }
        var findings: [Finding] = []
        let kinds = graph.principalFacts.kinds
        // By position: the user is read only for a finding (not a copy of every principal).
        for index in kinds.indices where kinds[index] == .user && graph.principals[index].implicitOrigin == nil {
            guard let account = graph.accountID(of: index), account != identity.id,
                  ARN.isAccountID(account)  // twelve numbers, decided on bytes for ASCII
            else { continue }
            let user = graph.principals[index]
            findings.append(context.finding(
                Message.outside(user.displayName, account: graph.describeAccount(account), identity: graph.describeAccount(identity.id)),
                at: user.provenance, subject: user.displayName))
        }
        return findings
    }

    enum Message {
        static func outside(_ user: String, account: String, identity: String) -> String {
            "user '\(user)' is defined in \(account), not in the identity \(identity); people belong in the identity account and reach other accounts through roles"
        }
    }
}
