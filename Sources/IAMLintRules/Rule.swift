import IAMLintCore
import IAMLintModel

/// A check over the whole graph. One type per rule, one file per type.
///
/// The rule's metadata (slug, title, severity, docs) lives in `rules/<CODE>-<slug>/rule.yml` and
/// reaches the binary through the generated `RuleCatalog`; the type only knows its code.
public protocol Rule: Sendable {
    /// The rule's stable code, e.g. `IAM101`.
    static var code: String { get }
    /// When the rule runs; `.graph` unless it is about suppressions.
    static var phase: RulePhase { get }
    /// Whether the rule asks the graph for derived facts (the assume steps, the trust tables,
    /// the per-principal facts of `graph.derived`); true unless the rule says otherwise. The
    /// graph rules that do not run after the others, once those facts are released, so that
    /// their findings are not held beside the facts (IAM402 reports nearly every named resource
    /// of an organisation: 13 MB of findings at 100,000 principals, beside 15 MB of facts). A
    /// rule that says false and asks for a fact anyway gets it, computed again.
    static var asksDerivedFacts: Bool { get }
    init()
    /// Returns the rule's findings for the graph; build them with `context.finding(…)`.
    func check(_ context: RuleContext) -> [Finding]
}

/// When a rule runs: over the graph (almost all), or after suppressions were matched (rules
/// about the suppressions themselves).
public enum RulePhase: Sendable {
    case graph
    case afterSuppression
}

extension Rule {
    public static var phase: RulePhase { .graph }
    public static var asksDerivedFacts: Bool { true }
}

/// A suppression that accepted nothing, and why.
public struct UnusedSuppression: Sendable {
    public var suppression: Suppression
    /// Rule names in the suppression that name no rule.
    public var unknownRules: [String]

    public init(suppression: Suppression, unknownRules: [String]) {
        self.suppression = suppression
        self.unknownRules = unknownRules
    }
}

/// What a rule sees: the graph, and a way to make findings that carry its identity and severity.
public struct RuleContext: Sendable {
    public let graph: IAMGraph
    public let metadata: RuleMetadata
    /// For `.afterSuppression` rules: the suppressions that matched no finding.
    public let unusedSuppressions: [UnusedSuppression]

    /// `metadata.id`, made once: every finding of the rule shares it.
    private let ruleID: RuleID

    public init(graph: IAMGraph, metadata: RuleMetadata, unusedSuppressions: [UnusedSuppression] = []) {
        self.graph = graph
        self.metadata = metadata
        self.unusedSuppressions = unusedSuppressions
        ruleID = metadata.id
    }

    /// A finding of this rule at a model element's provenance.
    public func finding(_ message: String, at provenance: Provenance, subject: String, related: [RelatedLocation] = []) -> Finding {
        Finding(
            rule: ruleID, severity: metadata.severity, message: message, location: provenance.location,
            logicalLocation: provenance.logicalPath, subject: subject, related: related)
    }

    /// A finding at `location` whose logical path the rule has spelt already (spelling a
    /// provenance's path walks its chain of steps; a rule that read the path to decide keeps it).
    public func finding(_ message: String, at location: SourceLocation, logicalPath: String, subject: String, related: [RelatedLocation] = []) -> Finding {
        Finding(
            rule: ruleID, severity: metadata.severity, message: message, location: location,
            logicalLocation: logicalPath, subject: subject, related: related)
    }


    /// `finding(_:at:logicalPath:subject:related:)` with a message kept in parts (see
    /// `MessageText`): for a rule that reports nearly every resource of an organisation.
    public func finding(_ message: MessageText, at location: SourceLocation, logicalPath: String, subject: String, related: [RelatedLocation] = []) -> Finding {
        Finding(
            rule: ruleID, severity: metadata.severity, message: message, location: location,
            logicalLocation: logicalPath, subject: subject, related: related)
    }

    /// A finding whose message and logical path are both kept in parts (see `MessageText`): a
    /// rule that reports nearly every resource of an organisation then spells no text of its own.
    public func finding(_ message: MessageText, at location: SourceLocation, logicalPath: MessageText, subject: String, related: [RelatedLocation] = []) -> Finding {
        Finding(
            rule: ruleID, severity: metadata.severity, message: message, location: location,
            logicalLocation: logicalPath, subject: subject, related: related)
    }
}

/// A rule's metadata, generated from its `rule.yml`.
public struct RuleMetadata: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        case stable
        case experimental
    }

    public var code: String
    public var slug: String
    public var title: String
    public var severity: Severity
    public var status: Status
    public var summary: String
    public var rationale: String
    public var remediation: String
    public var references: [String]
    public var tags: [String]
    /// Earlier slugs that still name this rule.
    public var aliases: [String]

    public init(
        code: String, slug: String, title: String, severity: Severity, status: Status, summary: String,
        rationale: String, remediation: String, references: [String], tags: [String], aliases: [String]
    ) {
        self.code = code
        self.slug = slug
        self.title = title
        self.severity = severity
        self.status = status
        self.summary = summary
        self.rationale = rationale
        self.remediation = remediation
        self.references = references
        self.tags = tags
        self.aliases = aliases
    }

    public var id: RuleID { RuleID(code: code, slug: slug) }

    /// True when `name` is this rule's code, slug or an alias (codes ignore case).
    public func isNamed(_ name: String) -> Bool {
        name.uppercased() == code || name == slug || aliases.contains(name)
    }
}

/// The rules of a run: the built-in ones, plus any loaded at run time (custom rule packs).
public struct RuleSet: Sendable {
    public var rules: [(metadata: RuleMetadata, rule: any Rule)]

    public init(rules: [(metadata: RuleMetadata, rule: any Rule)]) {
        self.rules = rules.sorted { $0.metadata.code < $1.metadata.code }
    }

    /// Every built-in rule, in code order.
    public static let builtIn = RuleSet(rules: RuleCatalog.all.compactMap { metadata in
        RuleCatalog.implementations[metadata.code].map { (metadata, $0.init()) }
    })

    /// The set with more rules added (custom rule packs).
    public func adding(_ more: [(metadata: RuleMetadata, rule: any Rule)]) -> RuleSet {
        RuleSet(rules: rules + more)
    }

    public var metadata: [RuleMetadata] { rules.map(\.metadata) }

    /// The metadata of the rule named by code, slug or alias.
    public func metadata(named name: String) -> RuleMetadata? {
        rules.first { $0.metadata.isNamed(name) }?.metadata
    }
}

/// Every built-in rule, with its metadata.
public enum RuleRegistry {
    /// The built-in rules in code order.
    public static var all: [(metadata: RuleMetadata, rule: any Rule)] { RuleSet.builtIn.rules }

    /// The metadata of the built-in rule named by code, slug or alias.
    public static func metadata(named name: String) -> RuleMetadata? {
        RuleSet.builtIn.metadata(named: name)
    }
}
