import IAMLintCore
import IAMLintModel

/// IAM103: a trust statement that admits the root of another account (every principal there that
/// its own policies allow) with neither a fixed `sts:ExternalId` nor MFA. A pinned
/// `aws:PrincipalArn` counts as naming the principals, as a role ARN in `Principal` would. An
/// account id left to a CloudFormation parameter counts when the parameter's declaration admits
/// only 12-digit ids (`AllowedPattern`, `AllowedValues`); nothing is guessed from its name.
public struct CrossAccountTrustWithoutExternalID: Rule {
    public static let code = "IAM103"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var findings: [Finding] = []
        let knownAccounts = graph.principalFacts.knownAccounts
        let table = graph.trustStatementTable
        // Only `AWS` entries read as an account or not understood (a parameter) can be an
        // account (`mayNameAccount`): statements without one are not read.
        // The tests are independent: the one that rules out most trusts (MFA, a trait of the
        // table) comes first, before the statement is read.
        for position in table.positions(with: [.allow, .mayNameAccount], without: [.notPrincipal, .requiresMFA]) {
            let statement = table.statements[position]
            let index = table.roles[position]
            let role = graph.principals[index]
            guard let trust = role.trustPolicy, statement.coversAssumeRole, !trust.deniesAssumeWithoutMFA else { continue }
            if statement.requiresExternalID || statement.restrictsPrincipalARN { continue }
            let own = knownAccounts[index]
            var seen = Set<String>()
            let file = trust.provenance.file
            let foreign = statement.principals.filter { entry in
                if UnresolvedPrincipal.accountParameter(entry, inFile: file, graph: graph) != nil {
                    return seen.insert(entry.text.value).inserted
                }
                guard entry.kind == .aws, case .account(let id) = entry.identity else { return false }
                guard ARN.isAccountID(id), id != own else { return false }  // twelve numbers, decided on bytes for ASCII
                return seen.insert(id).inserted
            }
            guard let first = foreign.first else { continue }
            let accounts = foreign.compactMap { entry -> String? in
                if let parameter = UnresolvedPrincipal.accountParameter(entry, inFile: file, graph: graph) {
                    return Message.parameterAccount(parameter.name)
                }
                if case .account(let id) = entry.identity { return graph.describeAccount(id) }
                return nil
            }
            findings.append(context.finding(
                Message.trustsAccount(role: role.displayName, accounts: accounts),
                at: statement.provenance(of: first), subject: role.displayName))
        }
        return findings
    }

    enum Message {
        static func parameterAccount(_ name: String) -> String {
            "the account given by parameter '\(name)'"
        }

        static func trustsAccount(role: String, accounts: [String]) -> String {
            let list = accounts.count > 1 ? accounts.dropLast().joined(separator: ", ") + " and " + accounts[accounts.count - 1] : accounts.joined()
            return "role '\(role)' trusts \(list) without requiring an external id or MFA"
        }
    }
}
