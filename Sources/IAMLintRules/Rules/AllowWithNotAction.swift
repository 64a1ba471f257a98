import IAMLintCore
import IAMLintModel

/// IAM205: an identity-policy Allow written with `NotAction` or `NotResource`: it grants
/// everything not listed, including actions and resources that do not exist yet.
public struct AllowWithNotAction: Rule {
    public static let code = "IAM205"
    public static let asksDerivedFacts = false
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        // By position: each document reference and statement is read in place, and copied
        // (with the list of its two elements) only for the few Allows with a negated element.
        let documents = PermissionScope.identityDocuments(context.graph)
        for d in documents.indices {
            let statements = documents[d].document.statements
            for s in statements.indices where statements[s].effect == .allow && (statements[s].isNotAction || statements[s].isNotResource) {
                let ref = documents[d]
                let statement = statements[s]
                for (element, isNegated, texts, keyRange) in [
                    ("NotAction", statement.isNotAction, statement.actions, statement.notActionKeyRange),
                    ("NotResource", statement.isNotResource, statement.resources, statement.notResourceKeyRange),
                ] where isNegated {
                    if texts.contains(where: { $0.value == "*" }) { continue }
                    let range = keyRange ?? texts.first?.range ?? statement.provenance.range
                    let listed = texts.map(\.value)
                    findings.append(context.finding(
                        element == "NotAction" ? Message.notAction(policy: ref.label, listed: listed) : Message.notResource(policy: ref.label, listed: listed),
                        at: statement.provenance.child(element, range: range), subject: ref.label))
                }
            }
        }
        return findings
    }

    enum Message {
        static func notAction(policy: String, listed: [String]) -> String {
            "\(policy) allows every action except \(Message.list(listed)) (Allow with NotAction); list the actions it needs instead"
        }

        static func notResource(policy: String, listed: [String]) -> String {
            "\(policy) allows its actions on every resource except \(Message.list(listed)) (Allow with NotResource); list the resources it needs instead"
        }

        static func list(_ values: [String]) -> String {
            if values.isEmpty { return "nothing" }
            let shown = values.prefix(3).map { "'\($0)'" }.joined(separator: ", ")
            return values.count > 3 ? "\(shown) and \(values.count - 3) more" : shown
        }
    }
}
