import IAMLintCore

/// Reads a policy document from a resolved value: an object, or a JSON string holding one.
/// `Statement` may be one object or a list; `Action`, `Resource` and principals a string or a list;
/// element names are matched case-insensitively as IAM does.
public enum PolicyParser {
    public static func parse(_ value: Value, provenance: Provenance) -> PolicyDocument {
        var document = value
        if case .string(let text, let range) = value {
            let parsed = JSONParser.parse(text)
            if let root = parsed.documents.first, !parsed.hasSyntaxError {
                document = Value(node: root, at: range)
            }
        }
        var statements: [Statement] = []
        if let statementEntry = document.entry(caseInsensitive: "Statement") {
            let items = statementEntry.value.listItems
            let isList: Bool
            if case .list = statementEntry.value { isList = true } else { isList = false }
            for (index, item) in items.enumerated() {
                let path = isList ? "Statement[\(index)]" : "Statement"
                if let statement = statement(item, provenance: provenance.child(path, range: item.range)) {
                    statements.append(statement)
                }
            }
        }
        var result = PolicyDocument(statements: statements, provenance: provenance)
        result.source = value
        if case .string = document {} else { result.body = document }
        return result
    }

    static func statement(_ value: Value, provenance: Provenance) -> Statement? {
        guard value.mapEntries != nil else { return nil }
        let effectTexts = value.entry(caseInsensitive: "Effect")?.value.texts ?? []
        let effect: Effect = effectTexts.contains { $0.value == "Allow" } || effectTexts.isEmpty ? .allow : .deny
        var actions: [PolicyText] = []
        var isNotAction = false
        if let e = value.entry(caseInsensitive: "Action") {
            actions = e.value.texts
        } else if let e = value.entry(caseInsensitive: "NotAction") {
            actions = e.value.texts
            isNotAction = true
        }
        var resources: [PolicyText] = []
        var isNotResource = false
        if let e = value.entry(caseInsensitive: "Resource") {
            resources = e.value.texts
        } else if let e = value.entry(caseInsensitive: "NotResource") {
            resources = e.value.texts
            isNotResource = true
        }
        var principals: [PrincipalEntry] = []
        var isNotPrincipal = false
        if let e = value.entry(caseInsensitive: "Principal") {
            principals = principalEntries(e.value)
        } else if let e = value.entry(caseInsensitive: "NotPrincipal") {
            principals = principalEntries(e.value)
            isNotPrincipal = true
        }
        var conditions: [ConditionClause] = []
        if let block = value.entry(caseInsensitive: "Condition")?.value {
            for alternative in block.listItems {
                for opEntry in alternative.mapEntries ?? [] {
                    for keyEntry in opEntry.value.mapEntries ?? [] {
                        conditions.append(ConditionClause(
                            op: opEntry.key, key: keyEntry.key, values: keyEntry.value.texts,
                            range: SourceRange(start: keyEntry.keyRange.start, end: keyEntry.value.range.end)))
                    }
                }
            }
        }
        var statement = Statement(
            sid: value.entry(caseInsensitive: "Sid")?.value.text?.value,
            effect: effect, actions: actions, isNotAction: isNotAction,
            resources: resources, isNotResource: isNotResource,
            principals: principals, isNotPrincipal: isNotPrincipal,
            conditions: conditions, provenance: provenance)
        statement.source = value
        return statement
    }

    static func principalEntries(_ value: Value) -> [PrincipalEntry] {
        if let text = value.text {
            return [PrincipalEntry(kind: text.value == "*" ? .anyone : .aws, text: text)]
        }
        var result: [PrincipalEntry] = []
        for alternative in value.listItems {
            for entry in alternative.mapEntries ?? [] {
                let kind: PrincipalEntry.Kind
                switch entry.key.lowercased() {
                case "aws": kind = .aws
                case "service": kind = .service
                case "federated": kind = .federated
                case "canonicaluser": kind = .canonicalUser
                default: kind = .aws
                }
                for text in entry.value.texts {
                    result.append(PrincipalEntry(kind: kind, text: text))
                }
            }
        }
        return result
    }
}

/// An Amazon Resource Name split into its parts; `${…}` placeholders are kept whole.
public struct ARN: Sendable, Hashable {
    public var partition: String
    public var service: String
    public var region: String
    public var account: String
    public var resource: String

    public init?(_ text: String) {
        guard text.hasPrefix("arn:") else { return nil }
        // The first five `:` outside `${…}` split the six parts; compared on UTF-8 bytes (every
        // byte that matters is ASCII, and no byte of a multi-byte scalar is).
        var cuts: [String.Index] = []
        cuts.reserveCapacity(5)
        var depth = 0
        var previous: UInt8 = 0x20
        let utf8 = text.utf8
        var i = utf8.startIndex
        while i != utf8.endIndex, cuts.count < 5 {
            let c = utf8[i]
            if c == UInt8(ascii: "{") && previous == UInt8(ascii: "$") { depth += 1 }
            if c == UInt8(ascii: "}") && depth > 0 { depth -= 1 }
            if c == UInt8(ascii: ":") && depth == 0 { cuts.append(i) }
            previous = c
            utf8.formIndex(after: &i)
        }
        guard cuts.count == 5 else { return nil }
        func part(_ from: String.Index, _ to: String.Index) -> String { String(decoding: utf8[from..<to], as: UTF8.self) }
        partition = part(utf8.index(after: cuts[0]), cuts[1])
        service = part(utf8.index(after: cuts[1]), cuts[2])
        region = part(utf8.index(after: cuts[2]), cuts[3])
        account = part(utf8.index(after: cuts[3]), cuts[4])
        resource = part(utf8.index(after: cuts[4]), text.endIndex)
    }

    /// `role/path/to/Name` → `Name`.
    public static func lastPathComponent(_ resource: String) -> String {
        resource.split(separator: "/").last.map(String.init) ?? resource
    }

    /// True for the AWS-managed `AdministratorAccess` policy in any partition.
    public static func isAdministratorAccess(_ text: String) -> Bool {
        guard let arn = ARN(text) else { return false }
        return arn.service == "iam" && arn.account == "aws" && arn.resource == "policy/AdministratorAccess"
    }
}
