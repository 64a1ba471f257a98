import IAMLintCore
import IAMLintModel

/// Reads an AWS CLI `config` or `credentials` file into profile nodes of the graph.
///
/// Secret values (`aws_secret_access_key`, `aws_session_token`) are kept only as "present":
/// their text never enters the model, so no finding can print it.
public enum AWSConfigLoader {
    static let secretKeys: Set<String> = ["aws_secret_access_key", "aws_session_token"]

    /// Whether `text` looks like an AWS CLI file: its first significant line is a `[section]`.
    public static func looksLikeProfileFile(_ text: String) -> Bool {
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            return trimmed.hasPrefix("[")
        }
        return false
    }

    public static func load(_ text: String, kind: AWSFileKind, file: String) -> GraphFragment {
        var fragment = GraphFragment(file: file)
        let parsed = AWSProfileFile.parse(text, kind: kind)
        for diagnostic in parsed.diagnostics {
            let provenance = Provenance(file: file, logicalPath: "", range: diagnostic.range)
            switch diagnostic.kind {
            case .duplicateKey(let key, let first):
                fragment.problems.append(InputProblem(
                    kind: .duplicateKey, message: "\(diagnostic.message); botocore refuses the file, other SDKs merge it",
                    provenance: Provenance(file: file, logicalPath: key, range: diagnostic.range),
                    related: [RelatedLocation(location: SourceLocation(file: file, range: first), message: "'\(key)' first defined here")]))
            case .syntax:
                fragment.problems.append(InputProblem(kind: .parseError, message: diagnostic.message, provenance: provenance))
            case .limit:
                fragment.problems.append(InputProblem(kind: .limitExceeded, message: diagnostic.message, provenance: provenance))
            }
        }
        let headers = INIParser.parse(text).sections.map(\.range.start.line).sorted()
        for (i, line) in headers.enumerated() {
            let next = i + 1 < headers.count ? headers[i + 1] - 1 : Int.max / 2
            fragment.entityLines.append(line...max(line, next))
        }
        for section in parsed.orderedProfiles {
            var properties: [String: PolicyText] = [:]
            for property in section.orderedProperties {
                let value = secretKeys.contains(property.key) ? "(redacted)" : property.value
                properties[property.key] = PolicyText(value, range: property.valueRange)
            }
            fragment.profiles.append(CLIProfile(
                name: section.name, source: kind == .credentials ? .credentials : .config, properties: properties,
                provenance: Provenance(file: file, logicalPath: "profile \(section.name)", range: section.headerRange)))
        }
        // `[sso-session NAME]` sections are kept apart from the profiles, so that rules can check
        // the sessions profiles refer to without mistaking one for a profile.
        for session in parsed.ssoSessions.values.sorted(by: { $0.headerRange.start < $1.headerRange.start }) {
            var properties: [String: PolicyText] = [:]
            for property in session.orderedProperties {
                properties[property.key] = PolicyText(property.value, range: property.valueRange)
            }
            fragment.ssoSessions.append(CLIProfile(
                name: session.name, kind: .ssoSession, source: .config, properties: properties,
                provenance: Provenance(file: file, logicalPath: "sso-session \(session.name)", range: session.headerRange)))
        }
        return fragment
    }
}
