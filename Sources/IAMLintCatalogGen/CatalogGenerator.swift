#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import IAMLintCore

/// One rule's `rule.yml`, read and checked.
public struct RuleSpec: Sendable {
    public var code: String
    public var slug: String
    public var implementation: String
    public var title: String
    public var severity: String
    public var status: String
    public var summary: String
    public var rationale: String
    public var remediation: String
    public var references: [String]
    public var tags: [String]
    public var aliases: [String]
    /// The folder name under `rules/`, `<CODE>-<slug>`.
    public var folder: String
    public var examples: [RuleExample]
}

/// A `pass/` or `fail/` case of a rule: a file or a folder of files, with the findings it must produce.
public struct RuleExample: Sendable {
    public var isFailing: Bool
    /// The entry's name in `pass/` or `fail/`.
    public var name: String
    /// Relative path inside the case → file content.
    public var files: [(path: String, content: String)]
    /// The exact text-format findings expected (fail cases), from `<name>.findings`.
    public var expectedFindings: String?
}

public struct CatalogError: Error, CustomStringConvertible {
    public var description: String
}

/// Reads `rules/*/rule.yml` and renders the generated Swift catalog and `docs/rules`.
public enum CatalogGenerator {
    public static let catalogPath = "Sources/IAMLintRules/Generated/RuleCatalog.swift"
    public static let docsDirectory = "docs/rules"

    static let required = ["code", "slug", "implementation", "title", "severity", "status", "summary", "rationale", "remediation"]
    static let known = Set(required + ["references", "tags", "aliases", "options"])

    /// Every rule folder under `rulesDirectory`, sorted by code.
    public static func loadSpecs(rulesDirectory: String) throws -> [RuleSpec] {
        let fm = FileManager.default
        let folders = try fm.contentsOfDirectory(atPath: rulesDirectory).filter { !$0.hasPrefix(".") }.sorted()
        return try folders.map { try loadSpec(folder: $0, in: rulesDirectory) }.sorted { $0.code < $1.code }
    }

    static func loadSpec(folder: String, in rulesDirectory: String) throws -> RuleSpec {
        let path = "\(rulesDirectory)/\(folder)/rule.yml"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CatalogError(description: "\(path): cannot read rule.yml")
        }
        let parsed = YAMLParser.parse(text)
        if let d = parsed.diagnostics.first {
            throw CatalogError(description: "\(path):\(d.range.start.line):\(d.range.start.column): \(d.message)")
        }
        guard let root = parsed.documents.first, let entries = root.entries else {
            throw CatalogError(description: "\(path):1:1: expected a mapping of rule fields")
        }
        for entry in entries where !known.contains(entry.key) {
            throw CatalogError(description: "\(path):\(entry.keyRange.start.line):\(entry.keyRange.start.column): unknown field '\(entry.key)'")
        }
        func field(_ key: String) throws -> String {
            guard let value = root[key]?.string else {
                throw CatalogError(description: "\(path):1:1: missing field '\(key)'")
            }
            return value.hasSuffix("\n") ? String(value.dropLast()) : value
        }
        func list(_ key: String) -> [String] {
            root[key]?.items?.compactMap(\.string) ?? []
        }
        let spec = RuleSpec(
            code: try field("code"), slug: try field("slug"), implementation: try field("implementation"),
            title: try field("title"), severity: try field("severity"), status: try field("status"),
            summary: try field("summary"), rationale: try field("rationale"), remediation: try field("remediation"),
            references: list("references"), tags: list("tags"), aliases: list("aliases"), folder: folder,
            examples: try loadExamples(in: "\(rulesDirectory)/\(folder)"))
        guard folder == "\(spec.code)-\(spec.slug)" else {
            throw CatalogError(description: "\(path):1:1: folder must be named '\(spec.code)-\(spec.slug)'")
        }
        guard ["error", "warning", "note"].contains(spec.severity) else {
            throw CatalogError(description: "\(path):1:1: severity must be error, warning or note, not '\(spec.severity)'")
        }
        guard ["stable", "experimental"].contains(spec.status) else {
            throw CatalogError(description: "\(path):1:1: status must be stable or experimental, not '\(spec.status)'")
        }
        return spec
    }

    /// The `pass/` and `fail/` cases of one rule folder, sorted by name.
    public static func loadExamples(in ruleFolder: String) throws -> [RuleExample] {
        let fm = FileManager.default
        var examples: [RuleExample] = []
        for (sub, failing) in [("fail", true), ("pass", false)] {
            let dir = "\(ruleFolder)/\(sub)"
            guard let names = try? fm.contentsOfDirectory(atPath: dir) else { continue }
            for name in names.sorted() where !name.hasSuffix(".findings") && !name.hasPrefix(".") {
                let full = "\(dir)/\(name)"
                var files: [(String, String)] = []
                if FileSystem.isDirectory(full) {
                    for rel in FileSystem.regularFiles(under: full) ?? [] {
                        files.append((rel, (try? String(contentsOfFile: "\(full)/\(rel)", encoding: .utf8)) ?? ""))
                    }
                } else {
                    files.append((name, (try? String(contentsOfFile: full, encoding: .utf8)) ?? ""))
                }
                let expected = try? String(contentsOfFile: "\(full).findings", encoding: .utf8)
                if failing && expected == nil {
                    throw CatalogError(description: "\(full): a fail case needs its expected findings in \(name).findings")
                }
                examples.append(RuleExample(isFailing: failing, name: name, files: files, expectedFindings: expected))
            }
        }
        return examples
    }

    /// Every generated file, by path relative to the package root.
    public static func render(_ specs: [RuleSpec]) -> [String: String] {
        var files: [String: String] = [catalogPath: renderCatalog(specs), "\(docsDirectory)/README.md": renderIndex(specs)]
        for spec in specs {
            files["\(docsDirectory)/\(spec.code).md"] = renderDoc(spec)
        }
        return files
    }

    /// Reads `rules/` under the package root and renders every generated file.
    public static func generate(packageRoot: String) throws -> [String: String] {
        render(try loadSpecs(rulesDirectory: "\(packageRoot)/rules"))
    }

    static func renderCatalog(_ specs: [RuleSpec]) -> String {
        var out = """
        // Generated by `swift run iamlint-generate` from rules/*/rule.yml. Do not edit.
        import IAMLintCore

        public enum RuleCatalog {
            /// Every built-in rule's metadata, in code order.
            public static let all: [RuleMetadata] = [

        """
        for spec in specs {
            out += """
                    RuleMetadata(
                        code: \(literal(spec.code)), slug: \(literal(spec.slug)),
                        title: \(literal(spec.title)),
                        severity: .\(spec.severity), status: .\(spec.status),
                        summary: \(literal(spec.summary)),
                        rationale: \(literal(spec.rationale)),
                        remediation: \(literal(spec.remediation)),
                        references: [\(spec.references.map(literal).joined(separator: ", "))],
                        tags: [\(spec.tags.map(literal).joined(separator: ", "))],
                        aliases: [\(spec.aliases.map(literal).joined(separator: ", "))]),

            """
        }
        out += """
            ]

            /// The Swift type that implements each rule.
            static let implementations: [String: any Rule.Type] = [

        """
        for spec in specs {
            out += "        \(literal(spec.code)): \(spec.implementation).self,\n"
        }
        out += "    ]\n}\n"
        return out
    }

    static func renderIndex(_ specs: [RuleSpec]) -> String {
        var out = "<!-- Generated by `swift run iamlint-generate` from rules/*/rule.yml. Do not edit. -->\n# Rules\n\n"
        out += "| Code | Slug | Severity | Status | Title |\n|---|---|---|---|---|\n"
        for spec in specs {
            out += "| [\(spec.code)](\(spec.code).md) | `\(spec.slug)` | \(spec.severity) | \(spec.status) | \(spec.title) |\n"
        }
        return out
    }

    static func renderDoc(_ spec: RuleSpec) -> String {
        var out = "<!-- Generated by `swift run iamlint-generate` from rules/\(spec.folder). Do not edit. -->\n"
        out += "# \(spec.code) `\(spec.slug)`: \(spec.title)\n\n"
        out += "Severity: **\(spec.severity)** · Status: \(spec.status)"
        if !spec.tags.isEmpty { out += " · Tags: \(spec.tags.joined(separator: ", "))" }
        out += "\n\n\(spec.summary)\n\n## Why this matters\n\n\(spec.rationale)\n\n## How to fix it\n\n\(spec.remediation)\n"
        let failing = spec.examples.filter(\.isFailing)
        let passing = spec.examples.filter { !$0.isFailing }
        if !failing.isEmpty {
            out += "\n## Examples that trigger it\n"
            for example in failing { out += renderExample(example) }
        }
        if !passing.isEmpty {
            out += "\n## Examples that pass\n"
            for example in passing { out += renderExample(example) }
        }
        if !spec.references.isEmpty {
            out += "\n## References\n\n" + spec.references.map { "- <\($0)>\n" }.joined()
        }
        return out
    }

    static func renderExample(_ example: RuleExample) -> String {
        var out = "\n### `\(example.name)`\n"
        for file in example.files {
            let lang = fenceLanguage(file.path)
            if example.files.count > 1 || file.path != example.name { out += "\n`\(file.path)`:\n" }
            out += "\n```\(lang)\n\(file.content)\(file.content.hasSuffix("\n") ? "" : "\n")```\n"
        }
        if let expected = example.expectedFindings {
            out += "\nFindings:\n\n```text\n\(expected)\(expected.hasSuffix("\n") ? "" : "\n")```\n"
        }
        return out
    }

    static func fenceLanguage(_ path: String) -> String {
        if path.hasSuffix(".yaml") || path.hasSuffix(".yml") { return "yaml" }
        if path.hasSuffix(".json") { return "json" }
        return "ini"
    }

    static func literal(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
