#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
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
    /// Files larger than this many bytes are refused with an IAM004 finding.
    public var maxFileSize = 16 * 1024 * 1024
    /// Load files and run rules on this many threads (1 = sequential); output is the same either way.
    public var threads = 0
    /// Findings accepted by `.iamlint.yml` `ignore:` entries.
    public var ignores: [IgnoreEntry] = []
    /// Files to scan (globs relative to the scanned root); empty means everything.
    public var include: [String] = []
    /// Files and folders to leave out (globs relative to the scanned root).
    public var exclude: [String] = []
    /// Named accounts and the files that deploy into them.
    public var accounts: [AccountConfiguration] = []
    /// The rules available to the run: the built-in ones plus custom rule packs.
    public var ruleSet: RuleSet = .builtIn
    /// The custom rule packs loaded into `ruleSet`, in load order.
    public var rulePacks: [CustomRulePack] = []

    public init() {}

    /// Loads the custom rule pack in `directory` and adds its rules to `ruleSet`. A pack already
    /// loaded (the same folder) is not loaded twice.
    public mutating func addRulePack(at directory: String) throws {
        let standardized = URL(fileURLWithPath: directory).standardizedFileURL.path
        if rulePacks.contains(where: { URL(fileURLWithPath: $0.directory).standardizedFileURL.path == standardized }) { return }
        let pack = try CustomRulePack.load(directory: directory, known: ruleSet)
        rulePacks.append(pack)
        ruleSet = ruleSet.adding(pack.entries)
    }

    /// The custom rule named by code, slug or alias, if it is one.
    public func customRule(named name: String) -> CustomRule? {
        rulePacks.lazy.flatMap(\.rules).first { $0.metadata.isNamed(name) }
    }

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
        return names.filter { ruleSet.metadata(named: $0) == nil }.sorted()
    }
}

/// An `ignore:` entry of `.iamlint.yml`: findings of a rule in files and logical locations that match.
public struct IgnoreEntry: Sendable, Hashable {
    public var rule: String
    /// A glob on the finding's path (relative to the scanned root as shown); `**` spans folders.
    public var path: String
    /// A glob on the logical location (`Resources.Legacy*`); empty matches all.
    public var location: String
    public var reason: String

    public init(rule: String, path: String = "**", location: String = "", reason: String = "") {
        self.rule = rule
        self.path = path
        self.location = location
        self.reason = reason
    }

    func matches(_ finding: Finding, path relative: String, rules: RuleSet) -> Bool {
        guard let metadata = rules.metadata(named: rule), metadata.code == finding.rule.code else { return false }
        guard Glob.matches(path, relative) else { return false }
        return location.isEmpty || Glob.matches(location, finding.logicalLocation, separator: nil)
    }
}

/// An account named in `.iamlint.yml`.
public struct AccountConfiguration: Sendable, Hashable {
    public var name: String
    public var id: String
    /// Globs of the files that deploy into this account.
    public var paths: [String]
    /// True for the identity account, where people live as IAM users.
    public var isIdentity: Bool
    /// Where the configuration names the account: the file as it was loaded and the key's range.
    public var location: SourceLocation?

    public init(name: String, id: String, paths: [String], isIdentity: Bool, location: SourceLocation? = nil) {
        self.name = name
        self.id = id
        self.paths = paths
        self.isIdentity = isIdentity
        self.location = location
    }
}
