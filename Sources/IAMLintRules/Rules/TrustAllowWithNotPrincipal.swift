import IAMLintCore
import IAMLintModel

/// IAM106: an Allow trust statement written with `NotPrincipal` (every principal but the listed
/// ones may assume the role) or `NotAction` (every STS action but the listed ones is allowed).
public struct TrustAllowWithNotPrincipal: Rule {
    public static let code = "IAM106"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        let table = context.graph.trustStatementTable
        for position in table.positions(with: .allow) where !table.traits[position].isDisjoint(with: [.notPrincipal, .notAction]) {
            let statement = table.statements[position]
            let role = context.graph.principals[table.roles[position]]
            if statement.isNotPrincipal {
                let at = statement.principals.first.map { statement.provenance(of: $0) }
                    ?? statement.provenance.child("NotPrincipal", range: statement.provenance.range)
                findings.append(context.finding(Message.notPrincipal(role: role.displayName), at: at, subject: role.displayName))
            }
            if statement.isNotAction {
                let at = statement.actions.first.map { statement.provenance(ofAction: $0) }
                    ?? statement.provenance.child("NotAction", range: statement.provenance.range)
                findings.append(context.finding(Message.notAction(role: role.displayName), at: at, subject: role.displayName))
            }
        }
        return findings
    }

    enum Message {
        static func notPrincipal(role: String) -> String {
            "role '\(role)' trust policy allows with NotPrincipal: every principal except the listed ones may assume the role"
        }

        static func notAction(role: String) -> String {
            "role '\(role)' trust policy allows with NotAction: every action except the listed ones is allowed"
        }
    }
}
