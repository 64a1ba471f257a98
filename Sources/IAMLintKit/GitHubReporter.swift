import IAMLintCore

/// `--format github`: workflow commands that annotate the pull request diff.
public struct GitHubReporter: Reporter {
    public init() {}

    public func render(_ result: LintResult) -> String {
        result.findings.map { f in
            let command: String
            switch f.severity {
            case .error: command = "error"
            case .warning: command = "warning"
            case .note: command = "notice"
            }
            let r = f.location.range
            let properties = [
                "file=\(Self.property(f.location.file))", "line=\(r.start.line)", "col=\(r.start.column)",
                "endLine=\(r.end.line)", "endColumn=\(r.end.column)", "title=\(Self.property("\(f.rule.code) \(f.rule.slug)"))",
            ]
            return "::\(command) \(properties.joined(separator: ","))::\(Self.data(f.message))\n"
        }.joined()
    }

    static func data(_ s: String) -> String {
        s.replacingAll("%", "%25").replacingAll("\r", "%0D").replacingAll("\n", "%0A")
    }

    static func property(_ s: String) -> String {
        data(s).replacingAll(":", "%3A").replacingAll(",", "%2C")
    }
}

extension String {
    /// Every occurrence of `target` replaced, without Foundation.
    func replacingAll(_ target: Character, _ replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
