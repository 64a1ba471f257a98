import IAMLintCore
import IAMLintModel

/// IAM101: an administrator-equivalent role that an account root, an IAM user or anyone may assume
/// without MFA. Service, federated and role principals are other rules' business.
public struct AdminRoleWithoutMFA: Rule {
    public static let code = "IAM101"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var findings: [Finding] = []
        for (index, role) in graph.principals.enumerated() where role.kind == .role && role.implicitOrigin == nil {
            guard let trust = role.trustPolicy, let admin = graph.adminGrant(index) else { continue }
            if graph.enforcesMFAByPolicy(index) { continue }
            let trustDeniesWithoutMFA = trust.statements.contains { $0.deniesWithoutMFA && $0.coversAssumeRole }
            if trustDeniesWithoutMFA { continue }
            for statement in trust.statements where statement.effect == .allow && !statement.isNotPrincipal && statement.coversAssumeRole {
                if statement.requiresMFA || statement.restrictsToRoles { continue }
                let humans = statement.principals.map(\.identity).filter(\.isHumanCredentialHolder)
                guard !humans.isEmpty else { continue }
                var seen = Set<String>()
                let names = humans.map(\.description).filter { seen.insert($0).inserted }
                findings.append(context.finding(
                    Message.assumableWithoutMFA(role: role.displayName, policy: admin.label, principals: names),
                    at: statement.provenance, subject: role.displayName,
                    related: [RelatedLocation(location: admin.provenance.location, message: "administrator access granted here")]))
            }
        }
        return findings
    }

    enum Message {
        static func assumableWithoutMFA(role: String, policy: String, principals: [String]) -> String {
            "role '\(role)' has administrator access (\(policy)) and trusts \(principals.joined(separator: ", ")) without requiring MFA"
        }
    }
}

extension Statement {
    /// True when a condition limits the callers to roles (`aws:PrincipalArn` naming only role ARNs,
    /// or `aws:PrincipalType` `AssumedRole`): MFA cannot be demanded at that hop.
    var restrictsToRoles: Bool {
        conditions.contains { clause in
            switch clause.normalizedKey {
            case "aws:principalarn":
                let op = clause.baseOperator
                guard op.hasPrefix("arn") || op.hasPrefix("string"), !op.contains("not"), !clause.values.isEmpty else { return false }
                return clause.values.allSatisfy { $0.value.contains(":role/") || $0.value.contains(":assumed-role/") }
            case "aws:principaltype":
                return !clause.baseOperator.contains("not") && !clause.values.isEmpty
                    && clause.values.allSatisfy { $0.value == "AssumedRole" }
            default:
                return false
            }
        }
    }
}
