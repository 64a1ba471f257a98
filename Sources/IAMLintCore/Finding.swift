/// How serious a finding is. Ordered: `note` < `warning` < `error`.
public enum Severity: String, Sendable, Hashable, Comparable, CaseIterable, Codable {
    case note
    case warning
    case error

    private var rank: Int {
        switch self {
        case .note: return 0
        case .warning: return 1
        case .error: return 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// A rule's stable identity: a code (`IAM101`) that is never reused and a slug (`admin-role-without-mfa`).
///
/// Both texts live in one shared object, so that a finding carries one reference for them (8
/// bytes instead of 32: an organisation's scan keeps a hundred thousand findings).
public struct RuleID: Hashable, Sendable, Comparable, CustomStringConvertible {
    private final class Names: Sendable {
        let code: String
        let slug: String

        init(code: String, slug: String) {
            self.code = code
            self.slug = slug
        }
    }

    private var names: Names

    public var code: String {
        get { names.code }
        set { names = Names(code: newValue, slug: names.slug) }
    }

    public var slug: String {
        get { names.slug }
        set { names = Names(code: names.code, slug: newValue) }
    }

    public init(code: String, slug: String) {
        names = Names(code: code, slug: slug)
    }

    public static func == (lhs: RuleID, rhs: RuleID) -> Bool {
        lhs.names === rhs.names || (lhs.code == rhs.code && lhs.slug == rhs.slug)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(slug)
    }

    public static func < (lhs: RuleID, rhs: RuleID) -> Bool { lhs.code < rhs.code }

    public var description: String { "\(code) \(slug)" }
}

/// Another place that helps explain a finding: the first of two duplicates, a hop of a chain.
public struct RelatedLocation: Hashable, Sendable {
    public var location: SourceLocation
    public var message: String

    public init(location: SourceLocation, message: String) {
        self.location = location
        self.message = message
    }
}

/// One problem found by a rule, pointing at an exact place and naming the entity it is about.
///
/// The one-byte `severity` is stored last, where it needs no padding (104 bytes a finding).
public struct Finding: Hashable, Sendable {
    public var rule: RuleID
    /// Lower-case, no trailing period, names the entity and the fact.
    public var message: String
    public var location: SourceLocation
    /// Where in the document: `Resources.Admin.Properties.AssumeRolePolicyDocument.Statement[0]`, `profile dev`.
    public var logicalLocation: String
    /// The entity the finding is about (a role name, a profile name); part of the baseline key.
    public var subject: String
    public var related: [RelatedLocation]
    public var severity: Severity

    public init(
        rule: RuleID, severity: Severity, message: String, location: SourceLocation,
        logicalLocation: String, subject: String, related: [RelatedLocation] = []
    ) {
        self.rule = rule
        self.severity = severity
        self.message = message
        self.location = location
        self.logicalLocation = logicalLocation
        self.subject = subject
        self.related = related
    }

    /// Sorts `findings` by `outputOrder`, stably (as `sort(by: outputOrder)`): the positions are
    /// sorted, then the findings moved into place along the permutation's cycles, each once and
    /// without a copy (a copy of a finding retains and releases each of its texts, and a second
    /// array would hold them all twice).
    public static func sortInOutputOrder(_ findings: inout [Finding]) {
        var order = findings.indices.sorted { outputOrder(findings[$0], findings[$1]) }
        findings.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            // Position `k` receives the finding at `order[k]`; a done position gets `order[k] == k`.
            for start in order.indices where order[start] != start {
                let first = (base + start).move()
                var k = start
                while order[k] != start {
                    let from = order[k]
                    (base + k).moveInitialize(from: base + from, count: 1)
                    order[k] = k
                    k = from
                }
                (base + k).initialize(to: first)
                order[k] = k
            }
        }
    }

    /// The deterministic output order: path, line, column, rule, logical location, message.
    public static func outputOrder(_ a: Finding, _ b: Finding) -> Bool {
        if a.location.file != b.location.file { return a.location.file < b.location.file }
        if a.location.range.start != b.location.range.start { return a.location.range.start < b.location.range.start }
        if a.rule.code != b.rule.code { return a.rule.code < b.rule.code }
        if a.logicalLocation != b.logicalLocation { return a.logicalLocation < b.logicalLocation }
        return a.message < b.message
    }
}
