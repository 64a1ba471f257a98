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
    /// Threads that write lines side by side (the report is the same for any number).
    public var threads: Int

    public init(colored: Bool = false, threads: Int = 1) {
        self.colored = colored
        self.threads = threads
    }

    public func render(_ result: LintResult) -> String {
        var bytes: [UInt8] = []
        write(result) { bytes += $0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes one line per finding, in blocks (see `ReportBlocks`).
    public func write(_ result: LintResult, to output: ([UInt8]) -> Void) {
        let findings = result.findings
        ReportBlocks.write(count: findings.count, threads: threads, emit: output) { k, out in out += line(findings[k]).utf8 }
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
        // Counted in one pass that reads each finding's severity in place: a `for finding in`
        // loop copies every finding (a retain and a release of each of its texts, a cold cache
        // line each in an organisation's hundred thousand findings), and a dictionary keyed by
        // severity hashes its name for every finding.
        var notes = 0, warnings = 0, errors = 0
        let findings = result.findings
        for index in findings.indices {
            switch findings[index].severity {
            case .note: notes += 1
            case .warning: warnings += 1
            case .error: errors += 1
            }
        }
        let parts = [(errors, Severity.error), (warnings, .warning), (notes, .note)].compactMap { count, s in
            count == 0 ? nil : "\(count) \(s.rawValue)\(count == 1 ? "" : "s")"
        }
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

/// A report's items written in blocks of `size`, on `threads` threads a round of one block per
/// thread at a time, so that a large report is never held whole; each block's bytes are passed to
/// `emit` in order, so the report is the same for any number of threads.
enum ReportBlocks {
    static let size = 512

    static func write(count: Int, threads: Int, emit: ([UInt8]) -> Void, item: (Int, inout [UInt8]) -> Void) {
        let blocks = stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
        let width = max(1, threads)
        for round in stride(from: 0, to: blocks.count, by: width) {
            let texts = Parallel.map(blocks[round..<min(round + width, blocks.count)], threads: threads) { block -> [UInt8] in
                var text: [UInt8] = []
                for k in block { item(k, &text) }
                return text
            }
            for text in texts { emit(text) }
        }
    }
}
