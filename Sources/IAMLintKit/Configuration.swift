import IAMLintCore
import IAMLintRules

/// How a run is set up: which rules, at what severity, with which limits.
public struct Configuration: Sendable {
    /// Rules turned on beyond the stable set (experimental ones), by code or slug.
    public var enabled: Set<String> = []
    /// Rules turned off, by code or slug.
    public var disabled: Set<String> = []
    /// Severity overrides by code or slug.
    public var severities: [String: Severity] = [:]
    public var limits: ParserLimits = .default
    /// Files larger than this many bytes are refused with an IAM001 finding.
    public var maxFileSize = 16 * 1024 * 1024
    /// Load files on this many threads (1 = sequential); output is the same either way.
    public var threads = 0

    public init() {}

    /// Whether the rule runs under this configuration.
    public func isEnabled(_ metadata: RuleMetadata) -> Bool {
        if disabled.contains(where: metadata.isNamed) { return false }
        if metadata.status == .experimental { return enabled.contains(where: metadata.isNamed) }
        return true
    }

    /// The severity the rule's findings carry.
    public func severity(for metadata: RuleMetadata) -> Severity {
        severities.first { metadata.isNamed($0.key) }?.value ?? metadata.severity
    }

    /// Names given to `enabled`, `disabled` or `severities` that match no rule.
    public var unknownRuleNames: [String] {
        let names = enabled.union(disabled).union(severities.keys)
        return names.filter { RuleRegistry.metadata(named: $0) == nil }.sorted()
    }
}
