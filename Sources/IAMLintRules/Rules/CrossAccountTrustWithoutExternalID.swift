import IAMLintCore
import IAMLintModel

/// IAM103: a trust statement that admits the root of another account (every principal there that
/// its own policies allow) with neither a fixed `sts:ExternalId` nor MFA. A pinned
/// `aws:PrincipalArn` counts as naming the principals, as a role ARN in `Principal` would.
public struct CrossAccountTrustWithoutExternalID: Rule {
    public static let code = "IAM103"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var findings: [Finding] = []
        for (index, role) in graph.principals.enumerated() where role.kind == .role && role.implicitOrigin == nil {
            guard let trust = role.trustPolicy, !trust.deniesAssumeWithoutMFA else { continue }
            let own = graph.knownAccount(of: index)
            for statement in trust.statements where statement.effect == .allow && !statement.isNotPrincipal && statement.coversAssumeRole {
                if statement.requiresMFA || statement.requiresExternalID || statement.restrictsPrincipalARN { continue }
                var seen = Set<String>()
                let foreign = statement.principals.filter { entry in
                    guard entry.kind == .aws, case .account(let id) = entry.identity else { return false }
                    guard id.count == 12, id.allSatisfy(\.isNumber), id != own else { return false }
                    return seen.insert(id).inserted
                }
                guard let first = foreign.first else { continue }
                let accounts = foreign.compactMap { entry -> String? in
                    if case .account(let id) = entry.identity { return graph.describeAccount(id) }
                    return nil
                }
                findings.append(context.finding(
                    Message.trustsAccount(role: role.displayName, accounts: accounts),
                    at: statement.provenance(of: first), subject: role.displayName))
            }
        }
        return findings
    }

    enum Message {
        static func trustsAccount(role: String, accounts: [String]) -> String {
            let list = accounts.count > 1 ? accounts.dropLast().joined(separator: ", ") + " and " + accounts[accounts.count - 1] : accounts.joined()
            return "role '\(role)' trusts \(list) without requiring an external id or MFA"
        }
    }
}
