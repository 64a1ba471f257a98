import IAMLintCore
import IAMLintModel

/// IAM217: a policy document that breaks the IAM policy grammar: AWS rejects it, or reads it
/// differently from what its author meant. One finding per problem, at the element.
public struct InvalidPolicy: Rule {
    public static let code = "IAM217"
    public init() {}

    /// The condition operators IAM documents (lower-case), before `IfExists` and set prefixes.
    static let operators: Set<String> = [
        "stringequals", "stringnotequals", "stringequalsignorecase", "stringnotequalsignorecase", "stringlike", "stringnotlike",
        "numericequals", "numericnotequals", "numericlessthan", "numericlessthanequals", "numericgreaterthan", "numericgreaterthanequals",
        "dateequals", "datenotequals", "datelessthan", "datelessthanequals", "dategreaterthan", "dategreaterthanequals",
        "bool", "binaryequals", "ipaddress", "notipaddress", "arnequals", "arnlike", "arnnotequals", "arnnotlike", "null",
    ]

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        for ref in context.graph.documents {
            var checker = Checker(context: context, ref: ref)
            findings += checker.run()
        }
        return findings
    }

    static let documentElements: Set<String> = ["version", "id", "statement"]

    /// Whether `key` is one of `elements` (lower-case names), ignoring case; no lower-cased copy
    /// is made for a key that has no upper-case ASCII letter and nothing outside ASCII.
    static func isElement(_ key: String, of elements: Set<String>) -> Bool {
        elements.contains(lowercasedIfNeeded(key))
    }

    /// Keys a CloudFormation resolver may leave in place (`Fn::…`, `Ref`): not policy elements.
    static func isIntrinsic(_ key: String) -> Bool {
        key.hasPrefix("Fn::") || key == "Ref"
    }

    /// A resource that starts with `arn:` but has fewer than six parts, unless a wildcard in its
    /// last part may stand for the missing ones (`arn:aws:logs:*`). Unknown values are not judged.
    static func isMalformedARN(_ text: PolicyText) -> Bool {
        guard !text.isSymbolic, text.value.hasPrefix("arn:"), ARN(text.value) == nil else { return false }
        let last = text.value.split(separator: ":", omittingEmptySubsequences: false).last ?? ""
        return !last.containsUTF8("*")
    }

    /// The first policy variable (`${aws:username}`, `${saml:sub}`, `${*}`) in any string of the
    /// document; CloudFormation placeholders (`${AWS::AccountId}`, `${Bucket}`,
    /// `${ImportValue:…}`) are not variables.
    static func firstPolicyVariable(in value: Value) -> String? {
        switch value {
        case .map(let entries, _):
            for entry in entries {
                if let variable = firstPolicyVariable(in: entry.value) { return variable }
            }
            return nil
        case .list(let items, _), .alternatives(let items, _):
            for item in items {
                if let variable = firstPolicyVariable(in: item) { return variable }
            }
            return nil
        case .string(let text, _), .symbolic(let text, _):
            return firstPolicyVariable(inText: text)
        case .null:
            return nil
        }
    }

    /// The first policy variable in one string.
    private static func firstPolicyVariable(inText text: String) -> String? {
        if text.containsUTF8("${") {
            var rest = Substring(text)
            while let start = rest.firstRange(of: "${") {
                let after = rest[start.upperBound...]
                guard let end = after.firstIndex(of: "}") else { break }
                let inner = after[..<end]
                if isPolicyVariable(inner) { return "${\(inner)}" }
                rest = after[end...]
            }
        }
        return nil
    }

    static func isPolicyVariable(_ inner: Substring) -> Bool {
        if inner == "*" || inner == "?" || inner == "$" { return true }
        guard let colon = inner.firstIndex(of: ":"), colon > inner.startIndex, !inner.containsUTF8("${") else { return false }
        let prefix = inner[..<colon], key = inner[inner.index(after: colon)...]
        let prefixIsService = prefix.allSatisfy { ($0.isLetter && $0.isLowercase) || $0.isNumber || $0 == "." || $0 == "-" }
        return prefixIsService && prefix.first?.isLetter == true && !key.isEmpty && !key.hasPrefix(":") && !key.hasPrefix("-")
    }

    /// True for `StringEquals`, `ForAnyValue:StringLike`, `ArnLikeIfExists`; false for
    /// `StringEqual`, `NullIfExists`, `ForAllValues:` alone.
    static func isKnownOperator(_ op: String) -> Bool {
        var name = op.lowercased()
        for prefix in ["forallvalues:", "foranyvalue:"] where name.hasPrefix(prefix) {
            name = String(name.dropFirst(prefix.count))
            break
        }
        if name.hasSuffix("ifexists") {
            name = String(name.dropLast("ifexists".count))
            if name == "null" { return false }
        }
        return operators.contains(name)
    }

    private struct Checker {
        let context: RuleContext
        let ref: DocumentRef
        var findings: [Finding] = []

        init(context: RuleContext, ref: DocumentRef) {
            self.context = context
            self.ref = ref
        }

        var isTrust: Bool { ref.kind == .trust }
        var label: String { ref.label }

        mutating func report(_ message: String, _ provenance: Provenance, related: [RelatedLocation] = []) {
            findings.append(context.finding(message, at: provenance, subject: label, related: related))
        }

        mutating func run() -> [Finding] {
            let document = ref.document
            guard let source = document.source else { return [] }
            guard let body = document.body else {
                if case .string = source { report(Message.notJSON(policy: label), document.provenance) }
                return findings
            }
            for branch in Self.branches(body) {
                guard let entries = branch.mapEntries else {
                    if case .list = branch { report(Message.notObject(policy: label), document.provenance) }
                    continue
                }
                checkDocument(branch, entries: entries)
            }
            return findings
        }

        static func branches(_ value: Value) -> [Value] {
            if case .alternatives(let options, _) = value { return options.flatMap(branches) }
            return [value]
        }

        mutating func checkDocument(_ body: Value, entries: [ValueEntry]) {
            let document = ref.document
            if entries.isEmpty {
                report(Message.empty(policy: label), document.provenance)
                return
            }
            for entry in entries where !InvalidPolicy.isElement(entry.key, of: InvalidPolicy.documentElements) && !InvalidPolicy.isIntrinsic(entry.key) {
                report(Message.unknownDocumentElement(policy: label, element: entry.key), document.provenance.child(entry.key, range: entry.keyRange))
            }
            // The policy variables matter only without Version 2012-10-17: searched only then.
            if let version = body.entry(caseInsensitive: "Version") {
                for text in version.value.texts where !text.isSymbolic {
                    if text.value == "2008-10-17" {
                        if let variable = InvalidPolicy.firstPolicyVariable(in: body) {
                            report(Message.oldVersion(policy: label, variable: variable), document.provenance.child("Version", range: text.range))
                        }
                    } else if text.value != "2012-10-17" {
                        report(Message.badVersion(policy: label, version: text.value), document.provenance.child("Version", range: text.range))
                    }
                }
            } else if let variable = InvalidPolicy.firstPolicyVariable(in: body) {
                report(Message.noVersion(policy: label, variable: variable), document.provenance)
            }
            guard let statementEntry = body.entry(caseInsensitive: "Statement") else {
                report(Message.noStatement(policy: label), document.provenance)
                return
            }
            let isList: Bool
            if case .list = statementEntry.value { isList = true } else { isList = false }
            var sids: [String: PolicyText] = [:]
            for (index, item) in statementEntry.value.listItems.enumerated() {
                // Where the statement is and what it is called are built only for a finding.
                let provenance = { document.provenance.child(isList ? "Statement[\(index)]" : "Statement", range: item.range) }
                switch item {
                case .null, .symbolic:
                    continue
                case .map:
                    let name = { item.entry(caseInsensitive: "Sid")?.value.text.flatMap { $0.value.isEmpty ? nil : "'\($0.value)'" } ?? "\(index + 1)" }
                    checkStatement(item, name: name, provenance: provenance, sids: &sids)
                default:
                    report(Message.statementNotObject(policy: label, index: index + 1), provenance())
                }
            }
        }

        mutating func checkStatement(_ statement: Value, name: () -> String, provenance: () -> Provenance, sids: inout [String: PolicyText]) {
            let ref = ref
            func where_() -> String { "\(ref.label) statement \(name())" }
            let elements = StatementElements(statement.mapEntries ?? [])
            func element(_ name: StatementElement) -> ValueEntry? { elements[name] }
            func at(_ key: String, _ range: SourceRange) -> Provenance { provenance().child(key, range: range) }

            for entry in elements.otherEntries where !InvalidPolicy.isIntrinsic(entry.key) {
                report(Message.unknownStatementElement(statement: where_(), element: entry.key), at(entry.key, entry.keyRange))
            }

            if let sid = element(.sid)?.value.text, !sid.isSymbolic, !sid.value.isEmpty {
                if let first = sids[sid.value] {
                    report(Message.duplicateSid(policy: label, sid: sid.value), at("Sid", sid.range),
                           related: [RelatedLocation(location: SourceLocation(file: provenance().file, range: first.range), message: "first statement with this Sid")])
                } else {
                    sids[sid.value] = sid
                }
            }

            if let effect = element(.effect) {
                for text in effect.value.texts where !text.isSymbolic && text.value != "Allow" && text.value != "Deny" {
                    report(Message.badEffect(statement: where_(), effect: text.value), at("Effect", text.range))
                }
            } else {
                report(Message.noEffect(statement: where_()), provenance())
            }

            let principal = element(.principal), notPrincipal = element(.notPrincipal)
            if !isTrust {
                for key in StatementElement.principalElements {
                    if let entry = element(key) { report(Message.principalInIdentityPolicy(statement: where_(), element: key.name), at(key.name, entry.keyRange)) }
                }
            } else if principal == nil && notPrincipal == nil {
                report(Message.noPrincipal(statement: where_()), provenance())
            }

            for (positive, negative) in StatementElement.exclusivePairs {
                if element(positive) != nil, let both = element(negative) {
                    report(Message.both(statement: where_(), positive: positive.name, negative: negative.name), at(negative.name, both.keyRange))
                }
            }
            if element(.action) == nil && element(.notAction) == nil {
                report(Message.noAction(statement: where_()), provenance())
            }

            let resource = element(.resource), notResource = element(.notResource)
            if isTrust {
                for key in StatementElement.resourceElements {
                    if let entry = element(key) { report(Message.resourceInTrust(statement: where_(), element: key.name), at(key.name, entry.keyRange)) }
                }
            } else if resource == nil && notResource == nil {
                report(Message.noResource(statement: where_()), provenance())
            }
            for key in StatementElement.resourceElements {
                for text in element(key)?.value.texts ?? [] where InvalidPolicy.isMalformedARN(text) {
                    report(Message.malformedARN(statement: where_(), arn: text.value), at(key.name, text.range))
                }
            }

            if let condition = element(.condition) {
                for block in condition.value.listItems {
                    for op in block.mapEntries ?? [] where !InvalidPolicy.isKnownOperator(op.key) {
                        report(Message.unknownOperator(statement: where_(), op: op.key), at("Condition.\(op.key)", op.keyRange))
                    }
                }
            }
        }
    }

    typealias StatementElement = StatementElements.Element

    /// `key.lowercased()`, without a copy for a key that has no upper-case ASCII letter and
    /// nothing outside ASCII.
    static func lowercasedIfNeeded(_ key: String) -> String {
        let plain = key.utf8.allSatisfy { $0 < 0x80 && !($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) }
        return plain ? key : key.lowercased()
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

extension StatementElements.Element {
    static let principalElements: [Self] = [.principal, .notPrincipal]
    static let resourceElements: [Self] = [.resource, .notResource]
    /// Elements of which a statement takes one or the other.
    static let exclusivePairs: [(Self, Self)] = [(.action, .notAction), (.resource, .notResource), (.principal, .notPrincipal)]
}
