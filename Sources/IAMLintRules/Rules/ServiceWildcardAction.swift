import IAMLintCore
import IAMLintModel

/// IAM203: an identity-policy Allow names every action of one service (`s3:*`, `ec2:*`), on
/// any resource. `*` alone is IAM202's and `iam:*` IAM206's; unknown services are IAM216's.
public struct ServiceWildcardAction: Rule {
    public static let code = "IAM203"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        // By position: document references, statements and action texts are read in place,
        // and copied only for a finding.
        let documents = PermissionScope.identityDocuments(context.graph)
        for d in documents.indices {
            let statements = documents[d].document.statements
            for s in statements.indices where ResourceScope.isIdentityAllow(statements[s]) && !statements[s].isNotAction {
                let actions = statements[s].actions
                for a in actions.indices {
                    guard let service = Self.wildcardService(actions[a]), service != "iam",
                          ActionSets.catalog.isKnownService(service)
                    else { continue }
                    let ref = documents[d]
                    let statement = statements[s]
                    let text = actions[a]
                    findings.append(context.finding(
                        Message.everyAction(policy: ref.label, service: service, written: text.value),
                        at: ActionSets.provenance(of: text, in: statement), subject: "\(ref.label) \(text.value)"))
                }
            }
        }
        return findings
    }

    /// The service of `service:*` (lower-case), for a literal service and an action part made
    /// only of `*`.
    static func wildcardService(_ text: PolicyText) -> String? {
        // The action part is only `*`s: the text ends with one (a cheap test for most actions).
        guard !text.isSymbolic, text.value.utf8.last == UInt8(ascii: "*") else { return nil }
        let parts = text.value.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, parts[1].allSatisfy({ $0 == "*" }),
              !parts[0].contains(where: { $0 == "*" || $0 == "?" || $0 == "$" })
        else { return nil }
        return parts[0].lowercased()
    }

    enum Message {
        static func everyAction(policy: String, service: String, written: String) -> String {
            "\(policy) allows every \(service) action ('\(written)'); name the actions it needs"
        }
    }
}
