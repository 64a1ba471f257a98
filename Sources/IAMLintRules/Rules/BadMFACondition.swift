import IAMLintCore
import IAMLintModel

/// IAM113: an `aws:MultiFactorAuthPresent` test that does not do what it seems to. Requests signed
/// with long-term access keys carry no such key: `Bool … "false"` in a Deny never matches them (use
/// `BoolIfExists`), `BoolIfExists … "true"` in an Allow admits them, and an Allow on `"false"`
/// grants access only to sessions without MFA.
public struct BadMFACondition: Rule {
    public static let code = "IAM113"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        // By position: a copy of each document reference, statement and clause (their strings,
        // arrays and provenance) cost more than the key test that rules nearly all of them out.
        let documents = context.graph.documents
        for d in documents.indices {
            let statements = documents[d].document.statements
            for s in statements.indices {
                let conditions = statements[s].conditions
                for c in conditions.indices where conditions[c].key.lowercasedEquals("aws:multifactorauthpresent") && conditions[c].comparison == "bool" {
                    let clause = conditions[c]
                    let statement = statements[s]
                    let document = documents[d]
                    func holds(_ value: StaticString) -> Bool { clause.values.contains { $0.value.lowercasedEquals(value) } }
                    let message: String
                    switch (statement.effect, clause.ifExists) {
                    case (.deny, false) where holds("false"):
                        message = Message.denyWithBool(document.label)
                    case (.allow, _) where holds("false"):
                        message = Message.allowWithoutMFA(document.label)
                    case (.allow, true) where holds("true"):
                        message = Message.allowIfExists(document.label)
                    default:
                        continue
                    }
                    let subject = document.principal.map { context.graph.principals[$0].displayName }
                        ?? document.policy.map { context.graph.policies[$0].displayName } ?? document.label
                    findings.append(context.finding(message, at: statement.provenance(of: clause), subject: subject))
                }
            }
        }
        return findings
    }

    enum Message {
        static func denyWithBool(_ label: String) -> String {
            "\(label) denies on Bool aws:MultiFactorAuthPresent \"false\", which never matches requests signed with long-term access keys; use BoolIfExists"
        }

        static func allowWithoutMFA(_ label: String) -> String {
            "\(label) allows on aws:MultiFactorAuthPresent \"false\", which admits sessions without MFA"
        }

        static func allowIfExists(_ label: String) -> String {
            "\(label) allows on BoolIfExists aws:MultiFactorAuthPresent \"true\", which also admits requests signed with long-term access keys (no MFA); use Bool"
        }
    }
}
