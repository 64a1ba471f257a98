import IAMLintCore

/// Reads a policy document from a resolved value: an object, or a JSON string holding one.
/// `Statement` may be one object or a list; `Action`, `Resource` and principals a string or a list;
/// element names are matched case-insensitively as IAM does.
///
/// The document's value is not kept: what rules need of the document as written (how it breaks
/// the grammar, its size, where `NotAction` and `NotResource` are written) is recorded as it is read.
public enum PolicyParser {
    /// What a document is read as, for the grammar issues that depend on it (a trust policy
    /// must name principals, an identity policy must name resources).
    public enum Purpose: Sendable {
        /// A role's trust policy.
        case trust
        /// A policy granting permissions to its holder.
        case identity
        /// Not known: the issues of both purposes are kept.
        case either
    }

    /// Reads a document. `purpose` must be what the document will be used as: the grammar
    /// issues of the other purpose are not recorded (`PolicyDocument.grammarIssues`).
    public static func parse(_ value: Value, provenance: Provenance, purpose: Purpose = .either) -> PolicyDocument {
        var document = value
        if case .string(let text, let range) = value {
            let parsed = JSONParser.parse(text)
            if let root = parsed.documents.first, !parsed.hasSyntaxError {
                document = Value(node: root, at: range)
            }
        }
        let items = StatementItems(of: document)
        var result = PolicyDocument(statements: statements(in: items, provenance: provenance), provenance: provenance)
        let body: Value?
        if case .string = document { body = nil } else { body = document }
        let issues = PolicyGrammar.issues(source: value, body: body, purpose: purpose, statements: items)
        if !issues.isEmpty { result.grammarIssues = issues }
        // IAM219 counts identity policies only: a trust policy's size is not measured.
        if purpose != .trust { result.size = PolicyDocumentSize.measure(value) }
        return result
    }

    /// Reads a document that holds no intrinsic function straight from its parse tree: the same
    /// document as `parse` of the value resolving `node` gives, without building that value.
    /// `node` must be a mapping for which `Node.isPlainTree` holds; texts are made
    /// through `texts`, as the resolver makes them.
    public static func parse(plain node: Node, texts: SharedTexts, provenance: Provenance, purpose: Purpose = .either) -> PolicyDocument {
        // The tree is read through cursors, which hold neither it nor the table.
        withExtendedLifetime(texts) {
            node.withCursor { cursor in
                let document = NodePolicyTree(cursor, table: texts)
                let items = StatementItems(of: document)
                var result = PolicyDocument(statements: statements(in: items, provenance: provenance), provenance: provenance)
                if let entries = document.mapEntries {
                    let issues = PolicyGrammar.issues(map: document, entries: entries, purpose: purpose, statements: items)
                    if !issues.isEmpty { result.grammarIssues = issues }
                    // IAM219 counts identity policies only, as `parse` does.
                    if purpose != .trust { result.size = PolicyDocumentSize.measure(map: document) }
                }
                return result
            }
        }
    }

    /// The statements of a document whose `Statement` element is read as `read`: one for each
    /// item that is an object.
    private static func statements<Tree: PolicyTree>(in read: StatementItems<Tree>, provenance: Provenance) -> PolicyStatements {
        // One statement (the common case) is held without an array: none is made for it.
        if read.items.count == 1, let elements = read.elements[0] {
            let item = read.items[0]
            let at = read.isList ? provenance.child("Statement", index: 0, range: item.range) : provenance.child("Statement", range: item.range)
            return [statement(elements, provenance: at)]
        }
        var statements: [Statement] = []
        statements.reserveCapacity(read.items.count)
        for (index, item) in read.items.enumerated() {
            guard let elements = read.elements[index] else { continue }
            let at = read.isList ? provenance.child("Statement", index: index, range: item.range) : provenance.child("Statement", range: item.range)
            statements.append(statement(elements, provenance: at))
        }
        return PolicyStatements(statements)
    }

    static func statement(_ value: Value, provenance: Provenance) -> Statement? {
        guard let entries = value.mapEntries else { return nil }
        return statement(StatementElements(entries), provenance: provenance)
    }

    /// The statement whose elements are `elements`. Its lists are read twice: counted (on the
    /// bytes: no text is made), then written in place into the statement's storage, so that no
    /// list is built only to be copied.
    static func statement<Tree: PolicyTree>(_ elements: PolicyStatementElements<Tree>, provenance: Provenance) -> Statement {
        // Allow when a text says so or there is none (read on the bytes: no text is made).
        var hasEffect = false, allows = false
        elements[.effect]?.value.forEachScalar { scalar in
            hasEffect = true
            if scalar.textEquals("Allow") { allows = true }
        }
        let effect: Effect = allows || !hasEffect ? .allow : .deny
        var actions: Tree?
        var isNotAction = false
        if let e = elements[.action] {
            actions = e.value
        } else if let e = elements[.notAction] {
            actions = e.value
            isNotAction = true
        }
        var resources: Tree?
        var isNotResource = false
        if let e = elements[.resource] {
            resources = e.value
        } else if let e = elements[.notResource] {
            resources = e.value
            isNotResource = true
        }
        var principals: Tree?
        var isNotPrincipal = false
        if let e = elements[.principal] {
            principals = e.value
        } else if let e = elements[.notPrincipal] {
            principals = e.value
            isNotPrincipal = true
        }
        let conditions = elements[.condition]?.value
        var counts = StatementCounts()
        // `forEachScalar` calls its body once for each of `forEachText`'s texts.
        actions?.forEachScalar { _ in counts.actions += 1 }
        resources?.forEachScalar { _ in counts.resources += 1 }
        if let principals { counts.principals = principalEntryCount(principals) }
        if let conditions { forEachConditionKey(conditions) { _, _ in counts.conditions += 1 } }
        var statement = Statement(
            sid: elements[.sid]?.value.text?.value, effect: effect, isNotAction: isNotAction, isNotResource: isNotResource,
            isNotPrincipal: isNotPrincipal, provenance: provenance, counts: counts
        ) { writer in
            actions?.forEachText { writer.append(action: $0) }
            resources?.forEachText { writer.append(resource: $0) }
            if let principals { forEachPrincipalEntry(principals) { writer.append(principal: $0) } }
            if let conditions {
                forEachConditionKey(conditions) { op, keyEntry in
                    let value = keyEntry.value
                    // One value (most clauses) is kept in the clause: no array is made for it.
                    let values = value.text.map(ConditionValues.init(one:)) ?? ConditionValues(value.texts)
                    writer.append(condition: ConditionClause(
                        op: op, key: keyEntry.key, values: values,
                        range: SourceRange(start: keyEntry.keyRange.start, end: value.range.end)))
                }
            }
        }
        if isNotAction || isNotResource {
            statement.setNegatedElementKeys(
                notAction: isNotAction ? elements[.notAction]?.keyRange : nil,
                notResource: isNotResource ? elements[.notResource]?.keyRange : nil)
        }
        return statement
    }

    /// Calls `body` with the operator and the entry of each key of a `Condition` block, in order.
    private static func forEachConditionKey<Tree: PolicyTree>(_ block: Tree, _ body: (String, Tree.Entry) -> Void) {
        block.forEachListItem { alternative in
            guard let operators = alternative.mapEntries else { return }
            for opEntry in operators {
                guard let keys = opEntry.value.mapEntries else { continue }
                let op = opEntry.key
                for keyEntry in keys { body(op, keyEntry) }
            }
        }
    }

    /// How many entries `forEachPrincipalEntry` gives, counted without making them.
    private static func principalEntryCount<Tree: PolicyTree>(_ value: Tree) -> Int {
        if value.withTextUTF8({ _ in () }) != nil { return 1 }
        var count = 0
        value.forEachListItem { alternative in
            guard let entries = alternative.mapEntries else { return }
            for entry in entries { entry.value.forEachScalar { _ in count += 1 } }
        }
        return count
    }

    /// Calls `body` with each entry a `Principal` element names, in order.
    static func forEachPrincipalEntry<Tree: PolicyTree>(_ value: Tree, _ body: (PrincipalEntry) -> Void) {
        if let text = value.text {
            body(PrincipalEntry(kind: text.value == "*" ? .anyone : .aws, text: text))
            return
        }
        value.forEachListItem { alternative in
            guard let entries = alternative.mapEntries else { return }
            for entry in entries {
                let kind = entry.withKeyUTF8(principalKind)
                entry.value.forEachText { body(PrincipalEntry(kind: kind, text: $0)) }
            }
        }
    }

    /// The kind a `Principal` key names (`entry.key.lowercased()` against the lower-case names:
    /// on the bytes when the key is ASCII, by `Value.equalIgnoringCase` otherwise); `aws` for an
    /// unknown key.
    private static func principalKind(_ key: UnsafeBufferPointer<UInt8>) -> PrincipalEntry.Kind {
        for byte in key where byte >= 0x80 {
            let text = String(decoding: key, as: UTF8.self)
            let eq = Value.equalIgnoringCase
            if eq(text, "aws") { return .aws }
            if eq(text, "service") { return .service }
            if eq(text, "federated") { return .federated }
            if eq(text, "canonicaluser") { return .canonicalUser }
            return .aws
        }
        func named(_ lowered: StaticString) -> Bool {
            guard key.count == lowered.utf8CodeUnitCount else { return false }
            let name = lowered.utf8Start
            for k in 0..<key.count where ASCII.lower(key[k]) != name[k] { return false }
            return true
        }
        if named("service") { return .service }
        if named("federated") { return .federated }
        if named("canonicaluser") { return .canonicalUser }
        return .aws
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
        // Every character the split looks at (`:`, `$`, `{`, `}`) is ASCII, and UTF-8 never uses an
        // ASCII byte inside a multi-byte sequence: splitting the bytes splits the scalars.
        var copy = text
        let parts = copy.withUTF8 { bytes -> (fields: (String, String, String, String, String), nonASCIIAfterPrefix: Bool)? in
            guard let cuts = Self.colons(bytes) else { return nil }
            func field(_ start: Int, _ end: Int) -> String {
                String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            }
            let fields = (field(4, cuts.0), field(cuts.0 + 1, cuts.1), field(cuts.1 + 1, cuts.2), field(cuts.2 + 1, cuts.3),
                          field(cuts.3 + 1, bytes.count))
            return (fields, bytes.count > 4 && bytes[4] >= 0x80)
        }
        guard let parts else { return nil }
        // `hasPrefix` compares characters: `arn:` followed by a combining mark is not a prefix.
        if parts.nonASCIIAfterPrefix, !text.hasPrefix("arn:") { return nil }
        (partition, service, region, account, resource) = parts.fields
    }

    /// Where the five fields after `arn:` are cut: the first four colons outside `${…}`
    /// placeholders; nil when the bytes do not start with `arn:` or have fewer such colons.
    static func colons(_ bytes: UnsafeBufferPointer<UInt8>) -> (Int, Int, Int, Int)? {
        guard bytes.count >= 4, bytes[0] == UInt8(ascii: "a"), bytes[1] == UInt8(ascii: "r"),
              bytes[2] == UInt8(ascii: "n"), bytes[3] == UInt8(ascii: ":") else { return nil }
        // Without a `$` no placeholder opens: the cuts are the first four colons, found by memchr.
        if ByteSearch.firstIndex(of: UInt8(ascii: "$"), in: bytes, from: 4) == nil {
            let colon = UInt8(ascii: ":")
            guard let c0 = ByteSearch.firstIndex(of: colon, in: bytes, from: 4),
                  let c1 = ByteSearch.firstIndex(of: colon, in: bytes, from: c0 + 1),
                  let c2 = ByteSearch.firstIndex(of: colon, in: bytes, from: c1 + 1),
                  let c3 = ByteSearch.firstIndex(of: colon, in: bytes, from: c2 + 1) else { return nil }
            return (c0, c1, c2, c3)
        }
        var cuts = (0, 0, 0, 0)
        var found = 0
        var depth = 0
        var previous = UInt8(ascii: ":")
        var i = 4
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "{") && previous == UInt8(ascii: "$") { depth += 1 }
            if c == UInt8(ascii: "}") && depth > 0 { depth -= 1 }
            if c == UInt8(ascii: ":") && depth == 0 && found < 4 {
                switch found {
                case 0: cuts.0 = i
                case 1: cuts.1 = i
                case 2: cuts.2 = i
                default: cuts.3 = i
                }
                found += 1
            }
            previous = c
            i += 1
        }
        return found == 4 ? cuts : nil
    }

    /// Whether `ARN(text)` is not nil, decided without building the fields when the text is ASCII
    /// after `arn:`.
    public static func isWellFormed(_ text: String) -> Bool {
        var copy = text
        let decided: Bool? = copy.withUTF8 { bytes in
            guard colons(bytes) != nil else { return false }
            // A byte outside ASCII right after `arn:`: `init` asks `hasPrefix`, which compares characters.
            return bytes.count > 4 && bytes[4] >= 0x80 ? nil : true
        }
        return decided ?? (ARN(text) != nil)
    }

    /// True for a 12-digit account id (`count == 12 && allSatisfy(\.isNumber)`, as characters).
    public static func isAccountID(_ text: String) -> Bool {
        let utf8 = text.utf8
        if utf8.count < 12 { return false }
        if utf8.count == 12, utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) { return true }
        if utf8.allSatisfy({ $0 < 0x80 }) { return false }
        return text.count == 12 && text.allSatisfy(\.isNumber)
    }

    /// `role/path/to/Name` → `Name`.
    public static func lastPathComponent(_ resource: String) -> String {
        let utf8 = resource.utf8
        guard utf8.allSatisfy({ $0 < 0x80 }) else {
            // A `/` followed by a combining mark is one character, not a separator.
            return resource.split(separator: "/").last.map(String.init) ?? resource
        }
        var end = utf8.endIndex
        while end > utf8.startIndex, utf8[utf8.index(before: end)] == UInt8(ascii: "/") { end = utf8.index(before: end) }
        guard end > utf8.startIndex else { return resource }
        var start = end
        while start > utf8.startIndex, utf8[utf8.index(before: start)] != UInt8(ascii: "/") { start = utf8.index(before: start) }
        if start == utf8.startIndex && end == utf8.endIndex { return resource }
        return String(resource[start..<end])
    }

    /// True for the AWS-managed `AdministratorAccess` policy in any partition.
    public static func isAdministratorAccess(_ text: String) -> Bool {
        // Decided on the bytes (rules ask it of every grant by ARN of every principal): the
        // resource is the text's end, so most texts are told apart by their last bytes; a text
        // that ends right is cut where `init` cuts it, and its fields compared without being made.
        let suffix: StaticString = "policy/AdministratorAccess"
        var copy = text
        let decided: Bool? = copy.withUTF8 { bytes in
            suffix.withUTF8Buffer { tail in
                guard bytes.count >= tail.count else { return false }
                let start = bytes.count - tail.count
                for offset in tail.indices where bytes[start + offset] != tail[offset] { return false }
                guard let cuts = colons(bytes) else { return false }
                // A byte outside ASCII right after `arn:`: `init` asks `hasPrefix`, which compares characters.
                if bytes[4] >= 0x80 { return nil }
                // Each field is compared whole, as a string: `==` is canonical equivalence, but no
                // other text is equivalent to these ASCII words, and a resource with more before
                // the suffix (which has no colon) is longer however it is normalised.
                func field(_ from: Int, _ end: Int, is word: StaticString) -> Bool {
                    word.withUTF8Buffer { word in
                        guard end - from == word.count else { return false }
                        for k in word.indices where bytes[from + k] != word[k] { return false }
                        return true
                    }
                }
                return cuts.3 + 1 == start && field(cuts.0 + 1, cuts.1, is: "iam") && field(cuts.2 + 1, cuts.3, is: "aws")
            }
        }
        if let decided { return decided }
        guard let arn = ARN(text) else { return false }
        return arn.service == "iam" && arn.account == "aws" && arn.resource == "policy/AdministratorAccess"
    }
}
