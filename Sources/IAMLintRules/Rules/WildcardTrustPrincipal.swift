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
        for role in context.graph.principals where role.kind == .role && role.implicitOrigin == nil {
            guard let trust = role.trustPolicy, !trust.deniesOutsideCallers else { continue }
            for statement in trust.statements where statement.effect == .allow && !statement.isNotPrincipal && statement.coversAssumeRole {
                guard let anyone = statement.principals.first(where: { $0.identity == .anyone }) else { continue }
                if statement.restrictsCaller { continue }
                findings.append(context.finding(
                    Message.trustsAnyone(role: role.displayName, withMFA: statement.requiresMFA),
                    at: statement.provenance(of: anyone), subject: role.displayName))
            }
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
