import IAMLintCore
import IAMLintModel

/// Turns the `match:` and `message:` of a rule file into the checked AST. Every word is checked
/// against the vocabulary for the kinds in scope: an unknown property, predicate or placeholder
/// is an error at its position, never a test that silently matches nothing.
struct MatchCompiler {
    let file: String
    private var nextSlot = 0

    init(file: String) {
        self.file = file
    }

    func error(_ range: SourceRange, _ message: String) -> CustomRuleError {
        CustomRuleError(file: file, range, message)
    }

    // MARK: Selectors

    /// `{role: {...}, user: {...}}`: one or more entity kinds, each with its condition. `options`
    /// are further keys the caller reads itself (`without-mfa`).
    mutating func selector(_ node: Node, allowed: Set<MatchKind> = MatchKind.all, options: Set<String> = [], context: String) throws -> Selector {
        guard let entries = node.entries else {
            throw error(node.range, "\(context) must be a mapping from an entity kind to its condition, e.g. `role: {name: \"*-admin\"}`; kinds: \(MatchKind.list(allowed))")
        }
        var branches: [Selector.Branch] = []
        for entry in entries where !options.contains(entry.key) {
            guard let kind = MatchKind(rawValue: entry.key) else {
                let words = allowed.sorted().map(\.rawValue) + options.sorted()
                throw error(entry.keyRange, "unknown entity kind '\(entry.key)' in \(context)\(Suggestion.didYouMean(entry.key, in: words)); expected \(MatchKind.list(allowed))")
            }
            guard allowed.contains(kind) else {
                throw error(entry.keyRange, "\(context) cannot select \(kind.rawValue); it selects \(MatchKind.list(allowed))")
            }
            branches.append(Selector.Branch(kind: kind, condition: try condition(entry.value, kinds: [kind])))
        }
        if branches.isEmpty {
            throw error(node.range, "\(context) names no entity kind; expected one of \(MatchKind.list(allowed))")
        }
        return Selector(branches: branches)
    }

    // MARK: Conditions

    /// A mapping of tests that must all hold; null or `{}` holds for every entity.
    mutating func condition(_ node: Node, kinds: Set<MatchKind>) throws -> Condition {
        if node.isNull { return .always }
        guard let entries = node.entries else {
            throw error(node.range, "expected a condition (a mapping of tests such as `name: \"*-admin\"`), not a \(node.kindName)")
        }
        var tests: [Condition] = []
        for entry in entries {
            tests.append(try test(entry, kinds: kinds))
        }
        switch tests.count {
        case 0: return .always
        case 1: return tests[0]
        default: return .all(Condition.byCost(tests))
        }
    }

    private mutating func conditionList(_ node: Node, word: String, kinds: Set<MatchKind>) throws -> [Condition] {
        guard let items = node.items, !items.isEmpty else {
            throw error(node.range, "'\(word)' takes a non-empty list of conditions")
        }
        return try items.map { try condition($0, kinds: kinds) }
    }

    private mutating func test(_ entry: MappingEntry, kinds: Set<MatchKind>) throws -> Condition {
        let word = entry.key
        let value = entry.value
        switch word {
        case "all": return .all(Condition.byCost(try conditionList(value, word: word, kinds: kinds)))
        case "any": return .any(Condition.byCost(try conditionList(value, word: word, kinds: kinds)))
        case "not":
            guard value.entries != nil else { throw error(value.range, "'not' takes a condition (a mapping)") }
            return .not(try condition(value, kinds: kinds))
        case "reachable-from":
            try check(word, at: entry.keyRange, appliesTo: Vocabulary.reachableFromKinds, kinds: kinds)
            var withoutMFA = false
            if let flag = value.entry("without-mfa") {
                withoutMFA = try boolean(flag.value, word: "without-mfa")
            }
            let sources = try selector(value, allowed: Vocabulary.reachableFromSources, options: ["without-mfa"], context: "'reachable-from'")
            defer { nextSlot += 1 }
            return .reachableFrom(sources, withoutMFA: withoutMFA, slot: nextSlot)
        case "trusted-by":
            try check(word, at: entry.keyRange, appliesTo: Vocabulary.trustedByKinds, kinds: kinds)
            let trusting = try selector(value, allowed: Vocabulary.trustedBySources, context: "'trusted-by'")
            defer { nextSlot += 1 }
            return .trustedBy(trusting, slot: nextSlot)
        case "condition":
            try check(word, at: entry.keyRange, appliesTo: Vocabulary.conditionKinds, kinds: kinds)
            return .clause(try clauseTest(value))
        default:
            break
        }
        if let reason = Vocabulary.unsupported[word] {
            throw error(entry.keyRange, reason)
        }
        if let relation = Vocabulary.relationsByName[word] {
            try check(word, at: entry.keyRange, appliesTo: relation.kinds, kinds: kinds)
            guard value.entries != nil || value.isNull else {
                throw error(value.range, "'\(word)' leads to the \(MatchKind.list(relation.targets)) and takes a condition on it (a mapping such as `{name: \"ci-*\"}`), not a \(value.kindName)")
            }
            return .relation(relation, try condition(value, kinds: relation.targets))
        }
        guard let property = Vocabulary.propertiesByName[word] else {
            let words = Vocabulary.words(for: kinds)
            throw error(entry.keyRange, "unknown property or predicate '\(word)' for \(MatchKind.list(kinds))\(Suggestion.didYouMean(word, in: words)); expected one of: \(words.joined(separator: ", "))")
        }
        try check(word, at: entry.keyRange, appliesTo: property.kinds, kinds: kinds)
        switch property.type {
        case .boolean:
            return .property(property, .some([MatchGlob(String(try boolean(value, word: word)), caseInsensitive: true)]))
        case .text(let ci):
            return .property(property, try matcher(value, word: word, caseInsensitive: ci))
        case .actions:
            let m = try matcher(value, word: word, caseInsensitive: true)
            let (globs, only): ([MatchGlob], Bool)
            switch m {
            case .some(let g): (globs, only) = (g, false)
            case .only(let g): (globs, only) = (g, true)
            }
            for glob in globs where !glob.pattern.contains(":") && glob.pattern.contains(where: { $0 != "*" }) {
                throw error(value.range, "'\(glob.pattern)' is not an IAM action pattern; expected service:action, e.g. iam:PassRole or s3:Get*")
            }
            var seen = Set<String>()
            let candidates = globs.flatMap { ActionNames.expand($0.pattern) }.filter { seen.insert($0).inserted }
            defer { nextSlot += 1 }
            return .actions(ActionTest(slot: nextSlot, globs: globs, only: only, candidates: candidates))
        }
    }

    /// Fails unless the word applies to every kind in scope.
    private func check(_ word: String, at range: SourceRange, appliesTo: Set<MatchKind>, kinds: Set<MatchKind>) throws {
        let missing = kinds.subtracting(appliesTo)
        guard !missing.isEmpty else { return }
        throw error(range, "'\(word)' does not apply to \(MatchKind.list(missing)); it applies to \(MatchKind.list(appliesTo))")
    }

    private func boolean(_ node: Node, word: String) throws -> Bool {
        switch node.string?.lowercased() {
        case "true": return true
        case "false": return false
        default: throw error(node.range, "'\(word)' takes true or false, not \(node.string.map { "'\($0)'" } ?? "a \(node.kindName)")")
        }
    }

    /// A glob, a list of globs (some value matches one), or `{only: globs}` (every value matches one).
    private func matcher(_ node: Node, word: String, caseInsensitive: Bool) throws -> Matcher {
        if let entries = node.entries {
            guard entries.count == 1, let only = entries.first, only.key == "only" else {
                let key = entries.first { $0.key != "only" } ?? entries.first
                throw error(key?.keyRange ?? node.range, "'\(word)' takes a glob, a list of globs or {only: [globs]}")
            }
            return .only(try globs(only.value, word: word, caseInsensitive: caseInsensitive, allowEmpty: true))
        }
        return .some(try globs(node, word: word, caseInsensitive: caseInsensitive, allowEmpty: false))
    }

    private func globs(_ node: Node, word: String, caseInsensitive: Bool, allowEmpty: Bool) throws -> [MatchGlob] {
        if let s = node.string { return [MatchGlob(s, caseInsensitive: caseInsensitive)] }
        guard let items = node.items else {
            throw error(node.range, "'\(word)' takes a glob or a list of globs, not a \(node.kindName)")
        }
        if items.isEmpty && !allowEmpty {
            throw error(node.range, "'\(word)' takes at least one glob (an empty list matches nothing)")
        }
        return try items.map { item in
            guard let s = item.string else { throw error(item.range, "expected a glob (a string), not a \(item.kindName)") }
            return MatchGlob(s, caseInsensitive: caseInsensitive)
        }
    }

    /// `condition: {key: …, operator: …, values: …}`.
    private func clauseTest(_ node: Node) throws -> ClauseTest {
        guard let entries = node.entries, !entries.isEmpty else {
            throw error(node.range, "'condition' takes a mapping with key, operator and/or values")
        }
        var result = ClauseTest()
        for entry in entries {
            switch entry.key {
            case "key": result.key = try globs(entry.value, word: "key", caseInsensitive: true, allowEmpty: false)
            case "operator": result.op = try globs(entry.value, word: "operator", caseInsensitive: true, allowEmpty: false)
            case "values": result.values = try matcher(entry.value, word: "values", caseInsensitive: false)
            default:
                throw error(entry.keyRange, "unknown key 'condition.\(entry.key)'\(Suggestion.didYouMean(entry.key, in: ["key", "operator", "values"])); expected key, operator or values")
            }
        }
        return result
    }

    // MARK: Messages

    /// `{name}`, `{account}`, `{role.name}`, `{kind}`, `{reachable-from}`, `{trusted-by}`;
    /// `{{` and `}}` are literal braces. Each placeholder must be defined for every selected kind.
    func message(_ node: Node, selector: Selector) throws -> MessageTemplate {
        guard let text = node.string, !text.isEmpty else {
            throw error(node.range, "'message' must be a non-empty string")
        }
        let kinds = selector.kinds
        var parts: [MessageTemplate.Part] = []
        var literal = ""
        var i = text.startIndex
        func fail(_ message: String) -> CustomRuleError {
            // Point into the message when it is on one line; at its start otherwise.
            var range = node.range
            if node.range.start.line == node.range.end.line {
                let offset = text.distance(from: text.startIndex, to: i)
                let quoted = node.scalar.map { $0.style == .singleQuoted || $0.style == .doubleQuoted } ?? false
                range = SourceRange(SourcePosition(line: range.start.line, column: range.start.column + offset + (quoted ? 1 : 0)))
            }
            return error(range, message)
        }
        while i < text.endIndex {
            let c = text[i]
            let next = text.index(after: i)
            if c == "{", next < text.endIndex, text[next] == "{" {
                literal.append("{")
                i = text.index(after: next)
                continue
            }
            if c == "}", next < text.endIndex, text[next] == "}" {
                literal.append("}")
                i = text.index(after: next)
                continue
            }
            if c == "}" { throw fail("unmatched '}' in message; write '}}' for a literal brace") }
            guard c == "{" else {
                literal.append(c)
                i = next
                continue
            }
            guard let close = text[next...].firstIndex(of: "}") else {
                throw fail("unclosed '{' in message; write '{{' for a literal brace")
            }
            let name = String(text[next..<close])
            if !literal.isEmpty {
                parts.append(.text(literal))
                literal = ""
            }
            parts.append(try placeholder(name, kinds: kinds, selector: selector, fail: fail))
            i = text.index(after: close)
        }
        if !literal.isEmpty { parts.append(.text(literal)) }
        return MessageTemplate(parts: parts)
    }

    private func placeholder(_ name: String, kinds: Set<MatchKind>, selector: Selector, fail: (String) -> CustomRuleError) throws -> MessageTemplate.Part {
        switch name {
        case "kind": return .kind
        case "reachable-from":
            guard selector.firstSlot(reachable: true) != nil else {
                throw fail("{reachable-from} names who reaches the entity: the match needs a reachable-from test")
            }
            return .reachableFrom
        case "trusted-by":
            guard selector.firstSlot(reachable: false) != nil else {
                throw fail("{trusted-by} names who trusts the entity: the match needs a trusted-by test")
            }
            return .trustedBy
        default:
            break
        }
        var relation: Relation?
        var propertyName = name
        var targetKinds = kinds
        if let dot = name.firstIndex(of: ".") {
            let relationName = String(name[..<dot])
            guard let r = Vocabulary.relationsByName[relationName] else {
                throw fail("unknown relation '\(relationName)' in placeholder {\(name)}\(Suggestion.didYouMean(relationName, in: Vocabulary.relations.map(\.name)))")
            }
            let missing = kinds.subtracting(r.kinds)
            if !missing.isEmpty { throw fail("placeholder {\(name)}: '\(relationName)' does not apply to \(MatchKind.list(missing))") }
            relation = r
            propertyName = String(name[name.index(after: dot)...])
            targetKinds = r.targets
        }
        guard let property = Vocabulary.propertiesByName[propertyName] else {
            let words = ["kind"] + Vocabulary.properties.filter { !$0.kinds.isDisjoint(with: targetKinds) }.map(\.name)
            throw fail("unknown placeholder {\(name)}\(Suggestion.didYouMean(propertyName, in: words)); expected a property such as {name} or {account}")
        }
        if case .actions = property.type {
            throw fail("{\(name)} cannot be used in a message: it may stand for thousands of actions")
        }
        if relation == nil {
            let missing = kinds.subtracting(property.kinds)
            if !missing.isEmpty { throw fail("placeholder {\(name)} is not defined for \(MatchKind.list(missing))") }
        } else if property.kinds.isDisjoint(with: targetKinds) {
            throw fail("placeholder {\(name)}: '\(propertyName)' is not defined for \(MatchKind.list(targetKinds))")
        }
        return .property(relation, property)
    }
}
