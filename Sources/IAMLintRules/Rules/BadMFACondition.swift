import IAMLintCore
import IAMLintModel

/// IAM113: an `aws:MultiFactorAuthPresent` test that does not do what it seems to. Requests signed
/// with long-term access keys carry no such key: `Bool … "false"` in a Deny never matches them (use
/// `BoolIfExists`), `BoolIfExists … "true"` in an Allow admits them, and an Allow on `"false"`
/// grants access only to sessions without MFA.
public struct BadMFACondition: Rule {
    public static let code = "IAM113"
    public static let asksDerivedFacts = false
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
                    // The clause and its document are copied only for a finding.
                    func holds(_ value: StaticString) -> Bool { conditions[c].values.contains { $0.value.lowercasedEquals(value) } }
                    let problem: Problem
                    switch (statements[s].effect, conditions[c].ifExists) {
                    case (.deny, false) where holds("false"):
                        problem = .denyWithBool
                    case (.allow, _) where holds("false"):
                        problem = .allowWithoutMFA
                    case (.allow, true) where holds("true"):
                        problem = .allowIfExists
                    default:
                        continue
                    }
                    let clause = conditions[c]
                    let statement = statements[s]
                    let document = documents[d]
                    let message: String
                    switch problem {
                    case .denyWithBool: message = Message.denyWithBool(document.label)
                    case .allowWithoutMFA: message = Message.allowWithoutMFA(document.label)
                    case .allowIfExists: message = Message.allowIfExists(document.label)
                    }
                    let subject = document.principal.map { context.graph.principals[$0].displayName }
                        ?? document.policy.map { context.graph.policies[$0].displayName } ?? document.label
                    findings.append(context.finding(message, at: statement.provenance(of: clause), subject: subject))
                }
            }
        }
        return findings
    }

    /// Which of the three misreadings a clause is.
    enum Problem {
        case denyWithBool
        case allowWithoutMFA
        case allowIfExists
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
