import IAMLintCore
import IAMLintModel

/// IAM102: a trust statement that lets any AWS principal (`*`, `{"AWS": "*"}`) assume the role
/// with no condition that restricts who the caller is (organization, account, source, external id,
/// principal ARN). A condition only on MFA does not: anyone with MFA on any account qualifies.
public struct WildcardTrustPrincipal: Rule {
    public static let code = "IAM102"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        let table = context.graph.trustStatementTable
        for position in table.positions(with: [.allow, .anyone], without: .notPrincipal) {
            let statement = table.statements[position]
            let role = context.graph.principals[table.roles[position]]
            guard let trust = role.trustPolicy, !trust.deniesOutsideCallers, statement.coversAssumeRole else { continue }
            guard let anyone = statement.principals.first(where: { $0.identity == .anyone }) else { continue }
            if statement.restrictsCaller { continue }
            findings.append(context.finding(
                Message.trustsAnyone(role: role.displayName, withMFA: statement.requiresMFA),
                at: statement.provenance(of: anyone), subject: role.displayName))
        }
        return findings
    }

    enum Message {
        static func trustsAnyone(role: String, withMFA: Bool) -> String {
            let mfa = withMFA ? " (requiring MFA does not say who)" : ""
            return "role '\(role)' trusts any AWS principal ('*') without a condition that restricts the caller\(mfa)"
        }
    }
}
