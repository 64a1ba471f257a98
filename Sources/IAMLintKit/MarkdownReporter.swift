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
        // Counted in one pass, without grouping copies of the findings.
        var bySeverity: [Severity: Int] = [:]
        var byRule: [RuleID: (count: Int, severity: Severity)] = [:]
        for f in findings {
            bySeverity[f.severity, default: 0] += 1
            byRule[f.rule, default: (0, f.severity)].count += 1
        }
        let counts = Severity.allCases.reversed().compactMap { s in bySeverity[s].map { "\($0) \(s.rawValue)\($0 == 1 ? "" : "s")" } }
        out += "**\(findings.count) finding\(findings.count == 1 ? "" : "s")** (\(counts.joined(separator: ", "))) in \(result.scannedFiles.count) files"
        out += result.suppressed.isEmpty ? ".\n\n" : "; \(result.suppressed.count) suppressed.\n\n"
        out += "| Rule | Severity | Count |\n|---|---|---|\n"
        // Built-in rules link to their page; custom rules (never IAM-prefixed) to their first reference.
        let customLinks = Dictionary(result.rules.filter { !$0.code.hasPrefix("IAM") }.map { ($0.code, $0.references.first) }) { a, _ in a }
        func link(_ code: String) -> String {
            guard let custom = customLinks[code] else { return "[\(code)](\(rulesURL)/\(code).md)" }
            return custom.map { "[\(code)](\($0))" } ?? code
        }
        for rule in byRule.keys.sorted() {
            let entry = byRule[rule] ?? (0, .note)
            out += "| \(link(rule.code)) `\(rule.slug)` | \(entry.severity.rawValue) | \(entry.count) |\n"
        }
        out += "\n| Severity | Rule | Location | Message |\n|---|---|---|---|\n"
        var bytes = Array(out.utf8)
        // Links spelt once per rule, not once per finding.
        var links: [String: String] = [:]
        for rule in byRule.keys { links[rule.code] = link(rule.code) }
        for f in findings {
            bytes += "| \(f.severity.rawValue) | \(links[f.rule.code] ?? f.rule.code) | `".utf8
            Self.appendCell(f.location.file, to: &bytes)
            bytes += ":\(f.location.line):\(f.location.column)` | ".utf8
            Self.appendCell(f.message, to: &bytes)
            bytes += " |\n".utf8
        }
        return String(decoding: bytes, as: UTF8.self) + staleNote(result)
    }

    private func staleNote(_ result: LintResult) -> String {
        let stale = result.staleBaseline.values.reduce(0, +)
        guard stale > 0 else { return "" }
        return "\n\(stale) baseline entr\(stale == 1 ? "y matches" : "ies match") nothing any more; `iamlint baseline --prune` removes \(stale == 1 ? "it" : "them").\n"
    }

    /// A table cell's text: `|` escaped, line breaks (CR and LF, byte by byte) made spaces.
    private static func appendCell(_ s: String, to out: inout [UInt8]) {
        s.appendEscapingBytes(to: &out) { byte in
            switch byte {
            case UInt8(ascii: "|"): return "\\|"
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"): return " "
            default: return nil
            }
        }
    }
}
