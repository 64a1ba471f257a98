import IAMLintCore
import IAMLintModel

/// IAM217: a policy document that breaks the IAM policy grammar: AWS rejects it, or reads it
/// differently from what its author meant. One finding per problem, at the element.
public struct InvalidPolicy: Rule {
    public static let code = "IAM217"
    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        for ref in context.graph.documents where !ref.document.grammarIssues.isEmpty {
            findings += Self.findings(ref, context: context)
        }
        return findings
    }

    /// The findings of the grammar issues the parser recorded for one document (see
    /// `PolicyGrammar`), in the order they were found; those that depend on whether the document
    /// is a trust policy are kept or dropped by `ref.kind`.
    static func findings(_ ref: DocumentRef, context: RuleContext) -> [Finding] {
        let document = ref.document
        let label = ref.label
        let isTrust = ref.kind == .trust
        var findings: [Finding] = []
        for issue in document.grammarIssues where issue.applies(isTrust: isTrust) {
            var at = document.provenance
            var statement = ""
            if let site = issue.statement {
                at = at.child(site.isList ? "Statement[\(site.index)]" : "Statement", range: site.range)
                statement = "\(label) statement \(site.name)"
            }
            if let element = issue.element { at = at.child(element.key, range: element.range) }
            var related: [RelatedLocation] = []
            if case .duplicateSid(_, let first) = issue.problem {
                related = [RelatedLocation(location: SourceLocation(file: document.provenance.file, range: first), message: "first statement with this Sid")]
            }
            let message = Self.message(issue, policy: label, statement: statement)
            findings.append(context.finding(message, at: at, subject: label, related: related))
        }
        return findings
    }

    static func message(_ issue: PolicyGrammarIssue, policy label: String, statement: String) -> String {
        switch issue.problem {
        case .notJSON: return Message.notJSON(policy: label)
        case .notObject: return Message.notObject(policy: label)
        case .empty: return Message.empty(policy: label)
        case .unknownDocumentElement(let key): return Message.unknownDocumentElement(policy: label, element: key)
        case .oldVersion(let variable): return Message.oldVersion(policy: label, variable: variable)
        case .badVersion(let version): return Message.badVersion(policy: label, version: version)
        case .noVersion(let variable): return Message.noVersion(policy: label, variable: variable)
        case .noStatement: return Message.noStatement(policy: label)
        case .statementNotObject: return Message.statementNotObject(policy: label, index: (issue.statement?.index ?? 0) + 1)
        case .unknownStatementElement(let key): return Message.unknownStatementElement(statement: statement, element: key)
        case .duplicateSid(let sid, _): return Message.duplicateSid(policy: label, sid: sid)
        case .noEffect: return Message.noEffect(statement: statement)
        case .badEffect(let effect): return Message.badEffect(statement: statement, effect: effect)
        case .principalInIdentityPolicy(let element): return Message.principalInIdentityPolicy(statement: statement, element: element)
        case .noPrincipal: return Message.noPrincipal(statement: statement)
        case .both(let positive, let negative): return Message.both(statement: statement, positive: positive, negative: negative)
        case .noAction: return Message.noAction(statement: statement)
        case .noResource: return Message.noResource(statement: statement)
        case .resourceInTrust(let element): return Message.resourceInTrust(statement: statement, element: element)
        case .malformedARN(let arn): return Message.malformedARN(statement: statement, arn: arn)
        case .unknownOperator(let op): return Message.unknownOperator(statement: statement, op: op)
        }
    }

    enum Message {
        static func notJSON(policy: String) -> String {
            "\(policy) is not valid JSON"
        }

        static func notObject(policy: String) -> String {
            "\(policy) is not a JSON object"
        }

        static func noVersion(policy: String, variable: String) -> String {
            "\(policy) has no Version, so IAM reads it as 2008-10-17 and matches '\(variable)' literally instead of substituting it; add Version 2012-10-17"
        }

        static func oldVersion(policy: String, variable: String) -> String {
            "\(policy) uses Version 2008-10-17, which matches '\(variable)' literally instead of substituting it; use 2012-10-17"
        }

        static func empty(policy: String) -> String {
            "\(policy) is empty; a policy needs a Version and at least one statement"
        }

        static func unknownDocumentElement(policy: String, element: String) -> String {
            "\(policy) has unknown element '\(element)'; a policy document has only Version, Id and Statement"
        }

        static func unknownStatementElement(statement: String, element: String) -> String {
            "\(statement) has unknown element '\(element)', which AWS rejects"
        }

        static func badVersion(policy: String, version: String) -> String {
            "\(policy) has Version '\(version)'; the policy language versions are 2012-10-17 and 2008-10-17"
        }

        static func noStatement(policy: String) -> String {
            "\(policy) has no Statement"
        }

        static func statementNotObject(policy: String, index: Int) -> String {
            "\(policy) statement \(index) is not an object"
        }

        static func duplicateSid(policy: String, sid: String) -> String {
            "\(policy) has more than one statement with Sid '\(sid)'; a Sid must be unique within its policy"
        }

        static func noEffect(statement: String) -> String {
            "\(statement) has no Effect; it must be Allow or Deny"
        }

        static func badEffect(statement: String, effect: String) -> String {
            "\(statement) has Effect '\(effect)'; it must be Allow or Deny, spelled so"
        }

        static func principalInIdentityPolicy(statement: String, element: String) -> String {
            "\(statement) has a \(element) element; an identity policy applies to its holder and must not name principals"
        }

        static func noPrincipal(statement: String) -> String {
            "\(statement) has no Principal; a trust policy statement must name who may assume the role"
        }

        static func both(statement: String, positive: String, negative: String) -> String {
            "\(statement) has both \(positive) and \(negative); a statement takes one of them"
        }

        static func noAction(statement: String) -> String {
            "\(statement) has neither Action nor NotAction"
        }

        static func noResource(statement: String) -> String {
            "\(statement) has neither Resource nor NotResource; an identity policy statement must name its resources"
        }

        static func resourceInTrust(statement: String, element: String) -> String {
            "\(statement) has a \(element) element, which a trust policy must not have"
        }

        static func malformedARN(statement: String, arn: String) -> String {
            "\(statement) has resource '\(arn)', which is not an ARN (arn:partition:service:region:account:resource)"
        }

        static func unknownOperator(statement: String, op: String) -> String {
            "\(statement) uses unknown condition operator '\(op)'"
        }
    }
}
