import IAMLintCore
import IAMLintModel

/// IAM104: a trust policy admits an account that `.iamlint.yml` does not name. Only active once
/// accounts are configured: then every account that may assume a role should be a known one.
public struct UnknownTrustedAccount: Rule {
    public static let code = "IAM104"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        guard !graph.accounts.isEmpty else { return [] }
        let known = Set(graph.accounts.map(\.id))
        // Whether an account is literal and unknown, kept for the previous edge's account: a
        // role's trust statements mostly name one account.
        var previous: (account: String, unknown: Bool)?
        return graph.trustEdges.compactMap { edge in
            guard let account = edge.principal.identity.accountID else { return nil }
            let unknown: Bool
            if let previous, previous.account == account {
                unknown = previous.unknown
            } else {
                unknown = Self.isLiteral(account) && !known.contains(account)
                previous = (account, unknown)
            }
            guard unknown else { return nil }
            let role = graph.principals[edge.role]
            let at = edge.statement.provenance.child("Principal", range: edge.principal.text.range)
            return context.finding(Message.unknown(role: role.displayName, principal: edge.principal.identity.description, account: account),
                                   at: at, subject: "\(role.displayName) \(account)")
        }
    }

    /// Twelve characters, all numbers: `ARN.isAccountID`, which decides ASCII text on its bytes
    /// (the character count and properties of every trusted account cost more than the rest of
    /// the rule).
    static func isLiteral(_ account: String) -> Bool {
        ARN.isAccountID(account)
    }

    enum Message {
        static func unknown(role: String, principal: String, account: String) -> String {
            "role '\(role)' trusts \(principal), and .iamlint.yml names no account \(account); name it under accounts if it is a known partner"
        }
    }
}

extension PrincipalIdentity {
    /// The account an AWS principal belongs to, when it names one.
    public var accountID: String? {
        switch self {
        case .account(let id): return id
        case .user(let account, _), .role(let account, _), .assumedRole(let account, _): return account
        default: return nil
        }
    }
}
