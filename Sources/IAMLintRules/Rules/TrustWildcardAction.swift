import IAMLintCore
import IAMLintModel

/// IAM105: an Allow trust statement whose action is `*` or `sts:*` (any name wildcard): it grants
/// every STS action a caller may take on the role, including session tagging and source identity,
/// rather than the one assume call it needs. `NotAction` is IAM106's.
public struct TrustWildcardAction: Rule {
    public static let code = "IAM105"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        let table = context.graph.trustStatementTable
        // `isWildcard` holds only for a text with `*` or `?` in it.
        for position in table.positions(with: [.allow, .wildcardAction], without: .notAction) {
            let statement = table.statements[position]
            let role = context.graph.principals[table.roles[position]]
            guard let action = statement.actions.first(where: { Self.isWildcard($0) }) else { continue }
            findings.append(context.finding(
                Message.wildcardAction(role: role.displayName, action: action.value),
                at: statement.provenance(ofAction: action), subject: role.displayName))
        }
        return findings
    }

    /// `*`, `sts:*`, `*:*`: an action whose name part is only wildcards.
    static func isWildcard(_ text: PolicyText) -> Bool {
        if text.isSymbolic { return false }
        let value = text.value
        if Wildcards.isOnlyWildcards(value) { return true }
        // The colon found on the bytes when the text is ASCII (where characters are bytes).
        let found = value.isASCIIText ? value.utf8.firstIndex(of: UInt8(ascii: ":")) : value.firstIndex(of: ":")
        guard let colon = found else { return false }
        let name = String(value[value.index(after: colon)...])
        guard Wildcards.isOnlyWildcards(name) else { return false }
        let service = value[..<colon].lowercased()
        return service == "sts" || Wildcards.isOnlyWildcards(service)
    }

    enum Message {
        static func wildcardAction(role: String, action: String) -> String {
            "role '\(role)' trust policy allows action '\(action)' rather than the assume action its principal needs"
        }
    }
}
