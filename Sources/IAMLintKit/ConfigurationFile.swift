#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IAMLintCore
import IAMLintRules

/// Reads `.iamlint.yml`. Validation is strict: an unknown key, a wrong type or an unknown rule is
/// an error that names the file, the line and the key — never silently ignored.
///
/// ```yaml
/// rules:
///   IAM201: off                      # off | on | error | warning | note
///   admin-role-without-mfa: {severity: warning}
/// include: ["infra/**"]
/// exclude: ["**/test/**"]
/// ignore:
///   - {rule: IAM201, path: "legacy/**", location: "Resources.Old*", reason: "retired in Q3"}
/// accounts:
///   identity: {id: "111111111111", paths: ["identity-account/**"], identity: true}
/// limits: {maxFileSize: 16777216, maxDepth: 512, maxAliasExpansion: 100000}
/// rulePacks: ["iam-rules"]          # custom rule packs, relative to this file's folder
/// ```
public enum ConfigurationFile {
    public static let defaultFileName = ".iamlint.yml"

    public struct Error: Swift.Error, CustomStringConvertible {
        public var description: String
    }

    public static func load(path: String, into base: Configuration = Configuration()) throws -> Configuration {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Error(description: "\(path): cannot be read")
        }
        return try parse(text, file: path, into: base)
    }

    public static func parse(_ text: String, file: String, into base: Configuration = Configuration()) throws -> Configuration {
        var configuration = base
        let parsed = YAMLParser.parse(text)
        if let d = parsed.diagnostics.first {
            throw Error(description: "\(file):\(d.range.start.line):\(d.range.start.column): \(d.message)")
        }
        guard let root = parsed.documents.first else { return configuration }
        let reader = Reader(file: file)
        let entries = try reader.mapping(root, "the configuration")
        // Rule packs first, so that `rules:` and `ignore:` may name their rules.
        if let packs = entries.last(where: { $0.key == "rulePacks" }) {
            let folder = PathText.parent(file)
            _ = try reader.strings(packs.value, "rulePacks")
            for item in packs.value.items.map(Array.init) ?? [packs.value] {
                let path = try reader.string(item, "rulePacks")
                let resolved = path.hasPrefix("/") || folder.isEmpty ? path : PathText.appending(folder, path)
                do {
                    try configuration.addRulePack(at: resolved)
                } catch let error as CustomRuleError {
                    throw Error(description: "\(error.description) (rule pack '\(path)' named at \(file):\(item.range.start.line):\(item.range.start.column))")
                }
            }
        }
        for entry in entries {
            switch entry.key {
            case "rulePacks":
                continue
            case "rules":
                for rule in try reader.mapping(entry.value, "rules") {
                    guard let metadata = configuration.ruleSet.metadata(named: rule.key) else {
                        throw reader.error(rule.keyRange, "unknown rule '\(rule.key)'; `iamlint rules` lists them")
                    }
                    if let setting = rule.value.string {
                        try apply(setting, to: metadata, in: &configuration, reader: reader, at: rule.value.range)
                    } else {
                        for field in try reader.mapping(rule.value, "rules.\(rule.key)") {
                            switch field.key {
                            case "severity", "enabled":
                                try apply(try reader.string(field.value, field.key), to: metadata, in: &configuration, reader: reader, at: field.value.range)
                            default:
                                throw reader.error(field.keyRange, "unknown key 'rules.\(rule.key).\(field.key)' (expected severity or enabled)")
                            }
                        }
                    }
                }
            case "include":
                configuration.include = try reader.strings(entry.value, "include")
            case "exclude":
                configuration.exclude = try reader.strings(entry.value, "exclude")
            case "ignore":
                guard let items = entry.value.items else { throw reader.error(entry.value.range, "'ignore' must be a list") }
                for item in items {
                    var ignore = IgnoreEntry(rule: "")
                    for field in try reader.mapping(item, "an ignore entry") {
                        switch field.key {
                        case "rule":
                            ignore.rule = try reader.string(field.value, "rule")
                            if configuration.ruleSet.metadata(named: ignore.rule) == nil {
                                throw reader.error(field.value.range, "unknown rule '\(ignore.rule)'; `iamlint rules` lists them")
                            }
                        case "path": ignore.path = try reader.string(field.value, "path")
                        case "location": ignore.location = try reader.string(field.value, "location")
                        case "reason": ignore.reason = try reader.string(field.value, "reason")
                        default: throw reader.error(field.keyRange, "unknown key 'ignore.\(field.key)' (expected rule, path, location or reason)")
                        }
                    }
                    if ignore.rule.isEmpty { throw reader.error(item.range, "an ignore entry needs a 'rule'") }
                    configuration.ignores.append(ignore)
                }
            case "accounts":
                for account in try reader.mapping(entry.value, "accounts") {
                    var config = AccountConfiguration(
                        name: account.key, id: "", paths: [], isIdentity: false, location: SourceLocation(file: file, range: account.keyRange))
                    for field in try reader.mapping(account.value, "accounts.\(account.key)") {
                        switch field.key {
                        case "id":
                            config.id = try reader.string(field.value, "id")
                            guard config.id.count == 12, config.id.allSatisfy(\.isNumber) else {
                                throw reader.error(field.value.range, "account id must be 12 digits, in quotes (\"012345678901\")")
                            }
                        case "paths": config.paths = try reader.strings(field.value, "paths")
                        case "identity": config.isIdentity = try reader.bool(field.value, "identity")
                        default: throw reader.error(field.keyRange, "unknown key 'accounts.\(account.key).\(field.key)' (expected id, paths or identity)")
                        }
                    }
                    if config.id.isEmpty { throw reader.error(account.keyRange, "account '\(account.key)' needs an 'id'") }
                    configuration.accounts.append(config)
                }
            case "limits":
                for field in try reader.mapping(entry.value, "limits") {
                    let value = try reader.int(field.value, field.key)
                    switch field.key {
                    case "maxFileSize": configuration.maxFileSize = value
                    case "maxDepth":
                        guard value <= ParserLimits.maxSupportedDepth else {
                            throw reader.error(field.value.range, "'maxDepth' must be at most \(ParserLimits.maxSupportedDepth) (deeper nesting would exhaust the parser's stack)")
                        }
                        configuration.limits.maxDepth = value
                    case "maxAliasExpansion": configuration.limits.maxAliasExpansion = value
                    default: throw reader.error(field.keyRange, "unknown key 'limits.\(field.key)' (expected maxFileSize, maxDepth or maxAliasExpansion)")
                    }
                }
            default:
                throw reader.error(entry.keyRange, "unknown key '\(entry.key)' (expected rules, rulePacks, include, exclude, ignore, accounts or limits)")
            }
        }
        return configuration
    }

    private static func apply(_ setting: String, to metadata: RuleMetadata, in configuration: inout Configuration, reader: Reader, at range: SourceRange) throws {
        switch setting.lowercased() {
        case "off", "false", "disabled":
            configuration.disabled.insert(metadata.code)
        case "on", "true", "enabled":
            configuration.enabled.insert(metadata.code)
        default:
            guard let severity = Severity(rawValue: setting.lowercased()) else {
                throw reader.error(range, "expected off, on, error, warning or note for rule \(metadata.code), not '\(setting)'")
            }
            configuration.severities[metadata.code] = severity
            configuration.enabled.insert(metadata.code)
        }
    }

    private struct Reader {
        var file: String

        func error(_ range: SourceRange, _ message: String) -> Error {
            Error(description: "\(file):\(range.start.line):\(range.start.column): \(message)")
        }

        func mapping(_ node: Node, _ what: String) throws -> Node.Entries {
            if node.isNull { return .empty }
            guard let entries = node.entries else { throw error(node.range, "\(what) must be a mapping, not a \(node.kindName)") }
            return entries
        }

        func string(_ node: Node, _ key: String) throws -> String {
            guard let s = node.string else { throw error(node.range, "'\(key)' must be a string, not a \(node.kindName)") }
            return s
        }

        func strings(_ node: Node, _ key: String) throws -> [String] {
            if let s = node.string { return [s] }
            guard let items = node.items else { throw error(node.range, "'\(key)' must be a list of strings") }
            return try items.map { try string($0, key) }
        }

        func bool(_ node: Node, _ key: String) throws -> Bool {
            switch node.string?.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: throw error(node.range, "'\(key)' must be true or false")
            }
        }

        func int(_ node: Node, _ key: String) throws -> Int {
            guard let text = node.string, let value = Int(text), value > 0 else {
                throw error(node.range, "'\(key)' must be a positive number")
            }
            return value
        }
    }
}
