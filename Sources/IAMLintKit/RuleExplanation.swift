import IAMLintRules

/// The `iamlint explain` text of a rule, from the same metadata as the docs.
public enum RuleExplanation {
    /// `examples` says where the rule's examples are when they are not in `docs/rules` (custom rules).
    public static func render(_ m: RuleMetadata, examples: String? = nil) -> String {
        var out = "\(m.code) \(m.slug): \(m.title)\n"
        out += "severity: \(m.severity.rawValue), status: \(m.status.rawValue)\n\n"
        out += "\(m.summary)\n\nWhy this matters\n\(m.rationale)\n\nHow to fix it\n\(m.remediation)\n"
        if !m.references.isEmpty {
            out += "\nReferences\n" + m.references.map { "  \($0)\n" }.joined()
        }
        out += "\nExamples: \(examples ?? "docs/rules/\(m.code).md")\n"
        return out
    }
}

/// The version iamlint reports.
public enum IAMLintVersion {
    public static let current = "0.1.0"
    /// The project's home, for SARIF `informationUri`.
    public static let informationURI = "https://github.com/iamlint/iamlint"
    /// Where the generated rule pages are published.
    public static let rulesURL = "https://github.com/iamlint/iamlint/blob/main/docs/rules"
}
