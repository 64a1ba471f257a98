import IAMLintCore
import IAMLintModel

/// IAM109: a trust policy names a user or role of a configured, scanned account that no file
/// defines. The trust outlives the principal: whoever re-creates that name inherits it.
public struct DanglingTrustedPrincipal: Rule {
    public static let code = "IAM109"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        guard !graph.accounts.isEmpty else { return [] }
        // Whether each account named in a trust is scanned, asked once per account.
        var scanned: [String: Bool] = [:]
        func isScanned(_ account: String) -> Bool {
            if let known = scanned[account] { return known }
            let made = graph.account(withID: account) != nil && !graph.principals(inAccount: account).isEmpty
            scanned[account] = made
            return made
        }
        return graph.trustEdges.compactMap { edge in
            let kind: EntityKind
            let account: String
            let name: String
            switch edge.principal.identity {
            case .user(let a, let n): (kind, account, name) = (.user, a, n)
            case .role(let a, let n): (kind, account, name) = (.role, a, n)
            default: return nil
            }
            // A scanned account: one where some principal lives (`accountID(of:)`).
            guard isScanned(account), !Self.has("*", name), !Self.has("$", name)
            else { return nil }
            // Defined: a principal of that kind whose name (`referenceKey`, ignoring case) it is, in that account.
            guard graph.principals(kind, named: name, inAccount: account).isEmpty else { return nil }
            let role = graph.principals[edge.role]
            let at = edge.statement.provenance.child("Principal", range: edge.principal.text.range)
            return context.finding(
                Message.dangling(role: role.displayName, kind: kind, name: name, account: graph.describeAccount(account)),
                at: at, subject: "\(role.displayName) \(kind.rawValue) \(name)")
        }
    }

    /// `name.contains(character)` for an ASCII character, the bytes searched first: without
    /// that byte the character cannot be there.
    static func has(_ character: Character, _ name: String) -> Bool {
        if let byte = character.asciiValue, !name.utf8.contains(byte) { return false }
        return name.contains(character)
    }

    enum Message {
        static func dangling(role: String, kind: EntityKind, name: String, account: String) -> String {
            "role '\(role)' trusts \(kind.rawValue) '\(name)' of \(account), which no scanned file defines; whoever re-creates that name inherits the trust"
        }
    }
}
