import IAMLintCore
import IAMLintRules

/// `--format markdown`: a summary for `$GITHUB_STEP_SUMMARY` or a pull request comment.
public struct MarkdownReporter: Reporter {
    /// Where rule pages live, for links.
    public var rulesURL: String

    public init(rulesURL: String = IAMLintVersion.rulesURL) {
        self.rulesURL = rulesURL
    }

    public func render(_ result: LintResult) -> String {
        let findings = result.findings
        var out = "## iamlint\n\n"
        if findings.isEmpty {
            out += "No findings in \(result.scannedFiles.count) files"
            out += result.suppressed.isEmpty ? ".\n" : " (\(result.suppressed.count) suppressed).\n"
            return out + staleNote(result)
        }
        let bySeverity = Dictionary(grouping: findings, by: \.severity)
        let counts = Severity.allCases.reversed().compactMap { s in bySeverity[s].map { "\($0.count) \(s.rawValue)\($0.count == 1 ? "" : "s")" } }
        out += "**\(findings.count) finding\(findings.count == 1 ? "" : "s")** (\(counts.joined(separator: ", "))) in \(result.scannedFiles.count) files"
        out += result.suppressed.isEmpty ? ".\n\n" : "; \(result.suppressed.count) suppressed.\n\n"
        out += "| Rule | Severity | Count |\n|---|---|---|\n"
        let byRule = Dictionary(grouping: findings, by: \.rule)
        // Built-in rules link to their page; custom rules (never IAM-prefixed) to their first reference.
        let customLinks = Dictionary(result.rules.filter { !$0.code.hasPrefix("IAM") }.map { ($0.code, $0.references.first) }) { a, _ in a }
        func link(_ code: String) -> String {
            guard let custom = customLinks[code] else { return "[\(code)](\(rulesURL)/\(code).md)" }
            return custom.map { "[\(code)](\($0))" } ?? code
        }
        for rule in byRule.keys.sorted() {
            let list = byRule[rule] ?? []
            out += "| \(link(rule.code)) `\(rule.slug)` | \(list[0].severity.rawValue) | \(list.count) |\n"
        }
        out += "\n| Severity | Rule | Location | Message |\n|---|---|---|---|\n"
        for f in findings {
            out += "| \(f.severity.rawValue) | \(link(f.rule.code)) | `\(cell(f.location.file)):\(f.location.line):\(f.location.column)` | \(cell(f.message)) |\n"
        }
        return out + staleNote(result)
    }

    private func staleNote(_ result: LintResult) -> String {
        let stale = result.staleBaseline.values.reduce(0, +)
        guard stale > 0 else { return "" }
        return "\n\(stale) baseline entr\(stale == 1 ? "y matches" : "ies match") nothing any more; `iamlint baseline --prune` removes \(stale == 1 ? "it" : "them").\n"
    }

    private func cell(_ s: String) -> String {
        s.replacingAll("|", "\\|").replacingAll("\n", " ")
    }
}
