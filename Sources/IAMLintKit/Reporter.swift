import IAMLintCore

/// Renders a scan's findings in one output format. One small type per format.
public protocol Reporter {
    func render(_ result: LintResult) -> String
    /// Writes the report (the UTF-8 of `render`) to `output`, in one piece or several.
    func write(_ result: LintResult, to output: ([UInt8]) -> Void)
}

extension Reporter {
    public func write(_ result: LintResult, to output: ([UInt8]) -> Void) {
        output(Array(render(result).utf8))
    }
}

/// Compiler-style lines: `path:line:col: severity: message [IAM101 admin-role-without-mfa]`,
/// coloured only when asked (on a terminal without `NO_COLOR`).
public struct TextReporter: Reporter {
    public var colored: Bool

    public init(colored: Bool = false) {
        self.colored = colored
    }

    public func render(_ result: LintResult) -> String {
        result.findings.map(line).joined()
    }

    public func line(_ finding: Finding) -> String {
        let where_ = "\(finding.location.file):\(finding.location.line):\(finding.location.column):"
        let severity = "\(finding.severity.rawValue):"
        let rule = "[\(finding.rule.code) \(finding.rule.slug)]"
        guard colored else { return "\(where_) \(severity) \(finding.message) \(rule)\n" }
        let color: String
        switch finding.severity {
        case .error: color = "\u{1B}[1;31m"
        case .warning: color = "\u{1B}[1;33m"
        case .note: color = "\u{1B}[1;36m"
        }
        let reset = "\u{1B}[0m"
        return "\u{1B}[1m\(where_)\(reset) \(color)\(severity)\(reset) \(finding.message) \u{1B}[2m\(rule)\(reset)\n"
    }

    /// One line that counts findings by severity, for the end of a run.
    public static func summary(_ result: LintResult) -> String {
        let counts = Dictionary(grouping: result.findings, by: \.severity).mapValues(\.count)
        let parts = Severity.allCases.reversed().compactMap { s in counts[s].map { "\($0) \(s.rawValue)\($0 == 1 ? "" : "s")" } }
        var tail = "\(result.scannedFiles.count) file\(result.scannedFiles.count == 1 ? "" : "s") checked"
        if !result.suppressed.isEmpty { tail += "; \(result.suppressed.count) suppressed" }
        let stale = result.staleBaseline.values.reduce(0, +)
        if stale > 0 {
            tail += "; \(stale) baseline entr\(stale == 1 ? "y matches" : "ies match") nothing (`iamlint baseline --prune` removes \(stale == 1 ? "it" : "them"))"
        }
        if parts.isEmpty { return "no findings; \(tail)\n" }
        return "\(result.findings.count) finding\(result.findings.count == 1 ? "" : "s") (\(parts.joined(separator: ", "))); \(tail)\n"
    }
}
