import IAMLintCore

/// One way a policy document breaks the IAM policy grammar (AWS rejects it, or reads it
/// differently from what its author meant), found when the document is parsed: IAM217 reports
/// them. The parser keeps these facts instead of the document as written, so that the model of a
/// large organisation does not hold every document's value tree; a valid document has none.
public struct PolicyGrammarIssue: Sendable {
    public enum Problem: Sendable {
        /// A JSON-text document that is not valid JSON.
        case notJSON
        /// A document (or an `Fn::If` branch of one) that is a list, not an object.
        case notObject
        case empty
        case unknownDocumentElement(String)
        /// Version 2008-10-17 with a policy variable, which that version matches literally.
        case oldVersion(variable: String)
        case badVersion(String)
        /// No Version, with a policy variable.
        case noVersion(variable: String)
        case noStatement
        case statementNotObject
        case unknownStatementElement(String)
        /// A Sid used before in the same document (`first`: where).
        case duplicateSid(String, first: SourceRange)
        case noEffect
        case badEffect(String)
        case principalInIdentityPolicy(element: String)
        case noPrincipal
        case both(positive: String, negative: String)
        case noAction
        case noResource
        case resourceInTrust(element: String)
        case malformedARN(String)
        case unknownOperator(String)
    }

    /// Which documents an issue holds for: some depend on whether the document is a role's trust
    /// policy.
    public enum Scope: Sendable {
        case any
        case trustOnly
        case identityOnly
    }

    /// The statement an issue is in.
    public struct StatementSite: Sendable {
        /// The statement's position in the `Statement` element (alternatives flattened).
        public var index: Int
        /// Whether `Statement` is a list (the statement's path is `Statement[index]`) or a
        /// single statement (`Statement`).
        public var isList: Bool
        public var range: SourceRange
        /// How messages name it: its Sid quoted (`'ReadLogs'`), or its number from 1.
        public var name: String
    }

    public var problem: Problem
    public var scope: Scope
    /// The statement the issue is in; nil for the document as a whole.
    public var statement: StatementSite?
    /// The element the issue is at, as a step of the path below the statement (or the document),
    /// and its range; nil when the issue is at the statement (or the document) itself.
    public var element: (key: String, range: SourceRange)?

    init(_ problem: Problem, scope: Scope = .any, statement: StatementSite? = nil, element: (key: String, range: SourceRange)? = nil) {
        self.problem = problem
        self.scope = scope
        self.statement = statement
        self.element = element
    }

    /// Whether the issue holds for a trust policy (`isTrust`) or for an identity policy.
    public func applies(isTrust: Bool) -> Bool {
        switch scope {
        case .any: return true
        case .trustOnly: return isTrust
        case .identityOnly: return !isTrust
        }
    }
}

/// The grammar checks behind `PolicyGrammarIssue`, run on the document as the parser reads it.
public enum PolicyGrammar {
    /// The issues of a document: `source` is the value the parser was given, `body` the document
    /// read from it (nil when `source` is JSON text that does not hold a document). Issues that
    /// hold only for the other purpose are left out (a valid identity policy would have a "no
    /// Principal" issue for each statement, were it a trust policy).
    ///
    /// `statements`: the parser's reading of the document's `Statement` element, used when `body`
    /// is one object (not `Fn::If` branches), whose element it is.
    static func issues(source: Value, body: Value?, purpose: PolicyParser.Purpose, statements: StatementItems<Value>? = nil) -> [PolicyGrammarIssue] {
        var checker = Checker(purpose: purpose)
        if let body, case .map(let entries, _) = body {
            checker.checkDocument(body, entries: entries, statements: statements)
            return checker.issues
        }
        guard let body else {
            if case .string = source { checker.issues.append(PolicyGrammarIssue(.notJSON)) }
            return checker.issues
        }
        Checker.forEachBranch(body) { (branch: Value) in
            guard let entries = branch.mapEntries else {
                if case .list = branch { checker.issues.append(PolicyGrammarIssue(.notObject)) }
                return
            }
            checker.checkDocument(branch, entries: entries)
        }
        return checker.issues
    }

    /// `issues(source:body:purpose:statements:)` of a document that is one map (`body`, whose
    /// entries are `entries`), read from any policy tree.
    static func issues<Tree: PolicyTree>(
        map body: Tree, entries: Tree.Entries, purpose: PolicyParser.Purpose, statements: StatementItems<Tree>
    ) -> [PolicyGrammarIssue] {
        var checker = Checker(purpose: purpose)
        checker.checkDocument(body, entries: entries, statements: statements)
        return checker.issues
    }

    /// The condition operators IAM documents (lower-case), before `IfExists` and set prefixes.
    static let operators: Set<String> = [
        "stringequals", "stringnotequals", "stringequalsignorecase", "stringnotequalsignorecase", "stringlike", "stringnotlike",
        "numericequals", "numericnotequals", "numericlessthan", "numericlessthanequals", "numericgreaterthan", "numericgreaterthanequals",
        "dateequals", "datenotequals", "datelessthan", "datelessthanequals", "dategreaterthan", "dategreaterthanequals",
        "bool", "binaryequals", "ipaddress", "notipaddress", "arnequals", "arnlike", "arnnotequals", "arnnotlike", "null",
    ]

    static let documentElements: Set<String> = ["version", "id", "statement"]

    /// Whether `key` is one of `elements` (lower-case names), ignoring case; no lower-cased copy
    /// is made for a key that has no upper-case ASCII letter and nothing outside ASCII.
    static func isElement(_ key: String, of elements: Set<String>) -> Bool {
        elements.contains(lowercasedIfNeeded(key))
    }

    /// `key.lowercased()`, without a copy for a key that has no upper-case ASCII letter and
    /// nothing outside ASCII.
    static func lowercasedIfNeeded(_ key: String) -> String {
        let plain = key.utf8.allSatisfy { $0 < 0x80 && !($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) }
        return plain ? key : key.lowercased()
    }

    /// `isElement(key, of: documentElements)`, on the bytes in place when the key is ASCII.
    static func isDocumentElement(_ key: String) -> Bool {
        let decided: Bool?? = key.utf8.withContiguousStorageIfAvailable(asciiIsDocumentElement)
        if case .some(.some(let isElement)) = decided { return isElement }
        return isElement(key, of: documentElements)
    }

    /// `isDocumentElement` of a key's UTF-8 bytes: the key is spelled only when it has a byte
    /// outside ASCII.
    static func isDocumentElement(utf8 key: UnsafeBufferPointer<UInt8>) -> Bool {
        asciiIsDocumentElement(key) ?? isDocumentElement(String(decoding: key, as: UTF8.self))
    }

    /// `isDocumentElement` of an ASCII key's bytes (`documentElements`, folded as `lowercased`
    /// folds ASCII); nil when a byte is outside ASCII.
    private static func asciiIsDocumentElement(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        for byte in bytes where byte >= 0x80 { return nil }
        func named(_ lowered: StaticString) -> Bool {
            guard bytes.count == lowered.utf8CodeUnitCount else { return false }
            let name = lowered.utf8Start
            for k in 0..<bytes.count where ASCII.lower(bytes[k]) != name[k] { return false }
            return true
        }
        return named("version") || named("id") || named("statement")
    }

    /// Keys a CloudFormation resolver may leave in place (`Fn::…`, `Ref`): not policy elements.
    static func isIntrinsic(_ key: String) -> Bool {
        key.hasPrefix("Fn::") || key == "Ref"
    }

    /// A resource that starts with `arn:` but has fewer than six parts, unless a wildcard in its
    /// last part may stand for the missing ones (`arn:aws:logs:*`). Unknown values are not judged.
    static func isMalformedARN(_ text: PolicyText) -> Bool {
        // The cheap checks first: `arn:` on the bytes (`hasARNPrefix`), then the colons.
        guard !text.isSymbolic, hasARNPrefix(text.value), !ARN.isWellFormed(text.value) else { return false }
        let last = text.value.split(separator: ":", omittingEmptySubsequences: false).last ?? ""
        return !last.containsUTF8("*")
    }

    /// Whether `isMalformedARN` may hold for a scalar, decided on its bytes: false for a symbolic
    /// scalar, a text not starting with the bytes `arn:`, and a well-formed ARN whose byte after
    /// `arn:` is ASCII (`ARN.isWellFormed`); true when its text must be made and checked.
    static func mayBeMalformedARN<Tree: PolicyTree>(_ scalar: Tree) -> Bool {
        guard scalar.shape != .symbolic else { return false }
        return scalar.withTextUTF8 { bytes in
            guard bytes.count >= 4, bytes[0] == UInt8(ascii: "a"), bytes[1] == UInt8(ascii: "r"),
                  bytes[2] == UInt8(ascii: "n"), bytes[3] == UInt8(ascii: ":") else { return false }
            return !(bytes.count > 4 && bytes[4] < 0x80 && ARN.colons(bytes) != nil)
        } ?? false
    }

    /// `text.hasPrefix("arn:")`: the bytes `arn:` are needed for it, and decide it unless a byte
    /// outside ASCII follows them (it could extend the last character).
    private static func hasARNPrefix(_ text: String) -> Bool {
        var copy = text
        let decided: Bool? = copy.withUTF8 { bytes in
            guard bytes.count >= 4, bytes[0] == UInt8(ascii: "a"), bytes[1] == UInt8(ascii: "r"),
                  bytes[2] == UInt8(ascii: "n"), bytes[3] == UInt8(ascii: ":") else { return false }
            return bytes.count == 4 || bytes[4] < 0x80 ? true : nil
        }
        return decided ?? text.hasPrefix("arn:")
    }

    /// The first policy variable (`${aws:username}`, `${saml:sub}`, `${*}`) in any string of the
    /// document; CloudFormation placeholders (`${AWS::AccountId}`, `${Bucket}`,
    /// `${ImportValue:…}`) are not variables.
    static func firstPolicyVariable<Tree: PolicyTree>(in value: Tree) -> String? {
        switch value.shape {
        case .map:
            for entry in value.mapEntries! {
                if let variable = firstPolicyVariable(in: entry.value) { return variable }
            }
            return nil
        case .list, .alternatives:
            // The flattened items hold the same texts in the same order.
            var found: String?
            value.forEachListItem { item in
                if found == nil { found = firstPolicyVariable(in: item) }
            }
            return found
        case .string, .symbolic:
            return value.text.flatMap { firstPolicyVariable(inText: $0.value) }
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
        let decided: Bool?? = op.utf8.withContiguousStorageIfAvailable(asciiIsKnownOperator)
        if case .some(.some(let known)) = decided { return known }
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

    /// `operators` and the set prefixes, as UTF-8.
    private static let operatorNames: [[UInt8]] = operators.sorted().map { Array($0.utf8) }
    private static let setPrefixes: [[UInt8]] = [Array("forallvalues:".utf8), Array("foranyvalue:".utf8)]
    private static let ifExists = Array("ifexists".utf8)
    private static let null = Array("null".utf8)

    /// `isKnownOperator` of an ASCII operator, on its bytes (folded as `lowercased` folds ASCII);
    /// nil when a byte is outside ASCII.
    private static func asciiIsKnownOperator(_ op: UnsafeBufferPointer<UInt8>) -> Bool? {
        for byte in op where byte >= 0x80 { return nil }
        func folded(_ i: Int) -> UInt8 { ASCII.lower(op[i]) }
        func matches(_ name: [UInt8], at start: Int) -> Bool {
            guard start >= 0, start + name.count <= op.count else { return false }
            for k in 0..<name.count where folded(start + k) != name[k] { return false }
            return true
        }
        var start = 0
        var end = op.count
        for prefix in setPrefixes where matches(prefix, at: 0) {
            start = prefix.count
            break
        }
        if end - start >= ifExists.count, matches(ifExists, at: end - ifExists.count) {
            end -= ifExists.count
            if end - start == 4, matches(null, at: start) { return false }
        }
        return operatorNames.contains { name in
            name.count == end - start && matches(name, at: start)
        }
    }

    typealias Element = StatementElement

    private struct Checker {
        let purpose: PolicyParser.Purpose
        var issues: [PolicyGrammarIssue] = []

        init(purpose: PolicyParser.Purpose) {
            self.purpose = purpose
        }

        /// Whether issues of `scope` are kept for a document read for `purpose`.
        func keeps(_ scope: PolicyGrammarIssue.Scope) -> Bool {
            switch (scope, purpose) {
            case (.any, _), (_, .either), (.trustOnly, .trust), (.identityOnly, .identity): return true
            default: return false
            }
        }

        /// Calls `body` with each branch of a document: the value itself, or each branch of its
        /// `Fn::If` alternatives (nested ones flattened).
        static func forEachBranch(_ value: Value, _ body: (Value) -> Void) {
            if case .alternatives(let options, _) = value {
                for option in options { forEachBranch(option, body) }
            } else {
                body(value)
            }
        }

        /// `statements`: the document's `Statement` element as the parser read it; read here when nil.
        mutating func checkDocument<Tree: PolicyTree>(_ body: Tree, entries: Tree.Entries, statements read: StatementItems<Tree>? = nil) {
            if entries.isEmpty {
                issues.append(PolicyGrammarIssue(.empty))
                return
            }
            for entry in entries where !entry.withKeyUTF8(isDocumentElement(utf8:)) && !isIntrinsic(entry.key) {
                issues.append(PolicyGrammarIssue(.unknownDocumentElement(entry.key), element: (entry.key, entry.keyRange)))
            }
            // The policy variables matter only without Version 2012-10-17: searched only then.
            if let version = body.entry(caseInsensitive: "Version") {
                // The text is made only when it is not the current version.
                version.value.forEachScalar { scalar in
                    guard scalar.shape != .symbolic, !scalar.textEquals("2012-10-17"), let text = scalar.text else { return }
                    if text.value == "2008-10-17" {
                        if let variable = firstPolicyVariable(in: body) {
                            issues.append(PolicyGrammarIssue(.oldVersion(variable: variable), element: ("Version", text.range)))
                        }
                    } else if text.value != "2012-10-17" {
                        issues.append(PolicyGrammarIssue(.badVersion(text.value), element: ("Version", text.range)))
                    }
                }
            } else if let variable = firstPolicyVariable(in: body) {
                issues.append(PolicyGrammarIssue(.noVersion(variable: variable)))
            }
            let statements = read ?? StatementItems(of: body)
            guard statements.isPresent else {
                issues.append(PolicyGrammarIssue(.noStatement))
                return
            }
            let isList = statements.isList
            var sids: [String: PolicyText] = [:]
            for (index, item) in statements.items.enumerated() {
                // An item has elements when it is a map.
                if let elements = statements.elements[index] {
                    checkStatement(elements, index: index, isList: isList, range: item.range, sids: &sids)
                    continue
                }
                switch item.shape {
                case .null, .symbolic, .map:
                    continue
                default:
                    let site = PolicyGrammarIssue.StatementSite(index: index, isList: isList, range: item.range, name: "\(index + 1)")
                    issues.append(PolicyGrammarIssue(.statementNotObject, statement: site))
                }
            }
        }

        mutating func checkStatement<Tree: PolicyTree>(_ elements: PolicyStatementElements<Tree>, index: Int, isList: Bool, range: SourceRange, sids: inout [String: PolicyText]) {
            // Where the statement is and what it is called are worked out only for an issue.
            var site: PolicyGrammarIssue.StatementSite?
            func at() -> PolicyGrammarIssue.StatementSite {
                if let site { return site }
                let sid = elements[.sid]?.value.text.flatMap { $0.value.isEmpty ? nil : "'\($0.value)'" }
                let made = PolicyGrammarIssue.StatementSite(index: index, isList: isList, range: range, name: sid ?? "\(index + 1)")
                site = made
                return made
            }
            func add(_ problem: PolicyGrammarIssue.Problem, _ scope: PolicyGrammarIssue.Scope = .any, element: (String, SourceRange)? = nil) {
                guard keeps(scope) else { return }
                issues.append(PolicyGrammarIssue(problem, scope: scope, statement: at(), element: element))
            }

            for entry in elements.otherEntries where !isIntrinsic(entry.key) {  // empty unless `hasOtherEntries`
                add(.unknownStatementElement(entry.key), element: (entry.key, entry.keyRange))
            }

            if let sid = elements[.sid]?.value.text, !sid.isSymbolic, !sid.value.isEmpty {
                if let first = sids[sid.value] {
                    add(.duplicateSid(sid.value, first: first.range), element: ("Sid", sid.range))
                } else {
                    sids[sid.value] = sid
                }
            }

            if let effect = elements[.effect] {
                // The text is made only for an issue.
                effect.value.forEachScalar { scalar in
                    guard scalar.shape != .symbolic, !scalar.textEquals("Allow", or: "Deny"), let text = scalar.text else { return }
                    add(.badEffect(text.value), element: ("Effect", text.range))
                }
            } else {
                add(.noEffect)
            }

            // An identity policy must not name principals; a trust policy statement must. Elements
            // are told by their key ranges: no entry is copied.
            let principal = elements.keyRange(.principal), notPrincipal = elements.keyRange(.notPrincipal)
            if let range = principal { add(.principalInIdentityPolicy(element: Element.principal.name), .identityOnly, element: (Element.principal.name, range)) }
            if let range = notPrincipal { add(.principalInIdentityPolicy(element: Element.notPrincipal.name), .identityOnly, element: (Element.notPrincipal.name, range)) }
            if principal == nil && notPrincipal == nil {
                add(.noPrincipal, .trustOnly)
            }

            let action = elements.keyRange(.action), notAction = elements.keyRange(.notAction)
            let resource = elements.keyRange(.resource), notResource = elements.keyRange(.notResource)
            // A statement takes one of each pair.
            func both(_ positive: Element, _ hasPositive: Bool, _ negative: Element, _ negativeRange: SourceRange?) {
                if hasPositive, let range = negativeRange {
                    add(.both(positive: positive.name, negative: negative.name), element: (negative.name, range))
                }
            }
            both(.action, action != nil, .notAction, notAction)
            both(.resource, resource != nil, .notResource, notResource)
            both(.principal, principal != nil, .notPrincipal, notPrincipal)
            if action == nil && notAction == nil {
                add(.noAction)
            }

            // A trust policy must not name resources; an identity policy statement must.
            if let range = resource { add(.resourceInTrust(element: Element.resource.name), .trustOnly, element: (Element.resource.name, range)) }
            if let range = notResource { add(.resourceInTrust(element: Element.notResource.name), .trustOnly, element: (Element.notResource.name, range)) }
            if resource == nil && notResource == nil {
                add(.noResource, .identityOnly)
            }
            func malformedARNs(_ key: Element) {
                // Most resources are decided on their bytes: their texts are not made again.
                elements[key]?.value.forEachScalar { scalar in
                    guard mayBeMalformedARN(scalar), let text = scalar.text, isMalformedARN(text) else { return }
                    add(.malformedARN(text.value), element: (key.name, text.range))
                }
            }
            if resource != nil { malformedARNs(.resource) }
            if notResource != nil { malformedARNs(.notResource) }

            if let condition = elements[.condition] {
                condition.value.forEachListItem { block in
                    guard let operators = block.mapEntries else { return }
                    for op in operators {
                        let name = op.key
                        if !isKnownOperator(name) { add(.unknownOperator(name), element: ("Condition.\(name)", op.keyRange)) }
                    }
                }
            }
        }
    }
}
