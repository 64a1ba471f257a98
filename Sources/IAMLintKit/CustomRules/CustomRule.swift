#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IAMLintCore
import IAMLintModel
import IAMLintRules

/// A rule an organisation writes as a `rule.yml` with a `match:` section, loaded at run time
/// from a rule pack. Its identity is its metadata (the run hands it over in `RuleContext`), so
/// the type-level `code` is empty.
public struct CustomRule: Rule {
    public static let code = ""

    public let metadata: RuleMetadata
    /// The rule's folder, `<pack>/<CODE>-<slug>`, as the pack was named.
    public let folder: String
    let selector: Selector
    let message: MessageTemplate

    /// A rule that matches nothing (the `Rule` protocol asks for it; packs never make one).
    public init() {
        metadata = RuleMetadata(
            code: "", slug: "", title: "", severity: .warning, status: .experimental, summary: "", rationale: "",
            remediation: "", references: [], tags: [], aliases: [])
        folder = ""
        selector = Selector(branches: [])
        message = MessageTemplate(parts: [])
    }

    init(metadata: RuleMetadata, folder: String, selector: Selector, message: MessageTemplate) {
        self.metadata = metadata
        self.folder = folder
        self.selector = selector
        self.message = message
    }

    public func check(_ context: RuleContext) -> [Finding] {
        let evaluation = Evaluation(graph: context.graph)
        var findings: [Finding] = []
        for branch in selector.branches {
            for entity in evaluation.entities(of: branch.kind) where evaluation.test(branch.condition, entity) {
                guard let provenance = evaluation.provenance(of: entity) else { continue }
                findings.append(context.finding(
                    render(entity, evaluation), at: provenance, subject: evaluation.name(of: entity),
                    related: related(entity, evaluation)))
            }
        }
        return findings
    }

    private func render(_ entity: Entity, _ ev: Evaluation) -> String {
        var out = ""
        for part in message.parts {
            switch part {
            case .text(let text):
                out += text
            case .kind:
                out += ev.kind(of: entity).noun
            case .property(let relation, let property):
                let targets = relation.map { $0.related(ev, entity) } ?? [entity]
                let target = targets.first { property.kinds.contains(ev.kind(of: $0)) }
                let values = target.map { property.values(ev, $0) } ?? []
                var seen = Set<String>()
                let unique = values.filter { seen.insert($0).inserted }
                out += unique.isEmpty ? "none" : unique.joined(separator: ", ")
            case .reachableFrom:
                out += selector.firstSlot(reachable: true).flatMap { ev.describeReach($0, to: entity) } ?? "none"
            case .trustedBy:
                let witness = selector.firstSlot(reachable: false).flatMap { ev.trustWitness($0, for: entity) }
                out += witness.map { ev.graph.describe($0.role) } ?? "none"
            }
        }
        return out
    }

    /// Each hop of the path a `reachable-from` found, the trust statement a `trusted-by` found,
    /// and for an assume edge the trust statement that admits the caller.
    private func related(_ entity: Entity, _ ev: Evaluation) -> [RelatedLocation] {
        var related: [RelatedLocation] = []
        if case .assumeEdge(let s) = entity {
            let step = ev.index.steps[s]
            related.append(RelatedLocation(
                location: step.trustStatement.provenance.location,
                message: "\(ev.graph.describe(step.to)) admits \(ev.graph.describe(step.from)) here"))
        }
        if let slot = selector.firstSlot(reachable: true), case .principal(let role) = entity {
            for step in ev.reachPath(slot, to: role) {
                related.append(RelatedLocation(
                    location: step.trustStatement.provenance.location,
                    message: "\(ev.graph.describe(step.from)) may assume \(ev.graph.describe(step.to))\(step.requiresMFA ? " with MFA" : " without MFA")"))
            }
        }
        if let slot = selector.firstSlot(reachable: false), let witness = ev.trustWitness(slot, for: entity) {
            related.append(RelatedLocation(location: witness.statement.provenance.location, message: "trusted by \(ev.graph.describe(witness.role)) here"))
        }
        return related
    }
}

/// A folder of custom rules: `<pack>/<CODE>-<slug>/rule.yml`, each with `pass/` and `fail/`
/// examples beside it (a folder holding a `rule.yml` itself is a pack of one rule).
public struct CustomRulePack: Sendable {
    /// The folder as it was named (relative paths stay relative, for messages).
    public var directory: String
    public var rules: [CustomRule]

    /// The rules as the run's rule set takes them.
    public var entries: [(metadata: RuleMetadata, rule: any Rule)] {
        rules.map { ($0.metadata, $0 as any Rule) }
    }

    /// Reads and checks every rule of the pack. Codes and slugs must not clash with `known`
    /// (the built-in rules and packs loaded before) or with each other.
    public static func load(directory: String, known: RuleSet = .builtIn) throws -> CustomRulePack {
        let fm = FileManager.default
        guard FileSystem.isDirectory(directory) else {
            throw CustomRuleError(file: directory, message: "no such rule pack folder")
        }
        var folders: [String] = []
        if fm.fileExists(atPath: "\(directory)/rule.yml") {
            folders = [directory]
        } else {
            let names = (try? fm.contentsOfDirectory(atPath: directory)) ?? []
            for name in names.sorted() where !name.hasPrefix(".") {
                let path = directory.hasSuffix("/") ? "\(directory)\(name)" : "\(directory)/\(name)"
                guard FileSystem.isDirectory(path) else { continue }
                guard fm.fileExists(atPath: "\(path)/rule.yml") else {
                    throw CustomRuleError(file: path, message: "a rule folder needs a rule.yml (each folder of a rule pack is one rule: <CODE>-<slug>/rule.yml)")
                }
                folders.append(path)
            }
        }
        if folders.isEmpty {
            throw CustomRuleError(file: directory, message: "the rule pack holds no rules (expected folders <CODE>-<slug>/rule.yml)")
        }
        var rules: [CustomRule] = []
        var set = known
        for folder in folders {
            let rule = try RuleFileReader.read(folder: folder, known: set)
            rules.append(rule)
            set = set.adding([(rule.metadata, rule)])
        }
        return CustomRulePack(directory: directory, rules: rules)
    }
}

/// Reads one custom `rule.yml`: the built-in rule fields plus `match:` and `message:`.
enum RuleFileReader {
    static let required = ["code", "slug", "title", "severity", "rationale", "remediation", "match", "message"]
    static let optional = ["summary", "status", "references", "tags", "aliases"]

    static func read(folder: String, known: RuleSet) throws -> CustomRule {
        let file = "\(folder)/rule.yml"
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw CustomRuleError(file: file, line: 1, column: 1, message: "cannot read rule.yml")
        }
        return try parse(text, file: file, folder: folder, known: known)
    }

    static func parse(_ text: String, file: String, folder: String, known: RuleSet) throws -> CustomRule {
        let parsed = YAMLParser.parse(text)
        if let d = parsed.diagnostics.first {
            throw CustomRuleError(file: file, d.range, d.message)
        }
        guard let root = parsed.documents.first, let entries = root.entries else {
            throw CustomRuleError(file: file, line: 1, column: 1, message: "expected a mapping of rule fields (\(required.joined(separator: ", ")))")
        }
        func fail(_ range: SourceRange, _ message: String) -> CustomRuleError { CustomRuleError(file: file, range, message) }
        let fields = Set(required + optional)
        for entry in entries where !fields.contains(entry.key) {
            switch entry.key {
            case "implementation":
                throw fail(entry.keyRange, "a custom rule has no 'implementation': its 'match' section says what it finds")
            case "options":
                throw fail(entry.keyRange, "custom rules take no 'options'; write the values into 'match'")
            default:
                let words = (required + optional).sorted()
                throw fail(entry.keyRange, "unknown field '\(entry.key)'\(Suggestion.didYouMean(entry.key, in: words)); expected \(words.joined(separator: ", "))")
            }
        }
        for key in required where root.entry(key) == nil {
            throw fail(root.range, "missing field '\(key)'")
        }
        func string(_ key: String) throws -> String? {
            guard let entry = root.entry(key) else { return nil }
            guard let value = entry.value.string, !value.isEmpty else {
                throw fail(entry.value.range, "'\(key)' must be a non-empty string")
            }
            return value.hasSuffix("\n") ? String(value.dropLast()) : value
        }
        func list(_ key: String) throws -> [String] {
            guard let entry = root.entry(key) else { return [] }
            if entry.value.isNull { return [] }
            guard let items = entry.value.items else { throw fail(entry.value.range, "'\(key)' must be a list of strings") }
            return try items.map { item in
                guard let s = item.string else { throw fail(item.range, "'\(key)' must be a list of strings") }
                return s
            }
        }
        let codeEntry = root.entry("code")!
        let code = try string("code")!
        guard Self.isCode(code) else {
            throw fail(codeEntry.value.range, "code '\(code)' must be an upper-case prefix and three or four digits, e.g. ORG001")
        }
        if code.uppercased().hasPrefix("IAM") {
            throw fail(codeEntry.value.range, "code '\(code)': the IAM prefix belongs to iamlint's built-in rules; use your organisation's own, e.g. ORG001")
        }
        let slugEntry = root.entry("slug")!
        let slug = try string("slug")!
        guard Self.isSlug(slug) else {
            throw fail(slugEntry.value.range, "slug '\(slug)' must be lower-case words joined by hyphens, e.g. trusted-accounts-only")
        }
        if let clash = known.metadata(named: code) {
            throw fail(codeEntry.value.range, "code \(code) is already taken by \(clash.code) \(clash.slug)")
        }
        if let clash = known.metadata(named: slug) {
            throw fail(slugEntry.value.range, "slug '\(slug)' is already taken by \(clash.code) \(clash.slug)")
        }
        let expectedFolder = "\(code)-\(slug)"
        let folderName = PathText.standardized(folder).split(separator: "/").last.map(String.init) ?? folder
        if folderName != expectedFolder {
            throw fail(codeEntry.keyRange, "the rule's folder must be named '\(expectedFolder)', not '\(folderName)'")
        }
        let severityEntry = root.entry("severity")!
        guard let severity = Severity(rawValue: try string("severity")!) else {
            throw fail(severityEntry.value.range, "severity must be error, warning or note")
        }
        var status = RuleMetadata.Status.stable
        if let statusEntry = root.entry("status") {
            guard let s = RuleMetadata.Status(rawValue: try string("status")!) else {
                throw fail(statusEntry.value.range, "status must be stable or experimental")
            }
            status = s
        }
        let aliases = try list("aliases")
        for alias in aliases where known.metadata(named: alias) != nil || !isSlug(alias) {
            throw fail(root.entry("aliases")!.value.range, "alias '\(alias)' must be a slug that names no other rule")
        }
        let title = try string("title")!
        let metadata = RuleMetadata(
            code: code, slug: slug, title: title, severity: severity, status: status,
            summary: try string("summary") ?? title, rationale: try string("rationale")!, remediation: try string("remediation")!,
            references: try list("references"), tags: try list("tags"), aliases: aliases)
        var compiler = MatchCompiler(file: file)
        let matchNode = root.entry("match")!.value
        let selector = try compiler.selector(matchNode, context: "'match'")
        let message = try compiler.message(root.entry("message")!.value, selector: selector)
        return CustomRule(metadata: metadata, folder: folder, selector: selector, message: message)
    }

    static func isCode(_ code: String) -> Bool {
        let letters = code.prefix { $0 >= "A" && $0 <= "Z" }
        let digits = code.dropFirst(letters.count)
        return (1...10).contains(letters.count) && (3...4).contains(digits.count) && digits.allSatisfy { $0 >= "0" && $0 <= "9" }
    }

    static func isSlug(_ slug: String) -> Bool {
        !slug.isEmpty && !slug.hasPrefix("-") && !slug.hasSuffix("-") && !slug.contains("--")
            && slug.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" }
    }
}
